package config

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/setup"
)

// TestCheckURL verifies which base URLs and token paths are accepted, and
// that a refusal is one line that never shows user info.
func TestCheckURL(t *testing.T) {
	tests := []struct {
		base, path string
		wantErr    string // "" when accepted
	}{
		{"https://auth.commercelayer.io", "/oauth/token", ""},
		{"http://127.0.0.1:8080", "/oauth/token", ""},
		{"https://auth.example.com/prefix", "oauth/token", ""},
		{"https://auth.example.com", "", ""},
		{"HTTP://LOCALHOST:8080", "/oauth/token", ""},
		{"Https://Auth.Example.com", "/oauth/token", ""},
		{"hTTp://127.0.0.1", "/oauth/token", ""},
		{"http://[::1]:80", "/oauth/token", ""},
		{"http://[fe80::1%25eth0]:80", "/oauth/token", ""},
		{"https://localhost./x", "/oauth/token", ""},
		{"https://bücher.example", "/oauth/token", ""},
		{"https://auth.example.com:65535", "/a%2Fb", ""},
		{"https://auth_1.example.com", "/o@uth/token", ""},
		{"", "/oauth/token", "no target: set " + EnvTarget},
		{"auth.commercelayer.io", "", "want a URL such as"},
		{"ftp://auth.example.com", "", "(http:// or https://)"},
		{"http:auth.example.com", "", "no host"},
		{"https://", "", "no host"},
		{"https://:443", "", "no host"},
		{"https://auth.example.com/?x=1", "", "query or fragment"},
		{"https://auth.example.com/?", "", "query or fragment"},
		{"https://auth.example.com/#fragment", "", "query or fragment"},
		{"https://auth.example.com#", "", "query or fragment"},
		{"http://exa mple.com", "", "a space (U+0020)"},
		{" https://auth.example.com", "", "a space"},
		{"https://auth.example.com\n", "", "a control character (U+000A)"},
		{"https://auth.example.com/\x00", "", "U+0000"},
		{"https://auth.example.com/%00", "", "once its path is decoded"},
		{"https://auth.example\u200b.com", "", "an invisible character (U+200B)"},
		{"https://auth.example\u00a0.com", "", "a space (U+00A0)"},
		{"https://auth.example.com/\xff", "", "not UTF-8"},
		{"https://alice:s3cr@auth.example.com", "", "has an \"@\""},
		{"https://user:p%40ss@host", "", "has an \"@\""},
		{"https://user:p@ss@host", "", "has an \"@\""},
		{"https://alice:s3cr@exa mple.com", "", "a space"},
		{"https://alice:s3cr@\x00", "", "a control character"},
		{"https://alice@host", "", "user info"},
		{"https://@host", "", "user info"},
		{"https://user:pa/ss@host", "", "user info"},
		{"https://user:123/x@host", "", "user info"},
		{"https://user:pa#ss@host", "", "user info"},
		{"https://auth.example.com:", "", "empty port"},
		{"https://[::1]:", "", "empty port"},
		{"https://auth.example.com:0", "", `port "0"`},
		{"https://auth.example.com:65536", "", `port "65536"`},
		{"https://auth.example.com:x", "", "invalid port"},
		{"https://[::1", "", "not a URL"},
		{"https://[127.0.0.1]", "", "not a URL"},
		{"alice:s3cr@auth.example.com", "", "user info"},
		{"alice:s3cr@auth.example.com/x?y#z", "", "user info"},
		{"https://auth.example.com%2F.evil", "", "not a URL"},
		{"https://a,b.example", "", "want a DNS name or an IP address"},
		{"http://127.1", "", "not one in standard form"},
		{"http://2130706433", "", "not one in standard form"},
		{"http://0x7f.1", "", "not one in standard form"},
		{"http://127.0.0.01", "", "not one in standard form"},
		{"http://1.2.3.4.", "", "not one in standard form"},
		{"http://\uff11\uff12\uff17.\uff11", "", "want a DNS name or an IP address"},
		{"http://127\u30020\u30020\u30021", "", "want a DNS name or an IP address"},
		{"https://a.io", "/oauth/token?x=1", "query or fragment"},
		{"https://a.io", "/oauth/token#f", "query or fragment"},
		{"https://a.io", "//evil.example/token", "naming a host"},
		{"https://a.io", `/\evil.example/token`, "naming a host"},
		{"https://a.io", "https://evil.example/token", "not a path"},
		{"https://a.io", "HTTPS://evil.example/token", "not a path"},
		{"https://a.io", "evil.example:443/token", "not a path"},
		{"https://a.io", "/a%2F..", `".." segment`},
		{"https://a.io", "/a/../../token", `".." segment`},
		{"https://a.io", "/%2e%2e/token", `".." segment`},
		{"https://a.io", "/./token", `"." segment`},
		{"https://a.io", "/oauth/token%00", "once decoded"},
		{"https://a.io", "/oauth/to ken", "a space"},
		{"https://a.io", "/oauth/token\r\n", "U+000D"},
		{"https://a.io", "/a%zz", "not a path"},
		{"https://a.io", "https://user:secretpw@evil.example/x", "not a path"},
	}
	for _, tt := range tests {
		err := checkURL(tt.base, tt.path)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("CheckURL(%q, %q) = %v; want nil", tt.base, tt.path, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckURL(%q, %q) = %v; want an error containing %q", tt.base, tt.path, err, tt.wantErr)
			continue
		}
		msg := err.Error()
		for _, leak := range []string{"p%40ss", "p@ss", "s3cr", "alice", "pa/ss", "pa#ss", "123/x", "secretpw", "\n"} {
			if strings.Contains(msg, leak) {
				t.Errorf("CheckURL(%q, %q) = %q; it shows %q", tt.base, tt.path, msg, leak)
			}
		}
	}
}

