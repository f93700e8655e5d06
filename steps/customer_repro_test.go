package steps

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/repro/pastetest"
	"github.com/authconform/authconform/internal/verdict"
)

// The customer's requests, as the customer features send them.
const (
	passwordBody = `{"grant_type": "password", "client_id": "{{sales_channel.client_id}}", "username": "{{customer.email}}", "password": "{{customer.password}}"}`
	refreshBody  = `{"grant_type": "refresh_token", "client_id": "{{sales_channel.client_id}}", "refresh_token": "{{refresh_token}}"}`
)

// TestReproLinesReadTheCustomersPassword verifies the reproduce line of a
// customer's request, with a password and a refresh token made of shell
// metacharacters: it holds neither, reads the password from the variable
// (or the _FILE) the run read it from and the refresh token from
// AUTHCONFORM_REFRESH_TOKEN, and, pasted into bash and zsh, runs nothing
// but curl, with the request the scenario sent.
func TestReproLinesReadTheCustomersPassword(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x5eed_2026, 23))
	password, refresh := hostileValue(rng, true), hostileValue(rng, false)
	file := filepath.Join(t.TempDir(), "password $(echo x >> pwned) '!")
	if err := os.WriteFile(file, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		fromFile bool
		lines    []line
		wantVar  string
	}{
		{"password", false, []line{{requestLine, passwordBody}, {sentLine, ""}}, `"$AUTHCONFORM_CUSTOMER_PASSWORD"`},
		{"password from a file", true, []line{{requestLine, passwordBody}, {sentLine, ""}}, `"$(cat -- "$AUTHCONFORM_CUSTOMER_PASSWORD_FILE")"`},
		{"refresh", false, []line{{requestLine, passwordBody}, {sentLine, ""}, {requestLine, refreshBody}, {sentLine, ""}}, "$AUTHCONFORM_REFRESH_TOKEN"},
	}
	env := map[string]string{"AUTHCONFORM_CUSTOMER_PASSWORD": password, "AUTHCONFORM_CUSTOMER_PASSWORD_FILE": file, "AUTHCONFORM_REFRESH_TOKEN": refresh}
	var lines []string
	var runs []reproRun
	for _, c := range cases {
		lt := fakeTarget{answer: answerWith("refresh_token", refresh)}.start(t)
		s := lt.suite(t)
		s.Target.Customer = config.Customer{Email: "buyer@example.test", Password: password, PasswordFromFile: c.fromFile}
		s.Redactor = redact.New(s.Target.Secrets()...)
		var v verdict.Verdict
		s.OnDone = func(got verdict.Verdict) { v = got }
		st := named(t, newScenario(s), c.name)
		if err := play(t, st, c.lines...); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err := runLine(t, st, failLine, nil)
		_, _ = st.finish(context.Background(), nil, err)
		switch {
		case v.Repro == "" || strings.HasPrefix(v.Repro, "#"):
			t.Fatalf("%s: no command in the verdict: %q", c.name, v.Repro)
		case redact.New(password, refresh).Contains([]byte(v.Repro)):
			t.Errorf("%s: the line holds the password or the refresh token:\n%s", c.name, v.Repro)
		case !strings.Contains(v.Repro, c.wantVar):
			t.Errorf("%s: the line does not read %s:\n%s", c.name, c.wantVar, v.Repro)
		}
		lines = append(lines, v.Repro)
		runs = append(runs, reproRun{lt: lt, sent: st.answer.Request, line: v.Repro})
	}
	for shell := range pastetest.Shells {
		res := pastetest.Run(t, shell, lines, env)
		if len(res.SideEffects) > 0 {
			t.Fatalf("%s: a line ran something besides curl, leaving %q:\n%s", shell, res.SideEffects, res.Output)
		}
		for i, r := range runs {
			got, err := pastetest.Request(res.Argv[i])
			if err != nil {
				t.Errorf("%s, %s: %v\n%s", shell, cases[i].name, err, r.line)
				continue
			}
			checkSameRequest(t, shell+", "+cases[i].name, r.sent, got)
		}
	}
}
