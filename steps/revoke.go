package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/oautherr"
)

// givenRevocation starts a revocation request (Commerce Layer docs,
// "Revoking a token": a JSON body of client_id, client_secret and token;
// RFC 7009 §2.1).
func (st *scenario) givenRevocation(doc *godog.DocString) error {
	if err := st.givenJSONBody(doc); err != nil {
		return err
	}
	st.req.revocation = true
	return nil
}

// whenRevocationSent POSTs the request to the revocation endpoint.
func (st *scenario) whenRevocationSent(ctx context.Context) error {
	if st.req == nil || !st.req.revocation {
		return fmt.Errorf("no revocation request to send: start with \"a revocation request with the JSON body:\"")
	}
	req, err := st.encode(http.MethodPost, st.suite.Target.RevokeURL())
	if err != nil {
		return err
	}
	return st.send(ctx, req)
}

// whenResourceWithToken asks the target's protected resource with the
// scenario's access token as a bearer token (RFC 6750 §2.1).
func (st *scenario) whenResourceWithToken(ctx context.Context) error {
	if st.accessToken == "" {
		return fmt.Errorf("no access token to present: a token request of this scenario must be answered with one first")
	}
	return st.requestResource(ctx, st.accessToken)
}

// whenResourceWithBearer asks the protected resource with a given bearer
// token, such as {{unknown_token}}.
func (st *scenario) whenResourceWithBearer(ctx context.Context, token string) error {
	tok, err := st.expand(token)
	if err != nil {
		return err
	}
	if tok == "" {
		return fmt.Errorf("the bearer token is empty; want a token to present")
	}
	return st.requestResource(ctx, tok)
}

func (st *scenario) requestResource(ctx context.Context, token string) error {
	if st.suite.Target.ResourceURL == "" {
		return fmt.Errorf("no protected resource configured: set AUTHCONFORM_RESOURCE_URL (scenarios using it carry @resource and are left out without it)")
	}
	return st.send(ctx, httpclient.Request{
		Method: http.MethodGet,
		URL:    st.suite.Target.ResourceURL,
		Header: http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + token}},
	})
}

func (st *scenario) thenEmptyObject() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	doc, err := st.jsonBody(ex, "an empty JSON object, {}")
	if err != nil {
		return err
	}
	m, ok := doc.(map[string]any)
	if !ok || len(m) != 0 {
		return st.fail("the body is %s; want an empty JSON object, {}", describeBody(doc))
	}
	return nil
}

// describeBody names a JSON document for messages: its type, and an
// object's member names (never values).
func describeBody(doc any) string {
	if m, ok := doc.(map[string]any); ok {
		return "an object with members " + strings.Join(slices.Sorted(maps.Keys(m)), ", ")
	}
	switch doc.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "an array"
}

func (st *scenario) thenRevocationError() error {
	got, err := st.oauthError()
	if err != nil {
		return err
	}
	if slices.Contains(oautherr.Revocation(), got) {
		return nil
	}
	return st.fail("OAuth error = %q; want one of %s (RFC 7009 §2.2.1)", got, oautherr.Join(oautherr.Revocation()))
}
