package main

import (
	"bytes"
	crand "crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/authconform/authconform/internal/leakforms"
	"github.com/authconform/authconform/internal/race"
	"github.com/authconform/authconform/internal/refserver"
)

// The leak battery: a hostile proxy in front of the reference server takes
// the suite's own secret (one holding " \ / + & < > = % and a space), swaps
// JWTs for opaque tokens the redactor cannot know by shape, and echoes the
// secret it was sent and every token it issued in every encoding below,
// at one place of the answer per run. Every output of the run, in every
// format, is then decoded every way and searched.

// encodings are the forms a hostile answer may give a value: every form
// the README lists (leakforms.Singles), the pairs of them the README's
// list was found wanting on (every pair is proven by the redactor's and the
// echo check's tests; a body long enough to hold all would be cut for
// display before most of it is shown), and a few more written by hand.
var encodings = func() []encoding {
	var es []encoding
	for _, f := range leakforms.Singles {
		es = append(es, encoding{f.Name, func(s string) string { return f.Encode(s, formRand(s)) }})
	}
	for _, p := range [][2]string{
		{"base64", "hex"}, {"hex", "base64"}, {"base64", "percent-upper"}, {"hex", "percent-lower"},
		{"base64", "json-u"}, {"base64", "html-decimal"}, {"base64url", "base64"}, {"base32", "form"},
		{"quoted-printable-soft-breaks", "json-u"}, {"utf16le-bom", "percent-upper"}, {"upper", "hex"},
		{"fullwidth", "base64"}, {"hex-colons", "base32"},
	} {
		outer, inner := leakforms.Named(p[0]), leakforms.Named(p[1])
		es = append(es, encoding{p[0] + "-of-" + p[1], func(s string) string {
			enc, _ := leakforms.Pair(outer, inner, s, formRand(s))
			return enc
		}})
	}
	return append(es,
		encoding{"json-slash", func(s string) string { return strings.ReplaceAll(s, "/", `\/`) }},
		encoding{"base64-then-percent", func(s string) string {
			return percentAll(base64.StdEncoding.EncodeToString([]byte(s)), "%%%02X")
		}},
		encoding{"percent-then-json-u", func(s string) string { return entities(url.QueryEscape(s), `\u%04X`) }},
		encoding{"html-then-json", func(s string) string {
			q, _ := json.Marshal(html.EscapeString(s))
			return string(q[1 : len(q)-1])
		}},
	)
}()

type encoding struct {
	name   string
	encode func(string) string
}

// formRand is the randomness a form that chooses (which bytes to escape)
// uses for s: the same for the same value, so every run and every
// goroutine writes a value the same way.
func formRand(s string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(s))
	return rand.New(rand.NewPCG(h.Sum64(), 19))
}

func percentAll(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

func entities(s, format string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, format, r)
	}
	return b.String()
}

// places are where the proxy puts the encoded values.
var places = []string{
	"body-member",   // an extra JSON member, spliced in as text
	"header",        // an X-Debug response header per encoding
	"trailing",      // after the JSON document
	"form-body",     // the whole answer form-encoded
	"duplicate",     // access_token twice; JSON keeps only the last
	"nested",        // the token inside nested members
	"location",      // a redirect carrying the token in its URL
	"display-cut",   // the secret straddles the transcript's display cut
	"folded-header", // every encoding in a header folded across two lines
	"utf16-body",    // the secret and the token in an answer written in UTF-16
	"body-cap-cut",  // the secret straddles the client's 1 MiB body cap
	"jwt-claims",    // the token is a JWT whose header and claims hold the secret, names and values
}

// leakProxy is the hostile server of one run.
type leakProxy struct {
	place string
	ref   http.Handler

	mu      sync.Mutex
	secrets map[string]bool // every client_secret it was sent
	tokens  []string        // every token it issued
	turn    atomic.Int64    // answers given, for places that take turns
}

