package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/repro/pastetest"
)

// The reproduce-line battery: the reference server, configured with client
// secrets made of shell metacharacters, behind a proxy that swaps every
// token it issues for one made of shell metacharacters too (and swaps it
// back when the suite presents it). The run fails many scenarios; every
// reproduce line it prints is then searched for the secrets and tokens and
// pasted into an interactive bash whose curl only records its arguments.

// shellPieces are what the hostile secrets and tokens are made of.
var shellPieces = []string{`'`, `"`, `\`, `\''`, `$(echo x >> pwned)`, "`echo x >> pwned`", `'$(echo x >> pwned)'`,
	`;`, `&`, `|`, `!`, `!!`, `*`, `?`, `[a]`, `{a,b}`, `~`, `#`, `%`, `+`, `=`, `:`, `<`, `>`, ` `, `é`}

func shellText(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("v")
	for b.Len() < n {
		b.WriteString(shellPieces[rng.IntN(len(shellPieces))])
	}
	return b.String() + "z"
}

// tokenSwap issues, for every token the server issues, a hostile one.
type tokenSwap struct {
	ref http.Handler
	rng *rand.Rand

	mu     sync.Mutex
	real   map[string]string // hostile -> the server's
	issued []string
}

func (p *tokenSwap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	for hostile, real := range p.real {
		// The suite sends a token as JSON text, form-encoded, or in a
		// header as it is.
		q, _ := json.Marshal(hostile)
		body = bytes.ReplaceAll(body, q[1:len(q)-1], []byte(real))
		body = bytes.ReplaceAll(body, []byte(url.QueryEscape(hostile)), []byte(real))
		if a := r.Header.Get("Authorization"); a == "Bearer "+hostile {
			r.Header.Set("Authorization", "Bearer "+real)
		}
	}
	p.mu.Unlock()
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	rec := httptest.NewRecorder()
	p.ref.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	var answer map[string]any
	if json.Unmarshal(out, &answer) == nil {
		if real, ok := answer["access_token"].(string); ok && real != "" {
			p.mu.Lock()
			hostile := shellText(p.rng, 40)
			p.real[hostile] = real
			p.issued = append(p.issued, hostile)
			p.mu.Unlock()
			answer["access_token"] = hostile
			out, _ = json.Marshal(answer)
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	w.Write(out)
}

// TestPrintedLinesRunOnlyCurl runs the battery in both profiles: JSON and
// form bodies, HTTP Basic, revocation, the protected resource, secrets
// from a variable and from a _FILE.
func TestPrintedLinesRunOnlyCurl(t *testing.T) {
	t.Parallel() // a run with a server of its own
	for _, tt := range []struct {
		profile, fault string
		want           []string // what some line must hold: each kind of request
	}{
		{"commercelayer", "revoke-leaves-token-working", []string{"--data-raw $'{", "Bearer '\"$AUTHCONFORM_ACCESS_TOKEN\"",
			`"$(cat -- "$AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE")"`}},
		{"rfc6749", "token-type-mac", []string{"-u 'authconform-sales-channel:'", "--data-raw 'grant_type=",
			`"$(cat -- "$AUTHCONFORM_CLIENT_SECRET_FILE")"`, "$AUTHCONFORM_BASIC_CLIENT_SECRET"}},
	} {
		t.Run("profile="+tt.profile, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(0x5eed_2026, uint64(len(tt.profile))))
			integration, salesChannel := shellText(rng, 24), shellText(rng, 24)
			ref, err := refserver.New(refserver.Options{Fault: tt.fault, ErrorShape: map[string]string{"rfc6749": refserver.ErrorShapeRFC6749}[tt.profile],
				Integration:  refserver.Client{Secret: integration},
				SalesChannel: refserver.Client{Secret: salesChannel}})
			if err != nil {
				t.Fatal(err)
			}
			swap := &tokenSwap{ref: ref, rng: rng, real: map[string]string{}}
			srv := httptest.NewServer(swap)
			defer srv.Close()
			env := printedLinesEnv(t, tt.profile, srv.URL, integration, salesChannel)
			r := runCLI(t, env, "-format", "console")
			if r.code != 1 {
				t.Fatalf("exit %d; want 1 (failures to print lines for)\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			swap.mu.Lock()
			tokens := slices.Clone(swap.issued)
			swap.mu.Unlock()
			secrets := []string{integration, salesChannel}
			checkNoLeak(t, r.stdout+r.stderr, secrets, tokens)
			lines := printedLines(r.stdout)
			for _, want := range tt.want {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, want) }) {
					t.Errorf("no printed line holds %s", want)
				}
			}
			env["AUTHCONFORM_ACCESS_TOKEN"] = tokens[0]
			// What a person sets for the lines that ask for a code or an
			// assertion, which the run never prints.
			env["AUTHCONFORM_AUTHORIZATION_CODE"] = "a-fresh-code"
			env["AUTHCONFORM_ASSERTION"] = "an.assertion.jwt"
			checkLinesRun(t, lines, env, append(secrets, "[REDACTED]"))
		})
	}
}

