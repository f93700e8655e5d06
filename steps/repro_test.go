package steps

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/repro/pastetest"
	"github.com/authconform/authconform/internal/verdict"
)

// Bodies of the reproduce-line cases: an integration (Commerce Layer) and
// an RFC 6749 client, each sending its secret.
const (
	integrationBody = `{"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"}`
	clientBody      = `{"grant_type": "client_credentials", "client_id": "{{client.client_id}}", "client_secret": "{{client.client_secret}}"}`
	failLine        = "Then the response status should be 599"
)

// reproCase is a request a scenario sends, and the variable its line must
// read the secret from.
type reproCase struct {
	name     string
	profile  config.Profile
	fromFile bool
	lines    []line
	path     string // where the request goes
	wantVar  string // the secret's variable, as the line writes it
}

func reproCases() []reproCase {
	cl, rfc := config.CommerceLayer, config.RFC6749
	const (
		inline = `"$AUTHCONFORM_INTEGRATION_CLIENT_SECRET"`
		client = "AUTHCONFORM_CLIENT_SECRET"
	)
	return []reproCase{
		{"JSON body", cl, false, []line{{requestLine, integrationBody}, {sentLine, ""}}, tokenPath, inline},
		{"JSON body, secret from a file", cl, true, []line{{requestLine, integrationBody}, {sentLine, ""}}, tokenPath,
			`"$(cat -- "$AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE")"`},
		{"GET with the secret in the query", cl, false, []line{{requestLine, integrationBody},
			{`When the token request is sent with method "GET" and its parameters in the query string`, ""}}, tokenPath, "$AUTHCONFORM_INTEGRATION_CLIENT_SECRET"},
		{"revocation", cl, false, append([]line{issued}, viaRevocation...), "/oauth/revoke", "$AUTHCONFORM_INTEGRATION_CLIENT_SECRET"},
		{"protected resource", cl, false, append([]line{issued}, viaResource...), resourcePath, ""},
		{"form body", rfc, false, []line{{requestLine, clientBody}, {sentLine, ""}}, tokenPath, client},
		{"HTTP Basic", rfc, false, []line{{requestLine, clientBody}, {"And the client authenticates with HTTP Basic", ""}, {sentLine, ""}}, tokenPath, client},
		{"HTTP Basic and in the body, secret from a file", rfc, true, []line{{requestLine, clientBody},
			{"And the client authenticates with HTTP Basic and in the body", ""}, {sentLine, ""}}, tokenPath, client + "_FILE"},
	}
}

// reproPieces are what the hostile secret and token are made of: shell
// quotes, command substitutions that would leave a file behind, separators,
// history expansions, globs, and characters every encoding changes. The
// token leaves out the line breaks a header cannot carry.
var reproPieces = []string{`'`, `"`, `\`, `\''`, `$(echo x >> pwned)`, "`echo x >> pwned`", `'$(echo x >> pwned)'`,
	`;`, `&`, `|`, `!`, `!!`, `*`, `?`, `[a]`, `{a,b}`, `~`, `#`, `%`, `+`, `=`, `:`, `<`, `>`, ` `, `é`, "\u2028", "\n"}

func hostileValue(rng *rand.Rand, breaks bool) string {
	var b strings.Builder
	b.WriteString("v") // no surrounding white space: the configuration trims it
	for b.Len() < 24 {
		if p := reproPieces[rng.IntN(len(reproPieces))]; breaks || p != "\n" {
			b.WriteString(p)
		}
	}
	b.WriteString("z")
	return b.String()
}

// reproRun is a case played against its own target, and the line its
// failure printed.
type reproRun struct {
	reproCase
	lt   *liveTarget
	sent httpclient.Request // the request the line must send again
	line string
}

// TestReproLinesSendTheRequestAgain plays every kind of request a scenario
// sends (JSON and form bodies, HTTP Basic, the query string, revocation,
// the protected resource), with a client secret and an issued token made
// of shell metacharacters, fails it, and takes the line its verdict
// prints. Each line must hold neither value in any encoding the redactor
// knows; name the secret by the variable (or _FILE) it came from; run
// nothing but curl when pasted into an interactive bash or zsh, giving curl
// the request that was sent; and, run with the real curl against the same
// target, send that request again.
func TestReproLinesSendTheRequestAgain(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x5eed_2026, 1919))
	secret, token := hostileValue(rng, true), hostileValue(rng, false)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret $(echo x >> pwned) '!")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AUTHCONFORM_ACCESS_TOKEN": token}
	var runs []reproRun
	for _, c := range reproCases() {
		r := playRepro(t, c, secret, token)
		if strings.Contains(r.line, secret) || strings.Contains(r.line, token) || redact.New(secret, token).Contains([]byte(r.line)) {
			t.Errorf("%s: the line holds the secret or the token:\n%s", c.name, r.line)
		}
		if !strings.Contains(r.line, c.wantVar) {
			t.Errorf("%s: the line does not read the secret as %s:\n%s", c.name, c.wantVar, r.line)
		}
		name := secretVar(c)
		if c.fromFile {
			env[name] = secretFile
		} else {
			env[name] = secret
		}
		runs = append(runs, r)
	}
	var lines []string
	for _, r := range runs {
		lines = append(lines, r.line)
	}
	for shell := range pastetest.Shells {
		res := pastetest.Run(t, shell, lines, env)
		if len(res.SideEffects) > 0 {
			t.Fatalf("%s: a line ran something besides curl, leaving %q:\n%s", shell, res.SideEffects, res.Output)
		}
		for i, r := range runs {
			got, err := pastetest.Request(res.Argv[i])
			if err != nil {
				t.Errorf("%s, %s: %v\n%s", shell, r.name, err, r.line)
				continue
			}
			checkSameRequest(t, shell+", "+r.name, r.sent, got)
		}
	}
	checkWithCurl(t, runs, env)
}

