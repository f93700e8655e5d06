package envfile

import (
	"strings"
	"testing"
)

// FuzzParse verifies any text is read or refused in one line, never a
// panic, and that a refusal never quotes a value given to a secret's
// variable: it may be the secret, written where it must not be.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{layered, "[a]\nAUTHCONFORM_TARGET=x\n", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET=hunter2\n", "=\n[\n]\n${}\n"} {
		f.Add(seed, "staging")
	}
	f.Fuzz(func(t *testing.T, text, section string) {
		file, err := parse(text, testRules)
		if err == nil {
			_, err = file.choose(section, testRules)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Fatalf("a refusal of more than one line: %q", msg)
		}
		for _, line := range strings.Split(text, "\n") {
			key, value, ok := strings.Cut(line, "=")
			v := strings.TrimSpace(value)
			if ok && strings.TrimSpace(key) == secretKey && len(v) >= 6 && strings.Contains(msg, v) && !strings.Contains(fixedText(), v) {
				t.Fatalf("the refusal %q quotes the secret %q", msg, v)
			}
		}
	})
}

const secretKey = "AUTHCONFORM_INTEGRATION_CLIENT_SECRET"

// fixedText is what refusals say whatever the values: a value that is a
// piece of it is no proof of a leak.
func fixedText() string {
	var b strings.Builder
	for _, text := range []string{secretKey + "=@", "UNKNOWN=@", "@", "[a]\n[a]", "[@]", secretKey + "=${@}", secretKey + "=${A}\n" + secretKey + "=${A}"} {
		if _, err := parse(text, testRules); err != nil {
			b.WriteString(err.Error() + "\n")
		}
	}
	for _, name := range []string{"", "@"} {
		if f, err := parse(layered, testRules); err == nil {
			if _, err := f.choose(name, testRules); err != nil {
				b.WriteString(err.Error() + "\n")
			}
		}
	}
	return b.String()
}
