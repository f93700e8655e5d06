# authconform: conformance suite for Commerce Layer-style OAuth2 token endpoints.
# `make help` lists the targets.

GO          ?= go
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GORELEASER  := github.com/goreleaser/goreleaser/v2@v2.17.0

# make conformance [TARGET=https://auth.example.com] [FORMAT=pretty,junit:out/junit.xml] [ARGS="-strict"]
TARGET ?=
FORMAT ?= console
ARGS   ?=

.PHONY: help conformance test golden chromium shellcheck lint image release-check tidy bench fuzz interop interop-debs interop-clients

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

conformance:  ## run the suite (against the embedded reference server unless TARGET or AUTHCONFORM_TARGET is set)
	$(GO) run ./cmd/authconform $(if $(TARGET),-target $(TARGET)) -format $(FORMAT) $(ARGS)

# The tests that only check what runs write or report, and the exhaustive
# tests of one goroutine's work (PLAIN_TESTS), skip themselves under -race,
# which cost them five to ten times their CPU for nothing it could find, and
# run in a plain go test after it (internal/race). The self-test's
# concurrency test runs in both: its concurrent runs under -race, its
# comparison with sequential runs plain.
TEST_TIMEOUT ?= 30m
PLAIN_TESTS  := ^(TestNoLeakInAnyEncoding|TestCustomerNoLeakInAnyEncoding|TestGrantBatteryLeaks|TestNothingRawReachesATerminal|TestTokenBattery|TestNoFlakes|TestEveryFaultIsCaught|TestConcurrencyKeepsVerdicts|TestEveryPairMasked|TestNoSurvivorProperty)$$

test: chromium shellcheck  ## vet, then every test (self-test against each reference-server fault included) under -race, then the batteries -race skips
	$(GO) vet ./...
	AUTHCONFORM_REQUIRE_CHROMIUM=1 AUTHCONFORM_REQUIRE_SHELLCHECK=1 $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run '$(PLAIN_TESTS)' ./cmd/authconform ./internal/selftest ./internal/redact

golden:  ## rewrite the generated test data from the features: the self-test's golden file (what each fault fails and warns) and the table of shared requests; review their diff
	$(GO) test -count=1 -run '^(TestEveryFaultIsCaught|TestCleanServerPasses)$$' ./internal/selftest/ -update
	$(GO) test -count=1 -run '^TestSharedRequests$$' ./internal/runner/ -update

# The HTML report's screenshot test renders it in Debian's headless Chromium.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the HTML report's screenshot test"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# actionlint (internal/distcheck) runs the action's scripts through Debian's shellcheck.
shellcheck:
	@command -v shellcheck >/dev/null 2>&1 || { \
		echo "installing Debian's shellcheck for the action's lint"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; }

lint:  ## gofmt, vet and staticcheck (pinned, run through go run)
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

image:  ## build the container image without a daemon: out/image.tar, an OCI image layout of the static binary on an empty base with CA certificates, run as non-root; then read it back and run its binary with -version
	@mkdir -p out/image
	GOOS=linux CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=true -ldflags='-s -w' -o out/image/authconform ./cmd/authconform
	$(GO) run ./internal/image/cmd/image -binary out/image/authconform -o out/image.tar
	$(GO) run ./internal/image/cmd/image -check out/image.tar

release-check:  ## check .goreleaser.yaml with goreleaser check (pinned, through go run; the first run builds goreleaser, which takes minutes)
	$(GO) run $(GORELEASER) check

tidy:  ## check go.mod and go.sum are tidy
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

bench:  ## benchmarks (not part of test): suite against the floor, CLI start-up and memory, scaling, reference server under load
	@mkdir -p out
	$(GO) test -run '^$$' -bench . -benchtime 3s -json ./internal/bench/ > out/bench.json
	$(GO) run ./internal/bench/cmd/benchtable out/bench.json

FUZZTIME ?= 30s
fuzz:  ## fuzz the reference server, the Then steps, redaction, configuration and settings-file parsing, the reproduce lines (pasted into bash and zsh) and the terminal sanitiser, FUZZTIME per target
	$(GO) test -run '^$$' -fuzz '^FuzzServeHTTP$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/refserver
	$(GO) test -run '^$$' -fuzz '^FuzzResponseHandling$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./steps
	$(GO) test -run '^$$' -fuzz '^FuzzRedact$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/redact
	$(GO) test -run '^$$' -fuzz '^FuzzConfig$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/config
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/envfile
	$(GO) test -run '^$$' -fuzz '^FuzzReproduceLine$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/repro
	$(GO) test -run '^$$' -fuzz '^FuzzTerminalSafe$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./internal/termsafe

# make interop [INTEROP_ARGS="-servers hydra,go-oauth2"]  (out/interop/harness -h lists the flags)
interop: interop-debs  ## prove the rfc6749 profile on real servers from the registries: Ory Hydra v2.3.0, go-oauth2/oauth2 v4.5.4 (Go module proxy), @node-oauth/oauth2-server 5.3.0 (npm), django-oauth-toolkit 1.7.0 (Debian); each built once and cached outside the repository; rewrites docs/interop/<server>.md; not part of test
	@mkdir -p out/interop
	$(GO) build -o out/interop/harness ./internal/interop/cmd/interop
	out/interop/harness -go $(GO) $(INTEROP_ARGS)

interop-clients:  ## prove `authconform serve` with Commerce Layer's own npm clients (js-auth, SDK, CLI), installed once from internal/clientcheck/node's lockfile into the user cache; loopback only; `make test` runs their js-auth and SDK calls once installed
	@mkdir -p out/interop
	$(GO) build -o out/interop/authconform ./cmd/authconform
	$(GO) run ./internal/clientcheck/cmd/clientcheck -authconform out/interop/authconform

# django-oauth-toolkit comes from Debian's packages; without apt-get (or when
# the install fails) the harness skips that server and says why.
interop-debs:
	@/usr/bin/python3 -c 'import oauth2_provider' >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || { \
		echo "installing Debian's python3-django-oauth-toolkit for make interop"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-django-oauth-toolkit >/dev/null \
		|| echo "interop: could not install python3-django-oauth-toolkit; django-oauth-toolkit will be skipped"; }
