//go:build unix

package report

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/verdict"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// chromiumTimeout bounds each browser run, so a hung browser fails the test
// instead of hanging it.
const chromiumTimeout = 60 * time.Second

// TestHTMLRendersInChromium verifies a real browser renders the report: a
// screenshot that is not blank and shows the "failed" colour, and a DOM that
// holds every scenario and its <details> and no element from hostile text.
//
// Measured with Chromium 148.0.7778.167 (Debian 12) on 2 CPUs, with -race:
// 2.4 to 4.0 s in all, the screenshot and the DOM dump running side by side
// and the 1 MiB transcript included. A blank page takes ~1 s per run.
func TestHTMLRendersInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("AUTHCONFORM_REQUIRE_CHROMIUM") == "1" {
			t.Fatalf("AUTHCONFORM_REQUIRE_CHROMIUM=1 but %s: %v (apt-get install chromium)", chromiumPath, err)
		}
		t.Skipf("no browser at %s (apt-get install chromium); set AUTHCONFORM_REQUIRE_CHROMIUM=1 to make this a failure", chromiumPath)
	}
	began := time.Now()

	// A failure on top, whose badge and row marker carry the colour the
	// screenshot must show; hostile names, which must stay text; and a
	// 1 MiB transcript, open under the top failure, which must not stall
	// the renderer.
	run := bigRun()
	hostile := hostileRun().Verdicts
	hostile[0].Order = 8
	hostile[1].Order, hostile[1].Status = 9, verdict.Warning
	run.Verdicts = append(run.Verdicts, hostile...)

	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	if err := os.WriteFile(report, []byte(render(t, run)), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "screenshot.png")

	// The two runs are independent; side by side they take the time of one.
	var wg sync.WaitGroup
	var dom []byte
	var shotErr, domErr error
	wg.Go(func() {
		_, shotErr = runChromium(t, filepath.Join(dir, "profile-shot"), "--screenshot="+shot, "file://"+report)
	})
	wg.Go(func() {
		dom, domErr = runChromium(t, filepath.Join(dir, "profile-dom"), "--dump-dom", "file://"+report)
	})
	wg.Wait()
	if shotErr != nil {
		t.Fatalf("screenshot: %v", shotErr)
	}
	if domErr != nil {
		t.Fatalf("dump-dom: %v", domErr)
	}

	checkScreenshot(t, shot, failedColour(t))
	checkDOM(t, string(dom), run)
	t.Logf("Chromium checks took %s", time.Since(began).Round(10*time.Millisecond))
}

// runChromium runs the browser headless and returns its standard output.
// The flags keep a root, offline, sandbox-less container quiet: no sandbox
// (root), no GPU, and none of the background fetches (component updates,
// sync, QUIC probes) that would otherwise hammer the closed network.
func runChromium(t *testing.T, profile string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(t.Context(), chromiumTimeout)
	defer cancel()
	flags := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--window-size=1280,900",
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(flags, args...)...)
	// Chromium forks renderer and GPU processes: kill the whole group on
	// timeout, and stop waiting for pipes a stray child may hold open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("still running after %s: %w", chromiumTimeout, ctx.Err())
	}
	if err != nil {
		// Chromium logs harmless D-Bus complaints in a container; show the
		// tail only when something went wrong.
		log := stderr.String()
		return nil, fmt.Errorf("%v\nstderr (tail):\n%s", err, log[max(0, len(log)-2000):])
	}
	return stdout.Bytes(), nil
}

// failedColour reads the "failed" colour from the template's CSS, so the
// test follows the report's palette instead of copying it.
func failedColour(t *testing.T) [3]uint8 {
	t.Helper()
	m := regexp.MustCompile(`--failed:\s*#([0-9a-fA-F]{6});`).FindStringSubmatch(reportSource)
	if m == nil {
		t.Fatal("template CSS defines no --failed: #rrggbb colour")
	}
	var c [3]uint8
	for i := range c {
		v, _ := strconv.ParseUint(m[1][2*i:2*i+2], 16, 8)
		c[i] = uint8(v)
	}
	return c
}

