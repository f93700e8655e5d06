package steps

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/jwtcheck"
)

// scenario is one scenario's state, and the vocabulary's handlers are its
// methods. InitializeScenario makes one for each scenario (godog calls it
// once per scenario) and binds the handlers to it, so scenarios running at
// the same time share nothing, and no handler looks its state up.
type scenario struct {
	suite   *suite
	pickle  *godog.Scenario // set when the scenario starts (start)
	started time.Time
	vars    map[string]string

	req *tokenRequest
	// exchanges are the requests this scenario sent and their answers, in
	// order; borrowed are answers it judges that an earlier scenario of the
	// run obtained (a shared token, the key set), shown in its transcript
	// but not counted as its requests.
	exchanges []*httpclient.Exchange
	borrowed  []borrowedExchange
	// answer is the answer Then steps judge: the last one from the token,
	// revocation or resource endpoint, sent or borrowed. The key set's
	// answer is never judged this way.
	answer *httpclient.Exchange
	// accessToken is the access token the last token answer carried, for
	// {{access_token}}, the resource and the JWT steps; refreshToken the
	// refresh token the last token answer that had one carried, for
	// {{refresh_token}}.
	accessToken  string
	refreshToken string
	// jwt caches accessToken parsed as a JWT.
	jwt struct {
		raw string
		tok *jwtcheck.Token
		err error
	}
	// decoded caches the last exchange's parsed body: every member step
	// reads it, and a body is parsed once.
	decoded struct {
		ex  *httpclient.Exchange
		doc any
		err error
	}
	remembered map[string]string
	// rememberedAnswers are answers kept to compare later ones with.
	rememberedAnswers map[string]*httpclient.Exchange
	// sentSecrets are the client_secret values this scenario sent, wrong
	// ones included, so that an echo of any of them is caught.
	sentSecrets []string
	// grant is its own of the grants that act for someone (authcode.go).
	grant grantState

	// notRun says why the scenario never started (the run had ended).
	notRun string
	// sendFailed: a request of this scenario got no HTTP answer;
	// neverSent: the client refused to send it (the run had stopped).
	sendFailed, neverSent bool
	// lineSends counts the requests this scenario has sent or judged in
	// its line of the run's sharing plan (lines.go).
	lineSends int
}

func newScenario(s *suite) *scenario {
	vars := configuredValues(s.Target)
	// Values no target can know: generated per scenario, so a server
	// cannot pass by special-casing a fixed string.
	vars["unknown_client_id"] = "authconform-unknown-" + randomID(12)
	vars["unknown_market_id"] = "zz" + randomID(8) + "Q"
	vars["wrong_secret"] = "authconform-wrong-" + randomID(24)
	vars["unknown_token"] = "authconform-unknown-" + randomID(40)
	maps.Copy(vars, s.runValues())
	addUnknownScopeResources(vars)
	vars["unknown_code"] = "authconform-unknown-" + randomID(32)
	vars["unknown_customer_id"] = "authconform-unknown-" + randomID(10)
	return &scenario{
		suite:      s,
		vars:       vars,
		remembered: map[string]string{},
	}
}

// configuredValues are the placeholders the target's configuration fills,
// by name: the runner checks before the run that none a scenario uses is
// empty (stepsuite.ConfiguredValues).
func configuredValues(t config.Target) map[string]string {
	values := map[string]string{
		"sales_channel.client_id":     t.SalesChannel.ID,
		"market_id":                   t.MarketID,
		"other_market_id":             t.OtherMarketID,
		"integration.client_id":       t.Integration.ID,
		"integration.client_secret":   t.Integration.Secret,
		"sales_channel.client_secret": t.SalesChannel.Secret,
		"client.client_id":            t.Client.ID,
		"client.client_secret":        t.Client.Secret,
		"basic_client.client_id":      t.BasicClient.ID,
		"basic_client.client_secret":  t.BasicClient.Secret,
		"scope":                       t.Scope,
		"forbidden_scope":             t.ForbiddenScope,
		"customer.email":              t.Customer.Email,
		"customer.password":           t.Customer.Password,
	}
	maps.Copy(values, scopeResourceValues(t.ScopeResources))
	maps.Copy(values, grantValues(t))
	return values
}

// accessTokenPlaceholder is the access token the scenario's last token
// answer carried: known only once a token request has been answered.
const accessTokenPlaceholder = "access_token"

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// GeneratedValue matches every value newScenario and runValues generate,
// and the state of each authorize request, and nothing a target is
// configured with: tests that compare two runs mask them with it.
var GeneratedValue = regexp.MustCompile(`authconform-(?:unknown|wrong|state)-[A-Za-z0-9]+(?:@example\.invalid)?|\bzz[A-Za-z0-9]{8}Q\b`)

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
	noToken := false
	var learnErr error
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		v, ok := st.vars[name]
		if name == accessTokenPlaceholder {
			v, ok = st.accessToken, true
			noToken = v == ""
		}
		if learned, isLearned, err := st.learnedValue(name); isLearned {
			v, ok = learned, true
			if err != nil && learnErr == nil {
				learnErr = err
			}
		}
		if !ok {
			unknown = append(unknown, name)
			return m
		}
		if strings.HasSuffix(name, "secret") || strings.HasSuffix(name, "password") {
			st.noteSentSecret(v)
		}
		if escape != nil {
			return escape(v)
		}
		return v
	})
	if noToken {
		return "", fmt.Errorf("{{%s}} is used before any token request of this scenario was answered with an access token", accessTokenPlaceholder)
	}
	if learnErr != nil {
		return "", learnErr
	}
	if len(unknown) > 0 {
		known := append(slices.Collect(maps.Keys(st.vars)), accessTokenPlaceholder, refreshTokenPlaceholder, rememberedPrefix+"NAME")
		slices.Sort(known)
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

// last returns the answer Then steps judge, or an error if there is none.
func (st *scenario) last() (*httpclient.Exchange, error) {
	if st.answer == nil {
		return nil, fmt.Errorf("no response yet: a When step must send the token request before a Then step judges it")
	}
	return st.answer, nil
}

// borrowedExchange is an answer an earlier scenario of the run obtained,
// and why this one shows it.
type borrowedExchange struct {
	ex   *httpclient.Exchange
	note string
}

// fail builds a step error: the message, then the last exchange, redacted.
func (st *scenario) fail(format string, args ...any) error {
	red := st.suite.Redactor
	e := &checkError{msg: red.String(fmt.Sprintf(format, args...))}
	if st.answer != nil {
		e.exchange = formatExchange(red, st.answer)
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
	for _, bx := range st.borrowed {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("[" + bx.note + "]\n")
		b.WriteString(formatExchange(st.suite.Redactor, bx.ex))
	}
	for _, ex := range st.exchanges {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(formatExchange(st.suite.Redactor, ex))
	}
	return b.String()
}