// printedLinesEnv configures the run: the integration's secret (the RFC
// 6749 client's) in a file with a hostile name, the sales channel's (the
// Basic client's) in a variable.
func printedLinesEnv(t *testing.T, profile, target, integration, salesChannel string) map[string]string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "secret $(echo x >> pwned) '!")
	if err := os.WriteFile(file, []byte(integration+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := envFor(target)
	delete(env, "AUTHCONFORM_INTEGRATION_CLIENT_SECRET")
	env["AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE"] = file
	env["AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET"] = salesChannel
	if profile == "rfc6749" {
		env = map[string]string{
			"AUTHCONFORM_PROFILE": "rfc6749", "AUTHCONFORM_TARGET": target,
			"AUTHCONFORM_CLIENT_ID": refserver.IntegrationClientID, "AUTHCONFORM_CLIENT_SECRET_FILE": file,
			"AUTHCONFORM_BASIC_CLIENT_ID": refserver.SalesChannelClientID, "AUTHCONFORM_BASIC_CLIENT_SECRET": salesChannel,
			"AUTHCONFORM_SCOPE": "market:id:" + refserver.MarketID, "AUTHCONFORM_FORBIDDEN_SCOPE": "market:id:zzNoSuchMk",
		}
	}
	return env
}

// checkNoLeak searches the output, decoded every way the leak battery
// decodes, for every secret and token.
func checkNoLeak(t *testing.T, out string, secrets, tokens []string) {
	t.Helper()
	var creds []credential
	for i, s := range secrets {
		creds = append(creds, credential{fmt.Sprintf("secret %d", i+1), s})
	}
	for i, tok := range tokens {
		creds = append(creds, credential{fmt.Sprintf("token %d", i+1), tok})
	}
	if leaks := leaksOf(out, creds); len(leaks) > 0 {
		t.Errorf("the output holds %s", strings.Join(leaks, ", "))
	}
	for _, view := range decodings(out) {
		for _, c := range creds {
			if strings.Contains(view.text, c.value) {
				t.Errorf("the output, decoded as %s, holds %s", view.how, c.label)
			}
		}
	}
}

// printedLines are the reproduce commands of a console report, each once,
// without the console's indentation.
func printedLines(stdout string) []string {
	var lines []string
	for _, block := range strings.Split(stdout, "  reproduce:\n")[1:] {
		var cmd []string
		for _, l := range strings.Split(block, "\n") {
			rest, ok := strings.CutPrefix(l, "    ")
			if !ok {
				break
			}
			cmd = append(cmd, rest)
		}
		if line := strings.Join(cmd, "\n"); !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	return lines
}

// checkLinesRun pastes the lines into an interactive bash: nothing but curl
// runs, every line runs it with options a reproduce line uses, and every
// client_secret it sends, in a body or with HTTP Basic, is one of secrets.
func checkLinesRun(t *testing.T, lines []string, env map[string]string, secrets []string) {
	t.Helper()
	res := pastetest.Run(t, "bash", lines, env)
	if len(res.SideEffects) > 0 {
		t.Fatalf("a printed line ran something besides curl, leaving %q:\n%s", res.SideEffects, res.Output)
	}
	for i, argv := range res.Argv {
		sent, err := pastetest.Request(argv)
		if err != nil {
			t.Errorf("line %d ran no curl, or one it should not: %v\n%s", i, err, lines[i])
			continue
		}
		for _, s := range sentSecrets(sent) {
			if !slices.Contains(secrets, s) {
				t.Errorf("line %d sends the client_secret %q; want a configured one:\n%s", i, s, lines[i])
			}
		}
	}
	t.Logf("%d printed lines pasted", len(lines))
}

// sentSecrets are the client_secret values a request carries: in a JSON
// or form body, and in HTTP Basic (form-encoded, RFC 6749 §2.3.1).
func sentSecrets(s pastetest.Sent) []string {
	var out []string
	var doc map[string]any
	if json.Unmarshal(s.Body, &doc) == nil {
		if v, ok := doc["client_secret"].(string); ok {
			out = append(out, v)
		}
	} else if form, err := url.ParseQuery(string(s.Body)); err == nil && form.Has("client_secret") {
		out = append(out, form.Get("client_secret"))
	}
	if cred, ok := strings.CutPrefix(s.Header.Get("Authorization"), "Basic "); ok {
		raw, _ := base64.StdEncoding.DecodeString(cred)
		if _, secret, ok := strings.Cut(string(raw), ":"); ok {
			if v, err := url.QueryUnescape(secret); err == nil {
				out = append(out, v)
			}
		}
	}
	return out
}
