package bench

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/refserver"
)

// moduleRoot finds the directory of go.mod above the working directory,
// which go test sets to the package's own.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// buildCLI builds cmd/authconform into dir, as a user's go build would.
func buildCLI(tb testing.TB, dir string) string {
	tb.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		tb.Fatalf("the go command is not on PATH: %v", err)
	}
	bin := filepath.Join(dir, "authconform")
	cmd := exec.Command(goCmd, "build", "-o", bin, "./cmd/authconform")
	cmd.Dir = moduleRoot(tb)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// firstRequest serves the reference server and notes when the first HTTP
// request since the last reset arrived.
type firstRequest struct {
	next http.Handler
	mu   sync.Mutex
	at   time.Time
}

func (f *firstRequest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	f.mu.Lock()
	if f.at.IsZero() {
		f.at = now
	}
	f.mu.Unlock()
	f.next.ServeHTTP(w, r)
}

// reset forgets the last run's first request and returns when it came.
func (f *firstRequest) reset() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	at := f.at
	f.at = time.Time{}
	return at
}

// BenchmarkCLI runs the built CLI as a user would and reports, as medians
// over the iterations, the whole run and the process's peak resident set
// size, and for a loopback target its start-up: process start to first
// HTTP request. Without a target the CLI starts the embedded reference
// server in its own process, where no probe sees the first request; a run
// of that one scenario (oneScenarioTag) bounds its start-up from above:
// start-up, one token request, the report and exit.
func BenchmarkCLI(b *testing.B) {
	bin := buildCLI(b, b.TempDir())
	// The server names the embedded target's issuer, and the CLI is given
	// everything the embedded target has, so both run every scenario, and
	// pass it.
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	s, err := refserver.New(refserver.Options{Issuer: floorTarget.Issuer})
	if err != nil {
		srv.Close()
		b.Fatal(err)
	}
	probe := &firstRequest{next: s}
	srv.Config.Handler = probe
	srv.Start()
	b.Cleanup(srv.Close)
	loopback := append(os.Environ(),
		config.EnvTarget+"="+url,
		config.EnvSalesChannelClientID+"="+refserver.SalesChannelClientID,
		config.EnvSalesChannelClientSecret+"="+refserver.SalesChannelClientSecret,
		config.EnvMarketID+"="+refserver.MarketID,
		config.EnvOtherMarketID+"="+refserver.OtherMarketID,
		config.EnvIntegrationClientID+"="+refserver.IntegrationClientID,
		config.EnvIntegrationClientSecret+"="+refserver.IntegrationClientSecret,
		config.EnvResourceURL+"="+url+refserver.ResourcePath,
		config.EnvIssuer+"="+floorTarget.Issuer,
		config.EnvJWKSURL+"="+url+config.JWKSPath,
	)
	var embedded []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTHCONFORM_") {
			embedded = append(embedded, kv)
		}
	}
	for _, tc := range []struct {
		name   string
		env    []string
		args   []string
		probed bool
	}{
		{"target=loopback", loopback, nil, true},
		{"target=embedded", embedded, nil, false},
		{"target=embedded/scenarios=1", embedded, []string{"-tags", oneScenarioTag}, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var startups, runs []time.Duration
			var rss []int64
			for b.Loop() {
				probe.reset()
				var out bytes.Buffer
				cmd := exec.Command(bin, append([]string{"-quiet"}, tc.args...)...)
				cmd.Env, cmd.Stdout, cmd.Stderr = tc.env, &out, &out
				start := time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatalf("authconform: %v\n%s", err, out.String())
				}
				runs = append(runs, time.Since(start))
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					rss = append(rss, ru.Maxrss) // kilobytes on Linux
				}
				if !tc.probed {
					continue
				}
				first := probe.reset()
				if first.IsZero() {
					b.Fatalf("the CLI sent no request to %s:\n%s", url, out.String())
				}
				startups = append(startups, first.Sub(start))
			}
			if tc.probed {
				b.ReportMetric(ms(median(startups)), "startup-ms")
			}
			b.ReportMetric(ms(median(runs)), "run-ms")
			if len(rss) > 0 {
				b.ReportMetric(float64(median(rss))/1024, "maxrss-MB")
			}
		})
	}
}