// TestCheckURLLongValue verifies a very long value is quoted shortened.
func TestCheckURLLongValue(t *testing.T) {
	long := "https://auth.example.com/" + strings.Repeat("a", 1<<20) + "?x"
	err := checkURL(long, "")
	if err == nil || len(err.Error()) > 1000 {
		t.Errorf("CheckURL(1 MiB URL) = an error of %d bytes; want a short one", len(err.Error()))
	}
}

// TestTokenURL verifies slashes are joined once, escapes are kept, and the
// scheme comes out in lower case without user info.
func TestTokenURL(t *testing.T) {
	for _, tt := range []struct{ base, path, want string }{
		{"https://a.io", "/oauth/token", "https://a.io/oauth/token"},
		{"https://a.io/", "oauth/token", "https://a.io/oauth/token"},
		{"https://a.io/x/", "/oauth/token", "https://a.io/x/oauth/token"},
		{"https://a.io", "", "https://a.io/"},
		{"HTTPS://A.io:8443", "/oauth/token", "https://A.io:8443/oauth/token"},
		{"https://a.io", "/a%2Fb", "https://a.io/a%2Fb"},
		{"https://a.io/p%2Fq", "/t", "https://a.io/p%2Fq/t"}, // a space (%20) is refused by ParseURL
		{"https://a.io", "/to ken", "https://a.io/to%20ken"},
		{"https://a.io", "/a%zz", "https://a.io/a%25zz"},
		{"https://a.io", "//evil.example/token", "https://a.io/evil.example/token"},
		{"https://a.io", "/oauth/token?x=1", "https://a.io/oauth/token"},
		{"https://user:pass@a.io", "/t", ""}, // refused by ParseURL: never a target's URL
		{"http://[::1]:80", "/t", "http://[::1]:80/t"},
		{"://bad", "/t", ""},
	} {
		if got := atPath(tt.base, tt.path).TokenURL(); got != tt.want {
			t.Errorf("TokenURL(%q, %q) = %q; want %q", tt.base, tt.path, got, tt.want)
		}
	}
}

// TestTokenURLKeepsHost verifies that no token path, accepted by CheckURL
// or refused, gives a token URL on another host or with user info.
func TestTokenURLKeepsHost(t *testing.T) {
	bases := []string{"https://a.io", "https://a.io/prefix/", "http://127.0.0.1:8080", "http://[::1]:80/x", "https://user:pw@a.io"}
	paths := []string{
		"/oauth/token", "oauth/token", "", "/", "//evil.example/token", "///evil.example", "https://evil.example/token",
		"http:evil.example", "//user:pw@evil.example", `\\evil.example`, `/\evil.example`, "/a%2F..", "/../../x",
		"?@evil.example", "#@evil.example", "/x?y=//evil.example", "%2F%2Fevil.example", "/%40evil.example", "@evil.example",
		"/x\x00y", "/x\ny", ":", "::", "//[::1]:80", "/a@evil.example:80",
	}
	for _, base := range bases {
		bu, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseBaseURL(base); err != nil {
			if bu.User == nil {
				t.Errorf("ParseBaseURL(%q) = %v; want it accepted", base, err)
			}
			continue // user info never reaches a target's URL
		}
		for _, p := range paths {
			raw := atPath(base, p).TokenURL()
			u, err := url.Parse(raw)
			switch {
			case err != nil:
				t.Errorf("TokenURL(%q, %q) = %q, which does not parse: %v", base, p, raw, err)
			case u.Host != bu.Host || u.User != nil || u.Scheme != bu.Scheme:
				t.Errorf("TokenURL(%q, %q) = %q: scheme %q, host %q, user %v; want %q, %q and none", base, p, raw, u.Scheme, u.Host, u.User, bu.Scheme, bu.Host)
			case u.RawQuery != "" || u.Fragment != "":
				t.Errorf("TokenURL(%q, %q) = %q: has a query or fragment", base, p, raw)
			}
		}
	}
}

