package catalog

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// The sources a feature cites must be readable by whoever clones the
// repository: every path it names exists, every #anchor of a page under
// docs/sources is one of that page's headings, every rule tag is described
// there, and nothing cites notes the repository does not ship.

// sourcesDir holds the pages that restate, with their origin, the facts
// the features rely on.
const sourcesDir = "docs/sources"

// citedPath is what reads as a file path: segments joined by "/", ending
// in an extension citations use, with an optional #anchor.
var citedPath = regexp.MustCompile(`[A-Za-z0-9_.][A-Za-z0-9_./-]*/[A-Za-z0-9_.-]*\.(?:md|feature|json|go|txt|golden)\b(?:#[A-Za-z0-9_-]+)?`)

// sourcesLink matches a citation of a page of dir, checked in every file
// (Go comments, schemas, the README).
func sourcesLink(dir string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(dir) + `/[A-Za-z0-9_.-]+\.md\b(?:#[A-Za-z0-9_-]+)?`)
}

// markdownLink is the target of a Markdown link.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// unresolvable are ways of citing that name nothing in the repository.
// Every match holds one of its clues: lines without one are not matched
// at all, which keeps the walk over the whole repository cheap.
var unresolvable = []struct {
	form  *regexp.Regexp
	clues []string
	why   string
}{
	{regexp.MustCompile(`(?:^|[^A-Za-z0-9_.-])shared[/]`), []string{"shared"}, "cites a path under shared, which is not in the repository; cite " + sourcesDir + "/PAGE.md#section"},
	{regexp.MustCompile(`(?:§|section|\.md) ?\([a-z]\)`), []string{"§", "section", ".md"}, "cites a lettered section of a document that is not in the repository; cite " + sourcesDir + "/commercelayer-auth.md#section"},
	{regexp.MustCompile(`rfc-checklist #[0-9]`), []string{"rfc-checklist"}, "cites a numbered item of a checklist that is not in the repository; cite " + sourcesDir + "/rfc-checklist.md#section"},
}

// skippedDirs are left out of the walk: version control and build output.
var skippedDirs = []string{".git", ".bin", "out"}

// maxText bounds the files read: anything larger is data, not prose.
const maxText = 1 << 20

type textFile struct{ path, text string }

// repoTexts reads every text file of the repository.
func repoTexts(fsys fs.FS) ([]textFile, error) {
	var out []textFile
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && slices.Contains(skippedDirs, d.Name()) {
			return fs.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > maxText {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err == nil && !bytes.Contains(b, []byte{0}) {
			out = append(out, textFile{p, string(b)})
		}
		return err
	})
	return out, err
}

// citations checks what one file cites, line by line.
type citations struct {
	fsys     fs.FS
	sources  string                     // the directory of the sources pages
	link     *regexp.Regexp             // a citation of one of its pages
	top      map[string]bool            // the repository's top-level entries: true for a directory
	anchors  map[string]map[string]bool // Markdown file → its headings' anchors
	problems []string
}

// citesPaths says whether every path-like word of the file must exist:
// the features, the fixtures' README, the sources pages, the schemas and
// the README. Elsewhere (Go code) only sources links are checked.
func (c *citations) citesPaths(p string) bool {
	switch {
	case strings.HasPrefix(p, "features/") && strings.HasSuffix(p, ".feature"),
		path.Dir(p) == c.sources && strings.HasSuffix(p, ".md"),
		strings.HasPrefix(p, "schemas/") && strings.HasSuffix(p, ".json"):
		return true
	}
	return p == "fixtures/README.md" || p == "README.md"
}

func (c *citations) addf(file string, line int, format string, a ...any) {
	c.problems = append(c.problems, fmt.Sprintf("%s:%d: ", file, line+1)+fmt.Sprintf(format, a...))
}

// file checks the citations of one file.
func (c *citations) file(f textFile) {
	for i, line := range strings.Split(f.text, "\n") {
		for _, u := range unresolvable {
			if containsAny(line, u.clues) && u.form.MatchString(line) {
				c.addf(f.path, i, "%s", u.why)
			}
		}
		if strings.Contains(line, c.sources) {
			for _, m := range c.link.FindAllString(line, -1) {
				c.target(f.path, i, m, m)
			}
		}
		if c.citesPaths(f.path) && strings.Contains(line, "/") {
			for _, m := range citedPath.FindAllString(line, -1) {
				if p, ok := c.resolve(f.path, m); ok {
					c.target(f.path, i, m, p)
				}
			}
		}
		if path.Dir(f.path) == c.sources {
			c.markdownLinks(f.path, i, line)
		}
	}
}

func containsAny(s string, subs []string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}

