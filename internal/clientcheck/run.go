package clientcheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/authconform/authconform/conform/refserver"
)

// RunTimeout bounds one run of check.mjs: a few seconds normally, the CLI
// being the slowest part.
const RunTimeout = 2 * time.Minute

// maxOutput bounds what is read of the Node process's stdout and stderr.
const maxOutput = 1 << 20

// Client is one of the server's API credentials.
type Client struct {
	ID, Secret string
}

// Config is one run of the check against a server.
type Config struct {
	// Dir holds the installed packages (CacheDir, after Install).
	Dir string
	// Node is the node binary.
	Node string
	// Issuer is https://auth.DOMAIN[:PORT]: the clients are configured
	// with domain DOMAIN[:PORT] and follow the tokens' iss from there.
	Issuer string
	// CAFile is the PEM certificate of the CA that signed the server's
	// (or the proxy's) certificate, given to Node as NODE_EXTRA_CA_CERTS.
	CAFile string
	// SalesChannel and Integration are the server's clients; MarketID a
	// market it knows.
	SalesChannel, Integration Client
	MarketID                  string
	// Webapp is the server's webapp, whose redirect URI is serve's
	// default; CustomerID the customer its assertions may name.
	Webapp     Client
	CustomerID string
	// SkipCLI leaves out the CLI's calls, the slowest part.
	SkipCLI bool
}

