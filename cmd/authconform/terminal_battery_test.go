package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/race"
	"github.com/authconform/authconform/internal/refserver"
)

// The terminal battery: a hostile target puts bytes a terminal acts on
// (ESC and BEL sequences, C1 controls, DEL, bidi overrides, line and
// paragraph separators, bytes that are not UTF-8) in its headers, bodies,
// tokens and certificate, and the CLI runs against it with every output
// format. No output people read may hold one of them as it is; the
// machine formats must stay well-formed.

// Hostile values, as a target sends them.
const (
	oscClipboard = "\x1b]52;c;cHduZWQ=\x07" // OSC 52: write the clipboard
	screenClear  = "\x1b[2J\x1b[H"
	c1CSI        = "\u009b31m" // C1 CSI as UTF-8: colours on some terminals
	bidiSpoof    = "\u202egnp.exe\u202c \u2066x\u2069 \u200f\u061c"
	lineSeps     = "a\u2028b\u2029c"
	notUTF8      = "\xff\xfe\x9b31m" // 0x9b alone: 8-bit CSI
)

// hostileHeader are header values Go's client accepts (bytes at or above
// 0x80 are obs-text) and a terminal would act on.
var hostileHeader = map[string]string{
	"X-Hostile-C1":    "a\u0085b" + c1CSI,
	"X-Hostile-Bidi":  bidiSpoof,
	"X-Hostile-Lines": lineSeps,
	"X-Hostile-Bytes": notUTF8,
}

// hostileBodies answer every refusal, in turn: JSON that may hold C1,
// DEL, bidi controls and separators as they are, and text that is not
// JSON at all.
var hostileBodies = []string{
	"{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"title\":\"bad\u0085" + c1CSI + "\x7f" + bidiSpoof + lineSeps + "\",\"status\":401}]}",
	oscClipboard + screenClear + "\r" + c1CSI + notUTF8 + " unauthorized\x7f",
}

// terminalTarget is a hostile proxy in front of the reference server. It
// answers over a hijacked connection, byte for byte as it means to.
type terminalTarget struct {
	place string // "answers", "jwt" or "malformed-header"
	ref   http.Handler
	n     atomic.Int64
}

