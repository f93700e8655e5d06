package bench

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
)

// Load: the 10 000 requests, 50 at a time.
const (
	loadRequests    = 10000
	loadConcurrency = 50
)

// BenchmarkRefserverLoad sends loadRequests requests, loadConcurrency at a
// time, to the reference server, cycling through the suite's requests (the
// floor's table), and requires every answer to pass the floor's checks for
// it. It reports latency percentiles over every request of the run and
// the throughput.
func BenchmarkRefserverLoad(b *testing.B) {
	srv := startReference(b, refserver.Options{})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// One kept-alive connection per worker: the default of 2 idle
	// connections per host would close and reopen the others on every
	// request and measure the kernel's port allocation, not the server.
	tr.MaxIdleConnsPerHost = loadConcurrency
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	b.Cleanup(client.CloseIdleConnections)

	var latencies []time.Duration
	var elapsed time.Duration
	var failures atomic.Int64
	for b.Loop() {
		lat := make([]time.Duration, loadRequests)
		next := atomic.Int64{}
		var firstErr sync.Once
		var wg sync.WaitGroup
		start := time.Now()
		for range loadConcurrency {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= loadRequests {
						return
					}
					fr := floorRequests[i%len(floorRequests)]
					t0 := time.Now()
					status, h, body, err := floorSend(context.Background(), client, srv.URL, fr)
					lat[i] = time.Since(t0)
					if err == nil {
						_, err = floorCheck(fr, status, h, body, time.Now())
					}
					if err != nil {
						failures.Add(1)
						firstErr.Do(func() { b.Errorf("request %d (%s): %v", i, fr.scenario, err) })
					}
				}
			})
		}
		wg.Wait()
		elapsed += time.Since(start)
		latencies = append(latencies, lat...)
	}
	if n := failures.Load(); n > 0 {
		b.Errorf("%d of %d requests failed", n, len(latencies))
	}
	slices.Sort(latencies)
	b.ReportMetric(ms(percentile(latencies, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(latencies, 99)), "p99-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(failures.Load()), "errors")
	b.ReportMetric(float64(len(latencies)), "requests")
	if got := srv.Server().Requests(); got != int64(len(latencies)) {
		b.Errorf("the server counted %d requests; %d were sent", got, len(latencies))
	}
}
