package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/userfile"
)

// MinMaskLen is the length in bytes under which a secret is not masked in
// outputs. It matches the redactor's limit (internal/redact): masking
// shorter values would also mask ordinary words and numbers.
const MinMaskLen = 6

// maxSecretFile bounds the secret file read: a client secret is short, and
// a larger file is the wrong file.
const maxSecretFile = 64 << 10

// secretVars name the two variables that may hold one client's secret
// (or the customer's password): the secret itself, or the path of a file
// holding it. what names the value in messages; "" is "the client secret".
type secretVars struct{ inline, file, what string }

func (v secretVars) name() string {
	if v.what == "" {
		return "the client secret"
	}
	return v.what
}

var (
	integrationSecretVars  = secretVars{inline: EnvIntegrationClientSecret, file: EnvIntegrationSecretFile}
	salesChannelSecretVars = secretVars{inline: EnvSalesChannelClientSecret, file: EnvSalesChannelSecretFile}
	clientSecretVars       = secretVars{inline: EnvClientSecret, file: EnvClientSecretFile}
	basicClientSecretVars  = secretVars{inline: EnvBasicClientSecret, file: EnvBasicClientSecretFile}
)

// secret is a client's secret, from the environment or from the file it
// names (fromFile); "" when neither is set. Both are trimmed of surrounding
// white space (a newline from echo or a secrets manager is not part of the
// secret); anything else, quotes and backslashes included, is kept byte
// for byte.
func (v secretVars) secret(getenv func(string) string) (secret string, fromFile bool, err error) {
	inline := getenv(v.inline)
	secret = strings.TrimSpace(inline)
	if inline != "" && secret == "" {
		return "", false, fmt.Errorf("%s is only white space; want %s, or leave it unset", v.inline, v.name())
	}
	file := getenv(v.file)
	if file == "" {
		return secret, false, nil
	}
	if secret != "" {
		return "", false, fmt.Errorf("both %s and %s are set; set one", v.inline, v.file)
	}
	secret, err = v.readFile(file)
	return secret, err == nil, err
}

// readFile reads a secret from a regular file of at most 64 KiB.
// Anything else (a FIFO, a directory, a device such as /dev/zero) is
// refused before a byte is read: reading it could block or never end.
func (v secretVars) readFile(name string) (string, error) {
	b, err := userfile.Read(name, maxSecretFile)
	if err != nil {
		return "", fmt.Errorf("%s: %v", v.file, err)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", fmt.Errorf("%s: file is empty (or only white space): %s; want %s in it", v.file, name, v.name())
	}
	return secret, nil
}

// Warnings lists what in the configuration is allowed but risky, one line
// each, for the CLI to print before the run.
func (t Target) Warnings() []string {
	var w []string
	for _, c := range []struct{ name, secret string }{
		{EnvIntegrationClientSecret, t.Integration.Secret},
		{EnvSalesChannelClientSecret, t.SalesChannel.Secret},
		{EnvClientSecret, t.Client.Secret},
		{EnvBasicClientSecret, t.BasicClient.Secret},
		{EnvWebappClientSecret, t.Webapp.Secret},
		{EnvAuthorizationCode, string(t.AuthorizationCode)},
		{EnvCustomerPassword, t.Customer.Password},
	} {
		s := c.secret
		if s != "" && len(s) < MinMaskLen {
			w = append(w, fmt.Sprintf("%s is %d characters long: too short to mask safely in outputs; it may appear in reports", c.name, utf8.RuneCountInString(s)))
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			w = append(w, fmt.Sprintf("%s has a line break or other control character inside: check it holds the secret alone", c.name))
		}
	}
	return w
}
