package selftest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/steps"
)

// TestRefusingServerPassesNoErrorScenario verifies the positive controls:
// against a server that refuses every request, in either profile, no
// scenario passes. The error scenarios, whose refusal would otherwise pass,
// are inconclusive, with the reason, and the others fail.
func TestRefusingServerPassesNoErrorScenario(t *testing.T) {
	t.Parallel()
	refuser := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("WWW-Authenticate", `Basic realm="refuser"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"invalid_client","errors":[{"title":"invalid_client","detail":"no","code":"UNAUTHORIZED","status":401}]}`)
	}))
	defer refuser.Close()
	for _, p := range config.Profiles {
		t.Run("profile="+p.Name, func(t *testing.T) {
			o := optionsFor(profileTarget(refuser.URL, p))
			o.Timeout, o.Output = 5*time.Second, io.Discard
			o.Tags = "~@jwt && ~@revocation" // whose token steps fail without a token anyway
			res, err := runner.Run(context.Background(), o)
			if err != nil {
				t.Fatalf("runner.Run: %v", err)
			}
			inconclusive := 0
			for _, v := range res.Verdicts {
				negative := slices.Contains(v.Tags, steps.NegativeTag)
				switch {
				case v.Status == verdict.Passed:
					t.Errorf("%s: passed against a server that refuses everything", caseName(v))
				case v.Status == verdict.Inconclusive && !negative:
					t.Errorf("%s: inconclusive, but it is no error scenario", caseName(v))
				case v.Status == verdict.Inconclusive:
					inconclusive++
					if !regexp.MustCompile(`^inconclusive: the target issued no token to (client|any configured client)`).MatchString(v.Error) {
						t.Errorf("%s: error %q; want the reason it is inconclusive", caseName(v), v.Error)
					}
				}
			}
			if inconclusive == 0 {
				t.Errorf("no scenario is inconclusive; want every error scenario that the refusals pass")
			}
			if c := res.Count(); c.Inconclusive != inconclusive || res.ExitCode != runner.ExitFail {
				t.Errorf("counts %+v, exit %d; want %d inconclusive and exit %d (the positive scenarios fail)", c, res.ExitCode, inconclusive, runner.ExitFail)
			}
		})
	}
}
