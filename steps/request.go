package steps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/httpclient"
)

// tokenRequest is a request being built. Parameters are kept in order and
// encoded at send time as the target's profile says (JSON or form body,
// credentials in the body or in HTTP Basic); a raw body is sent as is.
type tokenRequest struct {
	// revocation: the request is for the revocation endpoint, not the
	// token endpoint.
	revocation bool
	params     []param
	// jsonText is the body exactly as the feature wrote it, sent verbatim
	// when the profile encodes JSON with credentials in the body, so the
	// request is the docs' own example.
	jsonText string
	raw      []byte
	isRaw    bool
	header   http.Header
	// basic says how the client's credentials travel: in the body (as the
	// request was written), in HTTP Basic only, or in both (a request
	// that uses two methods, which RFC 6749 §2.3 forbids).
	basic basicUse
}

type basicUse int

const (
	noBasic        basicUse = iota
	basicOnly               // client_id and client_secret move to Authorization
	basicAndInBody          // Authorization added, the body keeps them too
)

// givenBasic sends the request's client_id and client_secret with HTTP
// Basic (RFC 6749 §2.3.1, client_secret_basic) instead of in the body.
func (st *scenario) givenBasic() error { return st.setBasic(basicOnly) }

// givenBasicToo adds HTTP Basic and keeps the credentials in the body: two
// authentication methods in one request.
func (st *scenario) givenBasicToo() error { return st.setBasic(basicAndInBody) }

func (st *scenario) setBasic(use basicUse) error {
	if st.req == nil || st.req.isRaw {
		return fmt.Errorf("no token request with parameters to authenticate: start with \"a token request with the parameters:\" or \"... the JSON body:\"")
	}
	st.req.basic = use
	return nil
}

type param struct{ name, value string }

// givenConfiguredScope adds the configured scope (AUTHCONFORM_SCOPE) to
// the request when there is one, and leaves the request as it is when
// there is none. RFC 6749 §3.3 lets a server refuse a request without
// scope (invalid_scope) as well as give it a default: a scenario about
// something else must not fail on a server that takes the first choice,
// so it asks for the scope the client may have.
func (st *scenario) givenConfiguredScope() error {
	if st.req == nil || st.req.isRaw {
		return fmt.Errorf("no token request with parameters to add a scope to: start with \"a token request with the parameters:\" or \"... the JSON body:\"")
	}
	for _, p := range st.req.params {
		if p.name == "scope" {
			return fmt.Errorf("the request already has a scope parameter; the configured scope would repeat it")
		}
	}
	if scope := st.suite.Target.Scope; scope != "" {
		st.req.params = append(st.req.params, param{"scope", scope})
		st.req.jsonText = "" // the body is no longer the one the feature wrote
	}
	return nil
}

func (st *scenario) newRequest() *tokenRequest {
	st.req = &tokenRequest{header: http.Header{}}
	return st.req
}

// givenJSONBody starts a request from a JSON object of strings, its
// placeholders expanded as JSON-escaped text.
func (st *scenario) givenJSONBody(doc *godog.DocString) error {
	text, err := st.expandJSON(doc.Content)
	if err != nil {
		return err
	}
	params, err := orderedStringObject([]byte(text))
	if err != nil {
		return fmt.Errorf("the JSON body in the feature: %v; for a body that is not an object of strings, use \"a token request with the raw body:\"", err)
	}
	r := st.newRequest()
	r.params, r.jsonText = params, text
	return nil
}

func (st *scenario) givenParameters(table *godog.Table) error {
	r := st.newRequest()
	for i, row := range table.Rows {
		if len(row.Cells) != 2 {
			return fmt.Errorf("parameter table row %d has %d cells; want 2: | name | value |", i+1, len(row.Cells))
		}
		v, err := st.expand(row.Cells[1].Value)
		if err != nil {
			return err
		}
		r.params = append(r.params, param{row.Cells[0].Value, v})
	}
	return nil
}

// givenRawBody starts a request sent as written, JSON-escaped expansion
// included: a raw body is JSON, or meant to look like it.
func (st *scenario) givenRawBody(doc *godog.DocString) error {
	text, err := st.expandJSON(doc.Content)
	if err != nil {
		return err
	}
	r := st.newRequest()
	r.raw, r.isRaw = []byte(text), true
	return nil
}

