package refserver_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// TestStartListensOnLoopback verifies the URL form and that Close stops
// the server (and may be called twice).
func TestStartListensOnLoopback(t *testing.T) {
	t.Parallel()
	rs, err := refserver.Start(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rs.URL, "http://127.0.0.1:") || strings.HasSuffix(rs.URL, "/") {
		t.Errorf("URL = %q; want http://127.0.0.1:PORT without a trailing slash", rs.URL)
	}
	if r := send(t, rs.URL, salesChannelToken("")); r.status != http.StatusOK {
		t.Errorf("status = %d; want 200 (body: %s)", r.status, r.body)
	}
	if rs.Server() == nil || rs.Server().Requests() != 1 {
		t.Errorf("Server().Requests() = %d; want 1", rs.Server().Requests())
	}
	rs.Close()
	rs.Close()
	if resp, err := http.Get(rs.URL + "/oauth/token"); err == nil {
		resp.Body.Close()
		t.Errorf("GET after Close: status %d; want a connection error", resp.StatusCode)
	}
}

// TestConcurrentClients runs many clients at once (meant for -race): every
// token must be distinct and every request counted, also with the faults
// and options that keep state across requests.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	const clients, perClient = 12, 6
	tests := []struct {
		name       string
		opts       refserver.Options
		wantTokens int // distinct access tokens expected
		wantOK     int // 200 answers expected
	}{
		{"server=correct", refserver.Options{}, clients * perClient / 2, clients * perClient / 2},
		{"fault=same-token-for-all", refserver.Options{Fault: "same-token-for-all"}, 1, clients * perClient / 2},
		{"rate_limit=20", refserver.Options{RateLimit: 20, RateWindow: 1 << 62}, -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, tt.opts)
			var (
				mu       sync.Mutex
				tokens   = map[string]bool{}
				statuses = map[int]int{}
				wg       sync.WaitGroup
			)
			for c := range clients {
				wg.Go(func() {
					for i := range perClient {
						// Half token requests (both clients, both body
						// formats), half refusals.
						var req request
						switch (c + i) % 4 {
						case 0:
							req = salesChannelToken("market:id:" + refserver.MarketID)
						case 1:
							req = form(formBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret))
						case 2:
							req = integrationWithSecret(wrongSecret)
						default:
							req = request{method: http.MethodGet}
						}
						r := send(t, srv.URL, req)
						mu.Lock()
						statuses[r.status]++
						if token := accessToken(r); token != "" {
							tokens[token] = true
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			total := clients * perClient
			if got := srv.Server().Requests(); got != int64(total) {
				t.Errorf("Requests() = %d; want %d", got, total)
			}
			if tt.wantOK >= 0 && statuses[200] != tt.wantOK {
				t.Errorf("200 answers = %d; want %d (statuses: %v)", statuses[200], tt.wantOK, statuses)
			}
			if tt.wantTokens >= 0 && len(tokens) != tt.wantTokens {
				t.Errorf("distinct tokens = %d; want %d", len(tokens), tt.wantTokens)
			}
			if tt.opts.RateLimit > 0 {
				admitted := total - statuses[http.StatusTooManyRequests]
				if admitted != tt.opts.RateLimit {
					t.Errorf("admitted = %d; want exactly the limit, %d (statuses: %v)", admitted, tt.opts.RateLimit, statuses)
				}
			}
			if t.Failed() {
				t.Logf("statuses: %v", statuses)
			}
		})
	}
}
