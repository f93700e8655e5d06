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

// noteTokenRequest records a token request of st for client id and
// whether the answer carried a token. Only the configuration's clients
// count: a generated unknown client never gets one, by design.
func (st *scenario) noteTokenRequest(clientID string, gotToken bool) {
	if clientID == "" || !st.suite.configuredClient(clientID) {
		return
	}
	if st.req != nil && st.req.basic == basicOnly {
		clientID += " with HTTP Basic"
	}
	c := st.suite.controls()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gotToken {
		c.issued[clientID] = true
	}
	if id := st.id(); !slices.Contains(c.sent[id], clientID) {
		c.sent[id] = append(c.sent[id], clientID)
	}
}

// configuredClient reports whether id is a client_id of the configuration.
func (s *suite) configuredClient(id string) bool {
	t := s.Target
	return slices.Contains([]string{t.SalesChannel.ID, t.Integration.ID, t.Client.ID, t.BasicClient.ID}, id)
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
		if c.issued[id] {
			return ""
		}
	}
	quoted := make([]string, len(clients))
	for i, id := range clients {
		quoted[i] = "client " + quoteClient(id)
	}
	return fmt.Sprintf("the target issued no token to %s in this run, so this refusal is no evidence: a server that refuses that client everything passes it", strings.Join(quoted, " or "))
}

// quoteClient quotes a control's client_id, keeping the way it
// authenticated outside the quotes: client "x" with HTTP Basic.
func quoteClient(id string) string {
	if name, ok := strings.CutSuffix(id, " with HTTP Basic"); ok {
		return fmt.Sprintf("%q with HTTP Basic", name)
	}
	return fmt.Sprintf("%q", id)
}
