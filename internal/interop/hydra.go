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
	"strconv"
	"syscall"
	"time"
)

// The access-token lifespan Hydra is started with (TTL_ACCESS_TOKEN; 1h is
// also its default), and so the expires_in the suite expects, in seconds.
const (
	AccessTokenTTL      = "1h"
	AccessTokenLifetime = 3600
)

// Hydra is a running Hydra: `hydra serve all --dev` on two loopback ports,
// in a process group of its own.
type Hydra struct {
	PublicURL, AdminURL string
	cmd                 *exec.Cmd
	exited              chan struct{}
	waitErr             error
	log                 *os.File
}

// HydraOptions says how to start Hydra.
type HydraOptions struct {
	Bin          string
	LogPath      string        // Hydra's stdout and stderr
	ReadyTimeout time.Duration // longest wait for /health/ready
	Args         []string      // default: serve all --dev --sqa-opt-out
}

// HydraArgs are the command-line arguments Hydra is started with: --dev
// allows the plain-http loopback issuer, --sqa-opt-out stops its telemetry
// (which would try the network).
var HydraArgs = []string{"serve", "all", "--dev", "--sqa-opt-out"}

// HydraEnv is Hydra's configuration for a run, as environment variables:
// an in-memory database, a random system secret, loopback only.
func HydraEnv(publicPort, adminPort, secret string) []string {
	return []string{
		"DSN=memory",
		"SECRETS_SYSTEM=" + secret,
		"URLS_SELF_ISSUER=http://127.0.0.1:" + publicPort + "/",
		"SERVE_PUBLIC_HOST=127.0.0.1",
		"SERVE_PUBLIC_PORT=" + publicPort,
		"SERVE_ADMIN_HOST=127.0.0.1",
		"SERVE_ADMIN_PORT=" + adminPort,
		"TTL_ACCESS_TOKEN=" + AccessTokenTTL,
	}
}

// StartHydra starts Hydra on two free loopback ports and waits until its
// admin API says it is ready. On any error nothing is left running.
func StartHydra(ctx context.Context, o HydraOptions) (*Hydra, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, fmt.Errorf("starting Hydra: no free loopback port: %v", err)
	}
	secret, err := randomHex(32)
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(o.LogPath)
	if err != nil {
		return nil, fmt.Errorf("starting Hydra: %v", err)
	}
	args := o.Args
	if args == nil {
		args = HydraArgs
	}
	cmd := exec.Command(o.Bin, args...)
	cmd.Env = append(os.Environ(), HydraEnv(strconv.Itoa(ports[0]), strconv.Itoa(ports[1]), secret)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	ownGroup(cmd) // Stop ends it, not ctx: it must outlive the suite's run
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting Hydra: %v", err)
	}
	h := &Hydra{
		PublicURL: fmt.Sprintf("http://127.0.0.1:%d", ports[0]),
		AdminURL:  fmt.Sprintf("http://127.0.0.1:%d", ports[1]),
		cmd:       cmd, exited: make(chan struct{}), log: logf,
	}
	go func() { h.waitErr = cmd.Wait(); close(h.exited) }()
	if err := h.waitReady(ctx, o.ReadyTimeout); err != nil {
		h.Stop()
		log, _ := os.ReadFile(o.LogPath)
		return nil, fmt.Errorf("%v; Hydra's log: %s\n%s", err, o.LogPath, tail(string(log), 10))
	}
	return h, nil
}

// waitReady polls GET /health/ready on the admin port until it answers
// 200, Hydra exits, ctx ends or timeout passes.
func (h *Hydra) waitReady(parent context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := "no answer"
	for {
		if ok, what := ready(ctx, client, h.AdminURL+"/health/ready"); ok {
			return nil
		} else if what != "" {
			last = what
		}
		select {
		case <-h.exited:
			return fmt.Errorf("Hydra exited before it was ready (%v)", h.waitErr)
		case <-ctx.Done():
			if parent.Err() != nil {
				return fmt.Errorf("Hydra not ready: stopped (%v)", context.Cause(parent))
			}
			return fmt.Errorf("Hydra not ready after %s (GET /health/ready: %s)", timeout, last)
		case <-tick.C:
		}
	}
}

// ready asks url once; what is the answer, for the error when it never
// becomes ready.
func ready(ctx context.Context, client *http.Client, url string) (ok bool, what string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, ""
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, resp.Status
}

// Stop ends Hydra's process group: SIGTERM, then SIGKILL after 5 s. It is
// safe to call twice.
func (h *Hydra) Stop() {
	_ = killGroup(h.cmd, syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(5 * time.Second):
	}
	_ = killGroup(h.cmd, syscall.SIGKILL)
	<-h.exited
	h.log.Close()
}

// freePorts asks the kernel for n free loopback ports. They are released
// before Hydra binds them; should another process take one meanwhile,
// Hydra exits and StartHydra says so.
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

// randomHex is n random bytes in hex.
func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