// resolve turns a cited path into one from the repository's root. A path
// that starts with ./ or ../ is relative to the citing file; one whose
// first directory is a top-level one, from the root; one whose first
// directory sits next to the citing file, relative to it. Anything else
// names a file of another project (js-auth's src/jwtDecode.ts).
func (c *citations) resolve(from, cited string) (string, bool) {
	dir := path.Dir(from)
	if strings.HasPrefix(cited, "./") || strings.HasPrefix(cited, "../") {
		return path.Join(dir, cited), true
	}
	first, _, _ := strings.Cut(cited, "/")
	if slices.Contains(skippedDirs, first) {
		return "", false // build output: what a command writes, not a source
	}
	if c.top[first] {
		return cited, true
	}
	if info, err := fs.Stat(c.fsys, path.Join(dir, first)); err == nil && info.IsDir() {
		return path.Join(dir, cited), true
	}
	return "", false
}

// markdownLinks checks a sources page's relative links.
func (c *citations) markdownLinks(from string, line int, text string) {
	for _, m := range markdownLink.FindAllStringSubmatch(text, -1) {
		target := m[1]
		if strings.Contains(target, "://") {
			continue
		}
		if strings.HasPrefix(target, "#") {
			target = path.Base(from) + target
		}
		c.target(from, line, m[1], path.Join(path.Dir(from), target))
	}
}

// target checks that a resolved citation names a file of the repository
// and, for a Markdown page with an #anchor, one of its headings.
func (c *citations) target(from string, line int, cited, resolved string) {
	p, anchor, _ := strings.Cut(resolved, "#")
	if p == ".." || strings.HasPrefix(p, "../") {
		c.addf(from, line, "cites %s, outside the repository", cited)
		return
	}
	if _, err := fs.Stat(c.fsys, p); err != nil {
		c.addf(from, line, "cites %s, but %s does not exist in the repository", cited, p)
		return
	}
	if anchor == "" || !strings.HasSuffix(p, ".md") {
		return
	}
	if !c.headings(p)[anchor] {
		c.addf(from, line, "cites %s, but %s has no heading whose anchor is #%s", cited, p, anchor)
	}
}

func (c *citations) headings(p string) map[string]bool {
	if a, ok := c.anchors[p]; ok {
		return a
	}
	b, _ := fs.ReadFile(c.fsys, p)
	a, _ := anchorsOf(string(b))
	c.anchors[p] = a
	return a
}

// heading is a heading's anchor and its line (from 0).
type heading struct {
	anchor string
	line   int
}

// anchorsOf lists the anchors a Markdown renderer (GitHub's) gives the
// headings of a page, and the headings whose anchor an earlier one has.
func anchorsOf(text string) (anchors map[string]bool, again []heading) {
	anchors = map[string]bool{}
	fenced := false
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
		}
		title := strings.TrimLeft(line, "#")
		level := len(line) - len(title)
		if fenced || level == 0 || level > 6 || !strings.HasPrefix(title, " ") {
			continue
		}
		a := anchorOf(title)
		if anchors[a] {
			again = append(again, heading{a, i})
		}
		anchors[a] = true
	}
	return anchors, again
}

// anchorOf is GitHub's anchor for a heading: lower case, spaces turned to
// hyphens, every other character but letters, digits, "-" and "_" dropped.
func anchorOf(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-', r == '_', unicode.IsLetter(r), unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// citationProblems lists every citation of the repository in fsys that a
// reader could not follow, sorted; its sources pages are in the directory
// sources.
func citationProblems(fsys fs.FS, sources string) ([]string, error) {
	files, err := repoTexts(fsys)
	if err != nil {
		return nil, err
	}
	c := &citations{fsys: fsys, sources: sources, link: sourcesLink(sources), top: map[string]bool{}, anchors: map[string]map[string]bool{}}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		c.top[e.Name()] = e.IsDir()
	}
	var described strings.Builder
	for _, f := range files {
		c.file(f)
		if path.Dir(f.path) == sources && strings.HasSuffix(f.path, ".md") {
			described.WriteString(f.text)
			_, again := anchorsOf(f.text)
			for _, h := range again {
				c.addf(f.path, h.line, "a heading repeats the anchor #%s of an earlier one: a citation reaches only the first", h.anchor)
			}
		}
	}
	problems, err := undescribedRules(fsys, sources, described.String())
	c.problems = append(c.problems, problems...)
	slices.Sort(c.problems)
	// A sources link in a file whose paths are all checked is met twice.
	return slices.Compact(c.problems), err
}

// undescribedRules lists the rule tags of the features that no sources
// page describes (as `@tag`, in a rule-tags table).
func undescribedRules(fsys fs.FS, dir, described string) ([]string, error) {
	cases, err := Load(fsys, "features")
	var out []string
	seen := map[string]bool{}
	for _, cs := range cases {
		for _, r := range Rules(cs.Tags) {
			if !seen[r] && !strings.Contains(described, "`@"+r+"`") {
				out = append(out, fmt.Sprintf("%s:%d: rule tag @%s is described on no page of %s; add it to a page's rule tags table", cs.URI, cs.Line, r, dir))
			}
			seen[r] = true
		}
	}
	return out, err
}

