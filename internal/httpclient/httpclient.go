// Package httpclient sends the suite's requests to a target and keeps a
// transcript of each exchange.
//
// It is the one place where the suite touches the network, and the suite
// is pointed at hostile servers, so the rules for being a good guest, and
// for not being held hostage, live here: every request has a timeout; a
// response body is read up to a cap and no further, headers too; one
// limiter spaces the requests to the limited endpoints; a 429 is waited out (Retry-After, or
// Commerce Layer's X-Ratelimit-Interval) within a bound and retried once;
// redirects are reported instead of followed (a redirected token request
// would carry the client secret elsewhere); and a target that keeps
// failing, never answers, or refuses to be tested stops the client, so the
// run ends instead of spending a timeout on every remaining request. The
// limit covers the endpoints it is documented for (the auth endpoints);
// requests elsewhere are not spaced, and a 429 from them is waited out by
// the request alone.
package httpclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/termsafe"
)

// Defaults for Options' zero values, and fixed bounds.
const (
	DefaultTimeout = 10 * time.Second
	DefaultMaxBody = 1 << 20 // 1 MiB
	// DefaultMaxHeaderValue and DefaultMaxHeaderTotal bound the headers an
	// Exchange keeps: per value, and all names and values together.
	DefaultMaxHeaderValue = 8 << 10  // 8 KiB
	DefaultMaxHeaderTotal = 64 << 10 // 64 KiB
	// MaxHeaderRead is how much of an answer's status line and headers is
	// read at all. It is well above what an Exchange keeps, so that a large
	// header is received and cut, not a failure; past it the answer is a
	// transport failure.
	MaxHeaderRead = 4 << 20 // 4 MiB
	// DefaultMaxWait bounds how long a 429 may hold the run; a 429 asking
	// for more stops the client (RefusedError).
	DefaultMaxWait = time.Minute
	// DefaultRetryWait is how long a 429 without a usable Retry-After (or
	// X-Ratelimit-Interval) is waited out before the one retry, at most
	// MaxWait.
	DefaultRetryWait = time.Second
)

// Options configure a Client.
type Options struct {
	Timeout time.Duration // per request, including reading the body
	MaxBody int64         // bytes of a response body kept; the rest is not read
	// Limits spaces the requests to the endpoints it covers; nil: no limit
	// (loopback targets).
	Limits    *ratelimit.Endpoints
	TLSConfig *tls.Config // nil: system roots
	// OnWait, if set, is told each time the run waits for the limit or a
	// 429; why is RateLimitWait for the run's own limit, else the 429's
	// own reason ("the target's Retry-After"...).
	OnWait func(d time.Duration, why string)
	// GiveUpAfter is how many transport failures in a row (refused, timed
	// out, a body that stalls) make the client stop trying: a target that
	// has gone away would otherwise cost a full timeout per remaining
	// scenario. Until the target has given one HTTP answer, the first
	// failure is enough. 0 means 3.
	GiveUpAfter int
	// MaxHeaderValue and MaxHeaderTotal bound the headers an Exchange
	// keeps, per value and in all; 0 means DefaultMaxHeaderValue and
	// DefaultMaxHeaderTotal. Each cut is noted in Exchange.HeaderCuts.
	MaxHeaderValue int
	MaxHeaderTotal int
	// MaxWait is the longest a 429 may ask the run to wait; 0 means
	// DefaultMaxWait.
	MaxWait time.Duration
	// LoopbackOnly refuses to connect to any address that is not loopback,
	// checked on the resolved address just before connecting. Set it when
	// plain http:// is allowed only because the target is on loopback, so
	// that a DNS change cannot send a secret in clear to a remote host.
	// With a proxy from the environment the proxy must be on loopback too.
	LoopbackOnly bool
}

// Request is what a scenario asks to send.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Exchange is one request and what came back.
type Exchange struct {
	Request   Request
	Status    int
	Header    http.Header // cut to Options.MaxHeaderValue and MaxHeaderTotal
	Body      []byte      // at most Options.MaxBody bytes
	Truncated bool        // the body went on past MaxBody
	Duration  time.Duration
	// Received is when the answer was read: the time its timestamps
	// (created_at, a token's iat) are judged against when a later
	// scenario of a slow, rate-limited run judges it.
	Received time.Time
	Retried  bool // a 429 was waited out and the request sent again
	// HeaderCuts says, one line each, what was cut from the headers, e.g.
	// `header "X-Big": value cut at 8192 of 1048576 bytes`. Empty when
	// nothing was.
	HeaderCuts []string
	// Malformed says, in one line with the target's bytes escaped, why
	// the answer cannot be read although the target gave one: its status
	// line came, then a header line no HTTP client may accept (see
	// malformedHeader). Status, Header and Body are then empty. "" for an
	// answer that could be read.
	Malformed string
}

// Client sends requests. It is safe for concurrent use.
type Client struct {
	opts     Options
	http     *http.Client
	requests atomic.Int64
	answered atomic.Int64
	waits    waitSpan
	failures atomic.Int64 // transport failures in a row
	stopped  *stopLatch
}

