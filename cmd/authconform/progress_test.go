package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestProgressPositions verifies each case's line, in the progress lines
// and in the console format, at -concurrency 1 and 4, says its place among
// the cases that run: [n/N], each n from 1 to N once, in order, N the
// scenarios the summary counts.
func TestProgressPositions(t *testing.T) {
	t.Parallel()
	position := regexp.MustCompile(`^\s*\[ *(\d+)/(\d+)\] `)
	for _, tc := range []struct {
		name   string
		args   []string
		stream func(result) string
	}{
		{"progress", []string{"-format", "progress"}, func(r result) string { return r.stderr }},
		{"progress-concurrency-4", []string{"-format", "progress", "-concurrency", "4"}, func(r result) string { return r.stderr }},
		{"console", nil, func(r result) string { return r.stdout }},
		{"console-concurrency-4", []string{"-concurrency", "4"}, func(r result) string { return r.stdout }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, append([]string{"-tags", "@must"}, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			m := regexp.MustCompile(`(\d+) scenarios run`).FindStringSubmatch(r.stdout)
			if m == nil {
				t.Fatalf("no summary line:\n%s", r.stdout)
			}
			total, _ := strconv.Atoi(m[1])
			next := 1
			for _, line := range strings.Split(tc.stream(r), "\n") {
				p := position.FindStringSubmatch(line)
				if p == nil {
					continue
				}
				if p[1] != strconv.Itoa(next) || p[2] != strconv.Itoa(total) {
					t.Fatalf("line %q: position [%s/%s]; want [%d/%d]", line, p[1], p[2], next, total)
				}
				next++
			}
			if next-1 != total {
				t.Errorf("%d case lines with a position; want %d", next-1, total)
			}
		})
	}
}
