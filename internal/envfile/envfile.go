// Package envfile reads a settings file (-config): named sets of the
// AUTHCONFORM_* variables, one per target (staging, rc, production), laid
// under the environment so that a variable or a flag still wins.
//
// The format is a dotenv file with [section] headers, and no more:
//
//	# lines before the first section apply to every section
//	AUTHCONFORM_MARKET_ID=vjzmJhvEDo
//
//	[staging]
//	AUTHCONFORM_TARGET=https://auth.staging.example.com
//	AUTHCONFORM_INTEGRATION_CLIENT_ID=abc
//	AUTHCONFORM_INTEGRATION_CLIENT_SECRET=${STAGING_INTEGRATION_SECRET}
//
//	[production]
//	AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE=/run/secrets/integration
//
// A value is the text after '=', trimmed, without one pair of matching
// quotes around it; or, when it is ${NAME} and nothing else, the value of
// the environment variable NAME. A client secret is never written in the
// file: its variable takes only a ${NAME} reference, and its _FILE
// variable a path. A file that breaks a rule is refused whole, each error
// one line naming the file, the line and the key, never the value.
//
// No library reads this: dotenv readers (joho/godotenv) have no sections
// and no line numbers in their errors, INI readers (gopkg.in/ini.v1) strip
// '#' and ';' from values, interpolate their own syntax and read files
// unbounded; either would take as much code around it as this package is.
package envfile

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/urlcheck"
	"github.com/authconform/authconform/internal/userfile"
)

// MaxSize bounds the file: a few dozen settings per section.
const MaxSize = 1 << 20

// Rules are what a file may hold: the variables it may set, and the pairs
// of a client secret's variables (the secret itself, and the path of a
// file holding it), set as one.
type Rules struct {
	Known   []string
	Secrets []SecretPair
}

// SecretPair names the two variables that may hold one client's secret.
type SecretPair struct{ Inline, File string }

// Origin says where a value taken from the file came from: the
// environment variable a ${NAME} reference named, or the file's text.
type Origin struct {
	Ref  string // NAME of ${NAME}; "" for text written in the file
	Line int
}

// setting is one KEY=VALUE line.
type setting struct {
	value  string
	origin Origin
}

// Env is the environment with a section of the file under it.
type Env struct {
	getenv func(string) string
	file   section // the section's settings the environment leaves
}

var (
	sectionName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	keyName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reference   = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)
)

// Load reads the file at path and takes its section (the only set of
// settings when the file has no [section] header, then section must be
// ""), resolving ${NAME} references with getenv.
func Load(path, section string, rules Rules, getenv func(string) string) (*Env, error) {
	b, err := userfile.Read(path, MaxSize)
	if err != nil {
		return nil, err
	}
	f, err := parse(string(b), rules)
	if err != nil {
		return nil, fmt.Errorf("%s:%v", path, err)
	}
	chosen, err := f.choose(section, rules)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	e, err := newEnv(chosen, rules, getenv)
	if err != nil {
		return nil, fmt.Errorf("%s:%v", path, err)
	}
	return e, nil
}

// newEnv lays the file's settings under getenv: a variable set in the
// environment wins, and so does either variable of a secret pair, taking
// the file's other one with it (a secret and a secret file from two
// places would be refused as two secrets). The references of the
// settings left are read then, so that another section's, or one the
// environment replaces, need not be set. An error starts with the line
// number.
func newEnv(file section, rules Rules, getenv func(string) string) (*Env, error) {
	e := &Env{getenv: getenv, file: section{}}
	for k, s := range file {
		if getenv(k) == "" {
			e.file[k] = s
		}
	}
	for _, p := range rules.Secrets {
		if getenv(p.Inline) != "" || getenv(p.File) != "" {
			delete(e.file, p.Inline)
			delete(e.file, p.File)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.file)) {
		s := e.file[k]
		if s.origin.Ref == "" {
			continue
		}
		if s.value = strings.TrimSpace(getenv(s.origin.Ref)); s.value == "" {
			return nil, fmt.Errorf("%d: %s refers to ${%s}, which is not set (or is empty) in the environment", s.origin.Line, k, s.origin.Ref)
		}
		e.file[k] = s
	}
	return e, nil
}

// Getenv is the variable's value: the environment's, else the file's.
func (e *Env) Getenv(name string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return e.file[name].value
}