func (st *scenario) givenEmptyBody() error {
	st.newRequest().isRaw = true
	return nil
}

func (st *scenario) givenHeader(name, value string) error {
	if st.req == nil {
		return fmt.Errorf("no token request to add header %q to: start with \"a token request with ...\"", name)
	}
	v, err := st.expand(value)
	if err != nil {
		return err
	}
	st.req.header.Set(name, v)
	return nil
}

// whenSent POSTs the request to the token endpoint.
func (st *scenario) whenSent(ctx context.Context) error {
	if st.req == nil {
		return fmt.Errorf("no token request to send: start with \"a token request with ...\"")
	}
	if st.req.revocation {
		return fmt.Errorf("the request was started as a revocation request: send it with \"the revocation request is sent\"")
	}
	req, err := st.encode(http.MethodPost, st.suite.Target.TokenURL())
	if err != nil {
		return err
	}
	return st.send(ctx, req)
}

// whenSentInQuery sends the parameters in the query string (RFC 6749 §3.2
// requires POST; a server must not issue a token for this).
func (st *scenario) whenSentInQuery(ctx context.Context, method string) error {
	if st.req == nil || st.req.isRaw {
		return fmt.Errorf("no parameters to put in the query string: start with \"a token request with the JSON body:\" or \"... the parameters:\"")
	}
	q := url.Values{}
	for _, p := range st.req.params {
		q.Add(p.name, p.value)
		st.noteSecret(p)
	}
	h := st.req.header.Clone()
	h.Set("Accept", "application/json")
	return st.send(ctx, httpclient.Request{
		Method: method,
		URL:    st.suite.Target.TokenURL() + "?" + q.Encode(),
		Header: h,
	})
}

func (st *scenario) noteSecret(p param) {
	if p.name == "client_secret" {
		st.noteSentSecret(p.value)
	}
}

// encode renders the request as the profile says.
func (st *scenario) encode(method, endpoint string) (httpclient.Request, error) {
	r := st.req
	prof := st.suite.Target.Profile
	h := http.Header{"Accept": {"application/json"}}
	req := httpclient.Request{Method: method, URL: endpoint, Header: h}
	if r.isRaw {
		h.Set("Content-Type", "application/json")
		req.Body = r.raw
		for _, s := range st.sentSecretsIn(r.raw) {
			st.noteSentSecret(s)
		}
	} else {
		params := r.params
		for _, p := range params {
			st.noteSecret(p)
		}
		if r.basic != noBasic {
			var id, secret string
			var rest []param
			for _, p := range params {
				switch p.name {
				case "client_id":
					id = p.value
				case "client_secret":
					secret = p.value
				default:
					rest = append(rest, p)
				}
			}
			// RFC 6749 §2.3.1: each part is form-encoded before base64.
			cred := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
			h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(cred)))
			if r.basic == basicOnly {
				params = rest
			}
		}
		switch {
		case prof.Encoding == "form":
			h.Set("Content-Type", "application/x-www-form-urlencoded")
			var parts []string
			for _, p := range params {
				parts = append(parts, url.QueryEscape(p.name)+"="+url.QueryEscape(p.value))
			}
			req.Body = []byte(strings.Join(parts, "&"))
		case r.jsonText != "" && r.basic == noBasic:
			h.Set("Content-Type", "application/json")
			req.Body = []byte(r.jsonText)
		default:
			h.Set("Content-Type", "application/json")
			req.Body = encodeJSONObject(params)
		}
	}
	for k, vs := range r.header {
		h[k] = vs
	}
	return req, nil
}

// sentSecretsIn finds client_secret values in a raw body, best effort, so
// that echo checks and redaction cover raw-body scenarios too.
func (st *scenario) sentSecretsIn(raw []byte) []string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	if s, ok := m["client_secret"].(string); ok && s != "" {
		return []string{s}
	}
	return nil
}

