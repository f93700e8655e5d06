package redact

import (
	"bytes"
	"encoding/base64"
)

// Shapes are masked whether registered or not: a JWT the suite never
// parsed (one echoed in an error body, say) and an HTTP Basic credential,
// which may carry a secret the suite knows only decoded. Both are found by
// hand rather than with regular expressions, in one linear pass that stays
// fast on the long runs of base64 a hostile answer can hold.

// maskShapes masks JWTs and HTTP Basic credentials in b, which it may
// modify or return.
func maskShapes(b []byte) []byte {
	return maskBasic(maskJWTs(b))
}

func isBase64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

func isBase64Std(c byte) bool { return isAlnum(c) || c == '+' || c == '/' || c == '=' }

// runEnd is where the run of bytes in the set that starts at i ends.
func runEnd(b []byte, i int, in func(byte) bool) int {
	for i < len(b) && in(b[i]) {
		i++
	}
	return i
}

// maskJWTs masks each JWT shape: three base64url segments joined by dots,
// the first starting like a JSON object ("eyJ" is base64 of `{"`) and at
// least 7 long, the second at least 4, the third possibly empty.
func maskJWTs(b []byte) []byte {
	var out []byte // nil until the first JWT
	done := 0      // b[:done] is in out
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte("eyJ"))
		if k < 0 {
			break
		}
		end, next := jwtAt(b, i+k)
		if end > 0 {
			out = append(append(out, b[done:i+k]...), Mask...)
			done = end
		}
		i = next
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

// jwtAt returns the end of the JWT that starts at p, 0 if none does, and
// where the next may start. Each segment is a whole run, so a JWT starting
// later in the first segment would end as this one does: when this one
// fails, the next candidate is past it.
func jwtAt(b []byte, p int) (end, next int) {
	e1 := runEnd(b, p+3, isBase64URL)
	if e1-p < 7 || e1 == len(b) || b[e1] != '.' {
		return 0, e1
	}
	e2 := runEnd(b, e1+1, isBase64URL)
	if e2-e1-1 < 4 || e2 == len(b) || b[e2] != '.' {
		return 0, e1 + 1
	}
	e3 := runEnd(b, e2+1, isBase64URL)
	return e3, e3
}

// maskBasic masks the credential after each "Basic " (any case) when it is
// well-formed base64.
func maskBasic(b []byte) []byte {
	var out []byte
	done := 0
	for i := 0; i+len("basic ") <= len(b); {
		k := bytes.IndexAny(b[i:], "bB")
		if k < 0 {
			break
		}
		start := i + k + len("basic ")
		if start > len(b) || !bytes.EqualFold(b[i+k:start], []byte("basic ")) {
			i += k + 1
			continue
		}
		end := runEnd(b, start, isBase64Std)
		if end-start >= 4 && isBasicCredentials(b[start:end]) {
			out = append(append(out, b[done:start]...), Mask...)
			done = end
		}
		i = max(end, i+k+1)
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

// isBasicCredentials reports whether b is the base64 of HTTP Basic
// credentials, "user-id:password" (RFC 7617 §2): base64 alone would also
// take words of a sentence, such as "Basic gets" in a scenario's name.
func isBasicCredentials(b []byte) bool {
	dec, err := base64.StdEncoding.DecodeString(string(b))
	return err == nil && bytes.IndexByte(dec, ':') >= 0
}
