package conform_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// The outside module is a program a team would write in its own
// repository: it imports the public packages only (an internal one would
// not compile there), runs the suite against the reference server with a
// fault, and runs it again as go test subtests.
const outsideGoMod = `module example.com/outside

go 1.26

require github.com/authconform/authconform v0.0.0

replace github.com/authconform/authconform => %s
`

const outsideTest = `package outside

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/conform/conformtest"
	"github.com/authconform/authconform/conform/refserver"
)

func target(t *testing.T, fault string) conform.Target {
	// Tokens name an https://auth. issuer, as the command's embedded
	// server's do: the only kind Commerce Layer's clients follow.
	srv, err := refserver.Start(refserver.Options{Fault: fault, Issuer: "https://auth.authconform.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return conform.Target{
		URL:           conform.MustParseURL(srv.URL),
		Issuer:        srv.Issuer,
		JWKSURL:       srv.URL + refserver.JWKSPath,
		ResourceURL:   srv.URL + refserver.ResourcePath,
		SalesChannel:  conform.Client{ID: refserver.SalesChannelClientID, Secret: refserver.SalesChannelClientSecret},
		Integration:   conform.Client{ID: refserver.IntegrationClientID, Secret: refserver.IntegrationClientSecret},
		MarketID:      refserver.MarketID,
		OtherMarketID: refserver.OtherMarketID,
		Customer:      conform.Customer{Email: refserver.CustomerEmail, Password: refserver.CustomerPassword},
		ScopeResources: conform.ScopeResources{
			MarketCode: refserver.MarketCode,
			StoreID:    refserver.StoreID, StoreCode: refserver.StoreCode,
			StockLocationID: refserver.StockLocationID, StockLocationCode: refserver.StockLocationCode,
		},
		Webapp:        conform.Client{ID: refserver.WebappClientID, Secret: refserver.WebappClientSecret},
		RedirectURI:   refserver.WebappRedirectURI,
		AuthorizeURL:  srv.URL + refserver.AuthorizePath,
		CustomerID:    refserver.CustomerID,
	}
}

// TestVerdicts writes each scenario's status, for the caller to compare
// with the command's.
func TestVerdicts(t *testing.T) {
	res, err := conform.Run(context.Background(), conform.Options{Target: target(t, os.Getenv("OUTSIDE_FAULT"))})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	for _, v := range res.Verdicts {
		statuses[v.Feature+": "+v.Scenario] = string(v.Status)
	}
	b, _ := json.Marshal(map[string]any{"exit": res.ExitCode, "statuses": statuses})
	if err := os.WriteFile(os.Getenv("OUTSIDE_OUT"), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestConformance(t *testing.T) {
	conformtest.Run(t, target(t, ""))
}
`

// TestOutsideModule verifies what a separate module sees: it builds
// against the public packages alone, conform.Run gives the command's
// verdicts, conformtest makes one subtest per scenario, and -run selects
// one.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module of its own: not in -short")
	}
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", strings.Replace(outsideGoMod, "%s", root, 1))
	write("outside_test.go", outsideTest)
	gotest := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("go", append([]string{"test", "-count=1"}, args...)...)
		cmd.Dir = dir
		// -mod=mod: the module's go.sum is written from the module cache
		// the main module's build already filled.
		cmd.Env = append(os.Environ(), append([]string{"GOFLAGS=-mod=mod", "GOWORK=off"}, env...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go test %s in the outside module: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	// The same verdicts as the command, against the same fault.
	const fault = "token-type-mac"
	out := filepath.Join(t.TempDir(), "outside.json")
	gotest([]string{"OUTSIDE_FAULT=" + fault, "OUTSIDE_OUT=" + out}, "-run", "^TestVerdicts$", ".")
	var outside struct {
		Exit     int
		Statuses map[string]string
	}
	readJSON(t, out, &outside)
	summary := filepath.Join(t.TempDir(), "cli.json")
	cli := exec.Command("go", "run", "./cmd/authconform", "-embedded-fault", fault, "-quiet", "-format", "json:"+summary)
	cli.Dir = root
	cli.Env = append(os.Environ(), "AUTHCONFORM_TARGET=")
	cliOut, cliErr := cli.CombinedOutput()
	var cliRun struct {
		ExitCode int `json:"exit_code"`
		Cases    []struct {
			Feature, Scenario, Status string
		}
	}
	readJSON(t, summary, &cliRun)
	if cliErr == nil || outside.Exit != cliRun.ExitCode {
		t.Errorf("exit codes: outside module %d, command %d (%v)\n%s", outside.Exit, cliRun.ExitCode, cliErr, cliOut)
	}
	compared := 0
	for _, c := range cliRun.Cases {
		if c.Status == "left_out" {
			continue
		}
		compared++
		// conform.Status is spelled as the summary spells it.
		if got := outside.Statuses[c.Feature+": "+c.Scenario]; got != c.Status {
			t.Errorf("%s: %s: outside module %q, command %q", c.Feature, c.Scenario, got, c.Status)
		}
	}
	if compared == 0 || compared != len(outside.Statuses) {
		t.Errorf("compared %d cases; the outside module judged %d", compared, len(outside.Statuses))
	}

	// One subtest per scenario, and -run selects one.
	all := gotest(nil, "-v", "-run", "^TestConformance$", ".")
	subtests := regexp.MustCompile(`(?m)^    --- (PASS|FAIL|SKIP): TestConformance/`).FindAllString(all, -1)
	if len(subtests) != compared {
		t.Errorf("go test -v ran %d subtests; want one per scenario, %d:\n%s", len(subtests), compared, all)
	}
	one := gotest(nil, "-v", "-run", "^TestConformance$/^A_sales_channel_that_asks_for_no_scope_gets_the_market:all_scope$", ".")
	ran := regexp.MustCompile(`(?m)^    --- (PASS|FAIL|SKIP): TestConformance/(.*) \(`).FindAllStringSubmatch(one, -1)
	if len(ran) != 1 || ran[0][1] != "PASS" || ran[0][2] != "A_sales_channel_that_asks_for_no_scope_gets_the_market:all_scope" {
		t.Errorf("go test -run selecting one scenario ran %q; want that one, passed:\n%s", ran, one)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