// secretVar is the variable the case's secret is read from.
func secretVar(c reproCase) string {
	name := config.EnvIntegrationClientSecret
	if c.profile.Name == config.RFC6749.Name {
		name = config.EnvClientSecret
	}
	if c.fromFile {
		name += "_FILE"
	}
	return name
}

// playRepro plays the case on a fresh target issuing token, fails it, and
// returns the line its verdict prints.
func playRepro(t *testing.T, c reproCase, secret, token string) reproRun {
	t.Helper()
	lt := fakeTarget{tokenText: token}.start(t)
	s := lt.suite(t)
	s.Target.Profile = c.profile
	s.Target.Integration = config.Client{ID: "in", Secret: secret, Lifetime: 7200, SecretFromFile: c.fromFile}
	s.Target.Client = config.Client{ID: "my client", Secret: secret, SecretFromFile: c.fromFile}
	s.Target.BasicClient = s.Target.Client
	s.Redactor = redact.New(secret)
	var v verdict.Verdict
	s.OnDone = func(got verdict.Verdict) { v = got }
	st := named(t, newScenario(s), c.name)
	if err := play(t, st, c.lines...); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	err := runLine(t, st, failLine, nil)
	if err == nil {
		t.Fatalf("%s: %q passed", c.name, failLine)
	}
	_, _ = st.finish(context.Background(), nil, err)
	if v.Repro == "" || strings.HasPrefix(v.Repro, "#") {
		t.Fatalf("%s: no command in the verdict: %q", c.name, v.Repro)
	}
	return reproRun{reproCase: c, lt: lt, sent: st.answer.Request, line: v.Repro}
}

// checkSameRequest compares the request a line sends with the one the
// scenario sent: method, URL, body (a JSON body as the JSON it holds, since
// the line escapes fewer characters than encoding/json), and every header
// the scenario set.
func checkSameRequest(t *testing.T, what string, want httpclient.Request, got pastetest.Sent) {
	t.Helper()
	if got.Method != want.Method || got.URL != want.URL {
		t.Errorf("%s: %s %s; want %s %s", what, got.Method, got.URL, want.Method, want.URL)
	}
	for name, vals := range want.Header {
		if g := got.Header.Values(name); !reflect.DeepEqual(g, vals) {
			t.Errorf("%s: header %s = %q; want %q", what, name, g, vals)
		}
	}
	checkSameBody(t, what, want.Header.Get("Content-Type"), want.Body, got.Body)
}

func checkSameBody(t *testing.T, what, contentType string, want, got []byte) {
	t.Helper()
	if contentType != "application/json" {
		if string(got) != string(want) {
			t.Errorf("%s: body %q; want %q", what, got, want)
		}
		return
	}
	var g, w any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: the body sent is not JSON: %v", what, err)
	}
	if err := json.Unmarshal(got, &g); err != nil || !reflect.DeepEqual(g, w) {
		t.Errorf("%s: body %q (%v); want the JSON of %q", what, got, err, want)
	}
}

// checkWithCurl runs every line with the real curl, in bash, against the
// case's own target, and compares what the target received the second
// time with the first.
func checkWithCurl(t *testing.T, runs []reproRun, env map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Log("curl is not installed: the lines were checked against a stub only")
		return
	}
	var script strings.Builder
	for _, r := range runs {
		script.WriteString(r.line + " >/dev/null || echo curl failed\n")
	}
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script.String())
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("the lines with curl: %v\n%s", err, out)
	}
	for _, r := range runs {
		seen := r.lt.requests(r.path)
		if len(seen) < 2 {
			t.Errorf("%s: the target got %d requests at %s; want the scenario's and curl's", r.name, len(seen), r.path)
			continue
		}
		first, again := seen[len(seen)-2], seen[len(seen)-1]
		if again.method != first.method || again.query != first.query {
			t.Errorf("%s: curl sent %s ?%s; want %s ?%s", r.name, again.method, again.query, first.method, first.query)
		}
		for _, h := range []string{"Authorization", "Content-Type", "Accept"} {
			if again.header.Get(h) != first.header.Get(h) {
				t.Errorf("%s: curl sent %s %q; want %q", r.name, h, again.header.Get(h), first.header.Get(h))
			}
		}
		checkSameBody(t, r.name+", with curl", first.header.Get("Content-Type"), first.body, again.body)
	}
}