// TestScheme verifies the scheme is read from the parsed URL.
func TestScheme(t *testing.T) {
	for _, tt := range []struct {
		url, scheme string
		plain       bool
	}{
		{"http://a.io", "http", true},
		{"HTTP://a.io", "http", true},
		{"hTTp://127.0.0.1", "http", true},
		{"https://a.io", "https", false},
		{"HTTPS://a.io", "https", false},
		{"ftp://a.io", "", false}, // refused by ParseURL: never a target's URL
		{"a.io", "", false},
		{"://a.io", "", false},
		{"", "", false},
	} {
		tg := atPath(tt.url, "")
		if got, plain := tg.Scheme(), tg.IsPlainHTTP(); got != tt.scheme || plain != tt.plain {
			t.Errorf("Scheme(%q), IsPlainHTTP = %q, %v; want %q, %v", tt.url, got, plain, tt.scheme, tt.plain)
		}
	}
}

// stubResolver answers every look-up with addrs, or with an error when
// addrs is nil.
type stubResolver struct{ addrs []string }

func (s stubResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	if s.addrs == nil {
		return nil, errors.New("no such host")
	}
	return s.addrs, nil
}

// TestIsLoopback verifies which targets count as this machine: by address,
// never by spelling, and names by what they resolve to.
func TestIsLoopback(t *testing.T) {
	tests := []struct {
		url   string
		addrs []string // what any name resolves to; nil: it does not
		want  bool
	}{
		{"http://127.0.0.1:1", nil, true},
		{"http://127.255.0.9", nil, true},
		{"http://localhost:8080", nil, true},
		{"HTTP://LOCALHOST:8080", nil, true},
		{"http://LocalHost.:8080", nil, true},
		{"hTTp://127.0.0.1", nil, true},
		{"http://[::1]:80", nil, true},
		{"http://[::ffff:127.0.0.1]:80", nil, true},
		{"http://[::1%25lo]:80", nil, true},
		{"http://0.0.0.0", nil, false},
		{"http://[::]", nil, false},
		{"http://10.0.0.1", []string{"127.0.0.1"}, false},
		{"http://[::ffff:10.0.0.1]", nil, false},
		{"https://auth.example.com", []string{"93.184.216.34"}, false},
		{"https://auth.example.com", nil, false},
		{"https://auth.example.com", []string{}, false},
		{"https://auth.example.com", []string{"not an address"}, false},
		{"http://127.0.0.1.nip.io:1", []string{"127.0.0.1"}, true},
		{"http://127.0.0.1.nip.io:1", nil, false},
		{"http://localhost.evil.example", []string{"127.0.0.1", "203.0.113.9"}, false},
		{"http://localhost.evil.example", []string{"127.0.0.1", "::1"}, true},
		{"http://localhost.evil.example", []string{"0.0.0.0"}, false},
		{"http://127.1", nil, false},
		{"http://127.1", []string{"127.0.0.1"}, false}, // refused by ParseURL: never a target's URL
		{"http://[::1", nil, false},
		{"http://", []string{"127.0.0.1"}, false},
		{"", []string{"127.0.0.1"}, false},
	}
	for _, tt := range tests {
		tg := atPath(tt.url, "")
		tg.Resolver = stubResolver{tt.addrs}
		if got := tg.IsLoopback(); got != tt.want {
			t.Errorf("IsLoopback(%q) resolving to %q = %v; want %v", tt.url, tt.addrs, got, tt.want)
		}
	}
}

