package repro

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// The escapes run in the shell, on the variable's value, with tools every
// system with bash has (printf, od, awk), by fixed programs: a value reaches
// them only through a pipe, never as program text. awk runs in the C locale
// so that it reads bytes, not characters.
//
// jsonProgram escapes its input as the inside of a JSON string. The input
// ends with a sentinel character, dropped at the end, so that a trailing
// newline of the value is kept (awk would read it as the end of a record).
// Characters are copied as read, so any byte at or above 0x80 passes
// unchanged, whatever the awk.
const jsonProgram = `BEGIN { for (i = 1; i < 32; i++) e[sprintf("%c", i)] = sprintf("\\u%04x", i); e["\""] = "\\\""; e["\\"] = "\\\\" } ` +
	`function q(s,  o, i, c) { o = ""; for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); o = o ((c in e) ? e[c] : c) } return o } ` +
	`NR > 1 { printf "%s\\u000a", q(p) } { p = $0 } END { printf "%s", q(substr(p, 1, length(p) - 1)) }`

// formProgram form-encodes the bytes od lists in hexadecimal, as Go's
// url.QueryEscape does. It prints ASCII only.
const formProgram = `BEGIN { for (i = 0; i < 256; i++) h[sprintf("%02x", i)] = i } ` +
	`{ for (i = 1; i <= NF; i++) { n = h[tolower($i)]; ` +
	`if (n == 32) printf "+"; ` +
	`else if (n >= 48 && n <= 57 || n >= 65 && n <= 90 || n >= 97 && n <= 122 || n == 45 || n == 46 || n == 95 || n == 126) printf "%c", n; ` +
	`else printf "%%%02X", n } }`

// shell is the variable as a double-quoted expansion: its value, read from
// the file it names with File, escaped as Escape says.
func (v Var) shell() (string, error) {
	var value string
	switch {
	case v.Path != "":
		// A path is literal text, quoted once as every literal is.
		path, err := quoteWord(v.Path)
		if err != nil {
			return "", err
		}
		value = `"$(cat -- ` + path + `)"`
	case !varName.MatchString(v.Name):
		return "", fmt.Errorf("variable name %q: want letters, digits and _", v.Name)
	case v.File:
		// The path is the variable's value, quoted; -- so that a path
		// starting with - is not read as an option.
		value = `"$(cat -- "$` + v.Name + `")"`
	default:
		value = `"$` + v.Name + `"`
	}
	switch v.Escape {
	case Raw:
		return value, nil
	case JSON:
		prog, err := quoteWord(jsonProgram)
		return `"$(printf '%s.' ` + value + ` | LC_ALL=C awk ` + prog + `)"`, err
	case Form:
		prog, err := quoteWord(formProgram)
		return `"$(printf '%s' ` + value + ` | od -An -v -tx1 | LC_ALL=C awk ` + prog + `)"`, err
	}
	return "", fmt.Errorf("variable %s: unknown escape %d", v.Name, v.Escape)
}

// Argv is what bash gives curl when the line runs: its arguments after
// expansion, with lookup giving each variable's value. It is how the
// line's meaning is stated, for tests to hold bash to it. An error says
// the line would stop: a required variable is unset, or a file cannot be
// read.
func (c Command) Argv(lookup func(name string) string) ([]string, error) {
	for _, r := range c.Required {
		if lookup(r.Name) == "" {
			return nil, fmt.Errorf("%s: %s", r.Name, r.Hint)
		}
	}
	argv := []string{"curl", "-sS", "-i", "-g", "-X", c.Method}
	add := func(flag string, a Arg) error {
		s, err := a.value(lookup)
		argv = append(argv, flag, s)
		return err
	}
	if err := add("--url", c.URL); err != nil {
		return nil, err
	}
	for _, h := range c.Header {
		if err := add("-H", h.curlArg()); err != nil {
			return nil, err
		}
	}
	if c.User != nil {
		if err := add("-u", c.User); err != nil {
			return nil, err
		}
	}
	if c.Body != nil {
		if err := add("--data-raw", c.Body); err != nil {
			return nil, err
		}
	}
	return argv, nil
}

func (a Arg) value(lookup func(string) string) (string, error) {
	var b strings.Builder
	for _, p := range a {
		if p.Var == nil {
			b.WriteString(p.Text)
			continue
		}
		v, err := p.Var.value(lookup)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

func (v Var) value(lookup func(string) string) (string, error) {
	s := lookup(v.Name)
	if v.Path != "" {
		s = v.Path
	}
	if v.File || v.Path != "" {
		b, err := os.ReadFile(s)
		if err != nil {
			return "", err
		}
		// Command substitution drops NUL bytes and trailing newlines.
		s = strings.TrimRight(strings.ReplaceAll(string(b), "\x00", ""), "\n")
	}
	return v.Escape.Apply(s), nil
}

// Apply is the escape as the line's shell programs apply it.
func (e Escape) Apply(s string) string {
	switch e {
	case JSON:
		return jsonInner(s)
	case Form:
		return url.QueryEscape(s)
	}
	return s
}

// jsonInner escapes s byte by byte as jsonProgram does.
func jsonInner(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
