package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestUsage verifies a run without the authconform binary, or with an
// argument, stops with exit 2 and one usage line, before installing or
// starting anything.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-authconform", "x", "extra"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) = %d; want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "usage: clientcheck -authconform PATH") || stdout.Len() != 0 {
			t.Errorf("run(%q): stdout %q, stderr %q; want the usage line on stderr only", args, stdout.String(), stderr.String())
		}
	}
}
