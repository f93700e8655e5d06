package runner

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/repro"
	"github.com/authconform/authconform/internal/termcolor"
	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/userfile"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// formatSpec is one entry of -format: a formatter and where it writes.
type formatSpec struct {
	name string
	path string // "" = the console
}

type formatList []formatSpec

// ownFormats are written by the runner from the verdicts, not by godog:
// they must agree with the exit code (see report.WriteJUnit). Each makes
// its own text safe for where it is read (github and markdown make the
// target's text safe for a terminal themselves).
var ownFormats = map[string]func(io.Writer, verdict.Run) error{
	"github":   report.WriteGitHub,
	"html":     report.WriteHTML,
	"junit":    report.WriteJUnit,
	"json":     report.WriteSummary,
	"markdown": report.WriteMarkdown,
}

// FormatUsage is -format's help: every formatter, what the less obvious
// ones write, and which need a file.
const FormatUsage = "formatters, comma-separated, each name or name:FILE: console (one line per case, then each failure in full), " +
	"pretty, progress, junit (every scenario, with file and line), json (the run's summary), " +
	"github (GitHub Actions annotations of failures and warnings), markdown (a summary for a CI job's page), cucumber, events, html:FILE"

// machineFormats are read by programs: they are written as their encoders
// make them, each escaping what its syntax needs. Every other format is
// read by people and goes through termsafe (see forPeople).
var machineFormats = map[string]bool{"cucumber": true, "events": true, "junit": true, "json": true}

// forPeople returns a writer to w for text people read: masked, cleaned
// of what a terminal would act on, and masked again, as an escape may
// spell a value the first mask could not see. Close flushes every layer;
// it does not close w.
//
// When w keeps colour (termcolor.Keeps), the guard lets the palette's
// sequences through: the console paints only text it has cleaned.
func forPeople(red *redact.Redactor, w io.Writer) io.WriteCloser {
	inner := red.Writer(w)
	var safe io.WriteCloser = termsafe.NewWriter(inner)
	if termcolor.Keeps(w) {
		safe = termcolor.NewWriter(inner)
	}
	return layers{red.Writer(safe), safe, inner}
}

// layers is a stack of writers, each writing to the next: a write goes to
// the first, Close flushes them in order.
type layers []io.WriteCloser

func (l layers) Write(p []byte) (int, error) { return l[0].Write(p) }

