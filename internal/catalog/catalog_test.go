package catalog

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

const outline = `@f
Feature: F
  Background:
    Given a client
  @a
  Scenario: one
    Given x
  Scenario Outline: row <n>
    Given x <n>
    Then y
    Examples:
      | n |
      | 1 |
      | 2 |
  Rule: R
    Scenario: in a rule
      When z
`

// render writes a case as one line: where, name, tags, steps with lines.
func render(c Case) string {
	var steps []string
	for _, s := range c.Steps {
		steps = append(steps, fmt.Sprintf("%d %s", s.Line, s.Text))
	}
	return fmt.Sprintf("%s:%d:%s:%s:%s", c.URI, c.Line, c.Scenario, strings.Join(c.Tags, " "), strings.Join(steps, "; "))
}

// TestLoad verifies cases come in file order with feature tags inherited,
// outline rows named apart, and steps (background first, placeholders
// filled) on their lines.
func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"features/b.feature":   {Data: []byte(outline)},
		"features/a/a.feature": {Data: []byte("Feature: A\n  Scenario: first\n    Given x\n")},
		"features/readme.md":   {Data: []byte("not a feature")},
		"features/c.feature":   {Data: []byte("# only a comment\n")},
		"features/long.feature": {Data: []byte("Feature: L\n  Scenario: long\n    Given " +
			strings.Repeat("x", maxLine-len("    Given ")-1) + "\r\n")},
	}
	cases, err := Load(fsys, "features")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cases {
		got = append(got, render(c))
	}
	want := []string{
		"features/a/a.feature:2:first::3 x",
		"features/b.feature:6:one:@f @a:4 a client; 7 x",
		"features/b.feature:13:row 1:@f:4 a client; 9 x 1; 10 y",
		"features/b.feature:14:row 2:@f:4 a client; 9 x 2; 10 y",
		"features/b.feature:16:in a rule:@f:4 a client; 17 z",
		"features/long.feature:2:long::3 " + strings.Repeat("x", maxLine-len("    Given ")-1),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cases:\n%.300s\nwant:\n%.300s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLoadRejects verifies that every bad feature file is one line of
// error naming the file, and the line where there is one.
func TestLoadRejects(t *testing.T) {
	long := func(n int) string {
		return "Feature: F\n  Scenario: s\n    Given " + strings.Repeat("x", n-len("    Given "))
	}
	tests := []struct {
		name    string
		file    fstest.MapFile
		wantErr string
	}{
		{"same names", fstest.MapFile{Data: []byte("Feature: F\n  Scenario: same\n    Given x\n  Scenario: same\n    Given y\n")}, `two scenarios named "same"`},
		{"same rows", fstest.MapFile{Data: []byte("Feature: F\n  Scenario Outline: row\n    Given <n>\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n")}, "two scenarios named"},
		{"syntax", fstest.MapFile{Data: []byte("Scenario: x\n")}, "features/x.feature:1:1: expected: "},
		{"syntax twice", fstest.MapFile{Data: []byte("Feature: F\n  Scenario: s\n    Given x\n  oops\n  Scenario: t\n    Given y\n  oops\n")}, "features/x.feature:4:3: expected: "},
		{"syntax, counted", fstest.MapFile{Data: []byte("Feature: F\n  Scenario: s\n    Given x\n  oops\n  Scenario: t\n    Given y\n  oops\n")}, "got '  oops' (and 1 more syntax error)"},
		{"no scenarios", fstest.MapFile{Data: []byte("Feature: F\n")}, "no scenarios found under features"},
		{"no steps", fstest.MapFile{Data: []byte("Feature: F\n  Scenario: s\n    Given x\n  Scenario: empty\n")}, `features/x.feature:4: scenario "empty" has no steps: a scenario must send a request and judge the answer`},
		{"no steps with a background", fstest.MapFile{Data: []byte("Feature: F\n  Background:\n    Given x\n  Scenario: empty\n")}, `features/x.feature:4: scenario "empty" has no steps`},
		{"no steps in an outline", fstest.MapFile{Data: []byte("Feature: F\n  Scenario Outline: o <n>\n    Examples:\n      | n |\n      | 1 |\n")}, `features/x.feature:2: scenario "o <n>" has no steps`},
		{"no steps in a rule", fstest.MapFile{Data: []byte("Feature: F\n  Rule: R\n    Scenario: empty\n")}, `features/x.feature:3: scenario "empty" has no steps`},
		{"examples without rows", fstest.MapFile{Data: []byte("Feature: F\n  Scenario: s\n    Given x\n  Scenario Outline: o <n>\n    Given <n>\n    Examples:\n      | n |\n")}, `features/x.feature:4: scenario "o <n>" has Examples without rows, so it would not run`},
		{"examples without a table", fstest.MapFile{Data: []byte("Feature: F\n  Scenario: s\n    Given x\n    Examples:\n")}, `features/x.feature:2: scenario "s" has Examples without rows`},
		{"line of 64 KiB", fstest.MapFile{Data: []byte(long(maxLine + 1))}, "features/x.feature:3: line is 65536 bytes long; the Gherkin parser reads lines of at most 65535 bytes"},
		{"line of 64 KiB with CR LF", fstest.MapFile{Data: []byte(long(maxLine) + "\r\n")}, "features/x.feature:3: line is 65536 bytes long"},
		{"line of 100 KiB", fstest.MapFile{Data: []byte(long(100<<10) + "\n")}, "features/x.feature:3: line is 102400 bytes long"},
		{"line of 3 MiB", fstest.MapFile{Data: []byte(long(3<<20) + "\n")}, "features/x.feature:3: line is 3145728 bytes long"},
		{"line of 10 MiB", fstest.MapFile{Data: []byte(long(10<<20) + "\n")}, "features/x.feature is larger than 4 MiB"},
		{"4 MiB of short lines", fstest.MapFile{Data: []byte(strings.Repeat("# x\n", 1<<20+1))}, "features/x.feature is larger than 4 MiB"},
		{"named pipe", fstest.MapFile{Mode: fs.ModeNamedPipe}, "features/x.feature is a named pipe (FIFO); want a regular file"},
		{"device", fstest.MapFile{Mode: fs.ModeDevice | fs.ModeCharDevice}, "features/x.feature is a device"},
		{"socket", fstest.MapFile{Mode: fs.ModeSocket}, "features/x.feature is a socket"},
	}
	for _, tt := range tests {
		_, err := Load(fstest.MapFS{"features/x.feature": &tt.file}, "features")
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Load = %.300v; want an error containing %q", tt.name, err, tt.wantErr)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 1000 {
			t.Errorf("%s: Load error %.300q is not one short line", tt.name, msg)
		}
	}
}

