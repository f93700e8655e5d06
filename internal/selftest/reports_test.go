package selftest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
	"github.com/authconform/authconform/steps"
)

// reportFiles are the report formats written to files, by file name.
var reportFiles = []struct{ format, file string }{
	{"junit", "report.xml"},
	{"cucumber", "report.json"},
	{"html", "report.html"},
}

// runReports runs the whole suite against url, concurrency scenarios at a
// time, writing every file report into a new directory, and returns the
// run and each report's text by file name.
func runReports(t *testing.T, url string, concurrency int) (verdict.Run, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	var formats []setup.Format
	for _, r := range reportFiles {
		formats = append(formats, setup.Format{Name: r.format, Path: filepath.Join(dir, r.file)})
	}
	res, err := runner.Run(context.Background(), suiteAt(url, concurrency, formats...))
	if err != nil {
		t.Fatalf("runner.Run (concurrency %d): %v", concurrency, err)
	}
	out := map[string]string{}
	for _, r := range reportFiles {
		b, err := os.ReadFile(filepath.Join(dir, r.file))
		if err != nil {
			t.Fatalf("concurrency %d wrote no %s report: %v", concurrency, r.format, err)
		}
		out[r.file] = string(b)
	}
	return res, out
}

// runVarying are what may differ between two runs of the same suite
// against the same server, whatever their concurrency: how long things
// took, when they happened, and the values generated per scenario or per
// token. Everything else in a report must be the same.
var runVarying = []struct {
	what string
	re   *regexp.Regexp
	with string
}{
	// First, so no later pattern takes a piece of a generated value.
	{"values generated per scenario", steps.GeneratedValue, `<generated>`},
	{"JUnit durations", regexp.MustCompile(`time="[0-9.e+-]+"`), `time="T"`},
	{"cucumber durations", regexp.MustCompile(`"duration":\s*\d+`), `"duration":D`},
	{"start time", regexp.MustCompile(`<time datetime="[^"]*">[^<]*</time>`), `<time>T</time>`},
	{"durations in text", regexp.MustCompile(`(&lt;|<)?\d+(\.\d+)?(ns|µs|us|ms|s)\b`), `DUR`},
	{"Date headers", regexp.MustCompile(`Date: [^\n<"\\]*`), `Date: D`},
	{"token lengths", regexp.MustCompile(`Content-Length: \d+`), `Content-Length: L`},
	{"Unix times", regexp.MustCompile(`\b\d{9,}\b`), `N`},
}

// attachmentData is a cucumber attachment: base64 of a transcript, whose
// run-varying values the patterns above can only see once decoded.
var attachmentData = regexp.MustCompile(`"data":\s*"([A-Za-z0-9+/=]+)"`)

func normalizeRun(s string) string {
	s = attachmentData.ReplaceAllStringFunc(s, func(m string) string {
		b, err := base64.StdEncoding.DecodeString(attachmentData.FindStringSubmatch(m)[1])
		if err != nil {
			return m
		}
		q, _ := json.Marshal(string(b))
		return `"data": ` + string(q)
	})
	for _, v := range runVarying {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

// TestNormalizeRunKeepsVerdicts verifies the normalisation cannot hide
// what the comparison is for: statuses, scenario names and error texts
// survive it, while the values that vary from run to run do not.
func TestNormalizeRunKeepsVerdicts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		a, b     string
		wantSame bool
	}{
		{"timing", `<testcase name="x" status="passed" time="0.004"></testcase>`, `<testcase name="x" status="passed" time="0.017"></testcase>`, true},
		{"status", `<testcase name="x" status="passed" time="0.004">`, `<testcase name="x" status="failed" time="0.004">`, false},
		{"order", "<td>A</td>\n<td>B</td>", "<td>B</td>\n<td>A</td>", false},
		{"error text", `status = 200; want one of 400, 401`, `status = 200; want one of 400, 403`, false},
		{"generated values", `"client_id": "authconform-unknown-Ab12Cd34Ef56", "scope": "market:id:zzAb12Cd34Q"`, `"client_id": "authconform-unknown-Zz98Yy76Xx54", "scope": "market:id:zzQq11Ww22Q"`, true},
		{"fixed client", `"client_id": "authconform-sales-channel"`, `"client_id": "authconform-integration"`, false},
		{"status code is not a duration", `--- response: 401 Unauthorized (3ms) ---`, `--- response: 400 Bad Request (3ms) ---`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if same := normalizeRun(tt.a) == normalizeRun(tt.b); same != tt.wantSame {
				t.Errorf("normalised alike = %v; want %v\n  %s\n  %s", same, tt.wantSame, normalizeRun(tt.a), normalizeRun(tt.b))
			}
		})
	}
}