func (p *leakProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var params map[string]any
	secret := ""
	if json.Unmarshal(body, &params) == nil {
		if s, ok := params["client_secret"].(string); ok {
			secret = s
			if s == hostileSecret {
				params["client_secret"] = refserver.IntegrationClientSecret
			}
			body, _ = json.Marshal(params)
		}
	}
	if secret == "" {
		secret = hostileSecret // echo the configured one anyway
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	p.ref.ServeHTTP(rec, r)

	out := rec.Body.Bytes()
	var answer map[string]any
	// The token echoed is this answer's, or the last one issued: the suite
	// can know a value is a token only once a token member has carried it.
	token := p.lastToken()
	if json.Unmarshal(out, &answer) == nil {
		if _, ok := answer["access_token"]; ok {
			token = p.newToken()
			if p.place == "jwt-claims" {
				token = p.claimsToken(secret)
			}
			answer["access_token"] = token
			out, _ = json.Marshal(answer)
		}
	}
	p.mu.Lock()
	p.secrets[secret] = true
	p.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	status, out := p.leak(w.Header(), rec.Code, out, secret, token)
	w.Header().Del("Content-Length")
	if p.place == "folded-header" {
		p.writeFolded(w, status, out, secret, token)
		return
	}
	w.WriteHeader(status)
	w.Write(out)
}

// writeFolded answers on the bare connection, each encoding of the secret
// and the token in a header folded across two lines (obs-fold, RFC 9112
// §5.2), which net/http would not write.
func (p *leakProxy) writeFolded(w http.ResponseWriter, status int, body []byte, secret, token string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err) // httptest's server always lets a handler take over
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	w.Header().Write(buf)
	for _, e := range encodings {
		v := e.encode(secret) + " " + e.encode(token)
		if !headerSafe(v) {
			continue
		}
		cut := len(v) / 3
		fmt.Fprintf(buf, "X-Debug-%s: %s\r\n %s\r\n", e.name, v[:cut], v[cut:])
	}
	fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	buf.Write(body)
	buf.Flush()
}

// headerSafe reports whether a header value can carry v: no control byte
// but tab.
func headerSafe(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f })
}

// leak puts secret and token, in every encoding, at the proxy's place.
func (p *leakProxy) leak(h http.Header, status int, body []byte, secret, token string) (int, []byte) {
	var members []string
	for _, e := range encodings {
		members = append(members, fmt.Sprintf(`"%s":"%s %s"`, e.name, e.encode(secret), e.encode(token)))
	}
	spliced := func() []byte {
		trimmed := bytes.TrimRight(body, "} \n")
		return []byte(string(trimmed) + "," + strings.Join(members, ",") + "}")
	}
	switch p.place {
	case "body-member":
		return status, spliced()
	case "header":
		for _, e := range encodings {
			if v := e.encode(secret) + " " + e.encode(token); headerSafe(v) {
				h.Add("X-Debug-"+e.name, v)
			}
		}
	case "utf16-body":
		// The whole answer in UTF-16, little-endian with a byte-order mark
		// and big-endian without, in turns.
		h.Set("Content-Type", "application/json; charset=utf-16")
		echo := fmt.Sprintf(`{"error":"invalid_client","echo":%q,"token":%q}`, secret, token)
		if p.turn.Add(1)%2 == 0 {
			return status, []byte(leakforms.UTF16(echo, binary.LittleEndian, true))
		}
		return status, []byte(leakforms.UTF16(echo, binary.BigEndian, false))
	case "trailing":
		return status, append(body, []byte("\n"+strings.Join(members, "\n"))...)
	case "form-body":
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		v := url.Values{"access_token": {token}, "token_type": {"bearer"}}
		for _, e := range encodings {
			v.Set(e.name, e.encode(secret))
		}
		return status, []byte(v.Encode())
	case "duplicate":
		second := p.newToken()
		return status, []byte(fmt.Sprintf(`{"access_token":%q,"access_token":%q,"token_type":"bearer","secret":%q}`, token, second, url.QueryEscape(secret)))
	case "nested":
		return status, []byte(fmt.Sprintf(`{"data":{"attributes":{"access_token":%q,"meta":[{"token":%q}]}},"echo":%q}`, token, p.newToken(), secret))
	case "location":
		h.Set("Location", "https://elsewhere.example/cb?access_token="+url.QueryEscape(token)+"#secret="+url.QueryEscape(secret))
		return http.StatusFound, nil
	case "display-cut":
		pad := strings.Repeat("x", 2048-len(secret)/2)
		return status, []byte(pad + secret + " " + token)
	case "body-cap-cut":
		pad := bytes.Repeat([]byte("y"), (1<<20)-len(secret)/2)
		return status, append(pad, []byte(secret+" "+token)...)
	}
	return status, body
}

