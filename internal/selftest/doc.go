// Package selftest proves the suite can tell a conforming server from a
// broken one. Its tests run the real features, steps and runner against
// the embedded reference server: clean and in every allowed variant (all
// must pass), then with each fault (each must fail exactly the scenarios
// that check the rule it breaks, for that reason, and nothing else).
//
// The package has no code of its own; everything is in its tests.
package selftest
