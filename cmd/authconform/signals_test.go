package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stuckProcess is the test binary run as a command whose work never ends,
// in the given phase: "planning" (before any run) or "run" (a run that
// ignores its cancelled context). It handles signals as main does.
func stuckProcess(phase string) {
	stopGrace = 200 * time.Millisecond
	handleSignals(os.Stderr)
	if phase == "run" {
		runUnderWay.Store(true)
	}
	fmt.Println("ready")
	time.Sleep(time.Minute)
	os.Exit(99)
}

// TestSignalEndsAStuckProcess sends each stopping signal to a process
// stuck in each phase: it must end with the shell's code for the signal
// and one line saying why, at once while planning, within the grace while
// a run will not stop.
func TestSignalEndsAStuckProcess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		phase    string
		sig      syscall.Signal
		twice    bool // sent again at once, as timeout(1) does
		wantCode int
		wantLine string
	}{
		{"planning", syscall.SIGTERM, false, 143, "authconform: terminated: stopped before the run began; nothing was sent"},
		{"planning", syscall.SIGINT, false, 130, "authconform: interrupt: stopped before the run began; nothing was sent"},
		{"run", syscall.SIGTERM, false, 143, "authconform: the run did not end within 200ms of terminated; quitting without waiting for its reports"},
		// The repeat is the same stop: the run still gets its grace.
		{"run", syscall.SIGTERM, true, 143, "authconform: the run did not end within 200ms of terminated; quitting without waiting for its reports"},
	} {
		t.Run(fmt.Sprintf("%s/%v/twice=%v", tc.phase, tc.sig, tc.twice), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = []string{"AUTHCONFORM_SIGNAL_HELPER=" + tc.phase}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
				cmd.Process.Kill()
				t.Fatalf("helper said %q; want ready", line)
			}
			cmd.Process.Signal(tc.sig)
			if tc.twice {
				cmd.Process.Signal(tc.sig)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second): // a hang guard, not a timing check
				cmd.Process.Kill()
				t.Fatalf("still running 10 s after %v", tc.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.wantCode {
				t.Errorf("exit code = %d; want %d\nstderr:\n%s", code, tc.wantCode, stderr.String())
			}
			if last := lastLine(stderr.String()); last != tc.wantLine {
				t.Errorf("last line = %q; want %q", last, tc.wantLine)
			}
		})
	}
}
