// Package selftest proves the suite can tell a conforming server from a
// broken one. Its tests run the real features, steps and runner against
// the embedded reference server: clean and in every allowed variant (all
// must pass), then with each fault (each must be caught, and every
// failure must carry that fault's reason).
//
// Which scenarios each fault fails or warns, and which each variant warns,
// is data: testdata/faults.golden, rewritten by `make golden` and
// reviewed by its diff. The Go keeps what the data cannot say: each
// fault's reason (faultReasons) and the invariants above.
//
// The package has no code of its own; everything is in its tests.
package selftest
