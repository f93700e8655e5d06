// Package race says whether the race detector is built in (go test
// -race). A test whose assertions are about what runs write, not about
// memory that goroutines share, and that costs several times its plain
// CPU under the detector, skips itself under it: `make test` runs it in a
// second, plain go test (see the Makefile).
package race
