// Package redact keeps client secrets and issued tokens out of every output.
//
// The suite learns secrets from its configuration and tokens from the
// responses it reads; both are registered with a Redactor, which every
// writer and every transcript passes through. Anything shaped like a JWT is
// masked as well, so a token the suite never parsed (say, one echoed in an
// error body) is still hidden.
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a registered secret or token.
const Mask = "[REDACTED]"

// minSecretLen keeps very short values from turning ordinary words into
// masks; no real client secret or token is this short.
const minSecretLen = 6

// jwtShape matches three base64url segments, the first starting like a JSON
// object ("eyJ" is base64 of `{"`).
var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

// Redactor masks registered values. The zero value is not usable; use New.
type Redactor struct {
	mu       sync.Mutex
	values   map[string]bool
	replacer *strings.Replacer // nil while stale: rebuilt on the next use
}

// New returns a Redactor that masks the given values.
func New(values ...string) *Redactor {
	r := &Redactor{values: map[string]bool{}}
	r.Add(values...)
	return r
}

// Add registers values to mask, in the forms they take on the wire: as is,
// URL-encoded, JSON-escaped and base64-encoded (HTTP Basic).
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) < minSecretLen {
			continue
		}
		if jwtShape.FindString(v) == v {
			// Already masked by shape: registering every issued JWT would
			// grow the replacer with each token for nothing.
			continue
		}
		quoted, _ := json.Marshal(v)
		for _, form := range []string{
			v,
			url.QueryEscape(v),
			url.PathEscape(v),
			string(quoted[1 : len(quoted)-1]),
		} {
			if !r.values[form] {
				r.values[form] = true
				r.replacer = nil
			}
		}
	}
}

func (r *Redactor) rebuild() {
	// Longest first, so a value that contains another is masked whole.
	vals := make([]string, 0, len(r.values))
	for v := range r.values {
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		if len(vals[i]) != len(vals[j]) {
			return len(vals[i]) > len(vals[j])
		}
		return vals[i] < vals[j]
	})
	pairs := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		pairs = append(pairs, v, Mask)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// String returns s with every registered value, every JWT-shaped string and
// every HTTP Basic credential masked.
func (r *Redactor) String(s string) string {
	r.mu.Lock()
	if r.replacer == nil && len(r.values) > 0 {
		r.rebuild()
	}
	rep := r.replacer
	r.mu.Unlock()
	if rep != nil {
		s = rep.Replace(s)
	}
	s = jwtShape.ReplaceAllString(s, Mask)
	return maskBasic(s)
}

// Bytes is String for byte slices.
func (r *Redactor) Bytes(b []byte) []byte { return []byte(r.String(string(b))) }

var basicCredentials = regexp.MustCompile(`(?i)(Basic )([A-Za-z0-9+/=]{4,})`)

// maskBasic hides HTTP Basic credentials: they are base64 of id:secret, and
// the secret may be one the suite was told about only in decoded form.
func maskBasic(s string) string {
	if !strings.Contains(s, "asic ") && !strings.Contains(s, "ASIC ") {
		return s // the regexp is costly; most text holds no credential
	}
	return basicCredentials.ReplaceAllStringFunc(s, func(m string) string {
		enc := m[len("Basic "):]
		if _, err := base64.StdEncoding.DecodeString(enc); err != nil {
			return m
		}
		return m[:len("Basic ")] + Mask
	})
}

// Writer returns a writer that masks everything written through it before
// it reaches w. It holds back an incomplete last line, so a secret split
// across two writes is still masked; Close flushes what is left.
func (r *Redactor) Writer(w io.Writer) io.WriteCloser {
	return &lineWriter{r: r, w: w}
}

type lineWriter struct {
	mu  sync.Mutex
	r   *Redactor
	w   io.Writer
	buf []byte
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.buf = append(lw.buf, p...)
	i := bytes.LastIndexByte(lw.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	out := lw.r.Bytes(lw.buf[:i+1])
	lw.buf = append(lw.buf[:0], lw.buf[i+1:]...)
	if _, err := lw.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close flushes the held-back partial line; it does not close w.
func (lw *lineWriter) Close() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.buf) == 0 {
		return nil
	}
	_, err := lw.w.Write(lw.r.Bytes(lw.buf))
	lw.buf = lw.buf[:0]
	return err
}
