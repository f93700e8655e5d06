package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/sharing"
	"github.com/authconform/authconform/internal/stepsuite"
)

// The floor is read from the feature files, not written by hand: each
// scenario's request steps (DocString bodies, parameter tables, raw
// bodies, headers, the When step's method) become the requests it sends,
// and its Then steps become checks written in plain Go (floor_checks_test.go).
// A new scenario made of known steps so needs no edit here. A step or
// placeholder the floor does not know is the one thing it cannot derive:
// TestFloorKnowsEveryStep (floor_vocabulary_test.go) fails `make test`
// then, saying which, as it does for a step of the vocabulary the floor
// does not know even before a feature uses it.
//
// What the suite obtains once per run, the floor obtains once per run
// too (floorShared): a token answer is offered to the run's later "the
// access token issued for ..." steps with the same parameters, which
// judge it instead of asking again, and the target's key set is read at
// the first signature check and kept. What a scenario learns as it runs
// (its last access token, for {{access_token}} in a body and for the
// protected resource) is filled in when the request is sent.

// floorScenario is one scenario as the floor runs it.
type floorScenario struct {
	name     string // "feature-path: scenario name"
	key      string // catalog.Key of the scenario
	requests []floorRequest
}

// floorRequest is one request, ready to send, and the checks of the steps
// that judge its answer.
type floorRequest struct {
	method string
	path   string // the endpoint's path on the target
	query  string // for a request sent with its parameters in the URL
	header http.Header
	body   []byte
	// bodyAround is the body cut where {{access_token}} stands, nil when
	// it holds none: the scenario's last access token goes there when the
	// request is sent.
	bodyAround [][]byte
	// learned: the body holds a value the scenario learns as it runs
	// ({{refresh_token}}, {{remembered.NAME}}), filled in when it is sent.
	learned bool
	// bearer: Authorization carries the scenario's last access token.
	bearer bool
	// takesToken: the answer is the token endpoint's, and its access token
	// (or its lack of one) becomes the scenario's, as in the suite.
	takesToken bool
	// offer is the key (floorTokenKey) under which an answer carrying an
	// access token is offered to the run's later issued-token steps; ""
	// for a request the suite does not share (raw body, a header of its
	// own, a body holding a token).
	offer string
	// issued is the key of an issued-token step: an answer offered
	// earlier in the run is judged instead of sending the request.
	issued string
	// anyAnswer is the key of a shared-answer step: the first answer, of
	// any kind, the run got to the same request is judged instead.
	anyAnswer string
	checks    []floorCheck
	// The grants' (floor_grants_test.go): authorize, the answer's code
	// becomes the scenario's; code, the body holds floorCode, filled
	// with it when sent; rememberedBearer, Authorization carries the
	// access token remembered under that name.
	authorize        bool
	code             bool
	rememberedBearer string
	// line and slot place the request in a line of the run's sharing plan
	// (package sharing): line 1 up, 0 for none; the first scenario of the
	// line to reach a slot sends its request, the others judge its answer.
	line, slot int
}

// needsScenario tells a request that carries what its scenario learned
// before it: it cannot be sent on its own (the load benchmark).
func (fr floorRequest) needsScenario() bool {
	return fr.bodyAround != nil || fr.bearer || fr.learned || fr.code || fr.rememberedBearer != ""
}

// Values the floor sends where the suite generates them per scenario; the
// same shape, so the request log masks both alike.
const (
	floorUnknownClient = "authconform-unknown-Q7tXk2LmPz9a"
	floorUnknownMarket = "zzK3mP8qRwQ"
	floorWrongSecret   = "authconform-wrong-Jf8Kd2Lq9Xw3Zp5Rt7Vb1Nm4"
	floorUnknownToken  = "authconform-unknown-Vq3Lm8Zr2Kx7Pw4Nd9Tb6Hs1Jc5Fy0Ga3Ue8Ro2Wi"
	// A market code, store and stock location no target has.
	floorUnknownMarketCode    = "zzC0d3Nn7xQ"
	floorUnknownStore         = "zzSt0r3Kq2Q"
	floorUnknownStockLocation = "zzW4r3hS9dQ"
)

// floorAccessToken stands for {{access_token}} in a body until the
// request is sent: only then is the scenario's last access token known.
const floorAccessToken = "{{access_token}}"

// floorTarget is the reference server as the suite's configuration sees
// it: the source of every placeholder's value. The URL is not used.
var floorTarget = embedded.Target("http://127.0.0.1")