// loadGuarded runs Load on a directory, failing the test, rather than
// hanging it, if Load blocks (on a FIFO: it then opens it for writing,
// which lets a blocked reader go on).
func loadGuarded(t *testing.T, dir string, fifo string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(os.DirFS(dir), ".")
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second): // a hang detector, not a timing check
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
		<-done
		t.Fatalf("Load blocked on %s; want it refused before it is opened", fifo)
		return nil
	}
}

// TestLoadFIFO verifies that a FIFO named like a feature file, or a link
// to one, is refused by name instead of blocking the run, and that a link
// to a regular feature file is followed.
func TestLoadFIFO(t *testing.T) {
	tests := []struct {
		name    string
		link    bool // x.feature is a link to the file rather than the file
		fifo    bool
		wantErr string
	}{
		{"FIFO", false, true, "x.feature is a named pipe (FIFO); want a regular file"},
		{"link to a FIFO", true, true, "x.feature is a named pipe (FIFO)"},
		{"link to a feature", true, false, ""},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		target := filepath.Join(dir, "target")
		if tt.fifo {
			if err := syscall.Mkfifo(target, 0o600); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(target, []byte("Feature: F\n  Scenario: s\n    Given x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, "x.feature")
		if err := os.Symlink(target, name); tt.link && err != nil {
			t.Fatal(err)
		} else if !tt.link {
			os.Remove(name)
			if err := os.Rename(target, name); err != nil {
				t.Fatal(err)
			}
			target = name
		}
		err := loadGuarded(t, dir, target)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: Load = %v; want error containing %q", tt.name, err, tt.wantErr)
		}
	}
}

// TestLint verifies undefined and ambiguous steps are all reported, once
// each, sorted by file and line, with a count; and that a vocabulary
// that runs every step passes.
func TestLint(t *testing.T) {
	fsys := fstest.MapFS{
		"features/b.feature": {Data: []byte(outline)},
		"features/a.feature": {Data: []byte("Feature: A\n  Scenario: a\n    Given a client\n    When I send it\n    Then it answers 200\n")},
	}
	cases, err := Load(fsys, "features")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		patterns []string
		want     string // "" for no error
	}{
		{"all defined", []string{`^a client$`, `^x( \d)?$`, `^y$`, `^z$`, `^I send it$`, `^it answers \d+$`}, ""},
		{"undefined and ambiguous", []string{`^a client$`, `^x$`, `^x \d$`, `^x 1$`, `^y$`, `^I send`, `^I send it$`},
			"4 steps match no step of the vocabulary, or more than one:\n" +
				`features/a.feature:4: 2 steps of the vocabulary match "I send it": ^I send | ^I send it$` + "\n" +
				`features/a.feature:5: no step of the vocabulary matches "it answers 200"` + "\n" +
				`features/b.feature:9: 2 steps of the vocabulary match "x 1": ^x \d$ | ^x 1$` + "\n" +
				`features/b.feature:17: no step of the vocabulary matches "z"`,
		},
		{"no vocabulary", nil,
			"9 steps match no step of the vocabulary, or more than one:\n" +
				`features/a.feature:3: no step of the vocabulary matches "a client"` + "\n" +
				`features/a.feature:4: no step of the vocabulary matches "I send it"` + "\n" +
				`features/a.feature:5: no step of the vocabulary matches "it answers 200"` + "\n" +
				`features/b.feature:4: no step of the vocabulary matches "a client"` + "\n" +
				`features/b.feature:7: no step of the vocabulary matches "x"` + "\n" +
				`features/b.feature:9: no step of the vocabulary matches "x 1"` + "\n" +
				`features/b.feature:9: no step of the vocabulary matches "x 2"` + "\n" +
				`features/b.feature:10: no step of the vocabulary matches "y"` + "\n" +
				`features/b.feature:17: no step of the vocabulary matches "z"`,
		},
	}
	for _, tt := range tests {
		var patterns []*regexp.Regexp
		for _, p := range tt.patterns {
			patterns = append(patterns, regexp.MustCompile(p))
		}
		got := ""
		if err := Lint(cases, patterns); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s: Lint =\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
}
