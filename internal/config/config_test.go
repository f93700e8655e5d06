package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authconform/authconform/setup"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// secretFiles writes the secret files the FromEnv rows name, and returns
// their paths by name.
func secretFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	paths := map[string]string{"missing": filepath.Join(dir, "missing"), "dir": dir, "zero": "/dev/zero", "null": "/dev/null"}
	for name, content := range map[string]string{
		"secret":  "from-file-secret\n",
		"crlf":    "from-file-secret\r\n",
		"quoted":  "  a\"b\\c\\\"d\n",
		"empty":   "",
		"blank":   " \n\t\r\n",
		"64KiB":   strings.Repeat("x", 64<<10),
		"toolong": strings.Repeat("x", 64<<10+1),
	} {
		paths[name] = filepath.Join(dir, name)
		if err := os.WriteFile(paths[name], []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	paths["link"] = filepath.Join(dir, "link")
	if err := os.Symlink(paths["secret"], paths["link"]); err != nil {
		t.Fatal(err)
	}
	paths["fifo"] = filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(paths["fifo"], 0o600); err != nil {
		t.Fatal(err)
	}
	return paths
}

// fromEnvGuarded runs FromEnv, failing the test, rather than hanging it,
// if FromEnv blocks (on a FIFO: it then opens the FIFO for writing, which
// lets a blocked reader go on).
func fromEnvGuarded(t *testing.T, vars map[string]string, fifo string) (Target, error) {
	t.Helper()
	type result struct {
		tg  Target
		err error
	}
	done := make(chan result, 1)
	go func() {
		tg, err := FromEnv(env(vars))
		done <- result{tg, err}
	}()
	select {
	case r := <-done:
		return r.tg, r.err
	case <-time.After(20 * time.Second): // a hang detector, not a timing check
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
		<-done
		t.Fatalf("FromEnv(%v) blocked; want it to refuse a file it cannot read at once", vars)
		return Target{}, nil
	}
}

// fromEnvRow is the part of a Target FromEnv rows compare.
type fromEnvRow struct {
	TokenPath       string
	SalesLifetime   int
	IntegrationLife int
	ClockSkew       time.Duration
	Secret          string
}

// TestFromEnv verifies defaults, overrides, the secret and its file, and
// that malformed values are errors naming the variable. A secret file row
// names its file in secretFiles by its key.
func TestFromEnv(t *testing.T) {
	files := secretFiles(t)
	// Lifetimes not set stay 0: judged against the tokens themselves.
	defaults := fromEnvRow{"/oauth/token", 0, 0, time.Minute, ""}
	withSecret := func(s string) fromEnvRow { r := defaults; r.Secret = s; return r }
	tests := []struct {
		name    string
		env     map[string]string
		file    string // key in files, set as the secret file
		want    fromEnvRow
		wantErr string
	}{
		{"defaults", map[string]string{}, "", defaults, ""},
		{"overrides", map[string]string{EnvSalesChannelExpiresIn: "3600", EnvClockSkew: "5s", EnvTokenPath: " /token "}, "", fromEnvRow{"/token", 3600, 0, 5 * time.Second, ""}, ""},
		{"both lifetimes", map[string]string{EnvSalesChannelExpiresIn: "172800", EnvIntegrationExpiresIn: " 86400 "}, "", fromEnvRow{"/oauth/token", 172800, 86400, time.Minute, ""}, ""},
		{"secret file", nil, "secret", withSecret("from-file-secret"), ""},
		{"secret file crlf", nil, "crlf", withSecret("from-file-secret"), ""},
		{"secret file through a link", nil, "link", withSecret("from-file-secret"), ""},
		{"secret file quotes and backslashes kept", nil, "quoted", withSecret(`a"b\c\"d`), ""},
		{"secret file of 64 KiB", nil, "64KiB", withSecret(strings.Repeat("x", 64<<10)), ""},
		{"env secret trimmed", map[string]string{EnvIntegrationClientSecret: " s3cret-value\n"}, "", withSecret("s3cret-value"), ""},
		{"env secret quotes and backslashes kept", map[string]string{EnvIntegrationClientSecret: `"a\b"`}, "", withSecret(`"a\b"`), ""},
		{"env secret inner space kept", map[string]string{EnvIntegrationClientSecret: "a b\tc"}, "", withSecret("a b\tc"), ""},
		{"env secret white space only", map[string]string{EnvIntegrationClientSecret: " \n"}, "", defaults, EnvIntegrationClientSecret + " is only white space"},
		{"both secrets", map[string]string{EnvIntegrationClientSecret: "x"}, "secret", defaults, "set one"},
		{"missing secret file", nil, "missing", defaults, EnvIntegrationSecretFile + ": stat "},
		{"empty secret file", nil, "empty", defaults, EnvIntegrationSecretFile + ": file is empty"},
		{"blank secret file", nil, "blank", defaults, EnvIntegrationSecretFile + ": file is empty"},
		{"secret file over 64 KiB", nil, "toolong", defaults, "larger than 64 KiB"},
		{"secret file a directory", nil, "dir", defaults, "is a directory; want a regular file"},
		{"secret file a FIFO", nil, "fifo", defaults, "is a named pipe (FIFO); want a regular file"},
		{"secret file /dev/zero", nil, "zero", defaults, "/dev/zero is a device; want a regular file"},
		{"secret file /dev/null", nil, "null", defaults, "/dev/null is a device; want a regular file"},
		{"bad lifetime", map[string]string{EnvIntegrationExpiresIn: "2h"}, "", defaults, EnvIntegrationExpiresIn + `="2h": want a whole number`},
		{"zero lifetime", map[string]string{EnvIntegrationExpiresIn: "0"}, "", defaults, EnvIntegrationExpiresIn},
		{"huge lifetime", map[string]string{EnvSalesChannelExpiresIn: strings.Repeat("9", 400)}, "", defaults, `9999..."`},
		{"bad skew", map[string]string{EnvClockSkew: "soon"}, "", defaults, EnvClockSkew},
		{"negative skew", map[string]string{EnvClockSkew: "-1s"}, "", defaults, EnvClockSkew},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range tt.env {
				vars[k] = v
			}
			if tt.file != "" {
				vars[EnvIntegrationSecretFile] = files[tt.file]
			}
			tg, err := fromEnvGuarded(t, vars, files["fifo"])
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err = %v; want one line containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := fromEnvRow{tg.TokenPath, tg.SalesChannel.Lifetime, tg.Integration.Lifetime, tg.ClockSkew, tg.Integration.Secret}
			if got != tt.want {
				t.Errorf("got %+v; want %+v", got, tt.want)
			}
		})
	}
}

