package refserver

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestTokenStoreBound verifies the store's limit: when full it drops
// expired records first, then the oldest, and never holds more than limit.
func TestTokenStoreBound(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)
	hour := time.Hour
	owner := &client{id: "owner"}

	tests := []struct {
		name string
		// adds are the tokens added in order: name and lifetime from t0.
		adds    []string
		life    map[string]time.Duration
		now     time.Duration // when the last token is added
		present []string
		gone    []string
	}{
		{"full=none_expired drops=oldest",
			[]string{"a", "b", "c", "d"}, map[string]time.Duration{"a": hour, "b": hour, "c": hour, "d": hour}, 0,
			[]string{"b", "c", "d"}, []string{"a"}},
		{"full=one_expired drops=expired_not_oldest",
			[]string{"a", "b", "c", "d"}, map[string]time.Duration{"a": 3 * hour, "b": hour, "c": 3 * hour, "d": 3 * hour}, 2 * hour,
			[]string{"a", "c", "d"}, []string{"b"}},
		{"full=all_expired drops=all_expired",
			[]string{"a", "b", "c", "d"}, map[string]time.Duration{"a": hour, "b": hour, "c": hour, "d": 3 * hour}, 2 * hour,
			[]string{"d"}, []string{"a", "b", "c"}},
		{"not_full keeps=expired",
			[]string{"a", "b"}, map[string]time.Duration{"a": hour, "b": hour}, 2 * hour,
			[]string{"a", "b"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newTokenStore(3)
			for i, name := range tt.adds {
				now := t0
				if i == len(tt.adds)-1 {
					now = t0.Add(tt.now)
				}
				st.add(name, owner, t0.Add(tt.life[name]), now)
			}
			for _, name := range tt.present {
				if state, _ := st.lookup(name, t0); state == tokenUnknown {
					t.Errorf("token %q: dropped; want kept", name)
				}
			}
			for _, name := range tt.gone {
				if state, _ := st.lookup(name, t0); state != tokenUnknown {
					t.Errorf("token %q: state %d; want dropped", name, state)
				}
			}
			if got, want := st.len(), len(tt.present); got != want {
				t.Errorf("len = %d; want %d (limit 3)", got, want)
			}
		})
	}
}

// TestTokenStoreStates verifies lookup's answers and that a revoked record
// stays revoked when the same token is added again.
func TestTokenStoreStates(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)
	st := newTokenStore(10)
	owner := &client{id: "owner"}
	st.add("tok", owner, t0.Add(time.Hour), t0)

	steps := []struct {
		action     string // "", "revoke" or "add"
		at         time.Duration
		wantState  tokenState
		wantClient *client
	}{
		{"", 0, tokenValid, owner},
		{"", time.Hour - time.Second, tokenValid, owner},
		{"", time.Hour, tokenExpired, owner}, // exp is the first second it no longer works
		{"revoke", 0, tokenRevoked, owner},
		{"add", 0, tokenRevoked, owner},
	}
	for i, step := range steps {
		switch step.action {
		case "revoke":
			if !st.revoke("tok") {
				t.Fatalf("step %d: revoke reported the token unknown; want known", i)
			}
		case "add":
			st.add("tok", owner, t0.Add(time.Hour), t0)
		}
		state, c := st.lookup("tok", t0.Add(step.at))
		if state != step.wantState || c != step.wantClient {
			t.Errorf("step %d (%s at +%v): state, client = %d, %v; want %d, %v", i, step.action, step.at, state, c, step.wantState, step.wantClient)
		}
	}
	if state, c := st.lookup("never-issued", t0); state != tokenUnknown || c != nil {
		t.Errorf("unknown token: state, client = %d, %v; want %d, nil", state, c, tokenUnknown)
	}
	if st.revoke("never-issued") {
		t.Error("revoke of an unknown token reported it known")
	}
}

// TestTokenStoreConcurrent adds, looks up and revokes from many goroutines
// (meant for -race) and checks the bound still holds.
func TestTokenStoreConcurrent(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, time.March, 14, 15, 0, 0, 0, time.UTC)
	const limit, workers, perWorker = 50, 8, 40
	st := newTokenStore(limit)
	owner := &client{id: "owner"}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				token := fmt.Sprintf("w%d-%d", w, i)
				// Some tokens are already expired when the next is added.
				st.add(token, owner, t0.Add(time.Duration(i%3)*time.Second), t0.Add(time.Second))
				st.lookup(token, t0)
				if i%2 == 0 {
					st.revoke(token)
				}
			}
		})
	}
	wg.Wait()
	if got := st.len(); got > limit {
		t.Errorf("len = %d; want at most the limit, %d", got, limit)
	}
}
