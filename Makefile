# aliyun_ecs_exporter — build, test and run.
#
#   make            build ./aliyun_ecs_exporter
#   make test       install what the tests need, then run every check and test
#   make soak       the 600-scrape e2e soak of shared sweeps (about 3 minutes; CI runs it after make test)
#   make demo       run the exporter on a simulated fleet (no cloud account)
#   make bench      the benchmark harness and go test -bench figures (README, Performance)
#   make release    dist/: reproducible tarballs for linux/amd64 and linux/arm64, sha256sums.txt
#   make image      the container image: with buildah, one manifest for amd64 and arm64
#   make generate   regenerate deploy/kubernetes/base/prometheusrule.yaml
#   make fuzz       run every fuzz target, coverage-guided, for FUZZTIME each (default 10s)
#   make vulncheck  govulncheck against an offline copy of the Go vulnerability database
#   make staticcheck  the pinned staticcheck over the exporter and tools/ (also run by make test)

GO       ?= go
BINARY   := aliyun_ecs_exporter
PKG      := github.com/prometheus/common/version
VERSION  ?= $(shell cat VERSION 2>/dev/null || echo 0.0.0)
REVISION ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
BRANCH   ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X $(PKG).Version=$(VERSION) -X $(PKG).Revision=$(REVISION) \
            -X $(PKG).Branch=$(BRANCH) -X $(PKG).BuildUser=$(shell id -un)@$(shell hostname) \
            -X $(PKG).BuildDate=$(shell date -u +%Y%m%d-%H:%M:%S)

# Tests run with the vendor credential chain pinned to this machine: no ECS
# metadata server, no aliyun CLI profile, an empty HOME, no proxies. The Go
# caches are named explicitly so that the empty HOME does not empty them.
TEST_ENV   = GOCACHE=$(GOCACHE_DIR) GOMODCACHE=$(GOMODCACHE_DIR) GOPATH=$(GOPATH_DIR) \
             ALIBABA_CLOUD_ECS_METADATA_DISABLED=true ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true \
             HTTP_PROXY= HTTPS_PROXY= http_proxy= https_proxy= ALL_PROXY= all_proxy= \
             ALIBABA_CLOUD_ACCESS_KEY_ID= ALIBABA_CLOUD_ACCESS_KEY_SECRET= ALIBABA_CLOUD_SECURITY_TOKEN=

GOCACHE_DIR    := $(shell $(GO) env GOCACHE)
GOMODCACHE_DIR := $(shell $(GO) env GOMODCACHE)
GOPATH_DIR     := $(shell $(GO) env GOPATH)

# make test builds everything in two configurations, so that the standard
# library and every dependency compile once for each, not once per tool:
# the race detector's (go test -race, which needs cgo), and that of the
# release binaries, static and without the build directory's path, for
# everything else: go vet, staticcheck, govulncheck, the binary that the
# end-to-end tests run and put in the image, tools/ and the dashboard
# linter. Both use -trimpath (no test reads its own source path) and
# compile no DWARF (debuggers aside, nothing reads it; stack traces and the
# race detector's reports use the symbol table): that is 15% less compiling.
#
# GOGC=400 lets the compiler (and every Go program of make test) collect
# garbage a quarter as often: 15% less CPU for a cold build here (the
# exporter's: 102 -> 87 CPU-s), for at most 2.4 GB of memory per compile.
BUILD_GOFLAGS = -trimpath -gcflags=all=-dwarf=false
RACE_ENV  = CGO_ENABLED=1 GOFLAGS='$(BUILD_GOFLAGS)' GOGC=400
HOST_ENV  = CGO_ENABLED=0 GOFLAGS='$(BUILD_GOFLAGS)' GOGC=400
# go test's own subset of vet checks is off: make test runs all of go vet
# once. Test binaries carry no DWARF (-w): stack traces keep their file and
# line, and linking takes half the time.
TEST_FLAGS = -count=1 -vet=off -ldflags=-w
# tools/ and the dashboard linter compile their dependencies (Kubernetes,
# kustomize, Loki) without optimisation: they run for a second or two, and
# that compiles 20% faster. The standard library keeps the flags of
# BUILD_GOFLAGS (the last pattern that matches a package wins), so it is
# shared with the rest.
TOOL_GCFLAGS = -gcflags='all=-N -l -dwarf=false' -gcflags=std=-dwarf=false

