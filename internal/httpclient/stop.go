package httpclient

import (
	"fmt"
	"sync"
)

// GaveUpError is why a Client stopped after transport failures: a target
// that has gone away, or never spoke HTTP, would otherwise cost a full
// timeout per remaining request.
type GaveUpError struct {
	Failures int    // transport failures in a row when the client stopped
	Last     string // the last of them, as one line
	// NeverAnswered: no HTTP answer had come back before, so the first
	// failure was enough.
	NeverAnswered bool
}

func (e *GaveUpError) Error() string {
	if e.NeverAnswered {
		return "the target never answered: " + e.Last
	}
	return fmt.Sprintf("the target failed %d requests in a row (last: %s)", e.Failures, e.Last)
}

// RefusedError is why a Client stopped after a 429 it could not honour:
// the target asked for a longer wait than Options.MaxWait allows, or
// answered 429 again after the wait. Reason is one line.
type RefusedError struct {
	Reason string
}

func (e *RefusedError) Error() string { return e.Reason }

// stopLatch holds the first reason the client stopped. done is closed once
// err is set, so a waiting request can notice the stop as it happens.
type stopLatch struct {
	once sync.Once
	err  error
	done chan struct{}
}

func newStopLatch() *stopLatch { return &stopLatch{done: make(chan struct{})} }

// stop records err unless the client has already stopped; the first
// reason is the one reported.
func (s *stopLatch) stop(err error) {
	s.once.Do(func() {
		s.err = err
		close(s.done)
	})
}

// reason is nil while the client still sends.
func (s *stopLatch) reason() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Stopped is nil while the client still sends; otherwise why it stopped,
// a *GaveUpError or a *RefusedError. Every Do after that returns at once,
// without sending, an error that wraps it.
func (c *Client) Stopped() error { return c.stopped.reason() }

// Answered is the number of HTTP answers received so far (status line and
// headers, whatever the status and whether or not the body then came
// whole), retries included.
func (c *Client) Answered() int64 { return c.answered.Load() }

// countFailure records a transport failure caused by the target (not by
// the caller's context) and stops the client when the rule says so.
func (c *Client) countFailure(err error) {
	n := c.failures.Add(1)
	switch {
	case c.answered.Load() == 0:
		// Nothing has ever answered (a port that accepts and stays
		// silent, TLS on an http:// URL): more tries would each cost a
		// timeout to learn the same.
		c.stopped.stop(&GaveUpError{Failures: int(n), Last: err.Error(), NeverAnswered: true})
	case n >= int64(c.opts.GiveUpAfter):
		c.stopped.stop(&GaveUpError{Failures: int(n), Last: err.Error()})
	}
}
