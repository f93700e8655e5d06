package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/config"
)

// TestHelpListsEveryVariableAndExitCode verifies -h names every variable
// the configuration reads (config.Variables, so the list cannot drift) and
// every exit code the command ends with, the signals' included.
func TestHelpListsEveryVariableAndExitCode(t *testing.T) {
	t.Parallel()
	h := runCLI(t, nil, "-h")
	if h.code != 0 || h.stderr != "" {
		t.Fatalf("-h: exit %d, stderr %q; want 0 and nothing on stderr", h.code, h.stderr)
	}
	for _, v := range config.Variables {
		if !strings.Contains(h.stdout, v+",") && !strings.Contains(h.stdout, v+"\n") {
			t.Errorf("-h does not list the variable %s", v)
		}
	}
	codes := []int{0, 1, 2}
	for _, sig := range stopSignals {
		codes = append(codes, signalExit(sig))
	}
	_, section, _ := strings.Cut(h.stdout, "\nexit codes:\n")
	section, _, _ = strings.Cut(section, "\n\n")
	for _, code := range codes {
		if !strings.Contains("\n"+section, "\n  "+strconv.Itoa(code)+" ") {
			t.Errorf("-h does not list exit code %d; its exit codes:\n%s", code, section)
		}
	}
	for _, want := range []string{"129 ", "130 ", "143 ", "NO_COLOR", "\n  -color "} {
		if !strings.Contains(h.stdout, want) {
			t.Errorf("-h does not mention %q", want)
		}
	}
}

// TestHelpExitsZeroForEveryCommand verifies every way of asking for help,
// of the command and of each subcommand, prints the usage on stdout and
// exits 0, with nothing on stderr.
func TestHelpExitsZeroForEveryCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		command []string
		usage   string // how its usage begins
	}{
		{nil, "usage: authconform [flags]"},
		{[]string{"diff"}, "usage: authconform diff OLD.json NEW.json"},
		{[]string{"serve"}, "usage: authconform serve"},
	} {
		for _, help := range []string{"-h", "-help", "--help"} {
			args := append(append([]string{}, tc.command...), help)
			t.Run(strings.Join(args, "_"), func(t *testing.T) {
				t.Parallel()
				var r result
				if len(tc.command) > 0 && tc.command[0] == "serve" {
					// main hands serve its own process (serveMain).
					var out, errOut strings.Builder
					r.code = serve(context.Background(), args[1:], &out, &errOut, func(string) string { return "" })
					r.stdout, r.stderr = out.String(), errOut.String()
				} else {
					r = runCLI(t, nil, args...)
				}
				if r.code != 0 || !strings.HasPrefix(r.stdout, tc.usage) || r.stderr != "" {
					t.Errorf("authconform %s: exit %d, stdout %.60q, stderr %q; want 0 and %q on stdout", strings.Join(args, " "), r.code, r.stdout, r.stderr, tc.usage)
				}
			})
		}
	}
}