// claimsToken issues a JWT whose kid, claim values and claim names are the
// secret in every encoding: the JWT steps print a claim's value, the
// claims' names and the kid when they fail.
func (p *leakProxy) claimsToken(secret string) string {
	claims := map[string]any{
		"application": map[string]any{"kind": secret, "public": secret},
		"scope":       secret,
		"market":      map[string]any{"id": []any{secret}},
		"iat":         secret,
	}
	for _, e := range encodings {
		claims[e.encode(secret)] = 1
		claims["x-"+e.name] = e.encode(secret)
	}
	header, _ := json.Marshal(map[string]string{"alg": "RS512", "typ": "JWT", "kid": secret})
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding.EncodeToString
	t := enc(header) + "." + enc(payload) + "." + enc([]byte("not a signature"))
	p.mu.Lock()
	p.tokens = append(p.tokens, t)
	p.mu.Unlock()
	return t
}

func (p *leakProxy) lastToken() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.tokens) == 0 {
		return ""
	}
	return p.tokens[len(p.tokens)-1]
}

func (p *leakProxy) newToken() string {
	t := "opq_" + randomText(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	p.mu.Lock()
	p.tokens = append(p.tokens, t)
	p.mu.Unlock()
	return t
}

func randomText(n int, alphabet string) string {
	b := make([]byte, n)
	crand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// hostileSecret is the integration secret the suite is configured with:
// every character that changes under some encoding, and " and \ which a
// JSON body must carry as data.
var hostileSecret = `Se"c\r/e+t&<x>=y %z'` + randomText(12, "abcdefghijklmnopqrstuvwxyz0123456789")

// TestNoLeakInAnyEncoding runs the suite once per place, with every report
// format, and finds neither the secret nor any issued token in any output,
// however decoded. Each place has its own proxy and server, and the CLI
// keeps no state between runs: the places run in parallel. Its assertions
// are about what the runs write, and the race detector multiplied its CPU
// by ten (two thirds of this package's): `make test` runs it without
// -race, after the -race run that skips it.
func TestNoLeakInAnyEncoding(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	t.Parallel()
	for _, place := range places {
		t.Run("place="+place, func(t *testing.T) {
			t.Parallel()
			ref, err := refserver.New(refserver.Options{})
			if err != nil {
				t.Fatal(err)
			}
			proxy := &leakProxy{place: place, ref: ref, secrets: map[string]bool{}}
			srv := httptest.NewServer(proxy)
			defer srv.Close()
			env := envFor(srv.URL)
			env["AUTHCONFORM_INTEGRATION_CLIENT_SECRET"] = hostileSecret + "\n"
			_, outputs := runAllFormats(t, env)
			proxy.mu.Lock()
			defer proxy.mu.Unlock()
			if len(proxy.tokens) < 5 || len(proxy.secrets) < 2 {
				t.Fatalf("the proxy issued %d tokens and saw %d secrets; the test would pass vacuously", len(proxy.tokens), len(proxy.secrets))
			}
			values := append([]string(nil), proxy.tokens...)
			for s := range proxy.secrets {
				values = append(values, s)
			}
			folded := make([]string, len(values))
			for i, v := range values {
				folded[i] = leakforms.FoldCase(v)
			}
			// Every value looked for at once: one pass over a view, not
			// one per value, of the hundreds the proxy issued.
			asIs, forms := newFinder(folded), newFormFinder(values)
			for name, out := range outputs {
				if place == "folded-header" {
					out = unfolded(out)
				}
				for _, view := range decodings(out) {
					text := leakforms.FoldCase(view.text)
					for _, i := range asIs.find(text) {
						t.Errorf("%s, decoded as %s, holds %q at %d (case aside)", name, view.how, values[i], strings.Index(text, folded[i]))
					}
					if view.layers <= 1 {
						for _, leak := range forms.find(text) {
							t.Errorf("%s, decoded as %s, holds %s", name, view.how, leak)
						}
					}
				}
			}
		})
	}
}

// runAllFormats runs the CLI with every report format and returns its exit
// code and every output by name.
func runAllFormats(t *testing.T, env map[string]string, args ...string) (int, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"junit":    filepath.Join(dir, "junit.xml"),
		"cucumber": filepath.Join(dir, "cucumber.json"),
		"events":   filepath.Join(dir, "events.json"),
		"html":     filepath.Join(dir, "report.html"),
		"progress": filepath.Join(dir, "progress.txt"),
		"json":     filepath.Join(dir, "summary.json"),
		"pretty":   filepath.Join(dir, "pretty.txt"),
		"github":   filepath.Join(dir, "annotations.txt"),
		"markdown": filepath.Join(dir, "summary.md"),
	}
	format := "console"
	for name, path := range files {
		format += "," + name + ":" + path
	}
	r := runCLI(t, env, append([]string{"-format", format, "-timeout", "5s"}, args...)...)
	if r.code == 2 {
		t.Fatalf("the run could not start: %s", r.stderr)
	}
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for name, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s report: %v (exit %d)\n%s", name, err, r.code, r.stderr)
		}
		outputs[name] = string(b)
	}
	validateSummaryFile(t, []byte(outputs["json"]))
	return r.code, outputs
}

