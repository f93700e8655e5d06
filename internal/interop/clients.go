package interop

// Client is an OAuth2 client the harness gives a server.
type Client struct {
	ID, Secret string
	AuthMethod string // token_endpoint_auth_method
}

// The clients' grants and scope; the suite asks for ClientScope
// (AUTHCONFORM_SCOPE) and is refused ForbiddenScope.
const (
	ClientScopes   = "read write"
	ClientScope    = "read"
	ForbiddenScope = "admin"
)

// formSensitiveChars are characters application/x-www-form-urlencoded changes,
// put in the basic client's id and secret so that RFC 6749 §2.3.1 (encode
// each, then base64 the pair) is exercised: a client that skips the
// encoding sends a ':' that splits the pair in the wrong place, a '+' that
// decodes to a space, a '%' that does not decode at all.
const formSensitiveChars = "+/:% &="

// NewClients makes a client_secret_post and a client_secret_basic client
// with random secrets (and a random part in each id). With formSensitive
// both secrets carry the form-sensitive characters, and so does the basic
// client's id (a ':' and a '+'): the post client's go through the form
// body, the basic client's through §2.3.1's encoding inside HTTP Basic.
// Without, ids and secrets are letters, digits and '-'.
func NewClients(formSensitive bool) (post, basic Client) {
	var r [4]string
	for i := range r {
		r[i] = randomHex(16)
	}
	post = Client{ID: "authconform-post-" + r[0][:8], Secret: r[1], AuthMethod: "client_secret_post"}
	basic = Client{ID: "authconform-basic-" + r[2][:8], Secret: r[3], AuthMethod: "client_secret_basic"}
	if formSensitive {
		post.Secret = r[1] + formSensitiveChars + r[1][:8]
		basic.ID = "authconform+basic:" + r[2][:8]
		basic.Secret = r[3] + formSensitiveChars + r[3][:8]
	}
	return post, basic
}