# Release builds (make crossbuild, make release, make image) are
# reproducible: the same commit and Go version give the same bytes on any
# machine, in any directory, at any time. So they stamp no build user, host
# or branch; the build date and every file time in the tarballs are the
# commit's (SOURCE_DATE_EPOCH); -trimpath drops the directory and
# -buildid= the build ID, and -buildvcs=false keeps out what git says of
# the work tree. The revision is the full commit hash.
PLATFORMS         ?= linux/amd64 linux/arm64
RELEASE_REVISION  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
RELEASE_DATE      ?= $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y%m%d-%H:%M:%S)
RELEASE_LDFLAGS    = -s -w -buildid= -X $(PKG).Version=$(VERSION) -X $(PKG).Revision=$(RELEASE_REVISION) \
                     -X $(PKG).BuildDate=$(RELEASE_DATE)
DIST              ?= dist
# What each tarball holds besides the binary: tracked files only, so that a
# local file (a filled-in credentials env file, say) never ships.
RELEASE_FILES     ?= LICENSE NOTICE deploy

# The container image, and the first of these that can build it: a docker
# client with a running engine, podman, or buildah. buildah builds one image
# per architecture in PLATFORMS and the manifest list $(IMAGE) over them;
# docker and podman build $(IMAGE) for this machine's architecture alone.
# BUILDAH may carry global options: BUILDAH="buildah --root DIR --runroot DIR".
IMAGE          ?= aliyun_ecs_exporter:$(VERSION)
BUILDAH        ?= buildah
CONTAINER_TOOL ?= $(shell if docker info >/dev/null 2>&1; then echo docker; \
                    elif command -v podman >/dev/null 2>&1; then echo podman; \
                    elif command -v buildah >/dev/null 2>&1; then echo buildah; fi)

.PHONY: all build test test-unit test-e2e test-tools fuzz-smoke arm64 race-build vet vet-tools lint-tools soak deps check staticcheck demo clean image generate dashboard-linter lint-dashboard fuzz vulncheck bench \
        crossbuild release

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY) .

# deps installs what the tests use beyond Go, from Debian's packages:
# prometheus (prometheus, promtool), prometheus-alertmanager
# (prometheus-alertmanager, amtool), buildah (the image test), systemd
# (systemd-analyze, for the unit file), qemu-user (qemu-aarch64, which
# runs the arm64 binary in the arm64 test) and chromium with
# fonts-dejavu-core (headless, for the screenshot of /status), gcc (cgo,
# which go test -race needs) and python3 (the independent API stand-in,
# e2e/standin). The tools/
# modules download their dependencies as their tests build, and so does the
# exporter's: the go commands of make test fetch what they need as they
# start, side by side, instead of one `go mod download` first.
deps:
	@missing=""; \
	{ command -v promtool && command -v prometheus; } >/dev/null || missing="$$missing prometheus"; \
	{ command -v prometheus-alertmanager && command -v amtool; } >/dev/null || missing="$$missing prometheus-alertmanager"; \
	command -v buildah >/dev/null || missing="$$missing buildah"; \
	command -v qemu-aarch64 >/dev/null || missing="$$missing qemu-user"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	command -v chromium >/dev/null || missing="$$missing chromium fonts-dejavu-core"; \
	command -v gcc >/dev/null || missing="$$missing gcc libc6-dev"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
		echo ">> installing$$missing from apt"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

check: vet vet-tools

# vet checks gofmt and runs go vet over the exporter's module, in the
# release configuration (HOST_ENV), which compiles what the binary of the
# end-to-end tests needs.
vet:
	@echo ">> gofmt"; out=$$(gofmt -l .); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	env $(HOST_ENV) $(GO) vet ./...

