package setup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate limits the requests of a run to the auth server (every request to
// the token endpoint's origin): at most N in any window of length Per, a sliding window, as
// Commerce Layer counts them. The zero Rate is no
// limit at all. A run whose options give no Rate (nil) takes the default:
// 30 a minute, Commerce Layer's documented limit, and none on loopback.
type Rate struct {
	N   int
	Per time.Duration
}

// Bounds on a rate. A rate outside them is a typo or a test of the suite,
// not a limit anyone means: no target wants more than 100000 requests a
// second from a conformance suite, and a window over a day would make the
// run take days.
const (
	maxN         = 100000
	minPer       = time.Millisecond
	maxPer       = 24 * time.Hour
	maxPerSecond = 100000
)

// ParseRate reads a rate as the command's -rate takes it: "N/DURATION"
// (e.g. "30/1m", "5/10s"), N from 1 to 100000, DURATION from 1ms to 24h,
// and at most 100000 requests a second in all; "0", "none" and "off" are
// no limit (the zero Rate). "" is the default, and gives nil.
func ParseRate(s string) (*Rate, error) {
	switch strings.TrimSpace(s) {
	case "":
		return nil, nil
	case "0", "none", "off":
		return &Rate{}, nil
	}
	num, dur, ok := strings.Cut(s, "/")
	if !ok {
		return nil, fmt.Errorf("rate %q: want N/DURATION, e.g. 30/1m, or none", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("rate %q: N %q is not a whole number; want N/DURATION, e.g. 30/1m, or none", s, num)
	}
	if err != nil {
		n = 0 // out of range, as 0 is
	}
	if err := checkN(s, n); err != nil {
		return nil, err
	}
	per, err := time.ParseDuration(strings.TrimSpace(dur))
	if err != nil {
		return nil, fmt.Errorf("rate %q: DURATION %q is not a duration; want e.g. 1m, 10s or 500ms", s, dur)
	}
	r := Rate{N: n, Per: per}
	if err := r.checkPer(s); err != nil {
		return nil, err
	}
	return &r, nil
}

// Check refuses a rate outside the bounds ParseRate holds to. The zero
// Rate, no limit, is fine.
func (r Rate) Check() error {
	if r.IsNone() {
		return nil
	}
	if err := checkN(r.String(), r.N); err != nil {
		return err
	}
	return r.checkPer(r.String())
}

func checkN(shown string, n int) error {
	if n < 1 || n > maxN {
		return fmt.Errorf("rate %q: want N from 1 to %d requests", shown, maxN)
	}
	return nil
}

// checkPer checks the window, and the two together; shown is the rate as
// the user wrote it.
func (r Rate) checkPer(shown string) error {
	if r.Per < minPer || r.Per > maxPer {
		return fmt.Errorf("rate %q: want DURATION from 1ms to 24h", shown)
	}
	// N/Per > maxPerSecond, in integers: N and Per are bounded above, so
	// neither side can overflow.
	if int64(r.N)*int64(time.Second) > maxPerSecond*int64(r.Per) {
		return fmt.Errorf("rate %q: over %d requests a second; want a lower N or a longer DURATION", shown, maxPerSecond)
	}
	return nil
}

// IsNone reports whether r is no limit at all.
func (r Rate) IsNone() bool { return r == (Rate{}) }

// String renders the rate as ParseRate reads it: "none", or N/DURATION
// such as "30/1m0s".
func (r Rate) String() string {
	if r.IsNone() {
		return "none"
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}