func (p *terminalTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	p.ref.ServeHTTP(rec, r)
	body, header := rec.Body.Bytes(), rec.Header().Clone()
	header.Del("Content-Length")
	switch p.place {
	case "answers":
		for k, v := range hostileHeader {
			header.Set(k, v)
		}
		if rec.Code >= 400 {
			body = []byte(hostileBodies[p.n.Add(1)%int64(len(hostileBodies))])
		}
	case "jwt":
		body = withHostileJWT(body)
	case "malformed-header":
		header.Set("X-Debug", "a\x7f"+screenClear+"b")
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	buf.Write(body)
	buf.Flush()
}

// withHostileJWT swaps an answer's access token for a JWT whose header
// holds a nested object that repeats a key made of escape sequences (the
// JOSE library names the key in its error) and whose claims hold them
// too.
func withHostileJWT(body []byte) []byte {
	var answer map[string]any
	if json.Unmarshal(body, &answer) != nil {
		return body
	}
	token, _ := answer["access_token"].(string)
	// The reference server's kid, so that the key is found and the JOSE
	// library parses the header.
	var was struct{ Kid string }
	head, _, _ := strings.Cut(token, ".")
	if raw, err := base64.RawURLEncoding.DecodeString(head); err != nil || json.Unmarshal(raw, &was) != nil {
		return body
	}
	key, _ := json.Marshal(oscClipboard + screenClear)
	header := fmt.Sprintf(`{"alg":"RS512","typ":"JWT","kid":%q,"x":{%s:1,%s:2}}`, was.Kid, key, key)
	claims, _ := json.Marshal(map[string]any{"scope": oscClipboard + bidiSpoof, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
	enc := base64.RawURLEncoding.EncodeToString
	answer["access_token"] = enc([]byte(header)) + "." + enc(claims) + "." + enc([]byte("no signature"))
	out, _ := json.Marshal(answer)
	return out
}

// humanOutputs are the outputs people read; the rest are for programs.
var humanOutputs = map[string]bool{"stdout": true, "stderr": true, "html": true, "progress": true, "pretty": true}

// TestNothingRawReachesATerminal runs the CLI against each hostile target
// with every report format, and each of the console, pretty and progress
// formats on stdout, and finds no raw control, bidi or separator
// character and no byte that is not UTF-8 in any output people read. Its
// assertions are about what the runs write, which the race detector
// cannot judge: `make test` runs it without -race.
func TestNothingRawReachesATerminal(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	t.Parallel()
	for _, tt := range []struct {
		place, console string
		evidence       string // escaped on stdout: the hostile bytes were shown
	}{
		{"answers", "console", `\u202egnp.exe\u202c`},
		{"jwt", "pretty", `\x1b]52;c;cHduZWQ=\x07`},
		{"malformed-header", "progress", `not in HTTP any client may accept: header line X-Debug: a\x7f\x1b[2J\x1b[Hb`},
	} {
		t.Run("place="+tt.place, func(t *testing.T) {
			t.Parallel()
			ref, err := refserver.New(refserver.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(&terminalTarget{place: tt.place, ref: ref})
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			defer srv.Close()
			code, outputs := runEveryFormat(t, envFor(srv.URL), tt.console)
			if code != 1 {
				t.Fatalf("exit code %d; want 1: the target answered, badly\nstderr:\n%s", code, outputs["stderr"])
			}
			if !strings.Contains(outputs["stdout"], tt.evidence) {
				t.Errorf("stdout does not show %q: the hostile bytes never reached an output, so the test proves nothing\n%s", tt.evidence, outputs["stdout"])
			}
			checkOutputs(t, outputs)
		})
	}
}

// TestCertificateNamesReachNoTerminal verifies a certificate whose names
// hold escape sequences ends the run with one line, exit 2, the names
// escaped.
func TestCertificateNamesReachNoTerminal(t *testing.T) {
	t.Parallel()
	cert, certPEM := hostileCertificate(t)
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	env := envFor("https://localhost:" + port)
	r := runCLI(t, env, "-ca-file", caFile, "-format", "console")
	if r.code != 2 {
		t.Fatalf("exit code %d; want 2\nstderr:\n%s", r.code, r.stderr)
	}
	if last := lastLine(r.stderr); !strings.Contains(last, `certificate is valid for \x1b]0;pwned\x07`) {
		t.Errorf("last stderr line %q; want the certificate's names, escaped", last)
	}
	checkOutputs(t, map[string]string{"stdout": r.stdout, "stderr": r.stderr})
}

// runEveryFormat runs the CLI with every report format, and console on
// stdout, and returns its exit code and every output by name.
func runEveryFormat(t *testing.T, env map[string]string, console string) (int, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	names := []string{"junit", "cucumber", "events", "html", "progress", "json", "pretty"}
	format := console
	for _, name := range names {
		format += "," + name + ":" + filepath.Join(dir, name)
	}
	r := runCLI(t, env, "-format", format, "-timeout", "5s")
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s report: %v (exit %d)\n%s", name, err, r.code, r.stderr)
		}
		outputs[name] = string(b)
	}
	return r.code, outputs
}

// checkOutputs finds every raw byte people must not get in the outputs
// people read, and checks the others are well-formed.
func checkOutputs(t *testing.T, outputs map[string]string) {
	t.Helper()
	for name, out := range outputs {
		if !humanOutputs[name] {
			if err := wellFormed(name, out); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if bad := rawForTerminal(out); bad != "" {
			t.Errorf("%s holds %s", name, bad)
		}
	}
}

// rawForTerminal names the first character a terminal would act on, or a
// byte that is not UTF-8, in s; "" when there is none. Line breaks and
// tabs are the formats' own.
func rawForTerminal(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("byte 0x%02x, not UTF-8, at %d: %q", s[i], i, around(s, i))
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c,
			r == 0x2028, r == 0x2029:
			return fmt.Sprintf("%U at %d: %q", r, i, around(s, i))
		}
		i += size
	}
	return ""
}

func around(s string, i int) string { return s[max(0, i-40):min(len(s), i+40)] }

// wellFormed checks a machine-readable report parses as what it is.
func wellFormed(name, out string) error {
	if !utf8.ValidString(out) {
		return errors.New("not UTF-8")
	}
	switch name {
	case "junit":
		d := xml.NewDecoder(strings.NewReader(out))
		for {
			if _, err := d.Token(); err == io.EOF {
				return nil
			} else if err != nil {
				return fmt.Errorf("not XML: %v", err)
			}
		}
	case "events":
		sc := bufio.NewScanner(strings.NewReader(out))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if !json.Valid(sc.Bytes()) {
				return fmt.Errorf("line not JSON: %.80q", sc.Text())
			}
		}
		return sc.Err()
	}
	if !json.Valid([]byte(out)) {
		return fmt.Errorf("not JSON")
	}
	return nil
}

// hostileCertificate is a self-signed certificate (its own CA) whose DNS
// names hold OSC and CSI sequences, and its PEM.
func hostileCertificate(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "\x1b]0;pwned\x07"},
		DNSNames:              []string{"\x1b]0;pwned\x07", screenClear + "evil.example"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return cert, certPEM
}
