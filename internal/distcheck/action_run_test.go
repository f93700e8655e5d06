package distcheck

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/runner"
)

// standIn is an authconform that records its arguments, one a line,
// writes the Markdown summary and the annotations when a markdown:FILE or
// github:FILE format asks for them, prints a workflow command as a
// target's text in its output could, and exits as told; its -h says what
// it is told to.
const standIn = `#!/bin/sh
if [ "$1" = -h ]; then echo "$STANDIN_HELP"; exit 0; fi
printf '%s\n' "$@" > "$STANDIN_ARGS"
for a in "$@"; do
  case "$a" in *markdown:*) p="${a##*markdown:}"; echo "# authconform summary" > "${p%%,*}" ;; esac
  case "$a" in *github:*) p="${a##*github:}"; echo "` + standInAnnotation + `" > "${p%%,*}" ;; esac
done
echo "::warning::forged"
exit "$STANDIN_EXIT"
`

// standInAnnotation is the annotation the stand-in writes.
const standInAnnotation = "::error file=features/a.feature,line=3,title=s::rule: MUST%0Ax = 1; want 2"

// TestActionRunStep runs the action's run step as GitHub runs a bash
// step (bash --noprofile --norc -eo pipefail), with a stand-in
// authconform, as data: the inputs, what -h says, the exit code, and
// the arguments authconform must receive. No input's text may run
// anything: one holds a command substitution that would leave a file.
func TestActionRunStep(t *testing.T) {
	t.Parallel()
	a, steps := loadAction(t)
	i := slices.IndexFunc(steps, func(s step) bool { return s.ID == "run" })
	if i < 0 {
		t.Fatal("action.yml has no step with id run")
	}
	script := steps[i].Run
	// The step's variables as GitHub sets them when no input is given:
	// each to its input's default, "" included.
	defaults := map[string]string{}
	for k, v := range steps[i].Env {
		m := inputRef.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("run step variable %s = %q is no input", k, v)
		}
		defaults[k] = *a.Inputs[m[1]].Default
	}
	tests := []struct {
		name     string
		inputs   map[string]string
		help     string
		exit     string
		want     []string // the arguments; REPORTS stands for the reports directory
		summary  bool     // the job's summary page gets the Markdown summary
		annotate bool     // the annotations are shown, after the run
		exitCode string
	}{
		{name: "this authconform: summary and annotations", help: runner.FormatUsage, exit: "1",
			want:    []string{"-format", "console,junit:REPORTS/junit.xml,json:REPORTS/summary.json,html:REPORTS/report.html,markdown:REPORTS/summary.md,github:REPORTS/annotations.txt"},
			summary: true, annotate: true, exitCode: "1"},
		{name: "github to the console goes to a file shown after the run", help: runner.FormatUsage, exit: "0",
			inputs: map[string]string{"FORMATS": "console,github", "STEP_SUMMARY": "false"},
			want:   []string{"-format", "console,github:REPORTS/annotations.txt"}, annotate: true, exitCode: "0"},
		{name: "no annotations when annotations is false", help: runner.FormatUsage, exit: "0", inputs: map[string]string{"ANNOTATE": "false", "STEP_SUMMARY": "false"},
			want: []string{"-format", "console,junit:REPORTS/junit.xml,json:REPORTS/summary.json,html:REPORTS/report.html"}, exitCode: "0"},
		{name: "defaults, no markdown format yet", help: "-format console, pretty, junit, json, html:FILE", exit: "0",
			want:     []string{"-format", "console,junit:REPORTS/junit.xml,json:REPORTS/summary.json,html:REPORTS/report.html"},
			exitCode: "0"},
		{name: "markdown format known: summary added and shown", help: "-format console, markdown:FILE", exit: "1",
			want:    []string{"-format", "console,junit:REPORTS/junit.xml,json:REPORTS/summary.json,html:REPORTS/report.html,markdown:REPORTS/summary.md"},
			summary: true, exitCode: "1"},
		{name: "every input", help: "markdown", exit: "2",
			inputs: map[string]string{"TARGET": "https://auth.example.com", "PROFILE": "rfc6749", "CONFIG": "ci/authconform.env", "CONFIG_SECTION": "rc",
				"EXPECT_FAILURES": "known.json", "TAGS": "@must && ~@integration", "FORMATS": "progress,markdown:/abs/summary.md,json:s.json", "ARGS": "-strict  -concurrency 2"},
			want: []string{"-target", "https://auth.example.com", "-profile", "rfc6749", "-config", "ci/authconform.env", "-config-section", "rc",
				"-expect-failures", "known.json", "-tags", "@must && ~@integration", "-format", "progress,markdown:/abs/summary.md,json:REPORTS/s.json", "-strict", "-concurrency", "2"},
			exitCode: "2"},
		{name: "no summary when step-summary is false", help: "markdown", exit: "0", inputs: map[string]string{"STEP_SUMMARY": "false"},
			want: []string{"-format", "console,junit:REPORTS/junit.xml,json:REPORTS/summary.json,html:REPORTS/report.html"}, exitCode: "0"},
		{name: "inputs are data", help: "", exit: "0",
			inputs: map[string]string{"TARGET": "$(touch pwned)", "TAGS": "`touch pwned`; touch pwned", "ARGS": "$(touch pwned) ;"},
			want: []string{"-target", "$(touch pwned)", "-tags", "`touch pwned`; touch pwned",
				"-format", "console,junit:REPORTS/junit.xml,json:REPORTS/summary.json,html:REPORTS/report.html", "$(touch", "pwned)", ";"},
			exitCode: "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inputs := maps.Clone(defaults)
			maps.Copy(inputs, tt.inputs)
			got, summary, out, log := runStep(t, script, inputs, tt.help, tt.exit)
			reports := "authconform-reports"
			want := slices.Clone(tt.want)
			for i := range want {
				want[i] = strings.ReplaceAll(want[i], "REPORTS", reports)
			}
			if !slices.Equal(got, want) {
				t.Errorf("authconform received\n%q\nwant\n%q", got, want)
			}
			if (summary != "") != tt.summary {
				t.Errorf("job summary %q; want one: %v", summary, tt.summary)
			}
			if !strings.Contains(out, "exit-code="+tt.exitCode+"\n") || !strings.Contains(out, "reports-dir="+reports+"\n") {
				t.Errorf("step outputs %q; want exit-code=%s and reports-dir=%s", out, tt.exitCode, reports)
			}
			checkCommandsStopped(t, log, tt.annotate)
		})
	}
}