// TestOtherEndpoints verifies the revocation endpoint is joined like the
// token endpoint, the issuer is the target's origin unless configured, and
// the key set is read under the issuer unless configured.
func TestOtherEndpoints(t *testing.T) {
	for _, tt := range []struct {
		name                   string
		t                      Target
		revoke, issuer, keySet string
		others                 []string
	}{
		{"defaults", Target{URL: mustBase(t, "https://auth.example.com"), Target: setup.Target{RevokePath: DefaultRevokePath}},
			"https://auth.example.com/oauth/revoke", "https://auth.example.com", "https://auth.example.com/.well-known/jwks.json",
			[]string{"https://auth.example.com/.well-known/jwks.json"}},
		{"prefix and port: the issuer is the base URL", Target{URL: mustBase(t, "HTTPS://auth.example.com:8443/tenant/"), Target: setup.Target{RevokePath: "/revoke"}},
			"https://auth.example.com:8443/tenant/revoke", "https://auth.example.com:8443/tenant", "https://auth.example.com:8443/tenant/.well-known/jwks.json",
			[]string{"https://auth.example.com:8443/tenant/.well-known/jwks.json"}},
		{"behind a gateway", Target{URL: mustBase(t, "https://gw.example.com"), Target: setup.Target{Issuer: "https://auth.example.com/", ResourceURL: "https://api.example.com/ping"}},
			"https://gw.example.com/", "https://auth.example.com", "https://auth.example.com/.well-known/jwks.json",
			[]string{"https://auth.example.com/.well-known/jwks.json", "https://api.example.com/ping"}},
		{"key set named", Target{URL: mustBase(t, "https://gw.example.com"), Target: setup.Target{JWKSURL: "https://keys.example.com/jwks"}},
			"https://gw.example.com/", "https://gw.example.com", "https://keys.example.com/jwks",
			[]string{"https://keys.example.com/jwks"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.RevokeURL(); got != tt.revoke {
				t.Errorf("RevokeURL() = %q; want %q", got, tt.revoke)
			}
			if got := tt.t.IssuerURL(); got != tt.issuer {
				t.Errorf("IssuerURL() = %q; want %q", got, tt.issuer)
			}
			if got := tt.t.KeySetURL(); got != tt.keySet {
				t.Errorf("KeySetURL() = %q; want %q", got, tt.keySet)
			}
			if got := tt.t.OtherURLs(); !slices.Equal(got, tt.others) {
				t.Errorf("OtherURLs() = %q; want %q", got, tt.others)
			}
		})
	}
}

// TestCheckOtherURLs verifies the revocation path and the other URLs are
// held to the token path's and the target's rules, named by variable.
func TestCheckOtherURLs(t *testing.T) {
	base := Target{URL: mustBase(t, "https://auth.example.com"), Target: setup.Target{TokenPath: DefaultTokenPath, RevokePath: DefaultRevokePath}}
	for _, tt := range []struct {
		name    string
		edit    func(*Target)
		wantErr string
	}{
		{"defaults", func(*Target) {}, ""},
		{"revoke path with a query", func(t *Target) { t.RevokePath = "/oauth/revoke?x=1" }, EnvRevokePath + ` "/oauth/revoke?x=1" has a query or fragment`},
		{"revoke path naming a host", func(t *Target) { t.RevokePath = "//evil.example/revoke" }, "could be read as naming a host"},
		{"issuer with user info", func(t *Target) { t.Issuer = "https://u:p@auth.example.com" }, EnvIssuer + ` "https://auth.example.com" has an "@"`},
		{"key set not a URL", func(t *Target) { t.JWKSURL = "keys.json" }, EnvJWKSURL + ` "keys.json"`},
		{"resource ftp", func(t *Target) { t.ResourceURL = "ftp://api.example.com" }, EnvResourceURL + ` "ftp://api.example.com"`},
		{"resource with a fragment", func(t *Target) { t.ResourceURL = "https://api.example.com/ping#x" }, "has a query or fragment"},
		{"resource with a path", func(t *Target) { t.ResourceURL = "https://api.example.com/api/ping" }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tg := base
			tt.edit(&tg)
			err := tg.CheckURL()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckURL() = %v; want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckURL() = %v; want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestUserInfoNamesTheSecretVariables verifies the refusal of a URL with
// user info names where the secret goes, as this package spells those
// variables (the rules live in urlcheck, which cannot import them).
func TestUserInfoNamesTheSecretVariables(t *testing.T) {
	err := checkURL("https://user:pw@auth.example.com", "")
	for _, name := range []string{EnvIntegrationClientSecret, EnvIntegrationSecretFile} {
		if err == nil || !strings.Contains(err.Error(), name+" ") && !strings.HasSuffix(err.Error(), name) {
			t.Errorf("CheckURL(a URL with user info) = %v; want it to name %s", err, name)
		}
	}
}

// atPath is a target whose base URL is raw, parsed as FromEnv parses it
// (and the run's options, by the same rules), and whose token path is
// path. Its URL is nil when ParseBaseURL refuses raw: such a URL never
// reaches a target.
func atPath(raw, path string) Target {
	u, _ := ParseBaseURL(raw)
	return Target{URL: u, Target: setup.Target{TokenPath: path}}
}

// mustBase is raw parsed as a base URL, for a URL known to be good.
func mustBase(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := ParseBaseURL(raw)
	if err != nil {
		t.Fatalf("ParseBaseURL(%q) = %v; want it accepted", raw, err)
	}
	return u
}

// checkURL is every check a target's base URL and token path get:
// ParseBaseURL's where the URL is read, then CheckURL's.
func checkURL(base, path string) error {
	var u *url.URL
	if base != "" {
		var err error
		if u, err = ParseBaseURL(base); err != nil {
			return err
		}
	}
	return Target{URL: u, Target: setup.Target{TokenPath: path}}.CheckURL()
}
