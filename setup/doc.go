// Package setup holds the values that describe a run of the conformance
// suite: the target under test, its clients and its customer (Target,
// Client, Customer, URL), and the options a run takes (Options, with its
// typed Profile, Rate, Format and KnownDeviation): one value, filled by the
// command from its flags and taken by the runner as it is.
//
// It imports nothing but the standard library and a package of URL rules,
// so the reference server (package conform/refserver), which hands its
// Target to a run, and the suite (package conform), which runs against
// one, share these types without the one pulling in the other. Package
// conform names each of them (conform.Target is setup.Target): a caller
// of conform need not import this package.
//
// It sits at the top of the module, beside steps, not under conform/: the
// runner below conform reads these values as they are, so their package
// must sit below both.
package setup