// New returns a Client.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.GiveUpAfter <= 0 {
		opts.GiveUpAfter = 3
	}
	if opts.MaxHeaderValue <= 0 {
		opts.MaxHeaderValue = DefaultMaxHeaderValue
	}
	if opts.MaxHeaderTotal <= 0 {
		opts.MaxHeaderTotal = DefaultMaxHeaderTotal
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	return &Client{
		opts: opts,
		http: &http.Client{
			Transport: newTransport(opts),
			Timeout:   opts.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		stopped: newStopLatch(),
	}
}

// Close releases idle connections, so a process that runs the suite many
// times does not keep one pool per run until keep-alives expire.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Requests is the number of requests sent so far, retries included.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Waited is the time during which some request was held back by the rate
// limit or a 429. Waits that overlap, as they do when scenarios run
// concurrently, count once: the figure is part of the run's duration.
func (c *Client) Waited() time.Duration { return c.waits.total() }

// waitSpan adds up the union of the waits' intervals, each from when it
// began for as long as it was to last.
type waitSpan struct {
	mu    sync.Mutex
	sum   time.Duration
	until time.Time // when the latest-ending wait so far ends
}

func (w *waitSpan) add(start time.Time, d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	end := start.Add(d)
	switch {
	case !start.Before(w.until):
		w.sum += d
	case end.After(w.until):
		w.sum += end.Sub(w.until)
	}
	if end.After(w.until) {
		w.until = end
	}
}

func (w *waitSpan) total() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sum
}

// Do sends req and returns the exchange. A transport failure (refused,
// timed out, TLS, a body that stalls) is an error that names the cause;
// any HTTP answer, whatever its status or body, is an Exchange, except a
// 429 the client cannot honour, which stops the client (see Stopped).
//
// Once the client has stopped, Do returns at once, without sending, an
// error wrapping the Stopped reason. When ctx ends (the user interrupts
// the run), Do does not send, or abandons the request in flight, and
// returns an error wrapping ctx.Err(); that is not the target's failure.
func (c *Client) Do(ctx context.Context, req Request) (*Exchange, error) {
	ex, err := c.once(ctx, req)
	if err != nil || ex.Status != http.StatusTooManyRequests {
		return ex, err
	}
	hint, refused := c.planRetry(ex.Header)
	if refused != nil {
		return nil, c.refuse(req, refused)
	}
	if err := c.waitOut(ctx, c.opts.Limits.For(req.URL), hint); err != nil {
		return nil, notSent(req, err)
	}
	again, err := c.once(ctx, req)
	if err != nil {
		return nil, err
	}
	if again.Status == http.StatusTooManyRequests {
		return nil, c.refuse(req, &RefusedError{Reason: fmt.Sprintf("the target answered 429 again after waiting %s s", seconds(hint.wait))})
	}
	again.Retried = true
	return again, nil
}

// once sends req one time, within the rate limit.
func (c *Client) once(ctx context.Context, req Request) (*Exchange, error) {
	if err := c.mayStart(ctx); err != nil {
		return nil, notSent(req, err)
	}
	d, slot, err := c.opts.Limits.For(req.URL).Reserve(ctx)
	if err != nil {
		return nil, notSent(req, fmt.Errorf("waiting for the rate limit: %w", err))
	}
	// The slot is over when the answer has been read, or the request failed.
	defer slot.Done()
	if err := c.wait(ctx, d); err != nil {
		return nil, notSent(req, err)
	}
	hreq, err := build(ctx, req)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	c.requests.Add(1)
	resp, err := c.http.Do(hreq)
	if why, ok := malformedHeader(err); ok && ctx.Err() == nil {
		// The target answered, badly: that is for the scenario to judge,
		// not a sign that it is unreachable.
		c.answered.Add(1)
		c.failures.Store(0)
		return &Exchange{Request: req, Malformed: why, Duration: time.Since(start), Received: time.Now()}, nil
	}
	if err != nil {
		return nil, c.failed(ctx, req, describe(req, err, c.opts.Timeout))
	}
	c.answered.Add(1)
	defer resp.Body.Close()
	return c.read(ctx, req, resp, start)
}

// mayStart is nil when a request may go: the caller has not interrupted
// the run and the client has not stopped.
func (c *Client) mayStart(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.Stopped()
}

// RateLimitWait is OnWait's why for a wait for the run's own rate limit.
const RateLimitWait = "the rate limit"

// wait holds the request back d for the rate limit. The client may have
// stopped, or the user interrupted the run, while Reserve waited for an
// answer in flight or during the wait itself: checked before and after.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	if err := c.mayStart(ctx); err != nil {
		return err
	}
	if d > 0 {
		if err := c.sleep(ctx, d, RateLimitWait); err != nil {
			return err
		}
	}
	return c.mayStart(ctx)
}

// ErrNotSent marks a request the client never sent: the run was
// interrupted, or the client had stopped. Callers tell a scenario that
// never reached the target from one cut short with errors.Is.
var ErrNotSent = errors.New("not sent")

