package clientcheck

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Printed is what serve's output tells a client developer.
type Printed struct {
	// URL is from the first line, "listening on URL".
	URL string
	// CAFile is from the line about the CA certificate; "" without one.
	CAFile string
	// Exports are the `export NAME=VALUE` lines, values unquoted.
	Exports map[string]string
}

// caLinePrefix starts serve's line naming the generated CA certificate.
const caLinePrefix = "CA certificate"

// ParsePrinted reads serve's output.
func ParsePrinted(out string) (Printed, error) {
	p := Printed{Exports: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(out))
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			var ok bool
			if p.URL, ok = strings.CutPrefix(line, "listening on "); !ok {
				return p, fmt.Errorf("serve's first line is %q; want \"listening on URL\"", line)
			}
			first = false
			continue
		}
		if rest, ok := strings.CutPrefix(line, caLinePrefix); ok {
			if _, path, ok := strings.Cut(rest, ": "); ok {
				p.CAFile = strings.TrimSpace(path)
			}
		}
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			name, value, _ := strings.Cut(strings.TrimSpace(rest), "=")
			value, _, _ = strings.Cut(value, "  #")
			p.Exports[name] = shellUnquote(strings.TrimSpace(value))
		}
	}
	if first {
		return p, fmt.Errorf("serve printed nothing")
	}
	return p, nil
}

// checkDomain checks what -domain promises: an https://auth. URL, a CA
// certificate file that exists, and the NODE_EXTRA_CA_CERTS line naming it.
func (p Printed) checkDomain() error {
	switch {
	case !strings.HasPrefix(p.URL, "https://auth."):
		return fmt.Errorf("serve -domain listens on %q; want https://auth.DOMAIN", p.URL)
	case p.CAFile == "":
		return fmt.Errorf("serve -domain printed no %q line", caLinePrefix)
	case p.Exports["NODE_EXTRA_CA_CERTS"] != p.CAFile:
		return fmt.Errorf("serve -domain exports NODE_EXTRA_CA_CERTS=%q; want its CA certificate, %q", p.Exports["NODE_EXTRA_CA_CERTS"], p.CAFile)
	}
	if fi, err := os.Stat(p.CAFile); err != nil || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the CA certificate %s: %v; want a file readable by its owner only", p.CAFile, statDesc(fi, err))
	}
	return nil
}

func statDesc(fi os.FileInfo, err error) string {
	if err != nil {
		return err.Error()
	}
	return "mode " + fi.Mode().Perm().String()
}

// shellUnquote reads back a value serve wrote with its shell quoting:
// bare, or single-quoted, an inner quote closed, escaped and reopened.
func shellUnquote(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], `'\''`, `'`)
	}
	return s
}
