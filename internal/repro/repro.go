// Package repro writes the curl command that sends a request again, for a
// person to paste into bash (or zsh).
//
// A command is built from its arguments (method, URL, headers, HTTP Basic
// user, body), each a sequence of literal text and variable references;
// FromRequest builds one from a request the suite sent, given the values
// (secrets, tokens) to read from variables. Every literal is quoted once,
// by mvdan.cc/sh's syntax.Quote; a variable is its own double-quoted
// segment beside the quoted literals. Nothing is substituted into a line
// after it is quoted: which values are variables is decided before the
// command is built, so a secret or a token never reaches the line's text,
// and nothing in a value can end a quote.
//
// The line must run nothing but curl, also when pasted into an interactive
// shell, where history expansion rewrites a line before it is parsed: a '!'
// is never left bare or inside double quotes.
package repro

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// Escape is how a variable's value is written where it stands, for the
// request to be the one that was sent.
type Escape int

const (
	// Raw is the value as it is.
	Raw Escape = iota
	// JSON is the value as the inside of a JSON string: " and \ escaped,
	// and every control character as \u00XX.
	JSON
	// Form is the value form-encoded (application/x-www-form-urlencoded):
	// a space as +, every byte but A-Z a-z 0-9 - . _ ~ as %XX.
	Form
)

// Var is a value the line reads from the environment when it runs.
type Var struct {
	// Name is an environment variable: the value, or with File the path
	// of a file holding it (a *_FILE variable).
	Name   string
	File   bool
	Escape Escape
	// Path, when set, is the path of a file holding the value, written in
	// the line (no variable holds it: a settings file named it); Name and
	// File are then not used.
	Path string
}

// Part is a piece of an argument: literal text, or a variable when Var is
// set.
type Part struct {
	Text string
	Var  *Var
}

// Arg is one argument of the command, its parts in order.
type Arg []Part

// Lit is an argument of literal text only.
func Lit(s string) Arg { return Arg{{Text: s}} }

// Header is a request header.
type Header struct {
	Name  string
	Value Arg
}

// Required is a variable the line cannot run without (a token the run
// obtained and never prints), and what to set it to.
type Required struct {
	Name string
	// Hint is shown by the shell when Name is unset: letters, digits,
	// spaces, commas, dots and hyphens only.
	Hint string
}

// Command is a curl command that sends one request.
type Command struct {
	Method string
	URL    Arg
	Header []Header
	// User is sent with -u, which curl sends as HTTP Basic; nil: none.
	User Arg
	// Body is sent with --data-raw, which reads no file whatever the body
	// starts with; nil: no body.
	Body     Arg
	Required []Required
}

// Withheld stands in for a line the redactor would change: it is a
// comment, so pasting it runs nothing.
const Withheld = "# no curl command: it would show a secret or a token"

// Checked is line if mask leaves it as it is, else Withheld. A quoted line
// is never rewritten: masking a piece of it could end a quote early.
// Every output masks what it writes, with values that may have been
// registered after the line was built (a token issued later); checked
// again at the output, a line either passes whole or is withheld.
func Checked(line string, mask func(string) string) string {
	if line == "" || mask(line) == line {
		return line
	}
	return Withheld
}

var (
	varName    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	hintText   = regexp.MustCompile(`^[A-Za-z0-9 ,.-]+$`)
	headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") // RFC 9110 token
)

// String is the command as shell text: one argument per line after the
// first, joined by backslash-newline. An error says why a request cannot
// be written as a command (a NUL byte, which no shell argument holds; a
// header name that is not an HTTP token).
func (c Command) String() (string, error) {
	var lines []string
	for _, r := range c.Required {
		if !varName.MatchString(r.Name) || !hintText.MatchString(r.Hint) {
			return "", fmt.Errorf("required variable %q: want a variable name and a plain hint", r.Name)
		}
		// ${NAME:?hint} stops the line, saying what to set, when NAME is
		// unset or empty.
		lines = append(lines, `: "${`+r.Name+`:?`+r.Hint+`}" &&`)
	}
	method, err := quote(c.Method)
	if err != nil {
		return "", fmt.Errorf("method: %v", err)
	}
	url, err := c.URL.shell()
	if err != nil {
		return "", fmt.Errorf("URL: %v", err)
	}
	// -g: no curl globbing of [] and {} in the URL; --url: the URL is
	// never read as an option.
	lines = append(lines, "curl -sS -i -g -X "+method+" --url "+url)
	for _, h := range c.Header {
		arg, err := h.arg()
		if err != nil {
			return "", err
		}
		lines = append(lines, "  -H "+arg)
	}
	if c.User != nil {
		arg, err := c.User.shell()
		if err != nil {
			return "", fmt.Errorf("user: %v", err)
		}
		lines = append(lines, "  -u "+arg)
	}
	if c.Body != nil {
		arg, err := c.Body.shell()
		if err != nil {
			return "", fmt.Errorf("body: %v", err)
		}
		lines = append(lines, "  --data-raw "+arg)
	}
	return strings.Join(lines, " \\\n"), nil
}