// TestShippedCitationsResolve verifies every source the repository cites
// can be opened by whoever clones it.
func TestShippedCitationsResolve(t *testing.T) {
	t.Parallel()
	problems, err := citationProblems(os.DirFS("../.."), sourcesDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("%d citations cannot be followed in a clone of the repository:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// citingFixture is a small repository whose citations all resolve; each
// case of TestCitationProblems breaks one. The forbidden forms are built
// in pieces so that this file does not itself cite what it forbids.
func citingFixture() fstest.MapFS {
	feature := "@commercelayer @must @docs-x\nFeature: F\n  Sources: pages/a.md#first-part, fixtures/README.md\n  Scenario: S\n    Given x\n"
	return fstest.MapFS{
		"features/f.feature":          {Data: []byte(feature)},
		"fixtures/README.md":          {Data: []byte("See `token/t.json` and `../pages/a.md#second`.\n")},
		"fixtures/token/t.json":       {Data: []byte("{}")},
		"pages/a.md":                  {Data: []byte("# A\n\n## First part\n\n```\n## not a heading\n```\n\n### Second\n\n| `@docs-x` | [b](b.md#b) |\n")},
		"pages/b.md":                  {Data: []byte("# B\n\nSee [first](a.md#first-part), [here](#b), src/jwtDecode.spec.ts, legacy authentication/README.md.\n")},
		"internal/x/x.go":             {Data: []byte("// Lifetimes: pages/a.md#second.\npackage x\n")},
		"schemas/s.json":              {Data: []byte(`{"description": "see fixtures/token/t.json"}`)},
		".git/objects/shared" + "/xx": {Data: []byte("skipped")},
	}
}

// TestCitationProblems verifies each way a citation can break is reported
// with where it is and why.
func TestCitationProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, text, want string
	}{
		{"all resolve", "", "", ""},
		{"missing page", "features/g.feature", "Feature: G\n  see pages/nope.md\n", "features/g.feature:2: cites pages/nope.md, but pages/nope.md does not exist"},
		{"missing anchor", "internal/x/y.go", "// pages/a.md#third\npackage x\n", "internal/x/y.go:1: cites pages/a.md#third, but pages/a.md has no heading whose anchor is #third"},
		{"heading only in a code block", "README.md", "pages/a.md#not-a-heading\n", "has no heading whose anchor is #not-a-heading"},
		{"missing feature", "pages/c.md", "# C\nsee features/none.feature\n", "pages/c.md:2: cites features/none.feature, but features/none.feature does not exist"},
		{"missing fixture, relative", "fixtures/README.md", "See `token/u.json`.\n", "fixtures/README.md:1: cites token/u.json, but fixtures/token/u.json does not exist"},
		{"outside the repository", "fixtures/README.md", "See ../../etc/x.txt\n", "cites ../../etc/x.txt, outside the repository"},
		{"broken Markdown link", "pages/b.md", "# B\n[a](a.md#nowhere)\n", "pages/b.md:2: cites a.md#nowhere, but pages/a.md has no heading"},
		{"shared notes", "internal/x/x.go", "// see ../shared" + "/spec/notes.md\npackage x\n", "internal/x/x.go:1: cites a path under shared"},
		{"shared notes in a feature", "features/g.feature", "Feature: G\n  (shared" + "/seed)\n", "features/g.feature:2: cites a path under shared"},
		{"lettered section", "features/g.feature", "Feature: G\n  (spec §" + "(b))\n", "features/g.feature:2: cites a lettered section"},
		{"numbered checklist item", "schemas/s.json", `{"description": "rfc-checklist #` + `33"}`, "schemas/s.json:1: cites a numbered item"},
		{"undescribed rule tag", "features/g.feature", "@commercelayer @must @cl-test-y\nFeature: G\n  Scenario: S\n    Given x\n", "features/g.feature:3: rule tag @cl-test-y is described on no page"},
		{"two headings, one anchor", "pages/c.md", "# C\n## Scope\n## Scope\n", "pages/c.md:3: a heading repeats the anchor #scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := citingFixture()
			if tt.file != "" {
				fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.text)}
			}
			problems, err := citationProblems(fsys, "pages")
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if len(problems) > 0 {
					t.Errorf("want no problems, got:\n%s", strings.Join(problems, "\n"))
				}
				return
			}
			if len(problems) != 1 || !strings.Contains(problems[0], tt.want) {
				t.Errorf("want one problem containing %q, got %d:\n%s", tt.want, len(problems), strings.Join(problems, "\n"))
			}
		})
	}
}

// TestAnchorOf verifies headings get GitHub's anchors.
func TestAnchorOf(t *testing.T) {
	t.Parallel()
	tests := []struct{ title, want string }{
		{"Lifetimes", "lifetimes"},
		{" Core API errors (context)", "core-api-errors-context"},
		{"RFC 7521 and RFC 7523", "rfc-7521-and-rfc-7523"},
		{"Doorkeeper's codes", "doorkeepers-codes"},
		{"`scope` § 3.3", "scope--33"},
	}
	for _, tt := range tests {
		if got := anchorOf(tt.title); got != tt.want {
			t.Errorf("anchorOf(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}
