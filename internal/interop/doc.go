// Package interop proves the rfc6749 profile on a real, certified server:
// it builds Ory Hydra from the Go module proxy (once, cached outside the
// repository), starts it on loopback with two registered clients, runs
// authconform against it, and turns the run's JSON summary into
// docs/interop/hydra.md. `make interop` runs it through cmd/hydra; nothing
// here runs in `make test` except its own loopback-only unit tests.
package interop
