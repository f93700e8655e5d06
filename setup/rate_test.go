package setup

import (
	"strings"
	"testing"
	"time"
)

// TestParseRate verifies the -rate syntax and its bounds: N from 1 to
// 100000, DURATION from 1ms to 24h, at most 100000 a second; "" is the
// default (nil), and the rate reads back as ParseRate takes it.
func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		want    string // the rate's String; "default" for nil
		wantErr string // part of the message, "" for none
	}{
		{"", "default", ""},
		{"  ", "default", ""},
		{"30/1m", "30/1m0s", ""},
		{"5/10s", "5/10s", ""},
		{" 5 / 10s ", "5/10s", ""},
		{"none", "none", ""},
		{"off", "none", ""},
		{"0", "none", ""},
		{"100000/1s", "100000/1s", ""},
		{"1/24h", "1/24h0m0s", ""},
		{"1/1ms", "1/1ms", ""},
		{"100/1ms", "100/1ms", ""},
		{"101/1ms", "", "over 100000 requests a second"},
		{"30", "", "want N/DURATION"},
		{"x/1m", "", "is not a whole number"},
		{"3/-1s", "", "want DURATION from 1ms to 24h"},
		{"0/1m", "", "want N from 1 to 100000"},
		{"-5/1m", "", "want N from 1 to 100000"},
		{"100001/1h", "", "want N from 1 to 100000"},
		{"99999999999999999999999/1m", "", "want N from 1 to 100000"},
		{"0/soon", "", "want N from 1 to 100000"},
		{"1/0s", "", "want DURATION from 1ms to 24h"},
		{"1/1ns", "", "want DURATION from 1ms to 24h"},
		{"1/999us", "", "want DURATION from 1ms to 24h"},
		{"1/25h", "", "want DURATION from 1ms to 24h"},
		{"1/9999999999h", "", "is not a duration"},
		{"1/soon", "", "is not a duration"},
		{"100000/999ms", "", "over 100000 requests a second"},
		{"50000/100ms", "", "over 100000 requests a second"},
	}
	for _, tt := range tests {
		r, err := ParseRate(tt.in)
		got := "default"
		if r != nil {
			got = r.String()
		}
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseRate(%q) error = %v; want %s", tt.in, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseRate(%q) = %s, error %v; want an error saying %q", tt.in, got, err, tt.wantErr)
		case err == nil && got != tt.want:
			t.Errorf("ParseRate(%q) = %s; want %s", tt.in, got, tt.want)
		case err == nil && r != nil && r.Check() != nil:
			t.Errorf("ParseRate(%q) = %s, which Check refuses: %v", tt.in, got, r.Check())
		}
	}
}

// TestRateCheck verifies a rate built in Go is held to ParseRate's
// bounds, and the zero Rate is no limit.
func TestRateCheck(t *testing.T) {
	tests := []struct {
		rate    Rate
		wantErr string
	}{
		{Rate{}, ""},
		{Rate{N: 30, Per: time.Minute}, ""},
		{Rate{N: 30}, "want DURATION from 1ms to 24h"},
		{Rate{N: -1, Per: time.Minute}, "want N from 1 to 100000"},
		{Rate{Per: time.Minute}, "want N from 1 to 100000"},
		{Rate{N: 1000, Per: time.Millisecond}, "over 100000 requests a second"},
	}
	for _, tt := range tests {
		err := tt.rate.Check()
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%#v.Check() = %v; want an error saying %q (\"\": none)", tt.rate, err, tt.wantErr)
		}
	}
}