// view is one decoding of an output.
type view struct {
	how, text string
	layers    int
}

// decodings returns text as it is and decoded every way a value could
// have been encoded in it, one and two layers deep.
func decodings(text string) []view {
	one := []view{{"itself", text, 0}}
	for _, d := range decoders {
		if out := d.decode(text); out != text {
			one = append(one, view{d.name, out, 1})
		}
	}
	all := append([]view(nil), one...)
	for _, v := range one[1:] {
		for _, d := range decoders {
			if out := d.decode(v.text); out != v.text {
				all = append(all, view{v.how + "+" + d.name, out, 2})
			}
		}
	}
	return all
}

var decoders = []struct {
	name   string
	decode func(string) string
}{
	{"percent", func(s string) string { return percentDecode(strings.ReplaceAll(s, "+", " ")) }},
	{"percent-keep-plus", percentDecode},
	{"html", html.UnescapeString},
	{"json", jsonUnescape},
	{"base64", func(s string) string { return decodeRuns(s, isBase64Byte, decodeBase64) }},
	{"base32", func(s string) string { return decodeRuns(s, isBase32Byte, decodeBase32) }},
	{"hex", func(s string) string {
		return decodeRuns(s, isHexOrSeparator, func(m string) (string, bool) {
			digits := strings.Map(func(r rune) rune {
				if r < 0x80 && isHexByte(byte(r)) {
					return r
				}
				return -1
			}, m)
			if len(digits) < 12 {
				return "", false
			}
			b, err := hex.DecodeString(digits[:len(digits)/2*2])
			return string(b), err == nil
		})
	}},
	{"quoted-printable", quotedPrintableDecode},
	{"utf16", leakforms.DecodeUTF16},
	{"fullwidth", func(s string) string {
		if !strings.ContainsFunc(s, func(r rune) bool { return 0xFF01 <= r && r <= 0xFF5E || r == 0x3000 }) {
			return s
		}
		return strings.Map(func(r rune) rune {
			switch {
			case r == 0x3000:
				return ' '
			case 0xFF01 <= r && r <= 0xFF5E:
				return r - 0xFEE0
			}
			return r
		}, s)
	}},
}

