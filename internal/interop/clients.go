package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client is an OAuth2 client the harness registers with Hydra.
type Client struct {
	ID, Secret string
	AuthMethod string // token_endpoint_auth_method
}

// The clients' grants and scope; the suite asks for ClientScope and is
// refused ForbiddenScope.
const (
	ClientScopes   = "read write"
	ClientScope    = "read"
	ForbiddenScope = "admin"
)

// formSensitive are characters application/x-www-form-urlencoded changes,
// put in the basic client's id and secret so that RFC 6749 §2.3.1 (encode
// each, then base64 the pair) is exercised: a client that skips the
// encoding sends a ':' that splits the pair in the wrong place, a '+' that
// decodes to a space, a '%' that does not decode at all.
const formSensitive = "+/:% &="

// NewClients makes a client_secret_post and a client_secret_basic client
// with random secrets (and a random part in each id). Both carry the
// form-sensitive characters in their secrets: the post client's go through
// the form body, the basic client's (and its id's ':' and '+') through
// §2.3.1's encoding inside HTTP Basic.
func NewClients() (post, basic Client, err error) {
	var r [4]string
	for i := range r {
		if r[i], err = randomHex(16); err != nil {
			return post, basic, err
		}
	}
	post = Client{ID: "authconform-post-" + r[0][:8], Secret: r[1] + formSensitive + r[1][:8], AuthMethod: "client_secret_post"}
	basic = Client{ID: "authconform+basic:" + r[2][:8], Secret: r[3] + formSensitive + r[3][:8], AuthMethod: "client_secret_basic"}
	return post, basic, nil
}

// Register creates c with Hydra's admin API (POST /admin/clients), allowed
// the client_credentials grant and ClientScopes, and checks Hydra kept its
// id, secret and authentication method as sent.
func Register(ctx context.Context, adminURL string, c Client) error {
	body, err := json.Marshal(map[string]any{
		"client_id":                  c.ID,
		"client_secret":              c.Secret,
		"token_endpoint_auth_method": c.AuthMethod,
		"grant_types":                []string{"client_credentials"},
		"scope":                      ClientScopes,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, adminURL+"/admin/clients", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("registering the %s client: %v", c.AuthMethod, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	hide := func(s string) string { return strings.ReplaceAll(s, c.Secret, "[REDACTED]") }
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("registering the %s client: Hydra answered %s; want 201 Created (body: %.300s)", c.AuthMethod, resp.Status, hide(string(b)))
	}
	var got struct {
		ID         string `json:"client_id"`
		Secret     string `json:"client_secret"`
		AuthMethod string `json:"token_endpoint_auth_method"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		return fmt.Errorf("registering the %s client: Hydra's answer is not a client: %v", c.AuthMethod, err)
	}
	switch {
	case got.ID != c.ID:
		return fmt.Errorf("registering the %s client: client_id = %q; want %q", c.AuthMethod, got.ID, c.ID)
	case got.Secret != c.Secret:
		return fmt.Errorf("registering the %s client: Hydra changed the secret (%d characters; sent %d)", c.AuthMethod, len(got.Secret), len(c.Secret))
	case got.AuthMethod != c.AuthMethod:
		return fmt.Errorf("registering the %s client: token_endpoint_auth_method = %q; want %q", c.AuthMethod, got.AuthMethod, c.AuthMethod)
	}
	return nil
}
