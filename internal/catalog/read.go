package catalog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform/internal/userfile"
)

// maxFeatureSize bounds a feature file: the suite's are a few KiB, and a
// larger file is a mistake that would only cost memory.
const maxFeatureSize = 4 << 20

// maxLine is the longest line, in bytes without its "\n", the Gherkin
// parser reads: it scans lines with a bufio.Scanner of the default
// buffer, which must hold a line and its "\n", and crashes on a longer one.
const maxLine = bufio.MaxScanTokenSize - 1

// readFeature reads a feature file that is a regular file of at most
// maxFeatureSize. Anything else (a FIFO, a device) is refused before it
// is opened: opening a FIFO blocks until someone writes to it.
func readFeature(fsys fs.FS, p string) ([]byte, error) {
	return userfile.ReadFS(fsys, p, maxFeatureSize)
}

// parse parses a feature file, refusing first what the parser cannot read.
func parse(uri string, src []byte, newID func() string) (doc *messages.GherkinDocument, err error) {
	if err := checkLines(uri, src); err != nil {
		return nil, err
	}
	// Lines are checked above; this is for what no one has found yet.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: the Gherkin parser failed (%v); check the file's syntax", uri, r)
		}
	}()
	doc, err = gherkin.ParseGherkinDocument(bytes.NewReader(src), newID)
	if err != nil {
		return nil, syntaxError(uri, err)
	}
	return doc, nil
}

// checkLines refuses a line longer than the parser reads.
func checkLines(uri string, src []byte) error {
	for n := 1; len(src) > 0; n++ {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		if len(line) > maxLine {
			return fmt.Errorf("%s:%d: line is %d bytes long; the Gherkin parser reads lines of at most %d bytes", uri, n, len(line), maxLine)
		}
		src = rest
	}
	return nil
}

// gherkinError is one error of the parser's list: "(line:column): message".
var gherkinError = regexp.MustCompile(`^\((\d+):(\d+)\): (.*)$`)

// syntaxError renders the parser's errors, one per line after a header,
// as one line: the first, as file:line:column, and how many more.
func syntaxError(uri string, err error) error {
	list := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if len(list) > 1 && list[0] == "Parser errors:" {
		list = list[1:]
	}
	msg := uri + ": " + shorten(list[0])
	if m := gherkinError.FindStringSubmatch(list[0]); m != nil {
		msg = fmt.Sprintf("%s:%s:%s: %s", uri, m[1], m[2], shorten(m[3]))
	}
	switch n := len(list) - 1; {
	case n == 1:
		msg += " (and 1 more syntax error)"
	case n > 1:
		msg += fmt.Sprintf(" (and %d more syntax errors)", n)
	}
	return errors.New(msg)
}

// shorten cuts s to a length a one-line message can quote: a parser
// message repeats the offending line, which may be long.
func shorten(s string) string {
	const max = 200
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}
