package steps

import (
	"sort"
	"strings"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
)

// reproCommand is a curl command that sends req again, for a person to
// paste into a shell. The configured secret appears as a reference to the
// environment variable it came from, never as its value; the caller masks
// the result as every output is masked, so any other secret still reads
// [REDACTED].
func reproCommand(req httpclient.Request, t config.Target) string {
	var b strings.Builder
	b.WriteString("curl -sS -i -X " + req.Method + " " + shellQuote(req.URL))
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			b.WriteString(" \\\n  -H " + shellQuote(k+": "+v))
		}
	}
	if len(req.Body) > 0 {
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(req.Body)))
	}
	cmd := b.String()
	for _, c := range []struct{ secret, env string }{
		{t.Integration.Secret, config.EnvIntegrationClientSecret},
		{t.SalesChannel.Secret, config.EnvSalesChannelClientSecret},
	} {
		if c.secret != "" {
			// Inside single quotes: close them, expand the variable, reopen.
			cmd = strings.ReplaceAll(cmd, c.secret, `'"$`+c.env+`"'`)
		}
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell: single quotes, each inner single
// quote written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
