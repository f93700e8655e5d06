package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// runUnderWay is set once a run has started (conform.Run called): from
// then on a signal lets it end its scenario in flight and write its
// reports. Before that (flags, configuration files, -list, diff) there is
// nothing to write, and a signal ends the process at once.
var runUnderWay atomic.Bool

// stopGrace is how long a run has, after a signal, to write its reports
// before the process quits anyway: whatever the run is waiting on, a
// stopped run ends within it. (A variable for the test that proves it.)
var stopGrace = 4 * time.Second

// sameStop is how soon after the first a signal is the same stop, not a
// second one asking to quit at once: timeout(1), as CI jobs use it,
// signals the process and then its process group, so the process gets
// the signal twice within microseconds. A person pressing Ctrl-C again
// takes longer.
const sameStop = 300 * time.Millisecond

// stopSignals are the signals that stop the command; -h lists the exit
// code of each (signalExit).
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// handleSignals makes SIGINT, SIGTERM and SIGHUP stop the command: at
// once before a run is under way; during one, by cancelling ctx so the
// run ends and writes its reports, within stopGrace, or at once on a
// second signal. stopped is the first signal, nil if none came.
func handleSignals(stderr io.Writer) (ctx context.Context, stopped func() os.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals...)
	var got atomic.Value
	go func() {
		sig := <-sigs
		got.Store(sig)
		if !runUnderWay.Load() {
			fmt.Fprintf(stderr, "authconform: %v: stopped before the run began; nothing was sent\n", sig)
			os.Exit(signalExit(sig))
		}
		fmt.Fprintf(stderr, "authconform: %v: stopping; the scenario in flight ends as interrupted, the rest are not run, reports are written (again to quit at once)\n", sig)
		cancel()
		first, grace := time.Now(), time.After(stopGrace)
		for {
			select {
			case again := <-sigs:
				if time.Since(first) < sameStop {
					continue // the same stop, delivered twice
				}
				os.Exit(signalExit(again))
			case <-grace:
				fmt.Fprintf(stderr, "authconform: the run did not end within %s of %v; quitting without waiting for its reports\n", stopGrace, sig)
				os.Exit(signalExit(sig))
			}
		}
	}()
	return ctx, func() os.Signal {
		sig, _ := got.Load().(os.Signal)
		return sig
	}
}

// signalExit is the shell's exit code for a process ended by sig: 128 plus
// the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}