// unfold takes the blanks out of the folded header lines, as Go joins
// them (place folded-header); searched for only there, as every other text
// has blanks.
var unfold = regexp.MustCompile(`(?m)^(X-Debug-[^:]*: )(.*)$`)

func unfolded(s string) string {
	return unfold.ReplaceAllStringFunc(s, func(line string) string {
		name, value, _ := strings.Cut(line, ": ")
		return name + ": " + strings.NewReplacer(" ", "", "\t", "").Replace(value)
	})
}

// finder finds many patterns in a text in one pass: each pattern's text
// is replaced by a mark naming it. A text holding a pattern gets at least
// one mark, so no pattern is missed, though one overlapping another that
// was marked first may go unnamed.
type finder struct {
	r *strings.Replacer
}

// newFinder finds patterns, each named in find's answer by its index.
func newFinder(patterns []string) *finder {
	var pairs []string
	for i, p := range patterns {
		pairs = append(pairs, p, fmt.Sprintf("\x00leak%d\x00", i))
	}
	return &finder{strings.NewReplacer(pairs...)}
}

// leakMark is the mark of a pattern's index. A text may hold the mark's
// bytes too: a match is looked for at every offset, so one never hides
// the next.
var leakMark = regexp.MustCompile("\x00leak([0-9]+)\x00")

// find lists the index of each pattern text holds.
func (f *finder) find(text string) []int {
	var found []int
	for _, m := range leakMark.FindAllStringSubmatch(f.r.Replace(text), -1) {
		if n, err := strconv.Atoi(m[1]); err == nil {
			found = append(found, n)
		}
	}
	return found
}

// formFinder finds values in every form of the leak battery's table at
// once, case aside.
type formFinder struct {
	f     *finder
	names []string
}

func newFormFinder(values []string) *formFinder {
	var patterns, names []string
	seen := map[string]bool{}
	for i, v := range values {
		for _, e := range encodings {
			enc := leakforms.FoldCase(e.encode(v))
			if len(enc) < 8 || seen[enc] || enc == leakforms.FoldCase(v) {
				continue
			}
			seen[enc] = true
			patterns = append(patterns, enc)
			names = append(names, fmt.Sprintf("value #%d (%.12q…) as %s", i+1, v, e.name))
		}
	}
	return &formFinder{newFinder(patterns), names}
}

// find names each value and form text holds.
func (f *formFinder) find(text string) []string {
	var found []string
	for _, n := range f.f.find(text) {
		if n < len(f.names) {
			found = append(found, f.names[n])
		}
	}
	return found
}

func isBase32Byte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '='
}

func isHexOrSeparator(c byte) bool { return isHexByte(c) || c == ':' || c == '-' || c == ' ' }

// decodeBase32 decodes a run in either alphabet and case, at every start
// offset.
func decodeBase32(m string) (string, bool) {
	m = strings.ToUpper(strings.TrimRight(m, "="))
	if len(m) < 10 {
		return "", false
	}
	var outs []string
	for _, enc := range []*base32.Encoding{base32.StdEncoding, base32.HexEncoding} {
		enc = enc.WithPadding(base32.NoPadding)
		for off := 0; off < 8 && off < len(m); off++ {
			part := m[off:]
			part = part[:len(part)/8*8+map[int]int{0: 0, 1: 0, 2: 2, 3: 2, 4: 4, 5: 5, 6: 5, 7: 7}[len(part)%8]]
			if b, err := enc.DecodeString(part); err == nil {
				outs = append(outs, string(b))
			}
		}
	}
	return strings.Join(outs, "\n"), len(outs) > 0
}

