package interop

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestNewClients verifies each run gets fresh secrets; that with
// formSensitive the basic client's id and secret change under
// form-encoding (RFC 6749 §2.3.1), and without, nothing does.
func TestNewClients(t *testing.T) {
	for _, sensitive := range []bool{true, false} {
		post, basic := NewClients(sensitive)
		post2, basic2 := NewClients(sensitive)
		if post.Secret == post2.Secret || basic.Secret == basic2.Secret || basic.ID == basic2.ID {
			t.Errorf("two runs made the same client: %q %q", post.ID, basic.ID)
		}
		if post.AuthMethod != "client_secret_post" || basic.AuthMethod != "client_secret_basic" {
			t.Errorf("methods = %q, %q; want client_secret_post, client_secret_basic", post.AuthMethod, basic.AuthMethod)
		}
		for _, s := range []string{basic.ID, basic.Secret, post.Secret} {
			if changed := url.QueryEscape(s) != s; changed != sensitive {
				t.Errorf("formSensitive %v: %q changes under form-encoding: %v", sensitive, s, changed)
			}
		}
		if len(post.Secret) < 32 || len(basic.Secret) < 32 {
			t.Errorf("secrets of %d and %d characters; want at least 32", len(post.Secret), len(basic.Secret))
		}
	}
	_, basic := NewClients(true)
	for _, c := range "+/:%" {
		if !strings.ContainsRune(basic.Secret, c) {
			t.Errorf("basic secret has no %q", c)
		}
	}
}

// TestRegister verifies a client is sent as Hydra's admin API wants it, and
// that a refusal, or a client Hydra changed, is a setup failure that does
// not show the secret.
func TestRegister(t *testing.T) {
	c := Client{ID: "id+basic:1", Secret: "s3cr3t+/:% &=value", AuthMethod: "client_secret_basic"}
	tests := []struct {
		name    string
		status  int
		change  func(m map[string]any)
		wantErr string
	}{
		{"accepted", http.StatusCreated, nil, ""},
		{"refused", http.StatusBadRequest, func(m map[string]any) { m["error"] = "invalid_client_metadata" }, "400 Bad Request; want 201 Created"},
		{"other method", http.StatusCreated, func(m map[string]any) { m["token_endpoint_auth_method"] = "client_secret_post" }, `token_endpoint_auth_method = "client_secret_post"`},
		{"secret changed", http.StatusCreated, func(m map[string]any) { m["client_secret"] = "s3cr3t" }, "changed the secret"},
		{"id changed", http.StatusCreated, func(m map[string]any) { m["client_id"] = "other" }, `client_id = "other"`},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var m map[string]any
				if r.Method != http.MethodPost || r.URL.Path != "/admin/clients" || json.NewDecoder(r.Body).Decode(&m) != nil {
					http.Error(w, "unexpected request", http.StatusTeapot)
					return
				}
				if m["grant_types"].([]any)[0] != "client_credentials" || m["scope"] != ClientScopes {
					http.Error(w, "wrong grants or scope", http.StatusTeapot)
					return
				}
				if tt.change != nil {
					tt.change(m)
				}
				w.WriteHeader(tt.status)
				_ = json.NewEncoder(w).Encode(m)
			}))
			defer srv.Close()
			err := Hydra{}.Register(context.Background(), Launch{AdminURL: srv.URL}, c)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Register error = %v; want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), c.Secret) {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}