// send sends req and makes its answer the one the Then steps judge. In a
// line of the run's sharing plan (lines.go) the request is sent by the
// first scenario of the line that needs it, and the others judge its
// answer, exactly as if they had sent it.
func (st *scenario) send(ctx context.Context, req httpclient.Request) error {
	sl, mine, err := st.nextSlot(ctx)
	if err != nil {
		return &sendError{msg: st.suite.Redactor.String(err.Error()), err: err}
	}
	if sl != nil && !mine && sl.ex != nil {
		st.borrowSlot(sl)
		return st.answered(req, sl.ex)
	}
	sent := len(st.exchanges)
	err = st.sendOwn(ctx, req)
	if mine {
		var ex *httpclient.Exchange // nil: no answer came
		if len(st.exchanges) > sent {
			ex = st.exchanges[sent]
		}
		st.settleSlot(sl, ex)
	}
	return err
}

// sendOwn sends req itself.
func (st *scenario) sendOwn(ctx context.Context, req httpclient.Request) error {
	ex, err := st.suite.Client.Do(ctx, req)
	if err != nil {
		st.sendFailed = true
		st.neverSent = errors.Is(err, httpclient.ErrNotSent)
		return &sendError{msg: st.suite.Redactor.String(err.Error()), err: err}
	}
	st.exchanges = append(st.exchanges, ex)
	st.judge(ex)
	return st.answered(req, ex)
}

// answered learns what an answer to req says about the run: which clients
// got tokens, and a token answer other scenarios may judge.
func (st *scenario) answered(req httpclient.Request, ex *httpclient.Exchange) error {
	if strings.HasPrefix(req.URL, st.suite.Target.TokenURL()) && st.req != nil && !st.req.revocation {
		for _, p := range st.req.params {
			if p.name == "client_id" {
				st.noteTokenRequest(p.value, st.accessToken != "")
			}
		}
	}
	if req.URL == st.suite.Target.TokenURL() && req.Method == http.MethodPost {
		st.suite.shareTokenAnswer(st, ex)
	}
	if ex.Malformed != "" {
		return st.malformedAnswer()
	}
	return nil
}

// malformedAnswer fails a step on an answer the target gave but no HTTP
// client may read: the scenario judges it, and the run goes on.
func (st *scenario) malformedAnswer() error {
	return st.fail("the target answered, but not in HTTP any client may accept: %s", st.answer.Malformed)
}

// judge makes ex the answer the Then steps read, and learns the tokens it
// carries.
func (st *scenario) judge(ex *httpclient.Exchange) {
	st.answer = ex
	// Tokens are secrets too: mask every one the target issues from now on,
	// in whatever form the answer carries it.
	st.suite.Redactor.Add(issuedTokens(ex)...)
	// The body is parsed here once; the Then steps reuse it.
	st.decoded.ex = ex
	st.decoded.doc, st.decoded.err = decodeJSON(ex.Body)
	if ex.Request.URL == st.suite.Target.TokenURL() {
		st.accessToken = ""
		if m, ok := st.decoded.doc.(map[string]any); ok && ex.Status >= 200 && ex.Status < 300 {
			if tok, ok := m["access_token"].(string); ok {
				st.accessToken = tok
			}
			// A refresh token stays the scenario's until an answer brings
			// another: a refused refresh leaves it to try again.
			if tok, ok := m["refresh_token"].(string); ok && tok != "" {
				st.refreshToken = tok
			}
		}
	}
}

// sendError is a request that got no HTTP answer. Its text is redacted;
// the cause stays reachable for errors.Is.
type sendError struct {
	msg string
	err error
}

func (e *sendError) Error() string { return e.msg }
func (e *sendError) Unwrap() error { return e.err }

// orderedStringObject reads a JSON object whose values are all strings,
// keeping the members' order.
func orderedStringObject(b []byte) ([]param, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []param
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		v, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		sv, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("member %q is not a string", k)
		}
		out = append(out, param{k.(string), sv})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	return out, nil
}

func encodeJSONObject(params []param) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	for i, p := range params {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(p.name)
		v, _ := json.Marshal(p.value)
		b.Write(k)
		b.WriteString(":")
		b.Write(v)
	}
	b.WriteString("}")
	return b.Bytes()
}