// curlArg is the header as curl's -H argument: "Name: value", or "Name;"
// for an empty value (curl drops a header given as "Name:").
func (h Header) curlArg() Arg {
	if h.Value.empty() {
		return Lit(h.Name + ";")
	}
	return append(Arg{{Text: h.Name + ": "}}, h.Value...)
}

func (h Header) arg() (string, error) {
	if !headerName.MatchString(h.Name) {
		return "", fmt.Errorf("header name %q is not an HTTP token", h.Name)
	}
	s, err := h.curlArg().shell()
	if err != nil {
		return "", fmt.Errorf("header %s: %v", h.Name, err)
	}
	return s, nil
}

func (a Arg) empty() bool {
	for _, p := range a {
		if p.Var != nil || p.Text != "" {
			return false
		}
	}
	return true
}

// shell writes the argument as one shell word: each run of literal text
// quoted once, each variable a double-quoted expansion beside it.
func (a Arg) shell() (string, error) {
	var b strings.Builder
	lit := ""
	flush := func() error {
		if lit == "" {
			return nil
		}
		q, err := quote(lit)
		b.WriteString(q)
		lit = ""
		return err
	}
	for _, p := range a {
		if p.Var == nil {
			lit += p.Text
			continue
		}
		if err := flush(); err != nil {
			return "", err
		}
		v, err := p.Var.shell()
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
	if err := flush(); err != nil {
		return "", err
	}
	if b.Len() == 0 {
		return "''", nil
	}
	return b.String(), nil
}

// quote writes literal text as shell words that expand to exactly it, with
// syntax.Quote, given the text in pieces where a piece whole would not do:
//   - A '!' must stay inside single quotes: history expansion reads it
//     inside double quotes and in bare words, where the library may put it.
//     So in text holding one, each single quote is written \', which every
//     shell's history expansion reads as escaped, and the pieces between
//     are quoted alone (the library single-quotes a piece without a quote,
//     or writes it as $'...' with no quote inside either).
//   - The library writes a character that is not printable and not ASCII
//     (U+2028, U+202E...) as $'\uXXXX', which bash reads through the
//     locale: in the C locale it stays the six characters. Its bytes are
//     given to the library one at a time, which writes each as $'\xNN'.
//
// Quote is s as one bash word, by the rules above: for a value printed
// for people to paste (serve's export lines), never a command of its own.
func Quote(s string) (string, error) { return quote(s) }

func quote(s string) (string, error) {
	if s == "" {
		return quoteWord(s)
	}
	bang := strings.Contains(s, "!")
	var b strings.Builder
	start := 0 // of the text not yet written
	flush := func(end int) error {
		if end == start {
			return nil
		}
		q, err := quoteWord(s[start:end])
		b.WriteString(q)
		return err
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		byteWise := r >= utf8.RuneSelf && size > 1 && !unicode.IsPrint(r)
		if !(bang && r == '\'') && !byteWise {
			i += size
			continue
		}
		if err := flush(i); err != nil {
			return "", err
		}
		if r == '\'' {
			b.WriteString(`\'`)
		}
		for j := i; byteWise && j < i+size; j++ {
			q, err := quoteWord(s[j : j+1])
			if err != nil {
				return "", err
			}
			b.WriteString(q)
		}
		i += size
		start = i
	}
	if err := flush(len(s)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// quoteWord is syntax.Quote for bash, with one change: a word the library
// leaves bare is single-quoted unless it is letters and digits, so that no
// shell's own expansions (history, zsh's extended globbing) can read it.
// The library's documentation allows this: such a word "can be directly
// surrounded in single quotes as well".
func quoteWord(s string) (string, error) {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err != nil {
		return "", err
	}
	if q == s && !alnum(s) {
		q = "'" + s + "'"
	}
	return q, nil
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}
