package redact

import (
	"encoding/base64"
	"encoding/hex"
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/leakforms"
)

// Values the table tests register, each with a reason to be there.
const (
	plainValue   = "s3cr3t-Value_42"
	specialValue = `p"a\s%w&o+r/d= x` // every byte that some encoding escapes
	unicodeValue = "pässwörd-日本-😀"
	newlineValue = "first\nsecond"
)

// formCases each carry a value in one form, in a text.
var formCases = func() []struct{ form, value, text string } {
	b64 := base64.StdEncoding.EncodeToString
	return []struct{ form, value, text string }{
		{"raw at start", plainValue, plainValue + " was echoed"},
		{"raw in the middle", plainValue, "echo " + plainValue + " here"},
		{"raw at the end", plainValue, "echo: " + plainValue},
		{"raw, special bytes", specialValue, "echo: " + specialValue + "!"},
		{"raw, unicode", unicodeValue, "<p>" + unicodeValue + "</p>"},
		{"raw, newline", newlineValue, "got " + newlineValue + " back"},
		{"percent, all, lower", plainValue, "v=" + leakforms.PercentAll(plainValue, false)},
		{"percent, all, upper", plainValue, "v=" + leakforms.PercentAll(plainValue, true)},
		{"percent, subset, mixed case", plainValue, "v=s3%63r3t%2dVal%75%65_42&x=1"},
		{"percent, special bytes", specialValue, "v=" + url.PathEscape(specialValue)},
		{"form", specialValue, "a=1&v=" + url.QueryEscape(specialValue) + "&b=2"},
		{"form, subset, lower", specialValue, `v=p"a\s%25w%26o%2br/d%3d+x`},
		{"percent, unicode", unicodeValue, "v=" + url.QueryEscape(unicodeValue)},
		{"html, named", specialValue, "<b>" + html.EscapeString(specialValue) + "</b>"},
		{"html, named, legacy without semicolon", "a&b<c>d\"e", "a&ampb&ltc&gtd&quote"},
		{"html, &apos;", "it's-a-secret", "it&apos;s-a-secret"},
		{"html, decimal, subset", plainValue, "s3&#99;r3t-Val&#117;e_42"},
		{"html, decimal, leading zeros, no semicolon", plainValue, "&#0115&#00051cr3t-Value_42"},
		{"html, hex, both cases", plainValue, "&#x73;3cr&#X0033;t-V&#x61;lue_42"},
		{"html, hex, unicode", unicodeValue, "p&#xe4;ssw&#XF6;rd-&#x65e5;&#26412;-&#x1F600;"},
		{"json, \\u, both cases", plainValue, `{"v":"s3\u0063r3t\u002DValue_42"}`},
		{"json, surrogate pair", unicodeValue, `{"v":"p\u00e4ssw\u00f6rd-\u65e5\u672c-\ud83d\ude00"}`},
		{"json, \\/ \\\" \\\\", specialValue, `{"v":"p\"a\\s%w&o+r\/d= x"}`},
		{"json, \\n", newlineValue, `{"v":"first\nsecond"}`},
		{"json, duplicate keys and trailing bytes", plainValue, `{"v":"x","v":"s3cr3t\u002dValue_42"}garbage`},
		{"go, quote", newlineValue + "\x00", "body " + strconv.Quote(newlineValue+"\x00")},
		{"go, quote to ASCII", unicodeValue, "body " + strconv.QuoteToASCII(unicodeValue)},
		{"go, \\x and octal", plainValue, `"\x733cr\063t-Value_42"`},
		{"base64, std", specialValue, "X-Echo: " + b64([]byte(specialValue))},
		{"base64, url, raw", specialValue, "X-Echo: " + base64.RawURLEncoding.EncodeToString([]byte(specialValue))},
		{"base64, in a blob at offset 1", plainValue, "X-Echo: " + b64([]byte("x"+plainValue+"yz"))},
		{"base64, in a blob at offset 2", plainValue, "X-Echo: " + b64([]byte("xy"+plainValue+"z"))},
		{"basic credentials", specialValue, "X-Echo: " + leakforms.BasicCredentials("client-1", specialValue)},
		{"basic credentials, real header", specialValue, "Authorization: Basic " + leakforms.BasicCredentials("client-1", specialValue)},
		{"hex, lower", plainValue, "0x" + hex.EncodeToString([]byte(plainValue))},
		{"hex, upper", plainValue, "0x" + strings.ToUpper(hex.EncodeToString([]byte(plainValue)))},
		{"base64 of form", specialValue, "X-Echo: " + b64([]byte(url.QueryEscape(specialValue)))},
		{"form of base64", specialValue, "v=" + url.QueryEscape(b64([]byte(specialValue)))},
		{"json of percent", plainValue, `{"v":"s3%63r3t\u00252dValue_42"}`},
		{"json of html", plainValue, `{"v":"s3\u0026#99;r3t-Value_42"}`},
		{"html of json", plainValue, `<pre>s3&#92;u0063r3t-Value_42</pre>`},
		{"percent of percent", plainValue, "v=s3%2563r3t-Value_42"},
		{"html attribute of form", specialValue, `<a href="?v=` + html.EscapeString(url.QueryEscape(specialValue)) + `">`},
		{"percent of html", specialValue, "v=p%26quot;a\\s%25w%26amp;o+r/d= x"},
		{"lookalikes, only the HTML escaped", `%41-&lt;-\n-x`, "<b>" + html.EscapeString(`%41-&lt;-\n-x`) + "</b>"},
		{"lookalikes, only the percent escaped", `%41-&lt;-\n-x`, "v=" + url.QueryEscape(`%41-&lt;-\n-x`)},
		{"ending in a backslash, in an attribute", `abc123\`, `<a title="abc123\">`},
	}
}()

// TestStringMasksEveryForm registers one value per case and redacts a text
// carrying it in one form; the oracle (oracle_test.go) must find the value
// in the text before and nowhere in the output after.
func TestStringMasksEveryForm(t *testing.T) {
	for _, tt := range formCases {
		t.Run(tt.form, func(t *testing.T) {
			if survivor(tt.text, tt.value) == "" {
				t.Fatalf("the oracle does not see %q in %q: the case proves nothing", tt.value, tt.text)
			}
			got := New(tt.value).String(tt.text)
			if how := survivor(got, tt.value); how != "" {
				t.Errorf("String(%q) = %q; the value is visible after decoding %s, want it masked", tt.text, got, how)
			}
		})
	}
}

// TestStringOverlappingValues masks two values sharing bytes as one run.
func TestStringOverlappingValues(t *testing.T) {
	r := New("abcdef123456", "123456ghijkl")
	if got, want := r.String("<abcdef123456ghijkl>"), "<"+Mask+">"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}

// TestStringLeavesOtherTextAlone: text holding no registered value comes
// back unchanged, escapes, base64 and all, apart from the shapes.
func TestStringLeavesOtherTextAlone(t *testing.T) {
	r := New(plainValue, specialValue, unicodeValue, "tiny", "")
	texts := []string{
		"",
		"plain words, s3cr3t-Valu and Value_42 apart",
		`{"error":"invalid_client","error_description":"bad \u0027client\u0027 \/ &amp; %2F"}`,
		"grant_type=client_credentials&scope=read+write&client_id=abc%20def",
		"<p>&lt;tiny&gt; &#115;&#51; &#x63;</p>",
		"SGVsbG8sIHdvcmxkIQ== 48656c6c6f2c20776f726c6421",
		strings.Repeat("%", 100) + strings.Repeat(`\u`, 100) + strings.Repeat("&#", 100),
		"a tiny word",
	}
	for _, text := range texts {
		if got := r.String(text); got != text {
			t.Errorf("String(%q) = %q; want it unchanged", text, got)
		}
	}
}

// TestAddSkipsShortValues: values under MinLen are not registered.
func TestAddSkipsShortValues(t *testing.T) {
	short := strings.Repeat("x", MinLen-1)
	r := New(short, "")
	if got := r.String("a " + short + " b"); got != "a "+short+" b" {
		t.Errorf("got %q; want the %d-byte value left alone", got, len(short))
	}
	r.Add(short + "y")
	if got := r.String("a " + short + "y b"); got != "a "+Mask+" b" {
		t.Errorf("got %q; want the %d-byte value masked", got, MinLen)
	}
}

// TestStringMasksShapes: JWTs and Basic credentials are masked unregistered.
func TestStringMasksShapes(t *testing.T) {
	r := New()
	tests := []struct{ in, want string }{
		{`{"access_token":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}`, `{"access_token":"` + Mask + `"}`},
		{"Authorization: Basic aWQ6c2VjcmV0", "Authorization: Basic " + Mask},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestRegisteredJWTIsMaskedEncoded: a token shaped like a JWT is registered
// too, so it is masked percent-encoded, where the shape no longer matches.
func TestRegisteredJWTIsMaskedEncoded(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
	r := New(jwt)
	in := "token=" + strings.ReplaceAll(jwt, ".", "%2E")
	if got, want := r.String(in), "token="+Mask; got != want {
		t.Errorf("String(%q) = %q; want %q", in, got, want)
	}
}

// TestAddLater verifies tokens registered mid-run are masked from then on.
func TestAddLater(t *testing.T) {
	r := New()
	const token = "opaque-token-1234567890"
	if got := r.String(token); got != token {
		t.Fatalf("String(%q) = %q before Add; want it unchanged", token, got)
	}
	r.Add(token)
	if got := r.String("token " + token); got != "token "+Mask {
		t.Errorf("got %q; want %q", got, "token "+Mask)
	}
}

// TestAddOneByOne: values added one at a time, redacting in between (the
// automata then come in several sizes), mask as values added at once do,
// on small texts and on a text large enough to merge the automata.
func TestAddOneByOne(t *testing.T) {
	values := []string{plainValue, specialValue, unicodeValue, newlineValue}
	for i := range 40 {
		values = append(values, "token-"+strconv.Itoa(i)+"-"+strings.Repeat("k", i))
	}
	var text strings.Builder
	for _, v := range values {
		text.WriteString("a=" + url.QueryEscape(v) + " b=" + base64.StdEncoding.EncodeToString([]byte(v)) + "\n")
	}
	want := New(values...).String(text.String())
	r := New()
	for _, v := range values {
		r.Add(v)
		r.String("warm up")
	}
	if got := r.String(text.String()); got != want {
		t.Errorf("added one by one: got %q; want %q", got, want)
	}
	large := strings.Repeat(text.String(), 200)
	if got := r.String(large); got != strings.Repeat(want, 200) {
		t.Errorf("large text after adding one by one: got %d bytes, want the %d that adding at once gives", len(got), 200*len(want))
	}
}

// TestBytesDoesNotAlias: the result is a new slice even when unchanged.
func TestBytesDoesNotAlias(t *testing.T) {
	in := []byte("nothing to mask")
	out := New(plainValue).Bytes(in)
	out[0] = 'N'
	if in[0] != 'n' {
		t.Errorf("Bytes returned its input; want a copy")
	}
}
