package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/setup"
)

// TestCustomerFromEnv verifies the customer's variables: the email as
// written, the password inline or from a file by the rules of a client
// secret, and one clear line for each way they can be wrong.
func TestCustomerFromEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "password")
	if err := os.WriteFile(file, []byte("pa ss\"w\\ord\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		vars    map[string]string
		want    Customer
		wantErr string // a part of the error; "" for none
	}{
		{"unset", nil, Customer{}, ""},
		{"inline", map[string]string{EnvCustomerEmail: " c@example.test ", EnvCustomerPassword: "s3cret-pw"}, Customer{Email: "c@example.test", Password: "s3cret-pw"}, ""},
		{"from a file", map[string]string{EnvCustomerEmail: "c@example.test", EnvCustomerPasswordFile: file}, Customer{Email: "c@example.test", Password: "pa ss\"w\\ord", PasswordFromFile: true}, ""},
		{"both", map[string]string{EnvCustomerPassword: "x", EnvCustomerPasswordFile: file}, Customer{}, "both " + EnvCustomerPassword + " and " + EnvCustomerPasswordFile},
		{"white space", map[string]string{EnvCustomerPassword: "  "}, Customer{}, "want the customer's password"},
		{"empty file", map[string]string{EnvCustomerPasswordFile: empty}, Customer{}, "want the customer's password in it"},
		{"a directory", map[string]string{EnvCustomerPasswordFile: dir}, Customer{}, EnvCustomerPasswordFile},
	}
	for _, tt := range tests {
		tg, err := FromEnv(env(tt.vars))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: FromEnv: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: FromEnv error = %v; want one containing %q", tt.name, err, tt.wantErr)
		case tt.wantErr == "" && tg.Customer != tt.want:
			t.Errorf("%s: Customer = %+v; want %+v", tt.name, tg.Customer, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "pa ss") {
			t.Errorf("%s: the error shows the password: %v", tt.name, err)
		}
	}
}

// TestCustomerPasswordIsASecret verifies the password is redacted and
// named as the others secrets are: in Secrets, last in SecretSources with
// the variable it came from, hidden when the target is printed, and
// warned about when too short to mask.
func TestCustomerPasswordIsASecret(t *testing.T) {
	t.Parallel()
	tg := Target{Target: setup.Target{Integration: Client{ID: "i", Secret: "integration-secret"}, Customer: Customer{Email: "c@example.test", Password: "customer-pw", PasswordFromFile: true}}}
	if !slices.Contains(tg.Secrets(), "customer-pw") {
		t.Errorf("Secrets() = %d values without the password; want it masked", len(tg.Secrets()))
	}
	sources := tg.SecretSources()
	if last := sources[len(sources)-1]; last != (SecretSource{Secret: "customer-pw", Var: EnvCustomerPasswordFile, File: true}) {
		t.Errorf("SecretSources() ends with %+v; want the password, read from %s", last, EnvCustomerPasswordFile)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(format, tg.Customer); strings.Contains(out, "customer-pw") {
			t.Errorf("Sprintf(%q, customer) = %q; want no password", format, out)
		}
	}
	short := Target{Target: setup.Target{Customer: Customer{Email: "c@example.test", Password: "abc"}}}
	w := short.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], EnvCustomerPassword) || strings.Contains(w[0], "abc") {
		t.Errorf("Warnings() for a 3-character password = %q; want one line naming %s, without the password", w, EnvCustomerPassword)
	}
}
