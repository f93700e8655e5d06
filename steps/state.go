package steps

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/httpclient"
)

// scenario is one scenario's state. It lives in the scenario's context, so
// scenarios running at the same time share nothing.
type scenario struct {
	suite   *Suite
	pickle  *godog.Scenario
	started time.Time
	vars    map[string]string

	req       *tokenRequest
	exchanges []*httpclient.Exchange
	// decoded caches the last exchange's parsed body: every member step
	// reads it, and a body is parsed once.
	decoded struct {
		ex  *httpclient.Exchange
		doc any
		err error
	}
	remembered map[string]string
	// sentSecrets are the client_secret values this scenario sent, wrong
	// ones included, so that an echo of any of them is caught.
	sentSecrets []string
}

type scenarioKey struct{}

func withScenario(ctx context.Context, st *scenario) context.Context {
	return context.WithValue(ctx, scenarioKey{}, st)
}

func scenarioFrom(ctx context.Context) (*scenario, bool) {
	st, ok := ctx.Value(scenarioKey{}).(*scenario)
	return st, ok
}

// current returns the scenario state; a step run outside a scenario is a
// bug in the runner, reported rather than panicking.
func current(ctx context.Context) (*scenario, error) {
	st, ok := scenarioFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("internal error: no scenario state in the step context")
	}
	return st, nil
}

func newScenario(s *Suite, p *godog.Scenario) *scenario {
	t := s.Target
	vars := map[string]string{
		"sales_channel.client_id":   t.SalesChannel.ID,
		"sales_channel.expires_in":  strconv.Itoa(t.SalesChannel.Lifetime),
		"market_id":                 t.MarketID,
		"integration.client_id":     t.Integration.ID,
		"integration.client_secret": t.Integration.Secret,
		"integration.expires_in":    strconv.Itoa(t.Integration.Lifetime),
		// Values no target can know: generated per scenario, so a server
		// cannot pass by special-casing a fixed string.
		"unknown_client_id": "authconform-unknown-" + randomID(12),
		"unknown_market_id": "zz" + randomID(8) + "Q",
		"wrong_secret":      "authconform-wrong-" + randomID(24),
	}
	return &scenario{
		suite:      s,
		pickle:     p,
		started:    time.Now(),
		vars:       vars,
		remembered: map[string]string{},
	}
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// GeneratedValue matches every value newScenario generates, and nothing a
// target is configured with: tests that compare two runs mask them with it.
var GeneratedValue = regexp.MustCompile(`authconform-(?:unknown|wrong)-[A-Za-z0-9]+|\bzz[A-Za-z0-9]{8}Q\b`)

func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// currentExpanding is current, and text with its placeholders expanded:
// what a Then step with an expected value needs first.
func currentExpanding(ctx context.Context, text string) (*scenario, string, error) {
	st, err := current(ctx)
	if err != nil {
		return nil, "", err
	}
	expanded, err := st.expand(text)
	return st, expanded, err
}

// expand replaces {{name}} placeholders with the target's values.
func (st *scenario) expand(text string) (string, error) {
	var unknown []string
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := st.vars[name]
		if !ok {
			unknown = append(unknown, name)
			return m
		}
		return v
	})
	if len(unknown) > 0 {
		known := make([]string, 0, len(st.vars))
		for k := range st.vars {
			known = append(known, "{{"+k+"}}")
		}
		sort.Strings(known)
		return "", fmt.Errorf("unknown placeholder {{%s}}; known: %s", strings.Join(unknown, "}}, {{"), strings.Join(known, " "))
	}
	return out, nil
}

// last returns the last answer, or an error if nothing was sent yet.
func (st *scenario) last() (*httpclient.Exchange, error) {
	if len(st.exchanges) == 0 {
		return nil, fmt.Errorf("no response yet: a When step must send the token request before a Then step judges it")
	}
	return st.exchanges[len(st.exchanges)-1], nil
}

// fail builds a step error: the message, then the last exchange, redacted.
func (st *scenario) fail(format string, args ...any) error {
	red := st.suite.Redactor
	e := &checkError{msg: red.String(fmt.Sprintf(format, args...))}
	if len(st.exchanges) > 0 {
		e.exchange = red.String(formatExchange(st.exchanges[len(st.exchanges)-1]))
	}
	return e
}

// checkError is a failed check. Its text is the verdict and the exchange
// judged, which is what godog's reports show; the run's own reports keep
// the two apart, as they show every exchange in the transcript anyway.
type checkError struct {
	msg      string // expected and actual
	exchange string // the exchange judged, redacted
}

func (e *checkError) Error() string {
	if e.exchange == "" {
		return e.msg
	}
	return e.msg + "\n" + e.exchange
}

// transcript renders every exchange of the scenario.
func (st *scenario) transcript() string {
	var b strings.Builder
	for i, ex := range st.exchanges {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(formatExchange(ex))
	}
	return b.String()
}

// maxShown bounds how much of a body a message shows; the transcript in the
// reports carries up to the client's body cap.
const maxShown = 2048

func formatExchange(ex *httpclient.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- request ---\n%s %s\n", ex.Request.Method, ex.Request.URL)
	writeHeaders(&b, ex.Request.Header)
	if len(ex.Request.Body) > 0 {
		b.WriteString("\n" + shorten(ex.Request.Body) + "\n")
	}
	retried := ""
	if ex.Retried {
		retried = ", after waiting out a 429"
	}
	fmt.Fprintf(&b, "--- response: %d %s (%s%s) ---\n", ex.Status, http.StatusText(ex.Status), ex.Duration.Round(time.Millisecond), retried)
	writeHeaders(&b, ex.Header)
	if len(ex.Body) > 0 {
		b.WriteString("\n" + shorten(ex.Body))
		if ex.Truncated {
			b.WriteString("\n[body cut at the client's limit]")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			if strings.EqualFold(k, "Authorization") {
				v = "[REDACTED]"
			}
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

// shorten shows a body as text: pretty JSON when it is JSON, else at most
// maxShown bytes with control bytes escaped.
func shorten(body []byte) string {
	if json.Valid(body) && len(body) <= maxShown {
		return string(body)
	}
	s := body
	cut := ""
	if len(s) > maxShown {
		s, cut = s[:maxShown], fmt.Sprintf("... [%d more bytes]", len(body)-maxShown)
	}
	q := strconv.Quote(string(s))
	return q[1:len(q)-1] + cut
}
