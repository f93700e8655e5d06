package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"syscall"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/internal/config"
)

const usageHead = `usage: authconform [flags]
       authconform diff OLD.json NEW.json
       authconform serve [flags]

Runs the conformance suite against an auth server's token endpoint.
With no target (-target or AUTHCONFORM_TARGET) it runs against the embedded
reference server; "authconform serve" runs that server on its own, for
client developers (authconform serve -h); "authconform diff" compares two
runs (authconform diff -h).

-config FILE [-config-section NAME] reads the variables below from a
settings file (KEY=VALUE lines in [sections]; a client secret only as
${VARIABLE} or as a *_FILE path); a variable set in the environment, and a
flag, override it. A secret is never a flag: only a variable or a file.
`

// exitCodes are the codes the command ends with, as -h lists them.
var exitCodes = []struct {
	code    int
	meaning string
}{
	{conform.ExitPass, "every scenario run passed (warnings, known deviations and inconclusive cases allowed)"},
	{conform.ExitFail, "a scenario failed (a @should one only with -strict), or a listed known deviation passed"},
	{conform.ExitConfig, "usage or configuration error, or the target could not be tested (unreachable, stopped answering, refused)"},
	{signalExit(syscall.SIGHUP), "stopped by SIGHUP; the reports are written with what ran"},
	{signalExit(syscall.SIGINT), "stopped by SIGINT (Ctrl-C); the reports are written with what ran"},
	{signalExit(syscall.SIGTERM), "stopped by SIGTERM; the reports are written with what ran"},
}

// colourVariables are the variables outside AUTHCONFORM_* the command
// reads, and what they do.
var colourVariables = []struct{ name, meaning string }{
	{"NO_COLOR", "set to anything but empty: no colour (no-color.org); -color always overrides it"},
	{"TERM", "dumb: no colour"},
}

// printUsage writes -h: the head, every variable the command reads, every
// exit code, then the flags of fl.
func printUsage(w io.Writer, fl *flag.FlagSet) {
	fmt.Fprint(w, usageHead)
	fmt.Fprintf(w, "\nvariables (%d; the flags named after them override them):\n", len(config.Variables))
	for _, line := range wrapList(config.Variables, 76) {
		fmt.Fprintf(w, "  %s\n", line)
	}
	fmt.Fprintln(w, "\nalso read:")
	for _, v := range colourVariables {
		fmt.Fprintf(w, "  %-9s %s\n", v.name, v.meaning)
	}
	fmt.Fprint(w, "\nexit codes:\n")
	for _, e := range exitCodes {
		fmt.Fprintf(w, "  %-3d %s\n", e.code, e.meaning)
	}
	fmt.Fprint(w, "\nflags:\n")
	fl.SetOutput(w)
	fl.PrintDefaults()
}

// wrapList lists items, comma-separated, in lines of at most width
// columns (a longer item alone on its line).
func wrapList(items []string, width int) []string {
	var lines []string
	line := ""
	for i, item := range items {
		if i < len(items)-1 {
			item += ","
		}
		if line != "" && len(line)+1+len(item) > width {
			lines, line = append(lines, line), ""
		}
		if line != "" {
			line += " "
		}
		line += item
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

const diffUsage = `usage: authconform diff OLD.json NEW.json

Compares two runs' JSON summaries (each written with -format json:FILE):
prints the scenarios whose verdict changed, grouped: new failures, fixed,
newly left out, other changes.

exit codes:
  0   no @must scenario fails that passed before
  1   a @must scenario now fails that did not
  2   usage error, or a summary that cannot be read
`

// asksForHelp reports whether args ask for help: -h, -help or --help, as
// the flag package reads them.
func asksForHelp(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		return a == "-h" || a == "-help" || a == "--help" || a == "--h"
	})
}