// Call is one client call and what came of it. Detail is facts, never a
// token or a secret.
type Call struct {
	Name   string `json:"call"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Result is a run: the calls made, the connections the loopback guard
// refused (each one a client trying to leave loopback), and whether the
// script ran to its end.
type Result struct {
	Calls    []Call
	Refused  []string
	Complete bool
	// GuardProven says the loopback guard refused check.mjs's canaries.
	GuardProven bool
	// Stderr is the Node process's stderr, cleaned, for a failed run.
	Stderr string
}

// Passed reports whether every call passed, none left loopback, and the
// script ran to its end.
func (r Result) Passed() bool {
	if !r.Complete || !r.GuardProven || len(r.Refused) > 0 || len(r.Calls) == 0 {
		return false
	}
	for _, c := range r.Calls {
		if !c.OK {
			return false
		}
	}
	return true
}

// Hostnames are the names a client of a server at issuer connects to:
// auth.DOMAIN and the Core API's SLUG.DOMAIN, both to be resolved to
// loopback.
func Hostnames(issuer string) ([]string, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Scheme != "https" || !strings.HasPrefix(u.Hostname(), "auth.") || u.Path != "" {
		return nil, fmt.Errorf("clientcheck: issuer %q: want https://auth.DOMAIN[:PORT]", issuer)
	}
	domain := strings.TrimPrefix(u.Hostname(), "auth.")
	return []string{u.Hostname(), refserver.OrganizationSlug + "." + domain}, nil
}

// Run runs check.mjs against cfg's server and reads its report.
func Run(ctx context.Context, cfg Config) (Result, error) {
	names, err := Hostnames(cfg.Issuer)
	if err != nil {
		return Result{}, err
	}
	if err := writeNodeFiles(cfg.Dir); err != nil {
		return Result{}, err
	}
	home, err := os.MkdirTemp("", "authconform-clientcheck-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(home)
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cfg.Node, filepath.Join(cfg.Dir, "check.mjs"))
	cmd.Dir, cmd.Env = cfg.Dir, nodeEnv(cfg, names, home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limitWriter{w: &stdout, n: maxOutput}, &limitWriter{w: &stderr, n: maxOutput}
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return Result{}, fmt.Errorf("clientcheck: check.mjs still running after %s", RunTimeout)
	}
	res := read(stdout.String(), stderr.String(), []string{cfg.SalesChannel.Secret, cfg.Integration.Secret, cfg.Webapp.Secret})
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return res, fmt.Errorf("clientcheck: running node: %v", runErr)
	}
	return res, nil
}

// nodeEnv is the Node process's whole environment: nothing inherited but
// PATH, so that no proxy or NODE_OPTIONS of the caller's applies.
func nodeEnv(cfg Config, names []string, home string) []string {
	domain := strings.TrimPrefix(cfg.Issuer, "https://auth.")
	cli := "1"
	if cfg.SkipCLI {
		cli = "0"
	}
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TMPDIR=" + home,
		"NODE_OPTIONS=--require " + filepath.Join(cfg.Dir, "loopback.cjs"),
		"NODE_EXTRA_CA_CERTS=" + cfg.CAFile,
		"AUTHCONFORM_LOOPBACK_NAMES=" + strings.Join(names, ","),
		"AUTHCONFORM_CHECK_DOMAIN=" + domain,
		"AUTHCONFORM_CHECK_ISSUER=" + cfg.Issuer,
		"AUTHCONFORM_CHECK_CORE_API=https://" + refserver.OrganizationSlug + "." + domain,
		"AUTHCONFORM_CHECK_MARKET_ID=" + cfg.MarketID,
		"AUTHCONFORM_CHECK_SALES_CHANNEL_ID=" + cfg.SalesChannel.ID,
		"AUTHCONFORM_CHECK_SALES_CHANNEL_SECRET=" + cfg.SalesChannel.Secret,
		"AUTHCONFORM_CHECK_INTEGRATION_ID=" + cfg.Integration.ID,
		"AUTHCONFORM_CHECK_INTEGRATION_SECRET=" + cfg.Integration.Secret,
		"AUTHCONFORM_CHECK_WEBAPP_ID=" + cfg.Webapp.ID,
		"AUTHCONFORM_CHECK_WEBAPP_SECRET=" + cfg.Webapp.Secret,
		"AUTHCONFORM_CHECK_REDIRECT_URI=" + refserver.WebappRedirectURI,
		"AUTHCONFORM_CHECK_CUSTOMER_ID=" + cfg.CustomerID,
		"AUTHCONFORM_CHECK_CLI=" + cli,
	}
}

// refusedPrefix starts the loopback guard's lines on stderr.
const refusedPrefix = "authconform-loopback: refused "

// canaries are the refusals check.mjs provokes to prove the guard works;
// any other refusal is a client trying to leave loopback.
var canaries = []string{"name canary.authconform.invalid", "address 192.0.2.1"}

// read parses check.mjs's JSON lines and the guard's refusals; every text
// kept is cleaned of secrets and tokens.
func read(stdout, stderr string, secrets []string) Result {
	var res Result
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 64<<10), maxOutput)
	for sc.Scan() {
		var line struct {
			Call
			Done bool `json:"done"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if line.Done {
			res.Complete = true
			continue
		}
		line.Name, line.Detail = Clean(line.Name, secrets), Clean(line.Detail, secrets)
		res.Calls = append(res.Calls, line.Call)
	}
	canariesSeen := 0
	for _, l := range strings.Split(stderr, "\n") {
		what, ok := strings.CutPrefix(l, refusedPrefix)
		switch {
		case !ok:
		case slices.Contains(canaries, what):
			canariesSeen++
		default:
			res.Refused = append(res.Refused, Clean(what, secrets))
		}
	}
	res.GuardProven = canariesSeen == len(canaries)
	res.Stderr = Clean(stderr, secrets)
	return res
}

// jwtLike is a compact JWS: what every token of serve's is.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)

// Clean removes secrets and tokens from text, and shows any character a
// terminal would act on as '?'.
func Clean(text string, secrets []string) string {
	text = jwtLike.ReplaceAllString(text, "[token]")
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "[secret]")
		}
	}
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, text)
}

// limitWriter keeps the first n bytes written and drops the rest, so that
// a runaway child cannot grow the harness's memory.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		keep := min(len(p), l.n)
		l.n -= keep
		if _, err := l.w.Write(p[:keep]); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Write prints the result as a table, one call a line, under title.
func (r Result) Write(w io.Writer, title string) {
	fmt.Fprintf(w, "%s\n", title)
	for _, c := range r.Calls {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %-58s %s\n", mark, c.Name, c.Detail)
	}
	for _, what := range r.Refused {
		fmt.Fprintf(w, "  FAIL left loopback: refused %s\n", what)
	}
	if !r.GuardProven {
		fmt.Fprintf(w, "  FAIL the loopback guard did not refuse both canaries: nothing proves the calls stayed on loopback\n")
	}
	if !r.Complete {
		fmt.Fprintf(w, "  FAIL check.mjs did not run to its end; its stderr:\n%s\n", indent(r.Stderr))
	}
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if len(s) > 4000 {
		s = s[len(s)-4000:]
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
