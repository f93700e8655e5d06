package steps

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/authconform/authconform/internal/verdict"
)

// NegativeTag marks an error scenario: it passes when the target refuses
// something. Such a pass is evidence only when the same client can get a
// token (a positive control): a server that refuses every request would
// pass every @negative scenario.
const NegativeTag = "@negative"

// controls record, across the run, which configured clients the target
// issued a token to, and which configured clients each scenario's token
// requests named, each with the way it authenticated: one client set up
// for both methods is two controls, since a server that refuses every
// HTTP Basic login must not pass the Basic error scenarios on the strength
// of tokens issued to the body method.
type controls struct {
	mu     sync.Mutex
	issued map[string]bool     // client_id → the target issued it a token
	sent   map[string][]string // scenario id → configured client_ids it sent
}

func (s *suite) controls() *controls {
	s.controlsOnce.Do(func() { s.ctl = &controls{issued: map[string]bool{}, sent: map[string][]string{}} })
	return s.ctl
}

// withBasic is how a control names a client that authenticated with HTTP
// Basic: client "x" with HTTP Basic is a control of its own.
const withBasic = " with HTTP Basic"

// anyClient stands, in a scenario's controls, for every configured client
// that authenticates the same way: the control of a request for a client
// the target cannot know (a generated client_id), whose refusal is
// evidence once some configured client got a token that way.
const anyClient = "\x00any"

// noteTokenRequest records a token request of st for client id and
// whether the answer carried a token. Only the configuration's clients
// get tokens that count: a generated unknown client never gets one, by
// design, and its request is judged against any configured client's.
//
// A request that authenticates with HTTP Basic and in the body is judged
// against the client's HTTP Basic logins: the scenario adds the body
// method to a login shown to work, so a refusal can only be for the two
// methods.
func (st *scenario) noteTokenRequest(clientID string, gotToken bool) {
	if clientID == "" {
		return
	}
	configured := st.suite.configuredClient(clientID)
	control := clientID
	if !configured {
		control, gotToken = anyClient, false
	}
	control += grantControl(st.req)
	if st.req != nil && st.req.basic != noBasic {
		control += withBasic
	}
	c := st.suite.controls()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gotToken {
		c.issued[control] = true
	}
	if id := st.id(); !slices.Contains(c.sent[id], control) {
		c.sent[id] = append(c.sent[id], control)
	}
}

// issuedTo reports whether control's client got a token in the run; for
// anyClient, whether any configured client got one the same way. The
// caller holds c.mu.
func (c *controls) issuedTo(control string) bool {
	way, isAny := strings.CutPrefix(control, anyClient)
	if !isAny {
		return c.issued[control]
	}
	for id := range c.issued {
		if strings.HasSuffix(id, withBasic) == strings.HasSuffix(way, withBasic) && grantOf(id) == grantOf(way) {
			return true
		}
	}
	return false
}

// configuredClient reports whether id is a client_id of the configuration.
func (s *suite) configuredClient(id string) bool {
	t := s.Target
	return slices.Contains([]string{t.SalesChannel.ID, t.Integration.ID, t.Client.ID, t.BasicClient.ID, t.Webapp.ID}, id)
}

// Inconclusive says why a verdict proves nothing, or "" when it does: a
// passed @negative scenario whose clients got no token anywhere in the
// run (for a scenario that named no configured client, such as an unknown
// one: no configured client got a token). It is final only once the run
// has ended; before, a client may still get its token.
func (s *suite) Inconclusive(v verdict.Verdict) string {
	if v.Status != verdict.Passed || !slices.Contains(v.Tags, NegativeTag) {
		return ""
	}
	c := s.controls()
	c.mu.Lock()
	defer c.mu.Unlock()
	clients := c.sent[v.URI+"\x00"+v.Scenario]
	if len(clients) == 0 {
		if len(c.issued) == 0 {
			return "the target issued no token to any configured client in this run, so this refusal is no evidence: a server that refuses everything passes it"
		}
		return ""
	}
	for _, id := range clients {
		if c.issuedTo(id) {
			return ""
		}
	}
	quoted := make([]string, len(clients))
	for i, id := range clients {
		quoted[i] = quoteClient(id)
	}
	return fmt.Sprintf("the target issued no token to %s in this run, so this refusal is no evidence: a server that refuses every such login passes it", strings.Join(quoted, " or "))
}

// quoteClient names a control's client, its client_id quoted and the way
// it authenticated outside the quotes: client "x" with HTTP Basic, or
// any configured client with HTTP Basic.
func quoteClient(id string) string {
	name, basic := strings.CutSuffix(id, withBasic)
	name, grant, _ := strings.Cut(name, grantSeparator)
	way := ""
	if grant != "" {
		way = " for " + grant
	}
	if basic {
		way += withBasic
	}
	if name == anyClient {
		return "any configured client" + way
	}
	return fmt.Sprintf("client %q%s", name, way)
}