// quotedPrintableDecode decodes "=XX" escapes and soft line breaks.
func quotedPrintableDecode(s string) string {
	if !strings.Contains(s, "=") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '=':
			b.WriteByte(s[i])
		case i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]):
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		case strings.HasPrefix(s[i:], "=\r\n"):
			i += 2
		case strings.HasPrefix(s[i:], "=\n"):
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// The decoders are plain loops: a test that decodes every output of nine
// runs many ways must stay fast under the race detector.

func percentDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func jsonUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; {
		case (c == 'u' || c == 'U') && i+5 < len(s):
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
				b.WriteRune(rune(v))
				i += 5
				continue
			}
			b.WriteByte(s[i])
		case c == 'n':
			b.WriteByte('\n')
			i++
		case c == 't':
			b.WriteByte('\t')
			i++
		case c == '/' || c == '"' || c == '\\':
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isBase64Byte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '_' || c == '-' || c == '='
}

// decodeRuns replaces every maximal run of bytes in the set with its
// decoding, when it decodes.
func decodeRuns(s string, in func(byte) bool, decode func(string) (string, bool)) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && in(s[j]) {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		if out, ok := decode(s[i:j]); ok {
			b.WriteString(out)
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// decodeBase64 decodes a run in either alphabet, at every start offset, so
// a value encoded inside a longer blob is found whatever text precedes it.
func decodeBase64(m string) (string, bool) {
	if len(m) < 8 {
		return "", false
	}
	var outs []string
	for off := 0; off < 4 && off < len(m); off++ {
		part := strings.TrimRight(m[off:], "=")
		part = part[:len(part)/4*4+map[int]int{0: 0, 1: 0, 2: 2, 3: 3}[len(part)%4]]
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(part); err == nil {
				outs = append(outs, string(b))
			}
		}
	}
	if len(outs) == 0 {
		return "", false
	}
	return strings.Join(outs, "\n"), true
}

// credential is a value no output may hold, and what to call it in a
// failure (never the value itself).
type credential struct{ label, value string }

// leaksOf names each credential that out holds in any of the hostile
// encodings above, and how: the batteries of independent servers use it on
// every output of every run.
//
// Case aside: the README promises case does not hide a value, so the
// comparison folds it, and forms differing only by case are searched once.
func leaksOf(out string, creds []credential) []string {
	var leaks []string
	out = leakforms.FoldCase(out)
	for _, c := range creds {
		seen := map[string]bool{}
		for _, e := range encodings {
			enc := leakforms.FoldCase(e.encode(c.value))
			if seen[enc] || enc == "" {
				continue
			}
			seen[enc] = true
			if strings.Contains(out, enc) {
				leaks = append(leaks, fmt.Sprintf("%s (%s)", c.label, e.name))
			}
		}
	}
	return leaks
}

// TestFinderMissesNoValue verifies the leak battery's one-pass search
// finds every value a text holds, alone, twice, overlapping another or at
// either end, and nothing in a text that holds none: it is the battery's
// oracle.
func TestFinderMissesNoValue(t *testing.T) {
	t.Parallel()
	values := []string{"opq_abcdef", "cdef_xyz", "se\"c\\r/e+t"}
	f := newFinder(values)
	tests := []struct {
		name, text string
		want       []int
	}{
		{"none", "opq_abcde cdef-xyz se\"c\\r/e+", nil},
		{"one", "x opq_abcdef y", []int{0}},
		{"at both ends", "se\"c\\r/e+t and opq_abcdef", []int{2, 0}},
		{"twice", "cdef_xyz cdef_xyz", []int{1, 1}},
		// The second value starts inside the first: the first is named,
		// and the text is still found to hold a value.
		{"overlapping", "opq_abcdef_xyz", []int{0}},
		{"NUL in the text", "\x00leak opq_abcdef \x00leak", []int{0}},
		// A text that forges a mark before a value: misnamed, still found.
		{"forged mark", "\x00leak1opq_abcdef", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.find(tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("find(%q) = %v; want %v", tt.text, got, tt.want)
			}
		})
	}
}