// checkCommandsStopped verifies that the step's log, as GitHub reads it,
// holds no workflow command from the run's own output (the stand-in's
// ::warning comes while commands are stopped, under a token that is not
// guessable) and holds the annotations, once commands are back on, when
// annotate.
func checkCommandsStopped(t *testing.T, log string, annotate bool) {
	t.Helper()
	lines := strings.Split(log, "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "::stop-commands::") })
	if i < 0 {
		t.Fatalf("the step never stops workflow commands:\n%s", log)
	}
	token := strings.TrimPrefix(lines[i], "::stop-commands::")
	end := slices.Index(lines, "::"+token+"::")
	forged := slices.Index(lines, "::warning::forged")
	if len(token) < 32 || end < 0 || forged < i || forged > end {
		t.Errorf("the run's output is not inside stop-commands under a long token (token %q, lines %d..%d, the run's command at %d):\n%s", token, i, end, forged, log)
	}
	shown := slices.Index(lines, standInAnnotation)
	if annotate != (shown > end) {
		t.Errorf("annotations shown after the run: %v; want %v:\n%s", shown > end, annotate, log)
	}
}

// runStep runs script in a fresh directory with the stand-in on PATH and
// the inputs' variables, and returns what the stand-in received, the job
// summary, the step's outputs and its log.
func runStep(t *testing.T, script string, inputs map[string]string, help, exit string) (args []string, summary, outputs, log string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	work := filepath.Join(dir, "work")
	for _, d := range []string{bin, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "authconform"), []byte(standIn), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"PATH": bin + ":/usr/bin:/bin", "STANDIN_HELP": help, "STANDIN_EXIT": exit, "STANDIN_ARGS": filepath.Join(dir, "args"),
		"GITHUB_OUTPUT": filepath.Join(dir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
	}
	for k, v := range inputs {
		env[k] = v
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = work
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the run step failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(work, "pwned")); err == nil {
		t.Fatal("an input's text ran as a command")
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	return strings.Split(strings.TrimSuffix(read("args"), "\n"), "\n"), read("summary"), read("output"), string(out)
}
