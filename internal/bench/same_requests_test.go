package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/steps"
)

// requestLog serves the reference server and keeps a line describing
// each request it is sent, in arrival order.
type requestLog struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	line := describeRequest(r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), body)
	l.mu.Lock()
	l.seen = append(l.seen, line)
	l.mu.Unlock()
	l.next.ServeHTTP(w, r)
}

// take returns the requests logged since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := l.seen
	l.seen = nil
	return seen
}

// describeRequest is what makes two requests the same for the floor:
// method, path and query, content type, and the body, a JSON body by its
// members (a feature's DocString and the floor's one-line body differ in
// layout only), any other body byte for byte.
func describeRequest(method, uri, contentType string, body []byte) string {
	shown := string(body)
	var members map[string]any
	if json.Unmarshal(body, &members) == nil {
		canonical, _ := json.Marshal(members) // map keys come out sorted
		shown = string(canonical)
	}
	line := fmt.Sprintf("%s %s [%s] %q", method, uri, contentType, shown)
	// The reference server's secret is public, but a log line is an
	// output like any other: no secret in it.
	line = strings.ReplaceAll(line, refserver.IntegrationClientSecret, "<secret>")
	return steps.GeneratedValue.ReplaceAllString(line, "<generated>")
}

// TestFloorSendsTheSuitesRequests verifies the floor is the suite's work
// and nothing less: request for request, in the same order, the same
// method, URL, content type and body as the suite sends. The floor reads
// its requests from the features, so this checks that reading: a request
// step it builds differently from the steps package fails here.
func TestFloorSendsTheSuitesRequests(t *testing.T) {
	plan := theFloor(t)
	s, err := refserver.New(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	log := &requestLog{next: s}
	srv := httptest.NewServer(log)
	defer srv.Close()

	client := newFloorClient()
	defer client.CloseIdleConnections()
	if err := floorRun(context.Background(), client, srv.URL, plan, nil); err != nil {
		t.Fatalf("floor: %v", err)
	}
	floor := log.take()
	suiteRun{}.run(t, srv.URL)
	suite := log.take()

	assert.Equal(t, suite, floor, "the floor must send the suite's requests, in the same order (- suite, + floor)")
}

// TestDescribeRequest verifies what counts as the same request.
func TestDescribeRequest(t *testing.T) {
	base := describeRequest("POST", "/oauth/token", "application/json", []byte(`{"grant_type": "client_credentials", "client_id": "a"}`))
	tests := []struct {
		name     string
		method   string
		uri      string
		ct       string
		body     string
		wantSame bool
	}{
		{"layout and member order", "POST", "/oauth/token", "application/json", "{\n  \"client_id\": \"a\",\n  \"grant_type\": \"client_credentials\"\n}\n", true},
		{"member value", "POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "b"}`, false},
		{"member missing", "POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials"}`, false},
		{"content type", "POST", "/oauth/token", "text/plain", `{"grant_type": "client_credentials", "client_id": "a"}`, false},
		{"method", "GET", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "a"}`, false},
		{"raw body", "POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "a"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describeRequest(tt.method, tt.uri, tt.ct, []byte(tt.body))
			if same := got == base; same != tt.wantSame {
				t.Errorf("same = %v; want %v\n  %s\n  %s", same, tt.wantSame, base, got)
			}
		})
	}
	a := describeRequest("POST", "/oauth/token", "application/json", []byte(`{"client_id": "authconform-unknown-Q7tXk2LmPz9a", "scope": "market:id:zzK3mP8qRwQ"}`))
	b := describeRequest("POST", "/oauth/token", "application/json", []byte(`{"client_id": "authconform-unknown-x1", "scope": "market:id:zzAAAAAAAAQ"}`))
	if a != b {
		t.Errorf("generated values should compare alike:\n  %s\n  %s", a, b)
	}
}