// TestWarnings verifies which secrets are warned about.
func TestWarnings(t *testing.T) {
	tests := []struct {
		secret string
		want   string // "" for no warning
	}{
		{"", ""},
		{"abcdef", ""},
		{"abcde", EnvIntegrationClientSecret + " is 5 characters long: too short to mask safely in outputs; it may appear in reports"},
		{"x", EnvIntegrationClientSecret + " is 1 characters long"},
		{"line1\nline2", "line break or other control character"},
	}
	for _, tt := range tests {
		w := Target{Target: setup.Target{Integration: Client{Secret: tt.secret}}}.Warnings()
		got := strings.Join(w, "\n")
		if tt.want == "" && len(w) != 0 || tt.want != "" && (len(w) != 1 || !strings.Contains(got, tt.want)) {
			t.Errorf("Warnings() for secret %q = %q; want one line containing %q", tt.secret, w, tt.want)
		}
		if strings.Contains(got, tt.secret) && tt.secret != "" {
			t.Errorf("Warnings() for secret %q print the secret: %q", tt.secret, w)
		}
	}
}

// TestGaps verifies each missing credential leaves out its tag.
func TestGaps(t *testing.T) {
	full := Target{Target: setup.Target{SalesChannel: Client{ID: "s", Secret: "y"}, MarketID: "m", OtherMarketID: "o", Integration: Client{ID: "i", Secret: "x"}, ResourceURL: "https://api.example.com/ping", ScopeResources: allScopeResources, Webapp: Client{ID: "w", Secret: "z"}, RedirectURI: "https://app.example.com/cb", AuthorizeURL: "https://auth.example.com/oauth/authorize", CustomerID: "c", Customer: Customer{Email: "c@example.test", Password: "pw-123456"}}}
	if g := full.Gaps(); len(g) != 0 {
		t.Errorf("full configuration has gaps %v", g)
	}
	noSecret := full
	noSecret.Integration.Secret = ""
	if g := noSecret.Gaps(); len(g) != 1 || g[0].Tag != "@integration" {
		t.Errorf("missing secret: gaps %v; want only @integration", g)
	}
	noSalesSecret := full
	noSalesSecret.SalesChannel.Secret = ""
	if g := noSalesSecret.Gaps(); len(g) != 1 || g[0].Tag != "@sales_channel_secret" {
		t.Errorf("missing sales channel secret: gaps %v; want only @sales_channel_secret", g)
	}
	noPassword := full
	noPassword.Customer.Password = ""
	if g := noPassword.Gaps(); len(g) != 1 || g[0].Tag != "@customer" || !strings.Contains(g[0].Reason, EnvCustomerPasswordFile) {
		t.Errorf("missing customer password: gaps %v; want only @customer, naming %s", g, EnvCustomerPasswordFile)
	}
	var tags []string
	for _, g := range (Target{}).Gaps() {
		tags = append(tags, g.Tag)
	}
	if want := []string{"@sales_channel", "@market", "@other_market", "@integration", "@sales_channel_secret", "@resource", "@customer", "@market_code", "@market_code_case", "@store", "@store_code", "@stock_location", "@stock_location_code", "@webapp", "@authorization_code", "@authorize_url", "@jwt_bearer", "@customer_id"}; !slices.Equal(tags, want) {
		t.Errorf("empty configuration: gaps %v; want %v", tags, want)
	}
}
