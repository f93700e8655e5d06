package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/repro"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// TestParseFormats verifies -format is refused, with a reason, before any
// request when two reports share a file or a formatter is unknown, and
// that a run checks a list built in Go as ParseFormats checks -format.
func TestParseFormats(t *testing.T) {
	tests := []struct {
		format  string
		wantErr string // "" = accepted
	}{
		{"pretty", ""},
		{"progress,junit:out/j.xml,cucumber:out/c.json,html:out/r.html", ""},
		{"junit", ""},
		{"junit:out/r.xml,cucumber:out/r.xml", "same file"},
		{"junit:out/r.xml,junit:out/../out/r.xml", "same file"},
		{"pretty,progress", "at most one formatter may write to the console"},
		{"html", "html needs a file"},
		{"fancy", "unknown formatter"},
	}
	for _, tt := range tests {
		t.Run("format="+tt.format, func(t *testing.T) {
			_, err := ParseFormats(tt.format)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v; want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v; want one saying %q", err, tt.wantErr)
			}
			var list []setup.Format
			for _, part := range strings.Split(tt.format, ",") {
				name, path, _ := strings.Cut(part, ":")
				list = append(list, setup.Format{Name: name, Path: path})
			}
			if _, runErr := checkFormats(list, tt.format); (runErr == nil) != (err == nil) {
				t.Errorf("a run's check of %v: error %v; ParseFormats: %v", list, runErr, err)
			}
		})
	}
}

// TestReportFilesReplaceWhole verifies a report is written beside its
// path and renamed into place: an earlier report is replaced whole, and
// nothing but the report is left in its directory, finished or not.
func TestReportFilesReplaceWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "junit.xml")
	if err := os.WriteFile(path, []byte("an earlier run"), 0o644); err != nil {
		t.Fatal(err)
	}
	formats, err := checkFormats([]setup.Format{{Name: "junit", Path: path}, {Name: "html", Path: filepath.Join(dir, "r.html")}}, "")
	if err != nil {
		t.Fatal(err)
	}
	_, files, cleanup, err := formats.plan()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "an earlier run" {
		t.Errorf("the report changed before the run ended: %q", b)
	}
	run := verdict.Run{Verdicts: []verdict.Verdict{{URI: "f.feature", Scenario: "s", Status: verdict.Passed}}}
	if err := files[0].finish(redact.New(), run); err != nil {
		t.Fatal(err)
	}
	cleanup() // the html report was never finished
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `<testcase name="s"`) {
		t.Errorf("junit.xml = %q; want the new report", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v; want only junit.xml", names)
	}
}

// TestReportPathUnwritable verifies a report path that cannot be written is
// found when the run is planned, naming the format.
func TestReportPathUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []setup.Format{{Name: "junit", Path: filepath.Join(file, "r.xml")}, {Name: "cucumber", Path: filepath.Dir(file)}} {
		formats, err := checkFormats([]setup.Format{format}, "")
		if err != nil {
			t.Fatal(err)
		}
		_, _, cleanup, err := formats.plan()
		cleanup()
		if err == nil || !strings.Contains(err.Error(), "-format") {
			t.Errorf("plan(%s) error = %v; want one naming -format", format, err)
		}
	}
}

// TestReproLineWithheldNotRewritten verifies a reproduce line that the
// output's masking would change (a token issued after the line was built
// equals a piece of it, quotes included) is withheld whole: a mask in the
// middle of a quoted line could end a quote early.
func TestReproLineWithheldNotRewritten(t *testing.T) {
	line := `curl -sS -i -g -X GET --url 'http://h/' \` + "\n" + `  -H 'Authorization: Bearer '"$AUTHCONFORM_ACCESS_TOKEN"`
	run := verdict.Run{Verdicts: []verdict.Verdict{{Repro: line}, {Repro: "curl -sS --url 'http://h/'"}}}
	got := redactRun(redact.New(`'"$AUTHCONFORM_ACCESS`), run)
	if r := got.Verdicts[0].Repro; r != repro.Withheld {
		t.Errorf("a line the mask changes became %q; want it withheld", r)
	}
	if r := got.Verdicts[1].Repro; r != run.Verdicts[1].Repro {
		t.Errorf("a line the mask leaves alone became %q", r)
	}
}
