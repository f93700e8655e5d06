package httpclient

import (
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/authconform/authconform/internal/termsafe"
)

// malformedHeader recognises an answer whose status line net/http read
// and whose header it then refused (a value holding a control byte or
// DEL, a name that is not a token, a line without a colon), and says why
// in one line. net/http quotes the line it refused in its error.
func malformedHeader(err error) (string, bool) {
	var pe textproto.ProtocolError
	if err == nil || !errors.As(err, &pe) || !strings.HasPrefix(string(pe), "malformed MIME header") {
		return "", false
	}
	msg := string(pe)
	i := strings.Index(msg, `: "`)
	if i < 0 {
		return "the answer's header is malformed: " + termsafe.String(msg), true
	}
	line, uerr := strconv.Unquote(msg[i+2:])
	if uerr != nil {
		return "the answer's header is malformed: " + termsafe.String(msg), true
	}
	return "header line " + termsafe.String(line) + ": " + headerLineFault(line), true
}

// headerLineFault says what makes a header line one no client may accept.
// net/http refused it: when its value holds no byte a value may not, its
// name is what is wrong.
func headerLineFault(line string) string {
	_, value, found := strings.Cut(line, ":")
	switch {
	case line != "" && (line[0] == ' ' || line[0] == '\t'):
		return "the header begins with white space (RFC 9112 §2.2)"
	case !found:
		return `no colon: a field line is name ":" value (RFC 9112 §5)`
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return fmt.Sprintf("its value holds byte 0x%02x; a field value holds visible characters, spaces and tabs only (RFC 9110 §5.5)", c)
		}
	}
	return "its name is not a token (RFC 9110 §5.1)"
}
