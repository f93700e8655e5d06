package config

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// hashResolver answers from the name alone, so the fuzzer explores both
// answers without a network: names with "loop" in them are loopback,
// names with "mixed" are loopback and remote, others do not resolve.
type hashResolver struct{}

func (hashResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	switch {
	case strings.Contains(host, "mixed"):
		return []string{"127.0.0.1", "192.0.2.1"}, nil
	case strings.Contains(host, "loop"):
		return []string{"::1", "127.0.0.2"}, nil
	}
	return nil, errors.New("no such host")
}

// FuzzConfig feeds random environment values through FromEnv and every
// check of the result: none may panic, every error is one line, and a
// target CheckURL accepts has a token URL on the base URL's host, without
// user info. The seed corpus (testdata/fuzz/FuzzConfig) holds hostile
// values: upper-case schemes, user info, paths naming another host, %00,
// very long values.
func FuzzConfig(f *testing.F) {
	f.Add("https://auth.example.com", "/oauth/token", "", "", "", "s3cret-value")
	f.Fuzz(func(t *testing.T, target, tokenPath, scLife, intLife, skew, secret string) {
		tg, err := FromEnv(env(map[string]string{
			EnvTarget: target, EnvTokenPath: tokenPath, EnvSalesChannelExpiresIn: scLife,
			EnvIntegrationExpiresIn: intLife, EnvClockSkew: skew, EnvIntegrationClientSecret: secret,
		}))
		if err != nil {
			oneLine(t, "FromEnv", err.Error())
			return
		}
		tg.Resolver = hashResolver{}
		_ = tg.IsLoopback()
		_ = tg.IsPlainHTTP()
		for _, w := range tg.Warnings() {
			oneLine(t, "Warnings", w)
		}
		tokenURL := tg.TokenURL()
		if err := tg.CheckURL(); err != nil {
			oneLine(t, "CheckURL", err.Error())
			return
		}
		base := tg.URL
		u, err := url.Parse(tokenURL)
		if err != nil {
			t.Fatalf("TokenURL(%q, %q) = %q, which does not parse: %v", tg.URL, tg.TokenPath, tokenURL, err)
		}
		if u.Host != base.Host || u.User != nil || u.Scheme != tg.Scheme() {
			t.Fatalf("TokenURL(%q, %q) = %q: host %q, user %v; want host %q, no user", tg.URL, tg.TokenPath, tokenURL, u.Host, u.User, base.Host)
		}
	})
}

func oneLine(t *testing.T, what, msg string) {
	t.Helper()
	if msg == "" || strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("%s: message %q; want one non-empty line", what, msg)
	}
}
