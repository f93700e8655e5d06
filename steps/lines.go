package steps

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/sharing"
)

// lineRun is a line of the run's sharing plan (package sharing) as the run
// goes: the scenarios whose request chains are identical, or one a prefix
// of another's, send each request of the chain once, and the others judge
// its answer.
type lineRun struct {
	slots []*lineSlot
}

// lineSlot is one request of a line: who sends it, and, once sent, its
// answer and what the sender's requests were built from. Guarded by
// runShared.mu.
type lineSlot struct {
	senders []string // scenario ids in run order; senders[next] sends
	next    int
	done    bool
	ex      *httpclient.Exchange // nil when no sender got an answer
	// vars and secrets are the sender's values when it sent: a scenario
	// that judges the answer takes them, so its later requests and its
	// checks (an echoed wrong secret) are the sender's.
	vars     map[string]string
	secrets  []string
	scenario string
	changed  chan struct{} // closed, and replaced, at each change
}

func newLineRun(l *sharing.Line) *lineRun {
	lr := &lineRun{}
	for _, senders := range l.Senders {
		lr.slots = append(lr.slots, &lineSlot{senders: senders, changed: make(chan struct{})})
	}
	return lr
}

// sender is the scenario that sends the slot's request now; "" when none
// is left.
func (sl *lineSlot) sender() string {
	if sl.next < len(sl.senders) {
		return sl.senders[sl.next]
	}
	return ""
}

// wake tells the scenarios waiting for the slot that it changed.
func (sl *lineSlot) wake() {
	close(sl.changed)
	sl.changed = make(chan struct{})
}

// passOn hands the slot to its next sender that has not finished: the
// current one stopped, or got no answer. With none left the slot is done,
// without an answer, and each scenario still needing it sends the request
// itself.
func (sl *lineSlot) passOn(finished map[string]bool) {
	sl.next++
	for sl.sender() != "" && finished[sl.sender()] {
		sl.next++
	}
	if sl.sender() == "" {
		sl.done = true
	}
	sl.wake()
}

// nextSlot is the slot of the scenario's next request, and whether the
// scenario sends it; nil when the scenario is in no line. A slot another
// scenario sends is waited for until it is done or falls to this one.
func (st *scenario) nextSlot(ctx context.Context) (*lineSlot, bool, error) {
	if st.pickle == nil {
		return nil, false, nil
	}
	sh := st.suite.shared()
	sh.mu.Lock()
	lr := sh.lines[st.id()]
	if lr == nil || st.lineSends >= len(lr.slots) {
		sh.mu.Unlock()
		return nil, false, nil
	}
	sl := lr.slots[st.lineSends]
	st.lineSends++
	for {
		if sl.done {
			sh.mu.Unlock()
			return sl, false, nil
		}
		if sl.sender() == st.id() {
			sh.mu.Unlock()
			return sl, true, nil
		}
		changed := sl.changed
		sh.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			st.sendFailed = true
			return nil, false, fmt.Errorf("waiting for the answer another scenario was obtaining: %v", ctx.Err())
		}
		sh.mu.Lock()
	}
}

// settleSlot records ex, the answer the scenario got to the slot's
// request, or, when it got none (nil), hands the slot on.
func (st *scenario) settleSlot(sl *lineSlot, ex *httpclient.Exchange) {
	sh := st.suite.shared()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sl.done || sl.sender() != st.id() {
		return
	}
	if ex == nil {
		sl.passOn(sh.finished)
		return
	}
	sl.done, sl.ex, sl.scenario = true, ex, st.name()
	sl.vars, sl.secrets = maps.Clone(st.vars), slices.Clone(st.sentSecrets)
	sl.wake()
}

// borrowSlot makes the slot's answer the one the scenario judges, with
// the values its sender built the request from.
func (st *scenario) borrowSlot(sl *lineSlot) {
	maps.Copy(st.vars, sl.vars)
	for _, s := range sl.secrets {
		st.noteSentSecret(s)
	}
	st.borrowed = append(st.borrowed, borrowedExchange{sl.ex, fmt.Sprintf("the scenario %q sent this request, the same as this scenario's, and this scenario judges its answer", sl.scenario)})
	st.judge(sl.ex)
}

// releaseLines hands on every slot this scenario was to send and did not
// (it failed or stopped first), so no scenario waits for it in vain. The
// caller holds runShared.mu.
func (sh *runShared) releaseLines(id string) {
	sh.finished[id] = true
	seen := map[*lineRun]bool{}
	for _, lr := range sh.lines {
		if seen[lr] {
			continue
		}
		seen[lr] = true
		for _, sl := range lr.slots {
			if !sl.done && sl.sender() == id {
				sl.passOn(sh.finished)
			}
		}
	}
}

// planLines makes the run's lines from the plan, each scenario of a line
// pointing at it.
func (sh *runShared) planLines(p *sharing.Plan) {
	sh.lines, sh.finished = map[string]*lineRun{}, map[string]bool{}
	for _, l := range p.Lines {
		lr := newLineRun(l)
		for _, senders := range l.Senders {
			for _, id := range senders {
				sh.lines[id] = lr
			}
		}
	}
}
