package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// writeSettings writes a settings file for the reference server at url:
// a [staging] section that gives it, and a [broken] one whose target is
// no URL, so that which section (or variable, or flag) won shows in the
// exit code.
func writeSettings(t *testing.T, url, extra string) string {
	t.Helper()
	secretFile := filepath.Join(t.TempDir(), "sales-channel-secret")
	if err := os.WriteFile(secretFile, []byte(refserver.SalesChannelClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "authconform.env")
	text := "# shared by every section\n" +
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID=" + refserver.SalesChannelClientID + "\n" +
		"AUTHCONFORM_MARKET_ID=" + refserver.MarketID + "\n" +
		"\n[staging]\n" +
		"AUTHCONFORM_TARGET=" + url + "\n" +
		"AUTHCONFORM_INTEGRATION_CLIENT_ID=" + refserver.IntegrationClientID + "\n" +
		"AUTHCONFORM_INTEGRATION_CLIENT_SECRET=${STAGING_INTEGRATION_SECRET}\n" +
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET_FILE=" + secretFile + "\n" +
		"\n[broken]\nAUTHCONFORM_TARGET=ftp://nowhere.example\n" + extra
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSettingsFile verifies -config and -config-section, as data: the
// section, the environment and the flags of each run, and what it must
// say. -list sends nothing, and its left-out lines show which
// credentials the run was given.
func TestSettingsFile(t *testing.T) {
	t.Parallel()
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	secretEnv := map[string]string{"STAGING_INTEGRATION_SECRET": refserver.IntegrationClientSecret}
	withEnv := func(kv ...string) map[string]string {
		m := map[string]string{"STAGING_INTEGRATION_SECRET": refserver.IntegrationClientSecret}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	good := writeSettings(t, srv.URL, "")
	inline := writeSettings(t, srv.URL, "[rc]\nAUTHCONFORM_INTEGRATION_CLIENT_SECRET=hunter2-inline-secret\n")
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		code       int
		stdout     string // a line -list must print
		stderr     string // the one line a refusal prints
		notLeftOut string
	}{
		{name: "staging: every credential from the file", env: secretEnv, args: []string{"-config", good, "-config-section", "staging"},
			stdout: "scenarios would run", notLeftOut: "no integration"},
		{name: "a variable overrides the file", env: withEnv("AUTHCONFORM_TARGET", srv.URL), args: []string{"-config", good, "-config-section", "broken"},
			stdout: "scenarios would run"},
		{name: "a flag overrides the file", env: secretEnv, args: []string{"-config", good, "-config-section", "broken", "-target", srv.URL},
			stdout: "scenarios would run"},
		{name: "the file's broken target is read", env: secretEnv, args: []string{"-config", good, "-config-section", "broken"},
			code: 2, stderr: "authconform: "},
		{name: "a reference to an unset variable", args: []string{"-config", good, "-config-section", "staging"},
			code: 2, stderr: "authconform: -config: " + good + ":8: AUTHCONFORM_INTEGRATION_CLIENT_SECRET refers to ${STAGING_INTEGRATION_SECRET}, which is not set (or is empty) in the environment\n"},
		{name: "an inline secret", env: secretEnv, args: []string{"-config", inline, "-config-section", "rc"},
			code: 2, stderr: "authconform: -config: " + inline + ":14: AUTHCONFORM_INTEGRATION_CLIENT_SECRET holds a secret written in the file; refused: write AUTHCONFORM_INTEGRATION_CLIENT_SECRET=${VARIABLE} (an environment variable holding it) or AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE=PATH\n"},
		{name: "sections, none chosen", env: secretEnv, args: []string{"-config", good},
			code: 2, stderr: "authconform: -config: " + good + ": the file has sections (staging, broken): choose one with -config-section\n"},
		{name: "a section without a file", args: []string{"-config-section", "staging"},
			code: 2, stderr: "authconform: -config-section \"staging\": give the file with -config\n"},
		{name: "no such file", args: []string{"-config", good + ".missing"}, code: 2, stderr: "authconform: -config: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, tt.env, append(tt.args, "-list")...)
			if r.code != tt.code {
				t.Fatalf("exit %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout does not hold %q:\n%s", tt.stdout, r.stdout)
			}
			if tt.code != 0 && (!strings.HasPrefix(r.stderr, tt.stderr) || strings.Count(r.stderr, "\n") != 1) {
				t.Errorf("stderr = %q; want one line starting %q", r.stderr, tt.stderr)
			}
			if tt.notLeftOut != "" && strings.Contains(r.stdout, tt.notLeftOut) {
				t.Errorf("a credential the file gives is missing (%q):\n%s", tt.notLeftOut, r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, "hunter2") {
				t.Errorf("the output shows the inline secret")
			}
		})
	}
}

// TestSettingsReproduceWhereTheSecretIs verifies a failure's reproduce
// line reads a secret the settings file gave from where the person keeps
// it: the variable its ${NAME} names, or the file whose path it wrote.
// Each fault fails a revocation that carries that client's secret.
func TestSettingsReproduceWhereTheSecretIs(t *testing.T) {
	t.Parallel()
	tests := []struct{ fault, reads, notReads string }{
		{"revoke-other-client-token", `"$STAGING_INTEGRATION_SECRET"`, "$AUTHCONFORM_INTEGRATION_CLIENT_SECRET"},
		{"revoke-sales-channel-refused", `"$(cat -- '`, "$AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET_FILE"},
	}
	for _, tt := range tests {
		t.Run("fault="+tt.fault, func(t *testing.T) {
			t.Parallel()
			srv, err := refserver.Start(refserver.Options{Fault: tt.fault})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			path := writeSettings(t, srv.URL, "")
			r := runCLI(t, map[string]string{"STAGING_INTEGRATION_SECRET": refserver.IntegrationClientSecret},
				"-config", path, "-config-section", "staging", "-tags", "@revocation")
			if r.code != 1 {
				t.Fatalf("exit %d; want 1\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.reads) || strings.Contains(r.stdout, tt.notReads) {
				t.Errorf("no reproduce line reads %s, or one reads %s, which the settings file stood in for:\n%s", tt.reads, tt.notReads, r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, refserver.IntegrationClientSecret) || strings.Contains(r.stdout+r.stderr, refserver.SalesChannelClientSecret) {
				t.Errorf("the output shows a secret")
			}
		})
	}
}
