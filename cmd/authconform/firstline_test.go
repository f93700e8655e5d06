package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitConfigErrorIsTheFirstLine runs the command with a bad setting in
// each place one is read, against the embedded server (whose notice would
// otherwise come first), in the console format and with progress lines:
// the error is the only line, and it comes first.
func TestExitConfigErrorIsTheFirstLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, "stale.json")
	if err := os.WriteFile(stale, []byte(`{"expected_failures": [{"feature": "features/x.feature", "scenario": "No such scenario", "reason": "r"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "expect.txt")
	if err := os.WriteFile(notJSON, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // in the line
	}{
		{"bad target URL", map[string]string{"AUTHCONFORM_TARGET": "http://exa mple.com"}, nil, "has a space"},
		{"bad -target", nil, []string{"-target", "ftp://example.com"}, "http://"},
		{"bad rate", nil, []string{"-rate", "lots"}, "rate"},
		{"bad format", nil, []string{"-format", "fancy"}, "unknown formatter"},
		{"bad concurrency", nil, []string{"-concurrency", "0"}, "-concurrency"},
		{"bad timeout", nil, []string{"-timeout", "0s"}, "-timeout"},
		{"bad max-wait", nil, []string{"-max-wait", "2h"}, "-max-wait"},
		{"bad tags", nil, []string{"-tags", "@must &&"}, "tag expression"},
		{"bad profile", nil, []string{"-profile", "oauth1"}, "-profile"},
		{"bad lifetime", map[string]string{"AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN": "4h"}, nil, "AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN"},
		{"unreadable -config file", nil, []string{"-config", missing}, missing},
		{"-config a directory", nil, []string{"-config", dir}, dir},
		{"missing expect file", nil, []string{"-expect-failures", missing}, "-expect-failures"},
		{"expect file not JSON", nil, []string{"-expect-failures", notJSON}, "-expect-failures"},
		{"stale expect entry", nil, []string{"-expect-failures", stale}, "not a scenario of the suite"},
		{"update file in no directory", nil, []string{"-update-expect-failures", filepath.Join(missing, "x.json")}, "-update-expect-failures"},
		{"missing features", nil, []string{"-features", missing}, "-features"},
		{"missing ca-file", nil, []string{"-ca-file", missing}, "-ca-file"},
		{"unknown fault", nil, []string{"-embedded-fault", "nope"}, "nope"},
		{"bad -color", nil, []string{"-color", "yes"}, "auto, always or never"},
	}
	for _, tt := range tests {
		for _, format := range [][]string{nil, {"-format", "progress"}} {
			name := strings.ReplaceAll(tt.name, " ", "-")
			if format != nil {
				name += "/progress"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r := runCLI(t, tt.env, append(format, tt.args...)...)
				if r.code != 2 {
					t.Fatalf("exit code = %d; want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
				}
				lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "authconform: ") || !strings.Contains(lines[0], tt.want) {
					t.Errorf("stderr = %q; want one line, the error, saying %q", r.stderr, tt.want)
				}
				if r.stdout != "" {
					t.Errorf("stdout = %q; want nothing before or after a configuration error", r.stdout)
				}
			})
		}
	}
}
