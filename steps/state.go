package steps

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
)

// scenario is one scenario's state, and the vocabulary's handlers are its
// methods. InitializeScenario makes one for each scenario (godog calls it
// once per scenario) and binds the handlers to it, so scenarios running at
// the same time share nothing, and no handler looks its state up.
type scenario struct {
	suite   *Suite
	pickle  *godog.Scenario // set when the scenario starts (start)
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

	// notRun says why the scenario never started (the run had ended).
	notRun string
	// sendFailed: a request of this scenario got no HTTP answer;
	// neverSent: the client refused to send it (the run had stopped).
	sendFailed, neverSent bool
}

func newScenario(s *Suite) *scenario {
	vars := ConfiguredValues(s.Target)
	// Values no target can know: generated per scenario, so a server
	// cannot pass by special-casing a fixed string.
	vars["unknown_client_id"] = "authconform-unknown-" + randomID(12)
	vars["unknown_market_id"] = "zz" + randomID(8) + "Q"
	vars["wrong_secret"] = "authconform-wrong-" + randomID(24)
	return &scenario{
		suite:      s,
		vars:       vars,
		remembered: map[string]string{},
	}
}

// ConfiguredValues are the placeholders the target's configuration fills,
// by name: the runner checks before the run that none a scenario uses is
// empty.
func ConfiguredValues(t config.Target) map[string]string {
	return map[string]string{
		"sales_channel.client_id":   t.SalesChannel.ID,
		"sales_channel.expires_in":  strconv.Itoa(t.SalesChannel.Lifetime),
		"market_id":                 t.MarketID,
		"other_market_id":           t.OtherMarketID,
		"integration.client_id":     t.Integration.ID,
		"integration.client_secret": t.Integration.Secret,
		"integration.expires_in":    strconv.Itoa(t.Integration.Lifetime),
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

var placeholder = catalog.Placeholder

// expand replaces {{name}} placeholders with the target's values.
func (st *scenario) expand(text string) (string, error) {
	return st.expandWith(text, nil)
}

// expandJSON is expand for JSON text: each value is escaped as the inside
// of a JSON string, so a secret holding " or \ stays data and never
// changes the document around it.
func (st *scenario) expandJSON(text string) (string, error) {
	return st.expandWith(text, func(v string) string {
		q, _ := json.Marshal(v)
		return string(q[1 : len(q)-1])
	})
}

func (st *scenario) expandWith(text string, escape func(string) string) (string, error) {
	var unknown []string
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := st.vars[name]
		if !ok {
			unknown = append(unknown, name)
			return m
		}
		if strings.HasSuffix(name, "secret") {
			st.noteSentSecret(v)
		}
		if escape != nil {
			return escape(v)
		}
		return v
	})
	if len(unknown) > 0 {
		known := slices.Sorted(maps.Keys(st.vars))
		for i, k := range known {
			known[i] = "{{" + k + "}}"
		}
		return "", fmt.Errorf("unknown placeholder {{%s}}; known: %s", strings.Join(unknown, "}}, {{"), strings.Join(known, " "))
	}
	return out, nil
}

// noteSentSecret remembers a secret this scenario sends, so that an echo
// of it is caught and every output masks it.
func (st *scenario) noteSentSecret(v string) {
	if v == "" || slices.Contains(st.sentSecrets, v) {
		return
	}
	st.sentSecrets = append(st.sentSecrets, v)
	st.suite.Redactor.Add(v)
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
		e.exchange = formatExchange(red, st.exchanges[len(st.exchanges)-1])
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
		b.WriteString(formatExchange(st.suite.Redactor, ex))
	}
	return b.String()
}