// floorVars are the placeholders the floor fills before the run, with
// their values: the configured ones, as the steps read them, and the
// generated ones.
func floorVars(t config.Target) map[string]string {
	vars := maps.Clone(stepsuite.ConfiguredValues(t))
	vars["unknown_client_id"] = floorUnknownClient
	vars["unknown_market_id"] = floorUnknownMarket
	vars["wrong_secret"] = floorWrongSecret
	vars["unknown_token"] = floorUnknownToken
	maps.Copy(vars, floorRunValues)
	vars["unknown_market_code"] = floorUnknownMarketCode
	vars["unknown_store_id"] = floorUnknownStore
	vars["unknown_stock_location_id"] = floorUnknownStockLocation
	vars["unknown_code"] = floorUnknownToken
	vars["unknown_customer_id"] = floorUnknownClient
	return vars
}

var (
	floorOnce  sync.Once
	floorPlan  []floorScenario
	floorError error
)

// loadTheFloor is the built-in features compiled for the floor, once.
func loadTheFloor() ([]floorScenario, error) {
	floorOnce.Do(func() {
		floorPlan, floorError = loadFloor(authconform.Files, "features", floorTarget)
	})
	return floorPlan, floorError
}

// theFloor is loadTheFloor for a test or a benchmark. When the floor
// cannot be derived (a step or placeholder it does not know),
// TestFloorKnowsEveryStep fails `make test` saying so; the other tests
// skip rather than repeat it, and a benchmark fails: it would measure the
// wrong thing.
func theFloor(tb testing.TB) []floorScenario {
	tb.Helper()
	plan, err := loadTheFloor()
	if err != nil {
		msg := fmt.Sprintf("the floor cannot be derived from the features: %v (teach floor_plan_test.go or floor_checks_test.go the step or placeholder; TestFloorKnowsEveryStep fails until then)", err)
		if _, ok := tb.(*testing.B); ok {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return plan
}

// loadFloor reads every .feature file under root, in the order godog runs
// them, and compiles each scenario the target can run (the runner leaves
// out those needing credentials the target lacks, and those of another
// profile; the reference server has every credential).
func loadFloor(fsys fs.FS, root string, target config.Target) ([]floorScenario, error) {
	var gapTags []string
	prof := target.Profile
	if prof.Name == "" {
		prof = config.CommerceLayer
	}
	for _, g := range append(slices.Clone(prof.LeaveOut), target.Gaps()...) {
		gapTags = append(gapTags, g.Tag)
	}
	var plan []floorScenario
	ids := 0
	newID := func() string { ids++; return strconv.Itoa(ids) }
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".feature") {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(src), newID)
		if err != nil {
			return fmt.Errorf("%s: %v", p, err)
		}
		for _, pk := range gherkin.Pickles(*doc, p, newID) {
			if slices.ContainsFunc(pk.Tags, func(t *messages.PickleTag) bool { return slices.Contains(gapTags, t.Name) }) {
				continue
			}
			sc, err := compileScenario(pk, target)
			if err != nil {
				return fmt.Errorf("%s: %q: %v", p, pk.Name, err)
			}
			plan = append(plan, sc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return plan, placeInLines(fsys, root, gapTags, plan)
}

// placeInLines marks the requests of the scenarios the suite's sharing
// plan puts in lines, as the suite shares them: the plan is read from
// the same catalog, less the same scenarios.
func placeInLines(fsys fs.FS, root string, gapTags []string, plan []floorScenario) error {
	all, err := catalog.Load(fsys, root)
	if err != nil {
		return err
	}
	cases := slices.DeleteFunc(all, func(c catalog.Case) bool {
		return slices.ContainsFunc(c.Tags, func(tag string) bool { return slices.Contains(gapTags, tag) })
	})
	lines := sharing.New(cases)
	index := map[*sharing.Line]int{}
	for i, l := range lines.Lines {
		index[l] = i + 1
	}
	for _, sc := range plan {
		l := lines.LineOf(sc.key)
		if l == nil {
			continue
		}
		if len(sc.requests) > len(l.Senders) {
			return fmt.Errorf("%s sends %d requests, its line of the sharing plan %d", sc.name, len(sc.requests), len(l.Senders))
		}
		for i := range sc.requests {
			sc.requests[i].line, sc.requests[i].slot = index[l], i
		}
	}
	return nil
}

// floorBuilder is one scenario being compiled: the request its steps are
// building, the requests sent so far, and the secrets it has sent (an
// echo of any of them is a leak).
type floorBuilder struct {
	target  config.Target
	vars    map[string]string
	secrets []string
	req     *pendingRequest
	sent    []floorRequest
}

// pendingRequest is a request as the Given steps build it.
type pendingRequest struct {
	params     [][2]string // name, value; nil for a raw or empty body
	body       []byte
	header     http.Header
	revocation bool // for the revocation endpoint, not the token endpoint
}

// compileScenario turns a scenario's steps into requests and checks.
func compileScenario(pk *messages.Pickle, target config.Target) (floorScenario, error) {
	b := &floorBuilder{target: target, vars: floorVars(target), secrets: target.Secrets()}
	for _, st := range pk.Steps {
		if err := b.step(st); err != nil {
			return floorScenario{}, fmt.Errorf("step %q: %v", st.Text, err)
		}
	}
	return floorScenario{name: pk.Uri + ": " + pk.Name, key: catalog.Key(pk.Uri, pk.Name), requests: b.sent}, nil
}

// step compiles one step: a request step changes the request or sends it,
// a Then step adds a check to the last request sent.
func (b *floorBuilder) step(st *messages.PickleStep) error {
	for _, rs := range floorRequestSteps {
		if m := rs.re.FindStringSubmatch(st.Text); m != nil {
			return rs.build(b, m, st.Argument)
		}
	}
	for _, cs := range floorThenSteps {
		if m := cs.re.FindStringSubmatch(st.Text); m != nil {
			if len(b.sent) == 0 {
				return fmt.Errorf("a check before any request was sent")
			}
			c, err := cs.build(b, m)
			if err != nil {
				return err
			}
			c.step = st.Text
			last := &b.sent[len(b.sent)-1]
			last.checks = append(last.checks, c)
			return nil
		}
	}
	return fmt.Errorf("the floor knows no such step")
}

// floorThenSteps are every Then step the floor knows.
var floorThenSteps = slices.Concat(floorCheckSteps, floorJWTSteps, floorCustomerSteps)

// floorRequestSteps build and send the request, as the steps package's
// request steps do for the Commerce Layer profile (a JSON body with the
// credentials in it, sent as the feature wrote it).
var floorRequestSteps = []struct {
	re    *regexp.Regexp
	build func(b *floorBuilder, m []string, arg *messages.PickleStepArgument) error
}{
	{regexp.MustCompile(`^a token request with the JSON body:$`), (*floorBuilder).jsonBody},
	{regexp.MustCompile(`^a token request with the parameters:$`), (*floorBuilder).parameters},
	{regexp.MustCompile(`^a token request with the raw body:$`), (*floorBuilder).rawBody},
	{regexp.MustCompile(`^a token request with an empty body$`), func(b *floorBuilder, _ []string, _ *messages.PickleStepArgument) error {
		b.req = &pendingRequest{header: http.Header{}}
		return nil
	}},
	{regexp.MustCompile(`^the request header "([^"]*)" is "([^"]*)"$`), (*floorBuilder).setHeader},
	{regexp.MustCompile(`^the token request is sent$`), (*floorBuilder).sendPOST},
	{regexp.MustCompile(`^the token request is sent with method "([A-Z]+)" and its parameters in the query string$`), (*floorBuilder).sendInQuery},
	{regexp.MustCompile(`^the access token issued for the JSON body:$`), (*floorBuilder).issuedToken},
	{regexp.MustCompile(`^the answer to the token request with the JSON body:$`), (*floorBuilder).sharedAnswer},
	{regexp.MustCompile(`^a revocation request with the JSON body:$`), func(b *floorBuilder, m []string, arg *messages.PickleStepArgument) error {
		if err := b.jsonBody(m, arg); err != nil {
			return err
		}
		b.req.revocation = true
		return nil
	}},
	{regexp.MustCompile(`^the revocation request is sent$`), (*floorBuilder).sendRevocation},
	{regexp.MustCompile(`^the protected resource is requested with the access token$`), func(b *floorBuilder, _ []string, _ *messages.PickleStepArgument) error {
		return b.requestResource(floorAccessToken)
	}},
	{regexp.MustCompile(`^the protected resource is requested with the bearer token "([^"]*)"$`), func(b *floorBuilder, m []string, _ *messages.PickleStepArgument) error {
		tok, err := b.expand(m[1], false)
		if err != nil {
			return err
		}
		return b.requestResource(tok)
	}},
}

func (b *floorBuilder) jsonBody(_ []string, arg *messages.PickleStepArgument) error {
	text, err := b.docString(arg, true)
	if err != nil {
		return err
	}
	params, err := stringMembers([]byte(text))
	if err != nil {
		return err
	}
	b.noteSecrets(params)
	b.req = &pendingRequest{params: params, body: []byte(text), header: http.Header{}}
	return nil
}

func (b *floorBuilder) parameters(_ []string, arg *messages.PickleStepArgument) error {
	if arg == nil || arg.DataTable == nil {
		return fmt.Errorf("no parameter table")
	}
	params := [][2]string{}
	for _, row := range arg.DataTable.Rows {
		if len(row.Cells) != 2 {
			return fmt.Errorf("a parameter row of %d cells; want | name | value |", len(row.Cells))
		}
		v, err := b.expandValue(row.Cells[1].Value)
		if err != nil {
			return err
		}
		params = append(params, [2]string{row.Cells[0].Value, v})
	}
	b.noteSecrets(params)
	b.req = &pendingRequest{params: params, body: jsonObject(params), header: http.Header{}}
	return nil
}

func (b *floorBuilder) rawBody(_ []string, arg *messages.PickleStepArgument) error {
	text, err := b.docString(arg, true)
	if err != nil {
		return err
	}
	// A raw body that happens to be an object of strings may carry a
	// secret too: the suite looks for it, so the floor does.
	if params, err := stringMembers([]byte(text)); err == nil {
		b.noteSecrets(params)
	}
	b.req = &pendingRequest{body: []byte(text), header: http.Header{}}
	return nil
}

func (b *floorBuilder) setHeader(m []string, _ *messages.PickleStepArgument) error {
	if b.req == nil {
		return fmt.Errorf("no request to set a header on")
	}
	v, err := b.expandValue(m[2])
	if err != nil {
		return err
	}
	b.req.header.Set(m[1], v)
	return nil
}

// sendPOST sends the request to the token endpoint. An answer to a plain
// request (its parameters only) that carries an access token is offered
// to the run's issued-token steps, as the suite shares it.
func (b *floorBuilder) sendPOST(_ []string, _ *messages.PickleStepArgument) error {
	if b.req == nil {
		return fmt.Errorf("no request to send")
	}
	if b.req.revocation {
		return fmt.Errorf("a revocation request sent to the token endpoint")
	}
	fr, err := b.post(b.target.TokenURL())
	if err != nil {
		return err
	}
	fr.takesToken = true
	if b.req.params != nil && len(b.req.header) == 0 && fr.bodyAround == nil && !fr.learned && !fr.code {
		fr.offer = floorTokenKey(b.req.params)
	}
	b.sent = append(b.sent, fr)
	return nil
}

// issuedToken is "the access token issued for the JSON body:": the
// request is sent unless an answer to the same parameters was offered
// earlier in the run, and the answer must carry an access token.
func (b *floorBuilder) issuedToken(m []string, arg *messages.PickleStepArgument) error {
	if err := b.jsonBody(m, arg); err != nil {
		return err
	}
	fr, err := b.post(b.target.TokenURL())
	if err != nil {
		return err
	}
	if fr.bodyAround != nil {
		return fmt.Errorf("the floor does not share a token issued for a body holding {{access_token}}")
	}
	fr.takesToken, fr.issued = true, floorTokenKey(b.req.params)
	fr.checks = []floorCheck{{step: m[0], check: func(a *floorAnswer, _ *floorState) error {
		if a.accessToken() == "" {
			return fmt.Errorf("status %d and no access_token; want a token to judge", a.status)
		}
		return nil
	}}}
	b.sent = append(b.sent, fr)
	return nil
}

func (b *floorBuilder) sendRevocation(_ []string, _ *messages.PickleStepArgument) error {
	if b.req == nil || !b.req.revocation {
		return fmt.Errorf("no revocation request to send")
	}
	fr, err := b.post(b.target.RevokeURL())
	if err != nil {
		return err
	}
	b.sent = append(b.sent, fr)
	return nil
}

// post is the pending request as a JSON POST to endpoint.
func (b *floorBuilder) post(endpoint string) (floorRequest, error) {
	path, err := b.path(endpoint)
	if err != nil {
		return floorRequest{}, err
	}
	h := http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}
	for k, vs := range b.req.header {
		h[k] = vs
	}
	fr := floorRequest{method: http.MethodPost, path: path, header: h, body: b.req.body}
	if bytes.Contains(fr.body, []byte(floorAccessToken)) {
		fr.bodyAround = bytes.Split(fr.body, []byte(floorAccessToken))
	}
	fr.learned = floorLearned.Match(fr.body)
	fr.code = bytes.Contains(fr.body, []byte(floorCode))
	return fr, nil
}

func (b *floorBuilder) sendInQuery(m []string, _ *messages.PickleStepArgument) error {
	if b.req == nil || b.req.params == nil {
		return fmt.Errorf("no parameters to put in the query string")
	}
	path, err := b.path(b.target.TokenURL())
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, p := range b.req.params {
		if strings.Contains(p[1], floorAccessToken) {
			return fmt.Errorf("the floor fills {{access_token}} in a JSON body or a bearer token only")
		}
		q.Add(p[0], p[1])
	}
	h := b.req.header.Clone()
	h.Set("Accept", "application/json")
	b.sent = append(b.sent, floorRequest{method: m[1], path: path, query: q.Encode(), header: h})
	return nil
}

// requestResource asks the protected resource with a bearer token, or
// with the scenario's last access token (floorAccessToken).
func (b *floorBuilder) requestResource(token string) error {
	if b.target.ResourceURL == "" {
		return fmt.Errorf("no protected resource configured")
	}
	path, err := b.path(b.target.ResourceURL)
	if err != nil {
		return err
	}
	fr := floorRequest{method: http.MethodGet, path: path, header: http.Header{"Accept": {"application/json"}}}
	switch {
	case token == floorAccessToken:
		fr.bearer = true
	case strings.Contains(token, floorAccessToken):
		return fmt.Errorf("the floor presents {{access_token}} alone as a bearer token")
	case token == "":
		return fmt.Errorf("an empty bearer token")
	default:
		fr.header.Set("Authorization", "Bearer "+token)
	}
	b.sent = append(b.sent, fr)
	return nil
}

// path is an endpoint's path on the target: the floor sends every
// request to the one server it is given, as the suite does to the
// reference server.
func (b *floorBuilder) path(endpoint string) (string, error) {
	p, ok := strings.CutPrefix(endpoint, b.target.URL.String())
	if !ok || !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q is not on the target %q: the floor sends to the target alone", endpoint, b.target.URL.String())
	}
	return p, nil
}

// floorTokenKey names a token request by its parameters, in any order, as
// the suite's shared answers are keyed.
func floorTokenKey(params [][2]string) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p[0] + "\x00" + p[1]
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x01")
}

