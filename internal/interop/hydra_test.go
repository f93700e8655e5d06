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

// TestWaitReady verifies readiness is Hydra's admin /health/ready answering
// 200, and that every way of never getting there ends in time with a
// reason: a timeout, Hydra exiting, the run being stopped.
func TestWaitReady(t *testing.T) {
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

	tests := []struct {
		name    string
		h       *Hydra
		ctx     context.Context
		wantErr string
	}{
		{"ready on the third call", &Hydra{AdminURL: srv.URL, exited: make(chan struct{})}, context.Background(), ""},
		{"never ready", &Hydra{AdminURL: never.URL, exited: make(chan struct{})}, context.Background(), "not ready after 300ms (GET /health/ready: 503 Service Unavailable)"},
		{"exited", &Hydra{AdminURL: never.URL, exited: exited}, context.Background(), "exited before it was ready"},
		{"stopped", &Hydra{AdminURL: never.URL, exited: make(chan struct{})}, stopped, "stopped"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			start := time.Now()
			err := tt.h.waitReady(tt.ctx, 300*time.Millisecond)
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
	got := strings.Join(HydraEnv("4444", "4445", "x"), " ")
	for _, want := range []string{"DSN=memory", "SECRETS_SYSTEM=x", "URLS_SELF_ISSUER=http://127.0.0.1:4444/", "SERVE_PUBLIC_HOST=127.0.0.1",
		"SERVE_PUBLIC_PORT=4444", "SERVE_ADMIN_HOST=127.0.0.1", "SERVE_ADMIN_PORT=4445", "TTL_ACCESS_TOKEN=1h"} {
		if !strings.Contains(got, want) {
			t.Errorf("HydraEnv = %s; want %s in it", got, want)
		}
	}
	if d, err := time.ParseDuration(AccessTokenTTL); err != nil || d != AccessTokenLifetime*time.Second {
		t.Errorf("TTL_ACCESS_TOKEN=%s is %v; want the AUTHCONFORM_EXPIRES_IN the suite is given, %d s", AccessTokenTTL, d, AccessTokenLifetime)
	}
}
