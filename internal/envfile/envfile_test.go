package envfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testRules = Rules{
	Known: []string{"AUTHCONFORM_TARGET", "AUTHCONFORM_MARKET_ID", "AUTHCONFORM_INTEGRATION_CLIENT_ID",
		"AUTHCONFORM_INTEGRATION_CLIENT_SECRET", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE"},
	Secrets: []SecretPair{{"AUTHCONFORM_INTEGRATION_CLIENT_SECRET", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE"}},
}

const layered = `# every section
AUTHCONFORM_MARKET_ID=common-market
AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE=/run/secrets/common

[staging]
AUTHCONFORM_TARGET = "https://auth.staging.example.com"
AUTHCONFORM_INTEGRATION_CLIENT_SECRET=${STAGING_SECRET}

[production]
AUTHCONFORM_TARGET='https://auth.example.com'
AUTHCONFORM_MARKET_ID=prod-market
`

// TestLoad verifies what each section of a file gives, with the
// environment laid over it, as data: the file, the section, the
// environment, and the values (or the error) that come back.
func TestLoad(t *testing.T) {
	t.Parallel()
	const (
		target = "AUTHCONFORM_TARGET"
		market = "AUTHCONFORM_MARKET_ID"
		secret = "AUTHCONFORM_INTEGRATION_CLIENT_SECRET"
		file   = "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE"
	)
	tests := []struct {
		name    string
		text    string
		section string
		env     map[string]string
		want    map[string]string // "" : unset
		origins map[string]Origin
		err     string
	}{
		{name: "staging: section over common, quotes stripped, reference resolved",
			text: layered, section: "staging", env: map[string]string{"STAGING_SECRET": "s3cr3t-staging"},
			want:    map[string]string{target: "https://auth.staging.example.com", market: "common-market", secret: "s3cr3t-staging", file: ""},
			origins: map[string]Origin{secret: {Ref: "STAGING_SECRET", Line: 7}, market: {Line: 2}}},
		{name: "production: the common secret file stays",
			text: layered, section: "production",
			want:    map[string]string{target: "https://auth.example.com", market: "prod-market", secret: "", file: "/run/secrets/common"},
			origins: map[string]Origin{file: {Line: 3}}},
		{name: "the environment wins, a secret pair as one",
			text: layered, section: "production", env: map[string]string{market: "env-market", secret: "from-env"},
			want: map[string]string{market: "env-market", secret: "from-env", file: ""}},
		{name: "no sections, none chosen", text: "AUTHCONFORM_TARGET=https://a.example\n",
			want: map[string]string{target: "https://a.example"}},
		{name: "another section's reference need not be set", text: layered, section: "production", want: map[string]string{market: "prod-market"}},
		{name: "a reference the environment replaces need not be set", text: layered, section: "staging", env: map[string]string{file: "/run/s"},
			want: map[string]string{secret: "", file: "/run/s"}},
		{name: "a # inside a value is kept", text: "AUTHCONFORM_MARKET_ID=a#b\n", want: map[string]string{market: "a#b"}},
		{name: "inline secret refused", text: "[rc]\nAUTHCONFORM_INTEGRATION_CLIENT_SECRET=hunter2-secret\n", section: "rc",
			err: "f.env:2: AUTHCONFORM_INTEGRATION_CLIENT_SECRET holds a secret written in the file; refused: write AUTHCONFORM_INTEGRATION_CLIENT_SECRET=${VARIABLE} (an environment variable holding it) or AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE=PATH"},
		{name: "quoted inline secret refused", text: "AUTHCONFORM_INTEGRATION_CLIENT_SECRET=\"hunter2-secret\"\n", err: "f.env:1: AUTHCONFORM_INTEGRATION_CLIENT_SECRET holds a secret"},
		{name: "reference to an unset variable", text: "AUTHCONFORM_INTEGRATION_CLIENT_SECRET=${NOPE}\n",
			err: "f.env:1: AUTHCONFORM_INTEGRATION_CLIENT_SECRET refers to ${NOPE}, which is not set (or is empty) in the environment"},
		{name: "reference inside a value", text: "AUTHCONFORM_TARGET=https://${HOST}/\n", err: "f.env:1: AUTHCONFORM_TARGET: a ${NAME} reference must be the whole value"},
		{name: "unknown key, value not shown", text: "AUTHCONFORM_INTEGRATION_SECRET=hunter2-secret\n",
			err: "f.env:1: AUTHCONFORM_INTEGRATION_SECRET is not a setting authconform reads"},
		{name: "not KEY=VALUE, line not shown", text: "\n\nhunter2-secret\n", err: "f.env:3: want KEY=VALUE, a [section] header, a # comment or a blank line"},
		{name: "twice in a section", text: "[a]\nAUTHCONFORM_TARGET=x\nAUTHCONFORM_TARGET=y\n", section: "a", err: "f.env:3: AUTHCONFORM_TARGET is set twice in one section (first on line 2)"},
		{name: "section twice", text: "[a]\n[a]\n", section: "a", err: "f.env:2: section [a] appears twice"},
		{name: "bad header", text: "[a b]\n", err: "f.env:1: want a section header such as [staging]"},
		{name: "sections, none chosen", text: layered, err: "f.env: the file has sections (staging, production): choose one with -config-section"},
		{name: "unknown section", text: layered, section: "rc", err: `f.env: no section "rc"; the file has staging, production`},
		{name: "section of a file without", text: "AUTHCONFORM_TARGET=x\n", section: "rc", err: `f.env: no section "rc": the file has no sections; drop -config-section`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "f.env")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := Load(path, tt.section, testRules, func(k string) string { return tt.env[k] })
			if tt.err != "" {
				want := filepath.Join(dir, tt.err)
				if err == nil || !strings.HasPrefix(err.Error(), want) {
					t.Fatalf("error = %v; want one starting %q", err, want)
				}
				if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q shows the value, or is more than one line", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.want {
				if got := e.Getenv(k); got != want {
					t.Errorf("%s = %q; want %q", k, got, want)
				}
			}
			for k, want := range tt.origins {
				if got, ok := e.Origin(k); !ok || got != want {
					t.Errorf("origin of %s = %+v, %v; want %+v", k, got, ok, want)
				}
			}
		})
	}
}

// TestLoadRefusesWhatIsNotAFile verifies the file is read through the
// bounded reader: a directory is one line, not a hang or a read.
func TestLoadRefusesWhatIsNotAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Load(dir, "", testRules, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("Load(directory) = %v; want an error saying it is a directory", err)
	}
}
