package bench

import (
	"context"
	"fmt"
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
// floor's, read from the features), and requires every answer to pass the
// floor's checks for it. It reports latency percentiles over every request of the run and
// the throughput.
func BenchmarkRefserverLoad(b *testing.B) {
	requests := floorRequests(theFloor(b))
	srv := startReference(b, refserver.Options{})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// One kept-alive connection per worker: the default of 2 idle
	// connections per host would close and reopen the others on every
	// request and measure the kernel's port allocation, not the server.
	tr.MaxIdleConnsPerHost = loadConcurrency
	client := newFloorClient()
	client.Transport, client.Timeout = tr, 30*time.Second
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
					fr := requests[i%len(requests)]
					t0 := time.Now()
					a, err := floorSend(context.Background(), client, srv.URL, fr.floorRequest)
					lat[i] = time.Since(t0)
					if err == nil {
						err = fr.checkAlone(a)
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
	s := srv.Server()
	if got := s.Requests() + s.RevokeRequests() + s.ResourceRequests() + s.AuthorizeRequests(); got != int64(len(latencies)) {
		b.Errorf("the server counted %d requests; %d were sent", got, len(latencies))
	}
}

// loadRequest is a request of the floor sent on its own, out of its
// scenario.
type loadRequest struct {
	floorRequest
	scenario string
}

// floorRequests lists the requests of plan that can be sent on their own,
// in order: not those carrying a token their scenario was issued before
// (a revocation of it, the protected resource asked with it). An issued-
// token step is sent each time, as a token request.
func floorRequests(plan []floorScenario) []loadRequest {
	var out []loadRequest
	for _, sc := range plan {
		for _, fr := range sc.requests {
			if !fr.needsScenario() {
				out = append(out, loadRequest{fr, sc.name})
			}
		}
	}
	return out
}

// checkAlone makes the request's checks that need nothing but its answer:
// sent out of its scenario, it has no tokens remembered to compare with.
func (r loadRequest) checkAlone(a *floorAnswer) error {
	for _, c := range r.checks {
		if c.across {
			continue
		}
		if err := c.check(a, nil); err != nil {
			return fmt.Errorf("%s: %v", c.step, err)
		}
	}
	return nil
}