vet-tools:
	cd tools && env $(HOST_ENV) $(SIDE) $(GO) vet $(TOOL_GCFLAGS) ./...

# build-tools builds, with go build in the module directory $(3), the
# commands $(5) into $(TOOLS_CACHE)/$(1)-$(2), where $(2) is a hash of what
# pins them, unless that directory is there, and deletes the builds of
# other hashes. $(4) is what go build's environment adds; $$tmp is a
# directory deleted after.
TOOLS_CACHE := $(dir $(GOCACHE_DIR))aliyun_ecs_exporter-tools
define build-tools
@if [ ! -d $(TOOLS_CACHE)/$(1)-$(2) ]; then \
	echo ">> building $(1) ($(3)) into $(TOOLS_CACHE)/$(1)-$(2)"; \
	tmp=$$(mktemp -d); mkdir -p $(TOOLS_CACHE); \
	(cd $(3) && env $(HOST_ENV) $(4) $(SIDE) $(GO) build -o $$tmp/bin/ $(5)) && \
		rm -rf $(TOOLS_CACHE)/$(1)-* && mv $$tmp/bin $(TOOLS_CACHE)/$(1)-$(2); rc=$$?; \
	rm -rf $$tmp; exit $$rc; \
fi
endef

# lint-tools builds staticcheck and govulncheck, at the versions that
# tools/lint/go.mod pins (its tool directives), in one go build, so that the
# golang.org/x/tools they share compiles once, into LINT_TOOLS, kept across
# runs. The first build downloads about 10 MB of modules and takes about a
# minute of CPU.
LINT_TOOLS_KEY := $(shell cat tools/lint/go.mod tools/lint/go.sum | sha256sum | cut -c1-12)
LINT_TOOLS     := $(TOOLS_CACHE)/lint-$(LINT_TOOLS_KEY)

lint-tools:
	$(call build-tools,lint,$(LINT_TOOLS_KEY),tools/lint,,honnef.co/go/tools/cmd/staticcheck golang.org/x/vuln/cmd/govulncheck)

# staticcheck runs the pinned staticcheck (default checks) over the
# exporter's module and tools/. A finding that is wrong for us is silenced
# where it stands, with //lint:ignore CHECK and the reason.
staticcheck: lint-tools
	@echo ">> $$($(LINT_TOOLS)/staticcheck -version)"
	env $(HOST_ENV) $(SIDE) $(LINT_TOOLS)/staticcheck ./...
	cd tools && env $(HOST_ENV) $(SIDE) $(LINT_TOOLS)/staticcheck ./...

# test runs every check and test: gofmt and go vet, staticcheck,
# govulncheck, the exporter's unit tests under the race detector with each
# fuzz target briefly, its end-to-end tests (the binary against the
# simulator, a real Prometheus and Alertmanager, the container image, arm64
# under qemu, Chromium), then the checks of deploy/ and dashboards/ in the
# tools module (strict decoding, kustomize builds, dashboard-linter
# --strict). The end-to-end and tools tests run verbosely so that their
# figures (stop-to-webhook delay, panels and queries checked, the
# container's uid) show in the log.
#
# The stages run side by side (TEST_JOBS at once), each one's output shown
# whole when it ends; a stage starts once what it reuses is compiled (the
# unit and end-to-end tests after race-build, the end-to-end tests also
# after vet and arm64, for instance), so that no two compile the same
# packages. On 2 cores this is what keeps a cold run short: the end-to-end
# tests and the downloads leave the CPU idle for long stretches.
TEST_JOBS ?= 12

test: deps
	@bin=$$(mktemp -d); \
		$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target IN_TEST=1 TEST_BIN=$$bin \
			test-unit fuzz-smoke test-e2e test-tools staticcheck vulncheck; rc=$$?; \
		rm -rf $$bin; exit $$rc

