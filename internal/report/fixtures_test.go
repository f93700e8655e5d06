package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/verdict"
)

// started is a fixed start time, so reports from the fixtures are stable.
var started = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// exchange is a transcript of one request and its response, shaped like the
// ones the steps record.
func exchange(status int, body string) string {
	return "--- request ---\nPOST https://auth.example.test/oauth/token\nContent-Type: application/json\n\n" +
		`{"grant_type":"client_credentials","client_id":"[REDACTED]","client_secret":"[REDACTED]"}` + "\n" +
		"--- response: " + strconv.Itoa(status) + " (12ms) ---\nContent-Type: application/json\n\n" + body + "\n"
}

// passedRun has only passes.
func passedRun() verdict.Run {
	return verdict.Run{
		Target: "https://auth.example.test", Profile: "commercelayer", Started: started,
		Duration: 4200 * time.Millisecond, Requests: 3, ExitCode: 0,
		Verdicts: []verdict.Verdict{
			{URI: "features/rfc6749_4_4.feature", Order: 1, Feature: "Client credentials grant", Scenario: "Issues a token to a sales channel",
				Tags: []string{"@must", "@rfc6749-4.4"}, Severity: verdict.Must, Status: verdict.Passed,
				Transcript: exchange(200, `{"access_token":"[REDACTED]","token_type":"bearer"}`), Requests: 1, Duration: 35 * time.Millisecond},
			{URI: "features/rfc6749_4_4.feature", Order: 2, Feature: "Client credentials grant", Scenario: "Issues a token to an integration",
				Tags: []string{"@must"}, Severity: verdict.Must, Status: verdict.Passed,
				Transcript: exchange(200, `{"access_token":"[REDACTED]","token_type":"bearer"}`), Requests: 1, Duration: 41 * time.Millisecond},
			{URI: "features/rfc6749_5_1.feature", Order: 3, Feature: "Successful response", Scenario: "Forbids caching the token",
				Tags: []string{"@should"}, Severity: verdict.Should, Status: verdict.Passed,
				Transcript: exchange(200, `{}`), Requests: 1, Duration: 2 * time.Second},
		},
	}
}

// mixedRun has every status, given out of feature-file order, and a
// scenario left out. Its table order is in mixedOrder.
func mixedRun() verdict.Run {
	v := func(order int, scenario string, status verdict.Status, sev string) verdict.Verdict {
		out := verdict.Verdict{
			URI: "features/rfc6749_5_2.feature", Order: order, Feature: "Error response", Scenario: scenario,
			Tags: []string{"@" + strings.ToLower(sev)}, Severity: sev, Status: status,
			Transcript: exchange(400, `{"error":"invalid_client"}`), Requests: 1, Duration: time.Duration(order) * time.Millisecond,
		}
		if status != verdict.Passed {
			out.Error = "status = 200; want 400 (" + scenario + ")"
		}
		return out
	}
	return verdict.Run{
		Target: "https://auth.example.test", Profile: "commercelayer", Started: started,
		Duration: 95 * time.Second, Strict: false, Requests: 7, Waited: 61500 * time.Millisecond, ExitCode: 1,
		Verdicts: []verdict.Verdict{
			v(1, "Rejects a missing grant_type", verdict.Passed, verdict.Must),
			v(6, "Says which client failed", verdict.Warning, verdict.Should),
			v(2, "Rejects an unknown client", verdict.Failed, verdict.Must),
			v(5, "Rejects an empty secret", verdict.Passed, verdict.Must),
			v(3, "Names the error in JSON", verdict.Warning, verdict.Should),
			v(7, "Ended without a verdict", "", verdict.Must),
			v(4, "Rejects a wrong secret", verdict.Failed, verdict.Must),
			known(v(9, "Rejects a client_id in the query", verdict.ExpectedFailure, verdict.Must), "the target ignores query parameters"),
			known(v(8, "Rejects HTTP Basic with a bad password", verdict.UnexpectedPass, verdict.Must), "fixed upstream in 2025"),
			inconclusive(v(10, "Rejects a sales channel outside its market", verdict.Inconclusive, verdict.Must)),
		},
		LeftOut: []verdict.LeftOut{
			{URI: "features/rfc6749_4_4.feature", Scenario: "Issues a token to an integration", Reason: "no integration client configured"},
		},
	}
}

// known lists v in the known-deviation file with reason.
func known(v verdict.Verdict, reason string) verdict.Verdict {
	v.Expected = reason
	return v
}

// inconclusiveReason is what the runner writes in an inconclusive
// verdict's Error.
const inconclusiveReason = `inconclusive: the target issued no token to client "sales-channel" in this run, so this refusal is no evidence`

// inconclusive makes v a passed error scenario whose client the target
// never issued a token to in the run.
func inconclusive(v verdict.Verdict) verdict.Verdict {
	v.Status, v.Error = verdict.Inconclusive, inconclusiveReason
	return v
}

// mixedOrder is mixedRun's table order: failures, unexpected passes,
// warnings, inconclusive cases, known deviations, the verdict with no
// status, passes; each group in feature-file order.
var mixedOrder = []string{
	"Rejects an unknown client", "Rejects a wrong secret",
	"Rejects HTTP Basic with a bad password",
	"Names the error in JSON", "Says which client failed",
	"Rejects a sales channel outside its market",
	"Rejects a client_id in the query",
	"Ended without a verdict",
	"Rejects a missing grant_type", "Rejects an empty secret",
}

// Hostile strings: each would break the page, inject markup or load
// something if it reached the HTML unescaped.
const (
	hostileScenario = `</details></td></tr></tbody></table><script>alert("scenario")</script>`
	hostileQuotes   = `Quotes " and ' and & and <b>bold</b> and <!-- a comment`
	hostileError    = `</pre></details><img src=https://evil.example/x.png onerror=alert(1)>`
	hostileBody     = `</pre><link rel=stylesheet href="http://evil.example/x.css"><style>@import url(https://evil.example/a.css);</style>`
)

// hostileRun puts hostile text in every string the report shows.
func hostileRun() verdict.Run {
	return verdict.Run{
		Target:   `https://evil.example/"><script src=https://evil.example/x.js></script>`,
		Profile:  `]]></title><script>alert('profile')</script>`,
		Started:  started,
		Duration: time.Second, Requests: 2, ExitCode: 1,
		Verdicts: []verdict.Verdict{
			{URI: `features/<x>.feature`, Order: 1, Feature: `<style>body{display:none}</style>`, Scenario: hostileScenario,
				Tags: []string{`@a" onmouseover="alert(1)`, `@<i>`}, Severity: verdict.Must, Status: verdict.Failed,
				Error: hostileError, Transcript: exchange(500, hostileBody), Requests: 1},
			{URI: `features/"q".feature`, Order: 2, Feature: `Feature & "quotes"`, Scenario: hostileQuotes,
				Tags: []string{`@should`}, Severity: verdict.Should, Status: verdict.Passed,
				Transcript: hostileBody, Requests: 1},
		},
		LeftOut: []verdict.LeftOut{
			{URI: `features/<y>.feature`, Scenario: `<a href="https://evil.example">click</a>`, Reason: `needs <b>-integration-client-id</b> & "secret"`},
		},
	}
}

// bigRun has one failure whose transcript carries a 1 MiB body on a single
// line, as an HTML error page or a runaway JSON document would.
func bigRun() verdict.Run {
	run := mixedRun()
	run.Verdicts[2].Transcript = exchange(500, bigBody)
	return run
}

var bigBody = strings.Repeat(`{"k":"v"},`, 1<<20/10)
