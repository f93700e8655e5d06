package bench

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform/internal/config"
)

// The floor's steps of the grants that act for someone, in plain Go: the
// authorize request and its redirect (read, never followed), the code it
// carries put into the exchange when the exchange is sent, assertions
// signed HS512 with crypto/hmac, and the checks of the webapp's lifetime
// and of a claim equal to a JSON value.

// floorCode stands for {{authorization_code}} in a body until the request
// is sent: only then is the scenario's code known.
const floorCode = "{{authorization_code}}"

// floorAuthState is the state every authorize request of the floor sends:
// the suite's shape, so the request log masks both alike.
const floorAuthState = "authconform-state-FloorStateFloorState0000"

// floorRefserverCode is a code the reference server hands out: 40 hex
// digits, as the request log quotes an exchange's body.
var floorRefserverCode = regexp.MustCompile(`\b[0-9a-f]{40}\b`)

// floorAssertionKey signs the floor's assertions; the target does not
// check the signature, as Commerce Layer does not.
var floorAssertionKey = []byte("authconform-floor-assertion-key-0123456789")

func init() {
	floorRequestSteps = append(floorRequestSteps, floorGrantSteps...)
	floorThenSteps = append(floorThenSteps, floorGrantChecks...)
}

// floorGrantSteps build and send the grants' requests.
var floorGrantSteps = []struct {
	re    *regexp.Regexp
	build func(b *floorBuilder, m []string, arg *messages.PickleStepArgument) error
}{
	{re(`^a fresh authorization code from the authorize endpoint$`), (*floorBuilder).freshCode},
	{re(`^the webapp's authorization code$`), func(b *floorBuilder, m []string, arg *messages.PickleStepArgument) error {
		if code := b.target.AuthorizationCode; code != "" {
			b.vars["authorization_code"] = string(code)
			return nil
		}
		return b.freshCode(m, arg)
	}},
	{re(`^the authorize endpoint is asked for a code for the webapp$`), func(b *floorBuilder, _ []string, _ *messages.PickleStepArgument) error {
		return b.authorize()
	}},
	{re(`^a JWT bearer assertion with the claims:$`), func(b *floorBuilder, _ []string, arg *messages.PickleStepArgument) error {
		return b.assertion(arg, 0)
	}},
	{re(`^a JWT bearer assertion over 4 KB with the claims:$`), func(b *floorBuilder, _ []string, arg *messages.PickleStepArgument) error {
		return b.assertion(arg, 4096+256)
	}},
	{re(`^the protected resource is requested with the access token remembered as "([^"]*)"$`), func(b *floorBuilder, m []string, _ *messages.PickleStepArgument) error {
		path, err := b.path(b.target.ResourceURL)
		if err != nil {
			return err
		}
		b.sent = append(b.sent, floorRequest{method: http.MethodGet, path: path, header: http.Header{"Accept": {"application/json"}}, rememberedBearer: m[1]})
		return nil
	}},
}

// authorize sends the webapp's authorize request; its answer's code is
// the scenario's from then on.
func (b *floorBuilder) authorize() error {
	t := b.target
	path, err := b.path(t.AuthorizeURL)
	if err != nil {
		return err
	}
	q := url.Values{"response_type": {"code"}, "client_id": {t.Webapp.ID}, "redirect_uri": {t.RedirectURI}, "scope": {config.AuthorizeScope}, "state": {floorAuthState}}
	b.sent = append(b.sent, floorRequest{method: http.MethodGet, path: path, query: q.Encode(), header: http.Header{"Accept": {"text/html,application/json"}}, authorize: true})
	b.vars["authorization_code"] = floorCode
	return nil
}

// freshCode is authorize, with the redirect checked as a step of its own.
func (b *floorBuilder) freshCode(_ []string, _ *messages.PickleStepArgument) error {
	if err := b.authorize(); err != nil {
		return err
	}
	last := &b.sent[len(b.sent)-1]
	last.checks = append(last.checks, floorCheck{step: "a fresh authorization code", check: b.redirectCheck()})
	return nil
}