// docString is a step's DocString with its placeholders filled, JSON
// escaped when the DocString is JSON text.
func (b *floorBuilder) docString(arg *messages.PickleStepArgument, jsonText bool) (string, error) {
	if arg == nil || arg.DocString == nil {
		return "", fmt.Errorf("no DocString")
	}
	return b.expand(arg.DocString.Content, jsonText)
}

var floorPlaceholder = catalog.Placeholder

// expand fills {{name}} placeholders; a secret filled in is one the
// scenario sends. {{access_token}} is left as floorAccessToken, filled
// when the request is sent.
func (b *floorBuilder) expand(text string, jsonText bool) (string, error) {
	var unknown []string
	out := floorPlaceholder.ReplaceAllStringFunc(text, func(ph string) string {
		name := floorPlaceholder.FindStringSubmatch(ph)[1]
		if name == "access_token" || floorLearned.MatchString(ph) {
			return ph // filled when the request is sent, or the check made
		}
		v, ok := b.vars[name]
		if !ok {
			unknown = append(unknown, name)
			return ph
		}
		if strings.HasSuffix(name, "secret") || strings.HasSuffix(name, "password") {
			b.noteSecrets([][2]string{{"client_secret", v}})
		}
		if jsonText {
			q, _ := json.Marshal(v)
			v = string(q[1 : len(q)-1])
		}
		return v
	})
	if len(unknown) > 0 {
		return "", fmt.Errorf("the floor knows no placeholder {{%s}}", strings.Join(unknown, "}}, {{"))
	}
	return out, nil
}

// expandValue is expand for a value known before the run: a parameter, a
// header, a check's argument.
func (b *floorBuilder) expandValue(text string) (string, error) {
	v, err := b.expand(text, false)
	if err == nil && strings.Contains(v, floorAccessToken) {
		err = fmt.Errorf("the floor fills {{access_token}} in a JSON body or a bearer token only")
	}
	return v, err
}

// noteSecrets keeps the client_secret values among params.
func (b *floorBuilder) noteSecrets(params [][2]string) {
	for _, p := range params {
		if p[0] == "client_secret" && p[1] != "" && !slices.Contains(b.secrets, p[1]) {
			b.secrets = append(b.secrets, p[1])
		}
	}
}

// stringMembers reads a JSON object of string members, in order.
func stringMembers(text []byte) ([][2]string, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("the body is not a JSON object")
	}
	params := [][2]string{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		v, err := dec.Token()
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("member %q is not a string", k)
		}
		params = append(params, [2]string{k.(string), s})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return params, nil
}

// jsonObject writes params as a JSON object, in order.
func jsonObject(params [][2]string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range params {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p[0])
		v, _ := json.Marshal(p[1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// TestLoadFloor verifies what the floor reads from a feature: the request
// each scenario sends, placeholders filled, and which features it cannot
// read, saying why.
func TestLoadFloor(t *testing.T) {
	const head = "Feature: f\n  Scenario: s\n"
	const jsonBody = "    Given a token request with the JSON body:\n      \"\"\"json\n      {\"grant_type\": \"client_credentials\", \"client_id\": \"{{sales_channel.client_id}}\"}\n      \"\"\"\n"
	tests := []struct {
		name    string
		steps   string
		want    string // the request, as describeRequest writes it
		wantErr string
	}{
		{"JSON body sent as written", jsonBody + "    When the token request is sent\n",
			`POST /oauth/token [application/json] "{\"client_id\":\"authconform-sales-channel\",\"grant_type\":\"client_credentials\"}"`, ""},
		{"header set", jsonBody + "    And the request header \"Content-Type\" is \"text/plain\"\n    When the token request is sent\n",
			`POST /oauth/token [text/plain] "{\"client_id\":\"authconform-sales-channel\",\"grant_type\":\"client_credentials\"}"`, ""},
		{"parameters in the query", "    Given a token request with the parameters:\n      | grant_type | client_credentials |\n      | client_id | {{unknown_client_id}} |\n    When the token request is sent with method \"GET\" and its parameters in the query string\n",
			`GET /oauth/token?client_id=<generated>&grant_type=client_credentials [] ""`, ""},
		{"empty body", "    Given a token request with an empty body\n    When the token request is sent\n",
			`POST /oauth/token [application/json] ""`, ""},
		{"unknown step", jsonBody + "    When the token request is sent twice\n", "", `step "the token request is sent twice": the floor knows no such step`},
		{"unknown placeholder", "    Given a token request with the raw body:\n      \"\"\"\n      {{nobody}}\n      \"\"\"\n", "", "no placeholder {{nobody}}"},
		{"check before a request", "    Then the response status should be 200\n", "", "a check before any request was sent"},
		{"issued token", strings.Replace(jsonBody, "a token request with", "the access token issued for", 1),
			`POST /oauth/token [application/json] "{\"client_id\":\"authconform-sales-channel\",\"grant_type\":\"client_credentials\"}"`, ""},
		{"revocation", "    Given a revocation request with the JSON body:\n      \"\"\"json\n      {\"client_id\": \"{{integration.client_id}}\", \"token\": \"{{unknown_token}}\"}\n      \"\"\"\n    When the revocation request is sent\n",
			`POST /oauth/revoke [application/json] "{\"client_id\":\"authconform-integration\",\"token\":\"<generated>\"}"`, ""},
		{"resource with a bearer token", "    When the protected resource is requested with the bearer token \"{{unknown_token}}\"\n",
			`GET /api/ping [] "" Authorization: "Bearer <generated>"`, ""},
		{"revocation sent as a token request", "    Given a revocation request with the JSON body:\n      \"\"\"json\n      {\"token\": \"t\"}\n      \"\"\"\n    When the token request is sent\n", "", "a revocation request sent to the token endpoint"},
		{"access token in a header", jsonBody + "    And the request header \"X-Token\" is \"{{access_token}}\"\n", "", "{{access_token}} in a JSON body or a bearer token only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"f.feature": {Data: []byte(head + tt.steps)}}
			plan, err := loadFloor(fsys, ".", floorTarget)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadFloor error = %v; want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadFloor: %v", err)
			}
			if len(plan) != 1 || len(plan[0].requests) != 1 {
				t.Fatalf("plan = %+v; want one scenario of one request", plan)
			}
			fr := plan[0].requests[0]
			uri := fr.path
			if fr.query != "" {
				uri += "?" + fr.query
			}
			if got := describeRequest(fr.method, uri, fr.header, fr.body); got != tt.want {
				t.Errorf("request = %s\n want %s", got, tt.want)
			}
		})
	}
}
