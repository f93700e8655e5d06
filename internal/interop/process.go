package interop

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Process is a running server, in a process group of its own.
type Process struct {
	Launch
	name    string
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	log     *os.File
}

// StartOptions say where a server's output goes and how long it may take
// to get ready.
type StartOptions struct {
	LogPath      string // its stdout and stderr
	ReadyTimeout time.Duration
}

// Start starts a prepared server on free loopback ports and waits until it
// is ready; a registrar then gets the clients. On any error nothing is
// left running.
func Start(ctx context.Context, s Server, prepared, runDir string, post, basic Client, o StartOptions) (*Process, error) {
	about := s.About()
	ports, err := freePorts(about.Ports)
	if err != nil {
		return nil, fmt.Errorf("starting %s: no free loopback port: %v", about.Short, err)
	}
	p, err := startProcess(about.Short, s.Launch(prepared, ports, runDir, post, basic), o)
	if err != nil {
		return nil, err
	}
	if err := p.waitReady(ctx, o.ReadyTimeout); err != nil {
		p.Stop()
		log, _ := os.ReadFile(o.LogPath)
		return nil, fmt.Errorf("%v; %s's log: %s\n%s", err, about.Short, o.LogPath, tail(string(log), 10))
	}
	if r, ok := s.(registrar); ok {
		for _, c := range []Client{post, basic} {
			if err := r.Register(ctx, p.Launch, c); err != nil {
				p.Stop()
				return nil, err
			}
		}
	}
	return p, nil
}

// startProcess starts l's command with its output in the log, in a process
// group of its own: Stop ends it, not a context, since it must outlive the
// steps that start it.
func startProcess(name string, l Launch, o StartOptions) (*Process, error) {
	logf, err := os.Create(o.LogPath)
	if err != nil {
		return nil, fmt.Errorf("starting %s: %v", name, err)
	}
	cmd := exec.Command(l.Command[0], l.Command[1:]...)
	cmd.Dir = l.Dir
	cmd.Env = append(withoutAuthconform(os.Environ()), l.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %v", name, err)
	}
	p := &Process{Launch: l, name: name, cmd: cmd, exited: make(chan struct{}), log: logf}
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// waitReady polls the Ready URL until it answers as wanted, the server
// exits, ctx ends or timeout passes.
func (p *Process) waitReady(parent context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := "no answer"
	for {
		if ok, what := ready(ctx, client, p.Ready, p.ReadyStatus); ok {
			return nil
		} else if what != "" {
			last = what
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%s exited before it was ready (%v)", p.name, p.waitErr)
		case <-ctx.Done():
			if parent.Err() != nil {
				return fmt.Errorf("%s not ready: stopped (%v)", p.name, context.Cause(parent))
			}
			return fmt.Errorf("%s not ready after %s (GET %s: %s)", p.name, timeout, p.Ready, last)
		case <-tick.C:
		}
	}
}

// ready asks url once: ok when it answers want (0: any status); what is
// the answer, for the error when it never becomes ready.
func ready(ctx context.Context, client *http.Client, url string, want int) (ok bool, what string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, ""
	}
	resp.Body.Close()
	return want == 0 || resp.StatusCode == want, resp.Status
}

// Stop ends the server's process group: SIGTERM, then SIGKILL after 5 s.
// It is safe to call twice.
func (p *Process) Stop() {
	_ = killGroup(p.cmd, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
	}
	_ = killGroup(p.cmd, syscall.SIGKILL)
	<-p.exited
	p.log.Close()
}

// freePorts asks the kernel for n free loopback ports. They are released
// before the server binds them; should another process take one
// meanwhile, the server exits and Start says so.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// loopback is the base URL of a loopback port.
func loopback(port int) string { return fmt.Sprintf("http://127.0.0.1:%d", port) }

// randomHex is n random bytes in hex (crypto/rand.Read never fails).
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
