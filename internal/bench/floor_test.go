package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/schema"
)

// floorRun runs every scenario of plan against baseURL with client, in
// order, and stops at the first answer that fails a check. With schemas,
// it also validates the bodies the scenarios validate, against the
// suite's JSON Schemas compiled once by the caller: the "checked floor",
// which does all the suite's checks but in plain Go.
func floorRun(ctx context.Context, client *http.Client, baseURL string, plan []floorScenario, schemas *schema.Registry) error {
	for _, sc := range plan {
		tokens := map[string]string{} // remembered per scenario, as the steps do
		for i, fr := range sc.requests {
			a, err := floorSend(ctx, client, baseURL, fr)
			if err != nil {
				return fmt.Errorf("%s, request %d: %v", sc.name, i+1, err)
			}
			for _, c := range fr.checks {
				if err := c.run(a, tokens, schemas); err != nil {
					return fmt.Errorf("%s: %s: %v\n%d %s", sc.name, c.step, err, a.status, a.body)
				}
			}
		}
	}
	return nil
}

// run makes the check, and validates the body against its schema when
// the floor runs with schemas.
func (c floorCheck) run(a *floorAnswer, tokens map[string]string, schemas *schema.Registry) error {
	if err := c.check(a, tokens); err != nil {
		return err
	}
	if c.schema != "" && schemas != nil {
		return schemas.Validate(c.schema, a.body)
	}
	return nil
}

// floorSend sends one request and reads its answer, up to 1 MiB as the
// suite's client does.
func floorSend(ctx context.Context, client *http.Client, baseURL string, fr floorRequest) (*floorAnswer, error) {
	target := baseURL + "/oauth/token"
	if fr.query != "" {
		target += "?" + fr.query
	}
	var body io.Reader = http.NoBody
	if fr.body != nil {
		body = bytes.NewReader(fr.body)
	}
	req, err := http.NewRequestWithContext(ctx, fr.method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header = fr.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return newFloorAnswer(resp.StatusCode, resp.Header, b, time.Now()), nil
}

// newFloorClient is the floor's HTTP client, new for each run as the
// suite's is.
func newFloorClient() *http.Client {
	return &http.Client{
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		Timeout:   10 * time.Second,
	}
}

// TestFloor verifies the floor measures the suite's work: against the
// reference server it passes, sending as many requests as the suite does;
// against faults it fails, so its checks really check.
func TestFloor(t *testing.T) {
	plan := theFloor(t)
	if n, want := len(plan), suiteSize(t); n != want {
		t.Errorf("the floor read %d scenarios from the features; want every one, %d as the catalog reads them", n, want)
	}
	tests := []struct {
		name     string
		opts     refserver.Options
		wantFail string // "" means the floor must pass
	}{
		{"server=correct", refserver.Options{}, ""},
		{"fault=success-status-201", refserver.Options{Fault: "success-status-201"}, "status = 201"},
		{"fault=error-status-200", refserver.Options{Fault: "error-status-200"}, "status = 200"},
		{"fault=scope-not-echoed", refserver.Options{Fault: "scope-not-echoed"}, `scope = "market:all"`},
		{"fault=invalid-client-code-wrong", refserver.Options{Fault: "invalid-client-code-wrong"}, `OAuth error = "unauthorized_client"`},
		{"fault=same-token-for-all", refserver.Options{Fault: "same-token-for-all"}, "same access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startReference(t, tt.opts)
			client := newFloorClient()
			defer client.CloseIdleConnections()
			err := floorRun(context.Background(), client, srv.URL, plan, nil)
			switch {
			case tt.wantFail == "" && err != nil:
				t.Fatalf("floor failed against the correct server: %v", err)
			case tt.wantFail != "" && err == nil:
				t.Fatalf("floor passed against a server with this fault; want it to fail with %q", tt.wantFail)
			case tt.wantFail != "" && !strings.Contains(err.Error(), tt.wantFail):
				t.Fatalf("floor failed with %v; want %q", err, tt.wantFail)
			}
			if tt.wantFail != "" {
				return
			}
			floorSent := srv.Server().Requests()
			res := suiteRun{}.run(t, srv.URL)
			suiteSent := srv.Server().Requests() - floorSent
			if n := floorRequestCount(plan); floorSent != suiteSent || int(floorSent) != n {
				t.Errorf("the floor sent %d requests (%d in its plan), the suite %d; want the same requests", floorSent, n, suiteSent)
			}
			if res.Requests != suiteSent {
				t.Errorf("the suite counted %d requests, the server %d", res.Requests, suiteSent)
			}
		})
	}
}