// Origin says where the value Getenv gives for name came from, when it
// came from the file.
func (e *Env) Origin(name string) (Origin, bool) {
	s, ok := e.file[name]
	return s.origin, ok
}

// section is a set of settings, by variable name.
type section map[string]setting

// file is a parsed settings file: the settings before any header, and
// each section's, in the file's order.
type file struct {
	common   section
	sections map[string]section
	order    []string
}

// parse reads the file's lines. An error starts with the line number.
func parse(text string, rules Rules) (*file, error) {
	f := &file{common: section{}, sections: map[string]section{}}
	current := f.common
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			name, err := header(line)
			if err == nil && f.sections[name] != nil {
				err = fmt.Errorf("section [%s] appears twice", name)
			}
			if err != nil {
				return nil, fmt.Errorf("%d: %v", n, err)
			}
			current = section{}
			f.sections[name] = current
			f.order = append(f.order, name)
		default:
			if err := current.add(line, n, rules); err != nil {
				return nil, fmt.Errorf("%d: %v", n, err)
			}
		}
	}
	return f, nil
}

func header(line string) (string, error) {
	name, ok := strings.CutSuffix(line[1:], "]")
	if !ok || !sectionName.MatchString(name) {
		return "", errors.New("want a section header such as [staging]: letters, digits, '.', '_' and '-' between brackets")
	}
	return name, nil
}

// add reads one KEY=VALUE line into s. The errors never show the value:
// it may be a secret, written where it must not be.
func (s section) add(line string, n int, rules Rules) error {
	key, raw, ok := strings.Cut(line, "=")
	key = strings.TrimSpace(key)
	if !ok || !keyName.MatchString(key) {
		return errors.New("want KEY=VALUE, a [section] header, a # comment or a blank line")
	}
	if !slices.Contains(rules.Known, key) {
		return fmt.Errorf("%s is not a setting authconform reads; a settings file holds AUTHCONFORM_* variables (authconform -h lists them)", shorten(key))
	}
	if prev, dup := s[key]; dup {
		return fmt.Errorf("%s is set twice in one section (first on line %d)", key, prev.origin.Line)
	}
	value := unquote(strings.TrimSpace(raw))
	st := setting{value: value, origin: Origin{Line: n}}
	if m := reference.FindStringSubmatch(value); m != nil {
		st.value, st.origin.Ref = "", m[1] // read from the environment if the section is chosen
	} else if strings.Contains(value, "${") {
		return fmt.Errorf("%s: a ${NAME} reference must be the whole value", key)
	}
	if st.origin.Ref == "" && slices.ContainsFunc(rules.Secrets, func(p SecretPair) bool { return p.Inline == key }) {
		return fmt.Errorf("%s holds a secret written in the file; refused: write %s=${VARIABLE} (an environment variable holding it) or %s_FILE=PATH", key, key, key)
	}
	s[key] = st
	return nil
}

// unquote strips one pair of matching quotes; nothing inside is an
// escape.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// choose is the named section over the common settings; with no name,
// the file must have no sections.
func (f *file) choose(name string, rules Rules) (section, error) {
	merged := maps.Clone(f.common)
	switch {
	case name == "" && len(f.order) > 0:
		return nil, fmt.Errorf("the file has sections (%s): choose one with -config-section", strings.Join(f.order, ", "))
	case name == "":
		return merged, nil
	case f.sections[name] == nil && len(f.order) == 0:
		return nil, fmt.Errorf("no section %q: the file has no sections; drop -config-section", shorten(name))
	case f.sections[name] == nil:
		return nil, fmt.Errorf("no section %q; the file has %s", shorten(name), strings.Join(f.order, ", "))
	}
	return merged.under(f.sections[name], rules), nil
}

// under lays s under top: top's settings win, and a secret pair set in
// top replaces s's pair whole.
func (s section) under(top section, rules Rules) section {
	for _, p := range rules.Secrets {
		if _, ok := top[p.Inline]; ok {
			delete(s, p.File)
		}
		if _, ok := top[p.File]; ok {
			delete(s, p.Inline)
		}
	}
	maps.Copy(s, top)
	return s
}

// shorten cuts what a message quotes from the file.
func shorten(s string) string { return urlcheck.Shorten(s) }
