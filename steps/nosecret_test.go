package steps

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/leakforms"
)

// TestNoSecretFailsOnEveryForm echoes the configured secret in every form
// the README lists and every ordered pair of them (leakforms), in the body
// and, where a header can carry it, in a header, once folded as obs-fold
// shows it: "the response should not contain a client secret" must fail on
// each, naming where it found the secret and never showing it.
func TestNoSecretFailsOnEveryForm(t *testing.T) {
	t.Parallel()
	const line = "And the response should not contain a client secret"
	s := testSuite(t)
	rng := rand.New(rand.NewPCG(19, 1))
	check := func(name, enc string) {
		t.Helper()
		err := runLine(t, answered(s, 400, http.Header{"Content-Type": {"text/plain"}}, "debug: "+enc), line, nil)
		checkOutcome(t, line+" ("+name+" in the body)", err, "body holds a client secret")
		if !headerSafe(enc) {
			return
		}
		err = runLine(t, answered(s, 400, http.Header{"X-Debug": {enc}}, `{}`), line, nil)
		checkOutcome(t, line+" ("+name+" in a header)", err, `header "X-Debug" holds a client secret`)
	}
	for _, f := range leakforms.Singles {
		enc := f.Encode(testSecret, rng)
		check(f.Name, enc)
		if headerSafe(enc) {
			// Go joins the lines of a folded header with a space.
			cut := len(enc) / 2
			err := runLine(t, answered(s, 400, http.Header{"X-Debug": {enc[:cut] + " " + enc[cut:]}}, `{}`), line, nil)
			checkOutcome(t, line+" ("+f.Name+" in a folded header)", err, `header "X-Debug" holds a client secret`)
		}
	}
	for _, p := range leakforms.Pairs() {
		if enc, ok := leakforms.Pair(p[0], p[1], testSecret, rng); ok {
			check(p[0].Name+"("+p[1].Name+")", enc)
		}
	}
}

// headerSafe reports whether a header value can carry enc: no control
// bytes but tab, valid UTF-8 or not.
func headerSafe(enc string) bool {
	return !strings.ContainsFunc(enc, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f })
}