// checkScreenshot checks the PNG has the window's size, is not blank, and
// shows the failed colour both in the header's FAIL banner and in the
// scenario table below it, where the top row is a failure.
func checkScreenshot(t *testing.T, path string, failed [3]uint8) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot does not decode as PNG: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{1280, 900}) {
		t.Errorf("screenshot size = %v; want (1280,900)", got)
	}

	// The header's banner sits in the top bandHeight pixels; the table
	// starts well below. tolerance allows for anti-aliasing at the edges of
	// a fill; the fill itself comes out exact (no colour management in a
	// headless sRGB screenshot; measured: 99.7% of matches exact).
	const bandHeight, tolerance = 80, 8
	colours := map[[3]uint8]bool{}
	var nonWhite, inBanner, inTable int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)}
			colours[c] = true
			if c != [3]uint8{255, 255, 255} {
				nonWhite++
			}
			if near(c, failed, tolerance) {
				if y-b.Min.Y < bandHeight {
					inBanner++
				} else {
					inTable++
				}
			}
		}
	}
	total := b.Dx() * b.Dy()
	t.Logf("screenshot: %d distinct colours, %d%% non-white; failed colour: %d pixels in the banner, %d below",
		len(colours), 100*nonWhite/total, inBanner, inTable)
	// Text, badges and tinted rows give hundreds of colours; a blank or
	// unstyled page gives a handful.
	if len(colours) < 64 {
		t.Errorf("screenshot has %d distinct colours; want at least 64 (is it blank?)", len(colours))
	}
	if nonWhite < total/20 {
		t.Errorf("screenshot is %d%% non-white; want at least 5%% (is it blank?)", 100*nonWhite/total)
	}
	// The FAIL banner is about 70x34 pixels, a "failed" badge about 77x22,
	// less their text; the failed rows' edge marker adds more.
	hex := fmt.Sprintf("#%02x%02x%02x", failed[0], failed[1], failed[2])
	if inBanner < 500 {
		t.Errorf("the header shows %d pixels of the failed colour %s; want the FAIL banner, at least 500", inBanner, hex)
	}
	if inTable < 500 {
		t.Errorf("the table shows %d pixels of the failed colour %s; want a failed badge on top, at least 500", inTable, hex)
	}
}

func near(a, b [3]uint8, tolerance int) bool {
	for i := range a {
		if d := int(a[i]) - int(b[i]); d > tolerance || d < -tolerance {
			return false
		}
	}
	return true
}

// checkDOM checks the DOM Chromium built from the report: every scenario
// is there as text, each has its <details>, failures open, and hostile
// text made no element.
func checkDOM(t *testing.T, dom string, run verdict.Run) {
	t.Helper()
	if !strings.Contains(dom, "</html>") {
		t.Fatalf("--dump-dom output is not a document: %.200q", dom)
	}
	text := html.UnescapeString(dom)
	for _, v := range run.Verdicts {
		if !strings.Contains(text, v.Scenario) {
			t.Errorf("rendered DOM lacks scenario %q", v.Scenario)
		}
	}
	wantOpen := 0
	for _, v := range run.Verdicts {
		if v.Status.FailsRun() {
			wantOpen++
		}
	}
	if got := strings.Count(dom, "<details"); got != len(run.Verdicts) {
		t.Errorf("rendered DOM has %d <details>; want %d", got, len(run.Verdicts))
	}
	if got := strings.Count(dom, "<details open"); got != wantOpen {
		t.Errorf("rendered DOM has %d open <details>; want %d", got, wantOpen)
	}
	lower := strings.ToLower(dom)
	for _, tag := range []string{"<script", "<img", "<link", "<b>"} {
		if strings.Contains(lower, tag) {
			t.Errorf("rendered DOM holds a %s element; hostile text became markup", tag)
		}
	}
	if !strings.Contains(dom, `class="badge">failed</span>`) {
		t.Errorf("rendered DOM has no failed badge")
	}
	if !strings.Contains(text, bigBody) {
		t.Errorf("rendered DOM does not hold the whole 1 MiB body")
	}
}
