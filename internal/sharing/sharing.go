// Package sharing decides, before a run, which requests the run sends and
// which scenario sends each: scenarios whose request chains are identical
// send them once, and the others judge the same answers.
//
// A scenario's chain is the sequence of requests its steps send, each
// named by every step that builds or sends a request up to it (the steps
// that only judge an answer, "... should ...", change nothing the target
// sees). Two scenarios that send the same requests in the same order get
// the same answers, so one of them sending is enough: a scenario that
// revokes its token and checks the status, and one that revokes it the
// same way and checks the body, judge one exchange. A chain is shared
// only along a line: a scenario whose chain is a prefix of another's
// judges that one's first answers, but two scenarios that continue one
// token differently (one revokes it, the other uses it) each get their
// own, so neither depends on what the other did with it.
//
// Which scenario sends each request is the first one in run order that
// needs it, so every report is the same at any -concurrency. The plan also
// counts the requests per endpoint: the rate limit covers only the auth
// endpoints, and -list and the README count what the run will send.
package sharing

import (
	"bytes"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/catalog"
)

// Endpoint is where a request goes.
type Endpoint int

// The endpoints a run sends to.
const (
	Token      Endpoint = iota // the token endpoint (also a query-string request to it)
	Revocation                 // the revocation endpoint
	Resource                   // the target's protected resource
	Authorize                  // the authorize endpoint
	KeySet                     // the target's JWKS
	endpoints
)

// Counts are the requests a run sends, per endpoint.
type Counts [endpoints]int

// Total is every request.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Auth is the requests to the auth endpoints (token and revocation), the
// ones Commerce Layer's documented limit is about.
func (c Counts) Auth() int { return c[Token] + c[Revocation] }

// To is the requests to the endpoints ends.
func (c Counts) To(ends []Endpoint) int {
	n := 0
	for _, e := range ends {
		n += c[e]
	}
	return n
}

// Line is one chain of requests that several scenarios share: its
// exchanges are sent once, each by the first of its scenarios (in run
// order) whose chain reaches that far.
type Line struct {
	// Senders lists, for each request of the line, the scenarios whose
	// chains reach it, in run order (catalog.Key of each): the first sends
	// it; should it stop before sending, the next does.
	Senders [][]string
	// Endpoints is where each request of the line goes.
	Endpoints []Endpoint
	chain     []string // each request named by the steps up to it
}

// Plan is a run's sharing: the lines, and each scenario's place in one.
type Plan struct {
	Lines  []*Line
	byCase map[string]*Line
	counts Counts // the requests of scenarios outside any line
	// perBody is what the scenarios outside the lines count once per run.
	perBody map[string]bool
	keySet  bool
	codes   int // webapp codes, sent only when no code is configured
}

// LineOf is the line the scenario named key (catalog.Key) sends its
// requests in, or nil when it sends its own.
func (p *Plan) LineOf(key string) *Line {
	if p == nil {
		return nil
	}
	return p.byCase[key]
}

// Requests counts what the run sends; codeConfigured says the webapp's
// authorization code is configured, so no scenario asks for one.
func (p *Plan) Requests(codeConfigured bool) Counts {
	c := p.counts
	for _, l := range p.Lines {
		for _, e := range l.Endpoints {
			c[e]++
		}
	}
	if !codeConfigured {
		c[Authorize] += p.codes
	}
	return c
}

// The steps, by what they do to the chain (their texts are the
// vocabulary's, in package steps).
var (
	// sends one request to the endpoint named, each time it runs.
	tokenSend    = regexp.MustCompile(`^the token request is sent\b`)
	revokeSend   = regexp.MustCompile(`^the revocation request is sent$`)
	resourceSend = regexp.MustCompile(`^the protected resource is requested with `)
	// asks the authorize endpoint: a fresh code per scenario (its state is
	// the scenario's own, and a code works once), never shared.
	authorizeSend = regexp.MustCompile(`^(a fresh authorization code from the authorize endpoint|the authorize endpoint is asked)\b`)
	// the configured code, or else a fresh one.
	webappCode = regexp.MustCompile(`^the webapp's authorization code$`)
	// obtains a token answer once per run for a body, shared with every
	// scenario, and with plain requests of the same body.
	perBodyToken = regexp.MustCompile(`^(the access token issued for the JSON body:|the answer to the token request with the JSON body:)$`)
	// reads the target's key set, once per run.
	keySetRead = regexp.MustCompile(`by a key of the target's JWKS$`)
	// judges the last answer and sends nothing.
	judging = regexp.MustCompile(` should `)
	// builds a request, or keeps something of an answer for a later one,
	// and sends nothing. A step that is none of these is not known to
	// send nothing: a case with one is in no line.
	building = regexp.MustCompile(`^(a token request with |the client authenticates with HTTP Basic|the request asks for the configured scope|the request header |a revocation request with |a JWT bearer assertion |the access token is remembered as |the JSON member "[^"]*" is remembered as |the response is remembered as )`)
	// starts a request, and what makes it more than its body.
	jsonBody  = regexp.MustCompile(`^a token request with the JSON body:$`)
	newBody   = regexp.MustCompile(`^(a token request with|a revocation request with)`)
	ownHeader = regexp.MustCompile(`^the request header `)
)

// New plans the sharing of cases, in run order.
func New(cases []catalog.Case) *Plan {
	p := &Plan{byCase: map[string]*Line{}, perBody: map[string]bool{}}
	for _, c := range cases {
		chain, endpoints, ok := chainOf(c)
		p.scan(c, !ok)
		if ok && len(chain) > 0 {
			p.join(catalog.Key(c.URI, c.Scenario), chain, endpoints)
		}
	}
	return p
}

// chainOf names each request case c sends by the steps that build and
// send it and every request before it; false when c has a step whose
// requests cannot be shared along a line (the authorize endpoint's, or a
// token shared per body, which follow rules of their own).
func chainOf(c catalog.Case) (chain []string, ends []Endpoint, ok bool) {
	var sig strings.Builder
	for _, s := range c.Steps {
		switch KindOf(s.Text) {
		case Judging:
			continue
		case Sending, Building:
		default:
			return nil, nil, false
		}
		sig.WriteString(s.Text + "\x00" + compact(s.Arg) + "\x01")
		if e, sends := endpointOf(s.Text); sends {
			chain = append(chain, sig.String())
			ends = append(ends, e)
		}
	}
	return chain, ends, true
}

// Kind is what a step does, as the plan reads it.
type Kind int

// The kinds of steps.
const (
	Unknown  Kind = iota // not known to send nothing: its case is in no line
	Building             // builds a request or keeps part of an answer
	Judging              // judges the last answer (the key set aside)
	Sending              // sends one request each time it runs
	OwnRules             // sends under rules of its own: a token per body, an authorize request
)

// KindOf is what the step of text does.
func KindOf(text string) Kind {
	switch {
	case authorizeSend.MatchString(text), webappCode.MatchString(text), perBodyToken.MatchString(text):
		return OwnRules
	case judging.MatchString(text):
		return Judging
	case building.MatchString(text):
		return Building
	}
	if _, sends := endpointOf(text); sends {
		return Sending
	}
	return Unknown
}

// compact is a step's argument with the layout of a JSON document taken
// out, its members left in their order: a body written on one line and
// the same body written on several are one request.
func compact(arg string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(arg)) != nil {
		return arg
	}
	return b.String()
}

// endpointOf says where a step sends its one request, if it sends one.
func endpointOf(text string) (Endpoint, bool) {
	switch {
	case tokenSend.MatchString(text):
		return Token, true
	case revokeSend.MatchString(text):
		return Revocation, true
	case resourceSend.MatchString(text):
		return Resource, true
	}
	return 0, false
}

// join puts the case named key in the first line its chain follows or
// extends, or in a new line.
func (p *Plan) join(key string, chain []string, ends []Endpoint) {
	for _, l := range p.Lines {
		if !followsLine(l, chain) {
			continue
		}
		for i := range chain {
			if i == len(l.Senders) {
				l.Senders = append(l.Senders, nil)
				l.Endpoints = append(l.Endpoints, ends[i])
				l.chain = append(l.chain, chain[i])
			}
			l.Senders[i] = append(l.Senders[i], key)
		}
		p.byCase[key] = l
		return
	}
	l := &Line{Endpoints: ends, chain: chain}
	for range chain {
		l.Senders = append(l.Senders, []string{key})
	}
	p.Lines = append(p.Lines, l)
	p.byCase[key] = l
}

// followsLine says whether chain and the line's are one a prefix of the
// other.
func followsLine(l *Line, chain []string) bool {
	n := min(len(l.chain), len(chain))
	return slices.Equal(l.chain[:n], chain[:n])
}

// scan counts what case c sends outside the lines: a token shared per
// body once per run (and not at all when a plain request of the same body,
// a JSON body with no header of its own, was sent in the run before it),
// the key set once per run, and, when the case is in no line (alone), each
// of its sending steps and webapp codes.
func (p *Plan) scan(c catalog.Case, alone bool) {
	body, plain := "", false
	for _, s := range c.Steps {
		switch {
		case jsonBody.MatchString(s.Text):
			body, plain = s.Arg, true
		case newBody.MatchString(s.Text):
			body, plain = "", false
		case ownHeader.MatchString(s.Text):
			plain = false
		case s.Text == "the token request is sent" && plain:
			p.perBody[bodyKey(body)] = true
		case perBodyToken.MatchString(s.Text):
			if k := bodyKey(s.Arg); !p.perBody[k] {
				p.perBody[k] = true
				p.counts[Token]++
			}
		case keySetRead.MatchString(s.Text) && !p.keySet:
			p.keySet = true
			p.counts[KeySet]++
		}
		if !alone {
			continue
		}
		if e, sends := endpointOf(s.Text); sends {
			p.counts[e]++
		}
		switch {
		case authorizeSend.MatchString(s.Text):
			p.counts[Authorize]++
		case webappCode.MatchString(s.Text):
			p.codes++
		}
	}
}

// bodyKey names a JSON body of strings by its members in any order, as
// the steps key shared tokens; placeholders are left as written, which
// names the same request for one configuration.
func bodyKey(body string) string {
	var m map[string]string
	if json.Unmarshal([]byte(body), &m) != nil {
		return body
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + "\x00" + m[k] + "\x01")
	}
	return b.String()
}
