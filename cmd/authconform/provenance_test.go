package main

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/schema"
)

// TestVersionInEveryReport verifies the line -version prints appears,
// identical, in the HTML report, the JUnit properties and the summary,
// and that the summary validates against its schema.
func TestVersionInEveryReport(t *testing.T) {
	v := runCLI(t, nil, "-version")
	line := strings.TrimSpace(v.stdout)
	if v.code != 0 || !strings.HasPrefix(line, "authconform ") || !strings.Contains(line, "suite sha256:") {
		t.Fatalf("-version: exit %d, %q; want exit 0 and the stamp", v.code, v.stdout)
	}
	dir := t.TempDir()
	files := map[string]string{"html": filepath.Join(dir, "r.html"), "junit": filepath.Join(dir, "j.xml"), "json": filepath.Join(dir, "s.json")}
	r := runCLI(t, nil, "-quiet", "-format", "progress,html:"+files["html"]+",junit:"+files["junit"]+",json:"+files["json"])
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(files[name])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if page := string(read("html")); !strings.Contains(page, html.EscapeString(line)) {
		t.Errorf("the HTML report does not carry %q", line)
	}
	var junit struct {
		Suites []struct {
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(read("junit"), &junit); err != nil || len(junit.Suites) == 0 {
		t.Fatalf("JUnit: %v", err)
	}
	found := false
	for _, p := range junit.Suites[0].Props {
		found = found || p.Name == "tool" && p.Value == line
	}
	if !found {
		t.Errorf("JUnit properties %+v carry no tool property %q", junit.Suites[0].Props, line)
	}
	summary := read("json")
	var s struct{ Stamp string }
	if err := json.Unmarshal(summary, &s); err != nil || s.Stamp != line {
		t.Errorf("summary stamp = %q (%v); want %q", s.Stamp, err, line)
	}
	validateSummaryFile(t, summary)
}

func validateSummaryFile(t *testing.T, b []byte) {
	t.Helper()
	reg, err := schema.Load(authconform.Files, "schemas/report")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Validate("run_summary", b); err != nil {
		t.Errorf("summary does not match schemas/report/run_summary.json: %v", err)
	}
}