# test-unit keeps the test binaries in TEST_BIN, when make test sets it, for
# fuzz-smoke to run.
test-unit:
	@home=$$(mktemp -d); \
		env $(TEST_ENV) $(RACE_ENV) HOME=$$home $(GO) test -race $(TEST_FLAGS) $(if $(TEST_BIN),-o $(TEST_BIN)/) \
			$$($(GO) list ./... | grep -v '/e2e$$'); rc=$$?; \
		rm -rf $$home; exit $$rc

# arm64 compiles the exporter for linux/arm64 as the end-to-end tests'
# arm64 and image tests build it (static, -trimpath), so that they only link.
arm64:
	env $(HOST_ENV) GOOS=linux GOARCH=arm64 $(GO) build -buildvcs=false -o /dev/null .

# race-build compiles every package under the race detector, for the unit
# and end-to-end tests to share.
race-build:
	env $(RACE_ENV) $(GO) build -race ./...

test-e2e:
	@home=$$(mktemp -d); \
		env $(TEST_ENV) $(RACE_ENV) HOME=$$home $(GO) test -race $(TEST_FLAGS) -parallel 8 -timeout 20m -v ./e2e/; rc=$$?; \
		rm -rf $$home; exit $$rc

test-tools: dashboard-linter
	@home=$$(mktemp -d); \
		cd tools && env $(TEST_ENV) $(HOST_ENV) HOME=$$home DASHBOARD_LINTER=$(DASHBOARD_LINTER) \
			$(SIDE) $(GO) test $(TEST_FLAGS) $(TOOL_GCFLAGS) -v ./...; rc=$$?; \
		rm -rf $$home; exit $$rc

# Within make test, the order of the stages, and a lower priority for those
# that nothing waits for.
ifdef IN_TEST
test-unit test-e2e: | race-build
fuzz-smoke: | test-unit
test-e2e: | vet arm64
vet-tools lint-tools dashboard-linter: | vet
test-tools: | vet-tools
SIDE := nice -n 10
endif

# soak runs the e2e soak of issue 10: 600 scrapes with mixed deadlines against
# the Python stand-in's churn, 503s and a slow region (about 3 minutes); CI
# runs it after make test.
soak: deps
	@home=$$(mktemp -d); \
		env $(TEST_ENV) $(RACE_ENV) HOME=$$home ECS_SOAK=1 $(GO) test -race $(TEST_FLAGS) -timeout 10m -v -run 'TestSoak' ./e2e/; rc=$$?; \
		rm -rf $$home; exit $$rc

# fuzz runs each fuzz target (package:Name) for FUZZTIME with go test -fuzz,
# coverage-guided: for long runs, make fuzz FUZZTIME=10m (README, Fuzzing).
# It compiles every package once more, with coverage instrumentation (about
# 160 CPU-seconds on a cold build cache).
FUZZTIME     ?= 10s
FUZZ_TARGETS := ./aliyun:FuzzDecodeStatusPage ./aliyun:FuzzResponseHandling ./aliyun:FuzzDecodeHealthPage ./aliyun:FuzzDecodeEventsPage \
                ./aliyun:FuzzZoneRegion ./aliyun:FuzzAssignZones \
                ./internal/simulator:FuzzParseV3Authorization ./internal/simulator:FuzzCanonicalQuery \
                ./internal/simulator:FuzzServeUnsigned ./internal/simulator:FuzzServeSigned \
                ./internal/handler:FuzzScrapeTimeout ./internal/options:FuzzParseEndpoint ./internal/options:FuzzFlagValues \
                ./internal/options:FuzzParse \
                ./internal/config:FuzzParse

