// Package interop proves the rfc6749 profile on real servers built from
// the package registries: Ory Hydra and go-oauth2/oauth2 from the Go module
// proxy, @node-oauth/oauth2-server from npm, django-oauth-toolkit from
// Debian. Each is a Server: how it is built or installed (once, cached
// outside the repository), how it is started on loopback, how it gets a
// client_secret_post and a client_secret_basic client. The rest is shared:
// free ports, readiness, the suite's run (configured through the
// environment), the document written from the run's JSON summary
// (docs/interop/<server>.md), and stopping the server's process group on
// every way out. The libraries are served by small wirings of ours, kept in
// testdata (the repository's build never sees them) and embedded.
// `make interop` runs it through cmd/interop; nothing here runs in
// `make test` except its own loopback-only unit tests.
package interop
