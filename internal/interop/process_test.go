package interop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWaitReady verifies readiness is the Ready URL answering as wanted
// (Hydra's admin /health/ready 200; any answer for the others), and that
// every way of never getting there ends in time with a reason: a timeout,
// the server exiting, the run being stopped.
func TestWaitReady(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/health/ready":
			http.NotFound(w, r)
		case calls.Add(1) < 3:
			http.Error(w, "not yet", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	never := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not yet", http.StatusServiceUnavailable)
	}))
	defer never.Close()
	exited := make(chan struct{})
	close(exited)
	stopped, stop := context.WithCancelCause(context.Background())
	stop(context.Canceled)

	proc := func(url string, status int, exited chan struct{}) *Process {
		return &Process{Launch: Launch{Ready: url + "/health/ready", ReadyStatus: status}, name: "Hydra", exited: exited}
	}
	tests := []struct {
		name    string
		p       *Process
		ctx     context.Context
		wantErr string
	}{
		{"ready on the third call", proc(srv.URL, 200, make(chan struct{})), context.Background(), ""},
		{"any answer will do", proc(never.URL, 0, make(chan struct{})), context.Background(), ""},
		{"never ready", proc(never.URL, 200, make(chan struct{})), context.Background(), "Hydra not ready after 300ms (GET " + never.URL + "/health/ready: 503 Service Unavailable)"},
		{"exited", proc(never.URL, 200, exited), context.Background(), "exited before it was ready"},
		{"stopped", proc(never.URL, 200, make(chan struct{})), stopped, "stopped"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			start := time.Now()
			err := tt.p.waitReady(tt.ctx, 300*time.Millisecond)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("waitReady took %s; want it bounded by its 300ms timeout", took)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("waitReady error = %v; want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestHydraEnv verifies Hydra is configured for loopback, memory and the
// lifetime the suite expects.
func TestHydraEnv(t *testing.T) {
	got := strings.Join(hydraEnv("4444", "4445", "x"), " ")
	for _, want := range []string{"DSN=memory", "SECRETS_SYSTEM=x", "URLS_SELF_ISSUER=http://127.0.0.1:4444/", "SERVE_PUBLIC_HOST=127.0.0.1",
		"SERVE_PUBLIC_PORT=4444", "SERVE_ADMIN_HOST=127.0.0.1", "SERVE_ADMIN_PORT=4445", "TTL_ACCESS_TOKEN=1h"} {
		if !strings.Contains(got, want) {
			t.Errorf("hydraEnv = %s; want %s in it", got, want)
		}
	}
	lifetime := Hydra{}.About().Lifetime
	if d, err := time.ParseDuration(hydraTTL); err != nil || d != time.Duration(lifetime)*time.Second {
		t.Errorf("TTL_ACCESS_TOKEN=%s is %v; want the AUTHCONFORM_EXPIRES_IN the suite is given, %d s", hydraTTL, d, lifetime)
	}
}