fuzz:
	@home=$$(mktemp -d); rc=0; \
	for t in $(FUZZ_TARGETS); do \
		echo ">> fuzz $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		env $(TEST_ENV) HOME=$$home $(GO) test -run='^$$' -fuzz="^$${t#*:}\$$" -fuzztime=$(FUZZTIME) $${t%%:*} || { rc=1; break; }; \
	done; rm -rf $$home; exit $$rc

# fuzz-smoke (in make test) runs each fuzz target for FUZZ_SMOKE inputs on its
# package's test binary as test-unit built it (TEST_BIN), under the race detector,
# instead of compiling everything once more for coverage: the fuzzing
# engine mutates the seed corpus (and what make fuzz found, in GOCACHE/fuzz)
# without coverage guidance, as its warning says. A failing input is saved
# under the package's testdata/fuzz/, as with go test -fuzz. Each target
# passes with a line "ok", as go test's packages do. The budget is a count
# of inputs, a second or two of work each, not a duration: Go 1.26's fuzzing
# engine can fail a run whose -fuzztime duration ends while a busy worker is
# mid-input, with a bare "context deadline exceeded" and no failing input
# (golang.org/issue/75804, fixed in Go 1.27); make test runs it on a busy
# machine, where it happened here about once in four runs of a target.
FUZZ_SMOKE ?= 2000

MODULE     := $(shell sed -n 's/^module //p' go.mod)
FUZZ_PKGS  := $(sort $(foreach t,$(FUZZ_TARGETS),$(firstword $(subst :, ,$(t)))))

fuzz-smoke:
	@home=$$(mktemp -d); own=$$(mktemp -d); bin=$(or $(TEST_BIN),$$own); rc=0; \
	$(if $(TEST_BIN),,env $(TEST_ENV) $(RACE_ENV) $(GO) test -race $(TEST_FLAGS) -c -o $$own/ $(FUZZ_PKGS) || rc=1;) \
	[ $$rc = 0 ] && for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t#*:}; exe=$$bin/$$(basename $$pkg).test; \
		if (cd $$pkg && env $(TEST_ENV) HOME=$$home $(SIDE) $$exe -test.run='^$$' -test.fuzz="^$$name\$$" \
				-test.fuzztime=$(FUZZ_SMOKE)x -test.fuzzcachedir=$(GOCACHE_DIR)/fuzz/$(MODULE)/$${pkg#./} \
				-test.paniconexit0 -test.timeout=5m >$$own/out 2>&1); then \
			printf 'ok  \t%s %s (fuzzed %s inputs, race detector, no coverage guidance)\n' $$pkg $$name $(FUZZ_SMOKE); \
		else cat $$own/out; printf 'FAIL\t%s %s\n' $$pkg $$name; rc=1; fi; \
	done; rm -rf $$home $$own; exit $$rc

# vulncheck runs govulncheck at symbol level against the Go vulnerability
# database as published in the golang.org/x/vulndb module (vuln.go.dev is not
# reachable from here; the module proxy is). govulncheck reads the module's
# data/osv, a plain directory of OSV entries, as it is: -db file:// of a
# directory without index/modules.json makes it build the index in memory
# (golang.org/x/vuln internal/client, newHybridSource), so there is no
# indexing step and nothing to cache beyond the module itself (25 MB zip,
# 67 MB unpacked). Newer data: a newer VULNDB_VERSION (the vulndb module's
# latest pseudo-version). It fails on any finding that $(VULN_EXCEPTIONS)
# does not explain, and if govulncheck cannot run (a govulncheck without
# that directory reading would stop here, not pass).
VULNDB_VERSION      ?= v0.0.0-20261105234957-e22db6528018
VULN_EXCEPTIONS     ?= vulncheck-exceptions.txt
GOVULNCHECK          = $(LINT_TOOLS)/govulncheck

vulncheck: lint-tools
	@tmp=$$(mktemp -d); \
	src=$$(cd $$tmp && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	rm -rf $$tmp; db=$$src/data/osv; \
	entries=$$(ls $$db 2>/dev/null | grep -c '\.json$$'); \
	[ "$$entries" -gt 0 ] || { echo "no OSV entries in data/osv of golang.org/x/vulndb@$(VULNDB_VERSION)"; exit 1; }; \
	echo ">> $$($(GOVULNCHECK) -version 2>&1 | sed -n 's/^Scanner: //p'), database golang.org/x/vulndb@$(VULNDB_VERSION) ($$entries entries)"; \
	out=$$(mktemp); \
	env $(HOST_ENV) $(SIDE) $(GOVULNCHECK) -db file://$$db ./... >$$out 2>&1; \
	if ! grep -Eq '^(Your code is affected by|No vulnerabilities found)' $$out; then \
		cat $$out; rm -f $$out; echo "govulncheck could not run"; exit 1; fi; \
	found=$$(sed -n 's/^Vulnerability #[0-9]*: \(GO-[0-9-]*\).*/\1/p' $$out | sort -u); rm -f $$out; \
	bad=""; for id in $$found; do \
		if line=$$(grep "^$$id[[:space:]]" $(VULN_EXCEPTIONS)); then echo "   explained: $$line"; else bad="$$bad $$id"; fi; \
	done; \
	for id in $$(sed -n 's/^\(GO-[0-9-]*\)[[:space:]].*/\1/p' $(VULN_EXCEPTIONS)); do \
		echo "$$found" | grep -qx "$$id" || echo "   $$id is no longer found: delete it from $(VULN_EXCEPTIONS)"; \
	done; \
	n=$$(echo "$$found" | grep -c GO-); \
	if [ -n "$$bad" ]; then echo "govulncheck: unexplained findings:$$bad (run: $(GOVULNCHECK) -db file://$$db ./...)"; exit 1; fi; \
	echo "govulncheck: $$n called vulnerabilities, all explained in $(VULN_EXCEPTIONS)"

# generate writes the PrometheusRule from deploy/prometheus's rule files; a
# test in tools/ fails while it is out of date.
generate:
	cd tools && $(GO) run ./cmd/genprometheusrule ..

# dashboard-linter builds tools/dashboard-linter (the rules of the
# grafana/dashboard-linter pinned in its go.mod) once into DASHBOARD_LINTER,
# with build-tools, named for the pinned version and a hash of the module's
# files; tools/dashboardcheck runs that binary. It
# builds with a module cache of its own, deleted after, so that its
# dependencies' modules (Loki, Prometheus, gRPC; about 0.45 GB) never stay
# in the Go module cache; it compiles in the shared build cache, in the
# release configuration (HOST_ENV), so the standard library compiled for
# the rest of make test serves it too (about 0.3 GB more in GOCACHE, which
# Go trims of what goes unused).
DASHBOARD_LINTER_DIR := tools/dashboard-linter
DASHBOARD_LINTER_KEY := $(shell sed -n 's,^[^/]*github.com/grafana/dashboard-linter \(v[^ ]*\).*,\1,p' $(DASHBOARD_LINTER_DIR)/go.mod)-$(shell cat $(DASHBOARD_LINTER_DIR)/go.mod $(DASHBOARD_LINTER_DIR)/go.sum $(DASHBOARD_LINTER_DIR)/*.go | sha256sum | cut -c1-12)
DASHBOARD_LINTER     := $(TOOLS_CACHE)/dashboard-linter-$(DASHBOARD_LINTER_KEY)/dashboard-linter

dashboard-linter:
	$(call build-tools,dashboard-linter,$(DASHBOARD_LINTER_KEY),$(DASHBOARD_LINTER_DIR),GOMODCACHE=$$tmp/mod,-modcacherw $(TOOL_GCFLAGS) .)

# lint-dashboard runs the pinned dashboard-linter (also run by make test).
lint-dashboard: dashboard-linter
	$(DASHBOARD_LINTER) dashboards/aliyun-ecs.json

# crossbuild writes .build/OS-ARCH/aliyun_ecs_exporter for each of PLATFORMS,
# static and reproducible (see RELEASE_LDFLAGS); release and image use them.
crossbuild:
	@for p in $(PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; \
		echo ">> building .build/$$os-$$arch/$(BINARY) $(VERSION) $(RELEASE_REVISION)"; \
		env CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch GOAMD64=v1 GOARM64=v8.0 \
			$(GO) build -trimpath -buildvcs=false -ldflags '$(RELEASE_LDFLAGS)' -o .build/$$os-$$arch/$(BINARY) . || exit 1; \
	done

# release writes $(DIST)/aliyun_ecs_exporter-VERSION.OS-ARCH.tar.gz for each of
# PLATFORMS and $(DIST)/sha256sums.txt. Each tarball has one top folder with
# the binary and RELEASE_FILES; entries sorted by name, owned by 0:0, modes
# 0755/0644, times from the commit, then gzip -n (no name, no time). GNU tar.
release: crossbuild
	@set -e; export LC_ALL=C; \
	if [ -n "$$(git status --porcelain 2>/dev/null)" ]; then \
		echo ">> warning: the work tree has changes: the binaries are built from them but stamped $(RELEASE_REVISION)"; fi; \
	stage=$(DIST)/.stage; rm -rf $$stage; mkdir -p $$stage; tarballs=""; \
	for p in $(PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; \
		name=$(BINARY)-$(VERSION).$$os-$$arch; dir=$$stage/$$name; mkdir -p $$dir; \
		git ls-files -z -- $(RELEASE_FILES) | xargs -0 -r cp --parents -t $$dir; \
		for f in $(RELEASE_FILES); do [ -e $$dir/$$f ] || { echo "make release: $$f is not tracked by git" >&2; exit 1; }; done; \
		cp .build/$$os-$$arch/$(BINARY) $$dir/; \
		find $$dir -type d -exec chmod 0755 {} +; find $$dir -type f -exec chmod 0644 {} +; \
		chmod 0755 $$dir/$(BINARY); \
		tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) \
			-C $$stage -cf - $$name | gzip -9 -n > $(DIST)/$$name.tar.gz; \
		tarballs="$$tarballs $$name.tar.gz"; \
	done; \
	rm -rf $$stage; \
	(cd $(DIST) && sha256sum $$tarballs > sha256sums.txt && echo ">> $(DIST)/sha256sums.txt" && cat sha256sums.txt)

# image builds the container image from the crossbuild binaries (Dockerfile:
# FROM scratch, uid 65534). With buildah: $(IMAGE)-OS-ARCH for each of
# PLATFORMS and the manifest list $(IMAGE) over them.
image: crossbuild
	@case "$(CONTAINER_TOOL)" in \
	docker|podman) set -x; $(CONTAINER_TOOL) build --build-arg TARGETARCH=$$($(GO) env GOARCH) \
		--build-arg VERSION=$(VERSION) --build-arg REVISION=$(RELEASE_REVISION) -t $(IMAGE) . ;; \
	buildah) set -e; \
		$(BUILDAH) manifest rm $(IMAGE) >/dev/null 2>&1 || true; \
		(set -x; $(BUILDAH) manifest create $(IMAGE)); \
		for p in $(PLATFORMS); do \
			(set -x; $(BUILDAH) bud --isolation chroot --platform $$p --build-arg VERSION=$(VERSION) \
				--build-arg REVISION=$(RELEASE_REVISION) -t $(IMAGE)-$${p%/*}-$${p#*/} . && \
			$(BUILDAH) manifest add $(IMAGE) $(IMAGE)-$${p%/*}-$${p#*/}); \
		done; \
		$(BUILDAH) manifest inspect $(IMAGE) ;; \
	*) echo "make image: no docker engine, podman or buildah found (Debian: apt-get install buildah)" >&2; exit 1 ;; \
	esac

# bench prints go test -bench figures (decoding a page, writing and
# collecting the state sets) and then runs the harness: the built binary
# against the simulator, beside a sequential pager, one row per scenario.
# Other scenarios: go run ./bench -h.
bench: build
	env $(TEST_ENV) $(GO) test -run='^$$' -bench='DecodeStatusPage50|WriteStatusPer1000|CollectPer1000' -benchmem ./aliyun ./collector
	env $(TEST_ENV) $(GO) run ./bench -exporter ./$(BINARY)

# demo builds the binary and execs it, so that the exporter is make's own
# child: Ctrl-C stops it, and so does killing make's PID (make passes
# SIGTERM on). `go run` leaves its child running when its own PID is killed.
demo: build
	exec ./$(BINARY) --demo --web.listen-address=127.0.0.1:9877

clean:
	rm -rf $(BINARY) .build $(DIST)