func notSent(req Request, err error) error {
	return fmt.Errorf("%s %s: %w: %w", req.Method, req.URL, ErrNotSent, err)
}

// build makes the http.Request, bound to ctx so that an interruption
// aborts it in flight.
func build(ctx context.Context, req Request) (*http.Request, error) {
	hreq, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", req.Method, req.URL, err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	if len(req.Body) == 0 {
		hreq.Body = http.NoBody
	}
	return hreq, nil
}

// read takes the answer's body, up to the cap, and its headers, cut to
// theirs. A body that fails before the cap (stalls until the timeout, is
// cut off) is a transport failure like any other.
func (c *Client) read(ctx context.Context, req Request, resp *http.Response, start time.Time) (*Exchange, error) {
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	truncated := int64(len(body)) > c.opts.MaxBody
	if readErr != nil && !truncated {
		return nil, c.failed(ctx, req, describeBody(req, readErr, c.opts.Timeout))
	}
	c.failures.Store(0)
	if truncated {
		body = body[:c.opts.MaxBody]
	}
	header, cuts := capHeader(resp.Header, c.opts.MaxHeaderValue, c.opts.MaxHeaderTotal)
	return &Exchange{
		Request:    req,
		Status:     resp.StatusCode,
		Header:     header,
		HeaderCuts: cuts,
		Body:       body,
		Truncated:  truncated,
		Duration:   time.Since(start),
		Received:   time.Now(),
	}, nil
}

// failed counts a transport failure against the target, unless the caller
// interrupted the run, in which case the error says so and wraps
// ctx.Err().
func (c *Client) failed(ctx context.Context, req Request, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s %s: interrupted: %w", req.Method, req.URL, ctxErr)
	}
	c.countFailure(err)
	return err
}

// sleep waits d, unless ctx ends or the client stops meanwhile: a request
// held back for a minute must not outlive the run's reason to send it.
func (c *Client) sleep(ctx context.Context, d time.Duration, why string) error {
	if c.opts.OnWait != nil {
		c.opts.OnWait(d, why)
	}
	start := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		c.waits.add(start, d)
		return nil
	case <-ctx.Done():
		// Only the time actually spent counts as waited.
		c.waits.add(start, time.Since(start))
		return fmt.Errorf("waiting %s for %s: %w", d.Round(time.Millisecond), why, ctx.Err())
	case <-c.stopped.done:
		c.waits.add(start, time.Since(start))
		return c.Stopped()
	}
}

// describe turns a transport error into one line that names the cause.
func describe(req Request, err error, timeout time.Duration) error {
	where := req.Method + " " + req.URL
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var guardErr *notLoopbackError
	switch {
	case errors.As(err, &guardErr):
		return fmt.Errorf("%s: %w", where, guardErr)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%s: no answer within the request timeout (%s)", where, timeout)
	case errors.As(err, &certErr):
		// The error quotes the certificate's names as the target chose them.
		return fmt.Errorf("%s: TLS certificate not trusted (%s); use -ca-file for a private CA", where, termsafe.String(certErr.Err.Error()))
	case errors.As(err, &recordErr):
		return fmt.Errorf("%s: TLS handshake failed: the target does not speak TLS on this port", where)
	case tooLargeHeader(err):
		return fmt.Errorf("%s: response headers over %s", where, sizeText(MaxHeaderRead))
	case answeredInTLS(err):
		return fmt.Errorf("%s: the target answered in TLS: use an https:// URL", where)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: the target closed the connection without an answer", where)
	case strings.Contains(err.Error(), "connection refused"):
		return fmt.Errorf("%s: connection refused: nothing listens there", where)
	case strings.Contains(err.Error(), "no such host"):
		return fmt.Errorf("%s: host not found", where)
	}
	return fmt.Errorf("%s: %w", where, err)
}

// describeBody names why a body could not be read to its end.
func describeBody(req Request, err error, timeout time.Duration) error {
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout() {
		return fmt.Errorf("%s %s: the response body stalled: not complete within the request timeout (%s)", req.Method, req.URL, timeout)
	}
	return fmt.Errorf("%s %s: reading the response body: %w", req.Method, req.URL, err)
}

// tooLargeHeader recognises the transport's refusal of headers past
// MaxHeaderRead, over HTTP/1 and HTTP/2; net/http exports no error value
// for either.
func tooLargeHeader(err error) bool {
	s := err.Error()
	return strings.Contains(s, "server response headers exceeded") ||
		strings.Contains(s, "header list larger than advertised limit") ||
		strings.Contains(s, "header list too large")
}

// answeredInTLS recognises a TLS record (handshake or alert) where an HTTP
// status line was expected: an https server on an http:// URL. net/http
// quotes the first bytes it could not parse.
func answeredInTLS(err error) bool {
	s := err.Error()
	return strings.Contains(s, `malformed HTTP response "\x15\x03`) ||
		strings.Contains(s, `malformed HTTP response "\x16\x03`)
}