// assertion signs {claims, iat} with HS512, padded up to minLen bytes,
// as the scenario's {{assertion}}.
func (b *floorBuilder) assertion(arg *messages.PickleStepArgument, minLen int) error {
	text, err := b.docString(arg, true)
	if err != nil {
		return err
	}
	var claims bytes.Buffer
	if err := json.Compact(&claims, []byte(text)); err != nil {
		return err
	}
	payload := `{"https://commercelayer.io/claims":` + claims.String() + `,"iat":` + strconv.FormatInt(time.Now().Unix(), 10)
	if minLen > 0 {
		payload += `,"authconform_padding":"` + strings.Repeat("p", minLen) + `"`
	}
	enc := base64.RawURLEncoding.EncodeToString
	input := enc([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + enc([]byte(payload+"}"))
	mac := hmac.New(sha512.New, floorAssertionKey)
	mac.Write([]byte(input))
	b.vars["assertion"] = input + "." + enc(mac.Sum(nil))
	return nil
}

// floorGrantChecks are the grants' Then steps.
var floorGrantChecks = []floorCheckStep{
	{re(`^the answer should redirect to the webapp's redirect_uri with a code and the state sent$`), func(b *floorBuilder, _ []string) (floorCheck, error) {
		return floorCheck{check: b.redirectCheck()}, nil
	}},
	{re(`^the JSON member "([^"]*)" should be the webapp's lifetime, as configured or else as the token says$`), webappLifetime},
	{re(`^the token claim "([^"]*)" should equal the JSON value (.+)$`), claimEqualsJSON},
}

// redirectCheck reads an authorize answer: a redirect to the redirect
// URI with a code and the state sent.
func (b *floorBuilder) redirectCheck() func(a *floorAnswer, _ *floorState) error {
	want := b.target.RedirectURI
	return func(a *floorAnswer, _ *floorState) error {
		if a.status < 300 || a.status > 399 {
			return fmt.Errorf("status = %d; want a redirect", a.status)
		}
		loc, err := url.Parse(a.header.Get("Location"))
		if err != nil {
			return err
		}
		q := loc.Query()
		if base := loc.Scheme + "://" + loc.Host + loc.Path; !strings.HasPrefix(want, base) || q.Get("code") == "" || q.Get("state") != floorAuthState {
			return fmt.Errorf("redirect to %s with code %t and state %t; want %s with a code and the state sent", base, q.Get("code") != "", q.Get("state") == floorAuthState, want)
		}
		return nil
	}
}

// floorCodeOf is the code an authorize answer's redirect carries.
func floorCodeOf(a *floorAnswer) string {
	loc, err := url.Parse(a.header.Get("Location"))
	if err != nil {
		return ""
	}
	return loc.Query().Get("code")
}

// webappLifetime compares expires_in with the configured lifetime, or
// with the token's own exp − iat, 5 s of counting down allowed.
func webappLifetime(b *floorBuilder, m []string) (floorCheck, error) {
	// The rule every token answer follows (memberTokenLifetime), for the
	// webapp's tokens.
	return memberTokenLifetime(b, []string{m[0], m[1], "", "webapp"})
}

// claimEqualsJSON compares a claim with a JSON value as JSON values.
func claimEqualsJSON(b *floorBuilder, m []string) (floorCheck, error) {
	text, err := b.expand(m[2], true)
	if err != nil {
		return floorCheck{}, err
	}
	var want any
	if err := json.Unmarshal([]byte(text), &want); err != nil {
		return floorCheck{}, err
	}
	path := m[1]
	return onClaim(func(_ string, v any) error {
		raw, _ := json.Marshal(v) // json.Numbers as written
		var got any
		_ = json.Unmarshal(raw, &got)
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("claim %s = %s; want %s", path, raw, text)
		}
		return nil
	})(b, m)
}

// fillGrant puts the scenario's code, or a token it remembered, where fr
// needs it.
func (st *floorState) fillGrant(fr floorRequest) (floorRequest, error) {
	if fr.code {
		if st.code == "" {
			return fr, fmt.Errorf("no authorization code: an authorize answer of this scenario must carry one first")
		}
		q, _ := json.Marshal(st.code)
		fr.body = bytes.ReplaceAll(fr.body, []byte(floorCode), q[1:len(q)-1])
	}
	if name := fr.rememberedBearer; name != "" {
		tok, ok := st.remembered[name]
		if !ok {
			return fr, fmt.Errorf("no access token remembered as %q", name)
		}
		fr.header = fr.header.Clone()
		fr.header.Set("Authorization", "Bearer "+tok)
	}
	return fr, nil
}
