package distcheck

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

// top is the repository's top directory, from this package's.
const top = "../.."

func readTop(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(top, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// action is action.yml as GitHub reads it.
type action struct {
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     *string
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string      `yaml:"using"`
		Steps []yaml.Node `yaml:"steps"`
	} `yaml:"runs"`
}

// step is the part of a composite step the structure checks read.
type step struct {
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

func loadAction(t *testing.T) (action, []step) {
	t.Helper()
	var a action
	if err := yaml.Unmarshal(readTop(t, "action.yml"), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	steps := make([]step, len(a.Runs.Steps))
	for i := range a.Runs.Steps {
		if err := a.Runs.Steps[i].Decode(&steps[i]); err != nil {
			t.Fatalf("action.yml step %d: %v", i+1, err)
		}
	}
	return a, steps
}

var (
	inputRef = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepRef  = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.`)
)

// TestActionStructure verifies what actionlint does not check of a
// composite action's own file: every run step names its shell, no script
// holds an expression (inputs reach scripts as environment variables,
// so no input's text can become a command), every input referred to
// exists and every input is used, and every step referred to exists
// before the reference.
func TestActionStructure(t *testing.T) {
	t.Parallel()
	a, steps := loadAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q; want composite", a.Runs.Using)
	}
	used := map[string]bool{}
	seen := map[string]bool{}
	refs := func(where, text string) {
		for _, m := range inputRef.FindAllStringSubmatch(text, -1) {
			used[m[1]] = true
			if _, ok := a.Inputs[m[1]]; !ok {
				t.Errorf("%s refers to inputs.%s, which action.yml does not declare", where, m[1])
			}
		}
		for _, m := range stepRef.FindAllStringSubmatch(text, -1) {
			if !seen[m[1]] {
				t.Errorf("%s refers to steps.%s, which is no earlier step's id", where, m[1])
			}
		}
	}
	for i, s := range steps {
		where := "step " + strings.TrimSpace(s.ID+" "+itoa(i+1))
		if s.Run != "" && s.Shell == "" {
			t.Errorf("%s runs a script without shell:", where)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("%s has an expression in its script; pass it through env", where)
		}
		refs(where+" if", s.If)
		for k, v := range s.Env {
			refs(where+" env "+k, v)
		}
		for k, v := range s.With {
			refs(where+" with "+k, v)
		}
		if s.ID != "" {
			seen[s.ID] = true
		}
	}
	for name, o := range a.Outputs {
		refs("output "+name, o.Value)
	}
	readme := string(readTop(t, "README.md"))
	for name, in := range a.Inputs {
		if !strings.Contains(readme, "`"+name+"`") {
			t.Errorf("input %s is not described in the README", name)
		}
		if !used[name] {
			t.Errorf("input %s is declared but no step uses it", name)
		}
		if in.Description == "" || in.Default == nil {
			t.Errorf("input %s: want a description and a default", name)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestActionLint runs actionlint over the action three ways: its steps as
// the job of a reusable workflow whose inputs are the action's (so their
// expressions, the actions they use and, with shellcheck installed,
// their scripts are checked), a workflow that uses it as a local action
// with every input (so the inputs' declaration is), and the README's
// GitHub recipe with the action's name replaced by the local one.
func TestActionLint(t *testing.T) {
	t.Parallel()
	a, _ := loadAction(t)
	workflows := map[string][]byte{
		"composite-steps.yml":  compositeAsWorkflow(t, a),
		"uses-every-input.yml": usesEveryInput(t, a),
	}
	recipes := readmeRecipes(t, "yaml")
	n := 0
	for _, r := range recipes {
		if !strings.Contains(r, "runs-on:") {
			continue // not a GitHub workflow
		}
		n++
		local := regexp.MustCompile(`authconform/authconform@[A-Za-z0-9._/-]+`).ReplaceAllString(r, "./")
		workflows["readme-recipe-"+itoa(n)+".yml"] = []byte(local)
	}
	if n == 0 {
		t.Fatal("the README has no GitHub workflow recipe (a ```yaml block with runs-on:)")
	}
	for _, e := range lint(t, workflows) {
		t.Errorf("%s", e)
	}
}

// lint runs actionlint over workflows in a scratch repository holding a
// copy of action.yml at its top, as a user's checkout of this one would.
func lint(t *testing.T, workflows map[string][]byte) []string {
	t.Helper()
	root := t.TempDir()
	wfDir := filepath.Join(root, ".github", "workflows")
	if err := os.MkdirAll(wfDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "action.yml"), readTop(t, "action.yml"), 0o644); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for name, b := range workflows {
		p := filepath.Join(wfDir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	slices.Sort(paths)
	proj, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{Shellcheck: shellcheck(t), WorkingDir: root})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(paths, proj)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, filepath.Base(e.Filepath)+":"+itoa(e.Line)+": "+e.Message+" ["+e.Kind+"]")
	}
	return out
}

// shellcheck is the shellcheck actionlint runs the scripts through: ""
// (scripts unchecked) when it is not installed, unless make test asks
// for it (AUTHCONFORM_REQUIRE_SHELLCHECK=1; it installs Debian's).
func shellcheck(t *testing.T) string {
	p, err := exec.LookPath("shellcheck")
	if err != nil {
		if os.Getenv("AUTHCONFORM_REQUIRE_SHELLCHECK") == "1" {
			t.Fatalf("AUTHCONFORM_REQUIRE_SHELLCHECK=1 but no shellcheck: %v (apt-get install shellcheck)", err)
		}
		t.Logf("no shellcheck: the action's scripts are not checked (apt-get install shellcheck)")
		return ""
	}
	return p
}

// compositeAsWorkflow is a reusable workflow whose inputs are the
// action's and whose one job runs the action's steps as they are.
func compositeAsWorkflow(t *testing.T, a action) []byte {
	t.Helper()
	inputs := map[string]any{}
	for name, in := range a.Inputs {
		inputs[name] = map[string]any{"type": "string", "required": false, "default": *in.Default, "description": in.Description}
	}
	wf := map[string]any{
		"name": "the steps of action.yml",
		"on":   map[string]any{"workflow_call": map[string]any{"inputs": inputs}},
		"jobs": map[string]any{"action": map[string]any{"runs-on": "ubuntu-latest", "steps": a.Runs.Steps}},
	}
	return marshal(t, wf)
}

// usesEveryInput is a workflow that uses the action as a local action,
// giving each input.
func usesEveryInput(t *testing.T, a action) []byte {
	t.Helper()
	with := map[string]string{}
	for name := range a.Inputs {
		with[name] = "x"
	}
	wf := map[string]any{
		"name": "uses action.yml",
		"on":   "push",
		"jobs": map[string]any{"conformance": map[string]any{"runs-on": "ubuntu-latest", "steps": []any{
			map[string]any{"uses": "actions/checkout@v4"},
			map[string]any{"id": "authconform", "uses": "./", "with": with},
			map[string]any{"run": `echo "exit $CODE"`, "env": map[string]string{"CODE": "${{ steps.authconform.outputs.exit-code }}"}},
		}}},
	}
	return marshal(t, wf)
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
