package interop

import (
	"encoding/json"
	"io"
	"regexp"
)

func regexpMatch(re string, b []byte) bool { return regexp.MustCompile(re).Match(b) }

func jsonEncode(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }
