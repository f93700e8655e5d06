package steps

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/termsafe"
)

// maxShown bounds how much of a body a transcript shows.
const maxShown = 2048

// formatExchange renders one request and its answer for people, redacted.
// Every piece is masked before it is cut or quoted: a cut can split a
// secret, and quoting rewrites its bytes, and either would hide it from a
// mask applied afterwards.
func formatExchange(red *redact.Redactor, ex *httpclient.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- request ---\n%s %s\n", ex.Request.Method, red.String(ex.Request.URL))
	writeHeaders(&b, red, ex.Request.Header, false)
	if len(ex.Request.Body) > 0 {
		b.WriteString("\n" + shorten(red, ex.Request.Body, false) + "\n")
	}
	if ex.Malformed != "" {
		fmt.Fprintf(&b, "--- response: malformed (%s) ---\n[%s]\n", ex.Duration.Round(time.Millisecond), ex.Malformed)
		return red.String(b.String())
	}
	retried := ""
	if ex.Retried {
		retried = ", after waiting out a 429"
	}
	fmt.Fprintf(&b, "--- response: %d %s (%s%s) ---\n", ex.Status, http.StatusText(ex.Status), ex.Duration.Round(time.Millisecond), retried)
	writeHeaders(&b, red, ex.Header, len(ex.HeaderCuts) > 0)
	for _, cut := range ex.HeaderCuts {
		fmt.Fprintf(&b, "[%s]\n", cut)
	}
	if len(ex.Body) > 0 {
		b.WriteString("\n" + shorten(red, ex.Body, ex.Truncated))
		if ex.Truncated {
			b.WriteString("\n[body cut at the client's limit]")
		}
		b.WriteString("\n")
	}
	return red.String(b.String())
}

// writeHeaders writes header lines sorted by name, each value masked (as a
// possibly cut value when the client cut some).
func writeHeaders(b *strings.Builder, red *redact.Redactor, h http.Header, cut bool) {
	mask := red.String
	if cut {
		mask = red.StringCut
	}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			if strings.EqualFold(k, "Authorization") {
				v = redact.Mask
			}
			// One line each, nothing a terminal would act on.
			fmt.Fprintf(b, "%s: %s\n", termsafe.String(k), termsafe.String(mask(v)))
		}
	}
}

// shorten shows a body as text: as it is when it is JSON and short (its
// line breaks and tabs kept), else at most maxShown bytes on one line.
// Either way what a terminal would act on is escaped. The text shown is
// masked before it is cut or quoted, and only a window of a long body is
// masked: what lies past the window is never shown, and the window's own
// cut is masked as a cut (a secret's first half at its end is hidden too).
func shorten(red *redact.Redactor, body []byte, cut bool) string {
	window := body
	if len(body) > 2*maxShown {
		window, cut = body[:2*maxShown], true
	}
	s := red.String(string(window))
	if cut {
		s = red.StringCut(string(window))
	}
	if len(body) <= maxShown && json.Valid([]byte(s)) {
		// A JSON string may hold DEL, C1 and bidi controls as they are.
		// Clean keeps the body's own escapes, and each escape it adds is
		// one valid JSON cannot hold as it is (\r between tokens, a byte
		// that is not UTF-8) or the JSON escape of the same character
		// (\u202e): the body still reads exactly.
		return termsafe.Clean(s)
	}
	more := ""
	if len(s) > maxShown || len(body) > len(window) {
		more = fmt.Sprintf("... [%d more bytes]", max(len(body)-maxShown, 0))
		s = s[:min(len(s), maxShown)]
	}
	return termsafe.String(s) + more
}
