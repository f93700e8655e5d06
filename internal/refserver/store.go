package refserver

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// maxTokenRecords bounds the token store. A conformance run issues a few
// hundred tokens; the load benchmarks issue many more, and without a bound a
// long-running embedded server would keep every one of them.
const maxTokenRecords = 10000

// tokenKey identifies a token in the store: its SHA-256, so that a record
// has a fixed size whatever the token's length.
type tokenKey [sha256.Size]byte

func keyOf(token string) tokenKey { return sha256.Sum256([]byte(token)) }

// tokenRecord is what the server remembers of an access token it issued.
// expires is the server's own truth, from the expires_in it answered,
// whatever the token's claims say (some faults make them lie).
type tokenRecord struct {
	key     tokenKey
	client  *client
	expires time.Time
	revoked bool
	// owner is the customer the token acts for; nil for a guest's or an
	// integration's token. refresh is set for a refresh token: what it
	// grants (refresh.go).
	owner   *customer
	refresh *refreshGrant
}

// tokenStore records issued access tokens for revocation and the protected
// resource. It holds at most limit records: when full, it drops expired
// records first, then the oldest. It is safe for concurrent use.
type tokenStore struct {
	limit int

	mu     sync.Mutex
	byKey  map[tokenKey]*list.Element // of *tokenRecord
	oldest *list.List                 // of *tokenRecord, oldest first
	// noneExpireBefore is a time before which no record expires, so that a
	// full store of live tokens does not scan every record on every add.
	noneExpireBefore time.Time
}

func newTokenStore(limit int) *tokenStore {
	return &tokenStore{limit: limit, byKey: map[tokenKey]*list.Element{}, oldest: list.New()}
}

// add records a token issued to c that expires at expires. A token already
// recorded (the same-token-for-all fault hands one out again) keeps its
// record, revoked or not.
func (st *tokenStore) add(token string, c *client, expires, now time.Time) {
	key := keyOf(token)
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.byKey[key]; ok {
		return
	}
	if len(st.byKey) >= st.limit {
		st.dropExpired(now)
	}
	for len(st.byKey) >= st.limit {
		st.remove(st.oldest.Front())
	}
	st.byKey[key] = st.oldest.PushBack(&tokenRecord{key: key, client: c, expires: expires})
	if len(st.byKey) == 1 || expires.Before(st.noneExpireBefore) {
		st.noneExpireBefore = expires
	}
}

// dropExpired removes every record expired at now, and notes when the
// next one can expire.
func (st *tokenStore) dropExpired(now time.Time) {
	if now.Before(st.noneExpireBefore) {
		return
	}
	var next time.Time
	for e := st.oldest.Front(); e != nil; {
		following := e.Next()
		rec := e.Value.(*tokenRecord)
		switch {
		case !now.Before(rec.expires):
			st.remove(e)
		case next.IsZero() || rec.expires.Before(next):
			next = rec.expires
		}
		e = following
	}
	st.noneExpireBefore = next
}

func (st *tokenStore) remove(e *list.Element) {
	delete(st.byKey, e.Value.(*tokenRecord).key)
	st.oldest.Remove(e)
}

// tokenState is what the store knows of a token at a given time.
type tokenState int

const (
	tokenUnknown tokenState = iota // never issued, malformed, or dropped from the store
	tokenExpired
	tokenRevoked
	tokenValid
)

// lookup returns the token's state at now and, unless unknown, the client
// it was issued to.
func (st *tokenStore) lookup(token string, now time.Time) (tokenState, *client) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byKey[keyOf(token)]
	if !ok {
		return tokenUnknown, nil
	}
	rec := e.Value.(*tokenRecord)
	switch {
	case rec.revoked:
		return tokenRevoked, rec.client
	case !now.Before(rec.expires):
		return tokenExpired, rec.client
	}
	return tokenValid, rec.client
}

// revoke marks a recorded token revoked; it reports whether the token was
// recorded.
func (st *tokenStore) revoke(token string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byKey[keyOf(token)]
	if ok {
		e.Value.(*tokenRecord).revoked = true
	}
	return ok
}

// len returns the number of records, for tests of the bound.
func (st *tokenStore) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.byKey)
}