func (l layers) Close() error {
	var errs []error
	for _, w := range l {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}

// liveFormats are the runner's own console formats, written as the run
// goes rather than after it.
var liveFormats = map[string]bool{"console": true}

// ParseFormats reads -format, "pretty,junit:out/junit.xml,html:out/report.html",
// and checks it as a run does; "" is the console format. Paths come back
// absolute.
func ParseFormats(s string) ([]setup.Format, error) {
	if strings.TrimSpace(s) == "" {
		s = "console"
	}
	var list []setup.Format
	for _, part := range strings.Split(s, ",") {
		name, path, _ := strings.Cut(strings.TrimSpace(part), ":")
		list = append(list, setup.Format{Name: name, Path: path})
	}
	checked, err := checkFormats(list, s)
	if err != nil {
		return nil, err
	}
	out := make([]setup.Format, len(checked))
	for i, f := range checked {
		out[i] = setup.Format{Name: f.name, Path: f.path}
	}
	return out, nil
}

// checkFormats checks a run's formats, shown as -format would write them
// in messages: each a formatter there is, html to a file, the console
// formats to the console, at most one format to the console, and no two
// to one file. No format is the console format.
func checkFormats(list []setup.Format, shown string) (formatList, error) {
	if len(list) == 0 {
		list, shown = []setup.Format{{Name: "console"}}, "console"
	}
	known := godog.AvailableFormatters()
	var out formatList
	consoles := 0
	seen := map[string]string{}
	for _, f := range list {
		name, path := f.Name, f.Path
		_, godogs := known[name]
		_, ours := ownFormats[name]
		ours = ours || liveFormats[name]
		switch {
		case liveFormats[name] && path != "":
			return nil, fmt.Errorf("-format %s writes to the console only; for a file, use progress:FILE or json:FILE", name)
		case name == "html" && path == "":
			// One self-contained page is not a console format.
			return nil, fmt.Errorf("-format html needs a file: html:FILE")
		case !godogs && !ours:
			return nil, fmt.Errorf("-format %q: unknown formatter %q; want one of %s", shown, name, strings.Join(formatNames(known), ", "))
		}
		if path == "" {
			consoles++
		} else {
			abs, err := filepath.Abs(path)
			if err != nil {
				return nil, fmt.Errorf("-format %s: %v", f, err)
			}
			if other, dup := seen[abs]; dup {
				return nil, fmt.Errorf("-format: %s and %s write to the same file %s; give each report its own file", other, name, path)
			}
			seen[abs], path = name, abs
		}
		out = append(out, formatSpec{name, path})
	}
	if consoles > 1 {
		return nil, fmt.Errorf("-format %q: at most one formatter may write to the console; give the others a file (name:FILE)", shown)
	}
	return out, nil
}

// joinFormats writes a list of formats as -format does.
func joinFormats(list []setup.Format) string {
	parts := make([]string, len(list))
	for i, f := range list {
		parts[i] = f.String()
	}
	return strings.Join(parts, ",")
}

func formatNames(known map[string]string) []string {
	var names []string
	for n := range ownFormats {
		if _, dup := known[n]; !dup {
			names = append(names, n)
		}
	}
	for n := range liveFormats {
		names = append(names, n)
	}
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
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

// console is the formatter that writes to the console, if any.
func (l formatList) console() (formatSpec, bool) {
	for _, f := range l {
		if f.path == "" {
			return f, true
		}
	}
	return formatSpec{}, false
}

// reportFile is a report written to a file. Nothing is ever written at the
// path a user reads until the report is whole and redacted: godog writes
// to a scratch file, and the final text goes to a temporary file beside
// the path, renamed over it at the end. A report from an earlier run is so
// replaced in one step, never left half-written looking current.
type reportFile struct {
	name, path string
	scratch    string   // godog's raw output; "" for the runner's own formats
	tmp        *os.File // beside path, created before the run
}

// open creates the temporary file beside the report's path before any
// request: an unwritable directory is a configuration error then, not a
// lost report at the end of a long run.
func (f *reportFile) open() error {
	// The report is renamed over its path: over a regular file, or a
	// symbolic link (replaced, not followed), never over a directory, a
	// device or a named pipe (as root, junit:/dev/null would otherwise
	// replace the system's /dev/null with a report).
	if err := userfile.Check(f.path, math.MaxInt64); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("-format %s:%s: %v (without :FILE the report goes to the console)", f.name, f.path, err)
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-format %s: cannot create the directory: %v", f.name, err)
	}
	// Exclusive, under a name no one can guess, 0666 less the umask.
	tmp, err := userfile.CreateTemp(dir, "."+filepath.Base(f.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("-format %s: cannot write in %s: %v", f.name, dir, err)
	}
	f.tmp = tmp
	return nil
}

// finish writes the redacted report and renames it into place.
func (f *reportFile) finish(red *redact.Redactor, run verdict.Run) error {
	var buf bytes.Buffer
	if write, ok := ownFormats[f.name]; ok {
		// Mask before rendering as well as after: escaping (XML, HTML)
		// rewrites characters such as + and &, after which a secret
		// holding them no longer reads the same on the way out.
		if err := write(&buf, redactRun(red, run)); err != nil {
			return err
		}
	} else {
		raw, err := os.ReadFile(f.scratch)
		if err != nil {
			return err
		}
		raw = stripColors(raw) // godog writes its colours (uncolored.go)
		if !machineFormats[f.name] {
			raw = termsafe.CleanBytes(red.Bytes(raw))
		}
		buf.Write(raw)
	}
	if _, err := f.tmp.Write(red.Bytes(buf.Bytes())); err != nil {
		return err
	}
	err := userfile.Commit(f.tmp, f.path)
	f.tmp = nil // committed or removed: nothing left to discard
	return err
}

// discard removes the temporary file if the report was never finished.
func (f *reportFile) discard() {
	if f.tmp != nil {
		f.tmp.Close()
		os.Remove(f.tmp.Name())
	}
}

// plan builds godog's Format option, pointing godog's file formatters at
// scratch files, and opens every report file. The cleanup removes scratch
// and unfinished temporary files whatever happens.
func (l formatList) plan() (godogFormat string, files []*reportFile, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "authconform-")
	if err != nil {
		return "", nil, func() {}, err
	}
	cleanup = func() {
		for _, f := range files {
			f.discard()
		}
		os.RemoveAll(dir)
	}
	var parts []string
	for i, f := range l {
		_, ours := ownFormats[f.name]
		ours = ours || liveFormats[f.name]
		switch {
		case f.path == "" && !ours:
			parts = append(parts, f.name)
			continue
		case f.path == "":
			continue // the runner writes it to the console after the run
		}
		rf := &reportFile{name: f.name, path: f.path}
		if !ours {
			rf.scratch = filepath.Join(dir, fmt.Sprintf("%d-%s", i, f.name))
			parts = append(parts, f.name+":"+rf.scratch)
		}
		files = append(files, rf)
		if err := rf.open(); err != nil {
			return "", files, cleanup, err
		}
	}
	if len(parts) == 0 {
		// godog needs a formatter; with only the runner's own formats it
		// has none. Its output goes to a console writer that is discarded.
		parts = append(parts, "progress")
	}
	return strings.Join(parts, ","), files, cleanup, nil
}

// redactRun masks every free-text field of a run.
func redactRun(red *redact.Redactor, run verdict.Run) verdict.Run {
	vs := make([]verdict.Verdict, len(run.Verdicts))
	for i, v := range run.Verdicts {
		v.Repro = repro.Checked(v.Repro, red.String)
		v.Error = red.String(v.Error)
		v.Transcript = red.String(v.Transcript)
		v.Expected = red.String(v.Expected)
		vs[i] = v
	}
	run.Verdicts = vs
	run.Target = red.String(run.Target)
	run.Stopped = red.String(run.Stopped)
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

// planFormats checks the reports asked for and opens their files.
func (p *runPlan) planFormats(list []setup.Format) error {
	var err error
	if p.formats, err = checkFormats(list, joinFormats(list)); err != nil {
		return &ConfigError{err}
	}
	if p.output == nil || p.output == io.Discard {
		// Formatting output nobody reads cost a sixth of a run.
		p.formats = p.formats.filesOnly()
	}
	var cleanup func()
	p.godogFmt, p.reports, cleanup, err = p.formats.plan()
	p.closers = append(p.closers, cleanup)
	if err != nil {
		return &ConfigError{err}
	}
	return nil
}

// writeReports writes every report file, and a runner-written report the
// console asked for, with what ran.
func writeReports(p *runPlan, res verdict.Run) error {
	for _, f := range p.reports {
		if err := f.finish(p.red, res); err != nil {
			return fmt.Errorf("writing the %s report %s: %w", f.name, f.path, err)
		}
	}
	console, ok := p.formats.console()
	write, ours := ownFormats[console.name]
	ours = ours && ok && p.output != nil
	if p.console == nil && !ours {
		return nil
	}
	shown := redactRun(p.red, res)
	if p.console != nil {
		p.console.Finish(shown)
	}
	if !ours {
		return nil
	}
	w := p.red.Writer(p.output)
	if err := write(w, shown); err != nil {
		return err
	}
	return w.Close()
}
