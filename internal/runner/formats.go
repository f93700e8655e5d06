package runner

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/verdict"
)

// formatSpec is one entry of -format: a formatter and where it writes.
type formatSpec struct {
	name string
	path string // "" = the console
}

type formatList []formatSpec

// parseFormats reads "pretty,junit:out/junit.xml,html:out/report.html".
func parseFormats(s string) (formatList, error) {
	if strings.TrimSpace(s) == "" {
		s = "pretty"
	}
	known := godog.AvailableFormatters()
	var out formatList
	consoles := 0
	for _, part := range strings.Split(s, ",") {
		name, path, _ := strings.Cut(strings.TrimSpace(part), ":")
		if name == "html" && path == "" {
			return nil, fmt.Errorf("-format html needs a file: html:FILE")
		}
		if _, ok := known[name]; !ok && name != "html" {
			names := []string{"html"}
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("-format %q: unknown formatter %q; want one of %s", s, name, strings.Join(names, ", "))
		}
		if path == "" {
			consoles++
		}
		out = append(out, formatSpec{name, path})
	}
	if consoles > 1 {
		return nil, fmt.Errorf("-format %q: at most one formatter may write to the console; give the others a file (name:FILE)", s)
	}
	return out, nil
}

// wants reports whether a formatter of this name is in the list.
func (l formatList) wants(name string) bool {
	for _, f := range l {
		if f.name == name {
			return true
		}
	}
	return false
}

// filesOnly drops the formatters that write to the console.
func (l formatList) filesOnly() formatList {
	var out formatList
	for _, f := range l {
		if f.path != "" {
			out = append(out, f)
		}
	}
	return out
}

// reportFile is a report written to a file. godog's formatters write to a
// temporary file first; finish copies it to its place with every secret
// masked, so nothing unredacted ever sits at the path a user reads.
type reportFile struct {
	name, path, tmp string
}

func (f reportFile) finish(red *redact.Redactor, run verdict.Run) error {
	if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
		return err
	}
	if f.name == "html" {
		out, err := os.Create(f.path)
		if err != nil {
			return err
		}
		// Mask before rendering as well as after: html/template escapes
		// characters such as + and &, after which a secret containing them
		// no longer matches on the way out.
		w := red.Writer(out)
		if err := report.WriteHTML(w, redactRun(red, run)); err != nil {
			out.Close()
			return err
		}
		if err := w.Close(); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
	raw, err := os.ReadFile(f.tmp)
	if err != nil {
		return err
	}
	return os.WriteFile(f.path, red.Bytes(raw), 0o644)
}

// godogFormat builds godog's Format option, pointing file formatters at
// temporary files, and returns the files to finish after the run.
func (l formatList) godogFormat() (string, []reportFile, func(), error) {
	dir, err := os.MkdirTemp("", "authconform-")
	if err != nil {
		return "", nil, func() {}, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	var parts []string
	var files []reportFile
	for i, f := range l {
		if f.path == "" {
			parts = append(parts, f.name)
			continue
		}
		abs, err := filepath.Abs(f.path)
		if err != nil {
			return "", nil, cleanup, err
		}
		rf := reportFile{name: f.name, path: abs}
		if f.name != "html" {
			rf.tmp = filepath.Join(dir, fmt.Sprintf("%d-%s", i, f.name))
			parts = append(parts, f.name+":"+rf.tmp)
		}
		files = append(files, rf)
	}
	if len(parts) == 0 {
		// godog needs a formatter; the html report alone leaves it none.
		// Its output goes to the console writer, which is io.Discard here.
		parts = append(parts, "progress")
	}
	return strings.Join(parts, ","), files, cleanup, nil
}

// redactRun masks every free-text field of a run.
func redactRun(red *redact.Redactor, run verdict.Run) verdict.Run {
	vs := make([]verdict.Verdict, len(run.Verdicts))
	for i, v := range run.Verdicts {
		v.Error = red.String(v.Error)
		v.Transcript = red.String(v.Transcript)
		v.Expected = red.String(v.Expected)
		vs[i] = v
	}
	run.Verdicts = vs
	run.Target = red.String(run.Target)
	return run
}

func systemPool() (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		return x509.NewCertPool(), nil
	}
	return pool, nil
}

func sortVerdicts(v []verdict.Verdict) {
	sort.SliceStable(v, func(i, j int) bool { return v[i].Order < v[j].Order })
}
