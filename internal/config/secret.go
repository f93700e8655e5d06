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

// secretVars name the two variables that may hold one client's secret:
// the secret itself, or the path of a file holding it.
type secretVars struct{ inline, file string }

var (
	integrationSecretVars  = secretVars{EnvIntegrationClientSecret, EnvIntegrationSecretFile}
	salesChannelSecretVars = secretVars{EnvSalesChannelClientSecret, EnvSalesChannelSecretFile}
	clientSecretVars       = secretVars{EnvClientSecret, EnvClientSecretFile}
	basicClientSecretVars  = secretVars{EnvBasicClientSecret, EnvBasicClientSecretFile}
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
		return "", false, fmt.Errorf("%s is only white space; want the client secret, or leave it unset", v.inline)
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
		return "", fmt.Errorf("%s: file is empty (or only white space): %s; want the client secret in it", v.file, name)
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
		{EnvAuthorizationCode, t.AuthorizationCode},
	} {
		s := c.secret
		if s != "" && len(s) < MinMaskLen {
			w = append(w, fmt.Sprintf("%s is %d characters long: too short to mask safely in outputs; it may appear in reports", c.name, utf8.RuneCountInString(s)))
		}
		if strings.IndexFunc(s, unicode.IsControl) >= 0 {
			w = append(w, fmt.Sprintf("%s has a line break or other control character inside: check it holds the client secret alone", c.name))
		}
	}
	return w
}
