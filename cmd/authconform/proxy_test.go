package main

import (
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// TestMain lets a test run the real binary: the test binary re-executes
// itself with AUTHCONFORM_RUN_MAIN=1, which runs main() in a fresh process
// (HTTPS_PROXY is read once per process, so it needs one of its own).
func TestMain(m *testing.M) {
	if os.Getenv("AUTHCONFORM_RUN_MAIN") == "1" {
		main()
		return
	}
	if phase := os.Getenv("AUTHCONFORM_SIGNAL_HELPER"); phase != "" {
		stuckProcess(phase)
		return
	}
	os.Exit(m.Run())
}

// TestHTTPSProxy verifies HTTPS_PROXY is honoured: the suite reaches a
// target it cannot resolve itself through a CONNECT proxy.
func TestHTTPSProxy(t *testing.T) {
	ref, err := refserver.New(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	target := httptest.NewTLSServer(ref) // its certificate names example.com
	defer target.Close()

	var mu sync.Mutex
	var connects []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		connects = append(connects, r.Host)
		mu.Unlock()
		upstream, err := net.Dial("tcp", target.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		client, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		go func() { io.Copy(upstream, buf); upstream.Close() }()
		io.Copy(client, upstream)
		client.Close()
	}))
	defer proxy.Close()

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: target.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-quiet", "-format", "progress", "-rate", "none", "-ca-file", caFile,
		"-tags", "@sales_channel && @market && @must")
	env := []string{"AUTHCONFORM_RUN_MAIN=1", "HTTPS_PROXY=" + proxy.URL, "NO_PROXY="}
	for k, v := range envFor("https://example.com") {
		env = append(env, k+"="+v)
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run through the proxy: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "authconform: PASS") {
		t.Errorf("no pass through the proxy:\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(connects) == 0 || connects[0] != "example.com:443" {
		t.Errorf("proxy saw CONNECT %q; want example.com:443", connects)
	}
}
