# aliyun_ecs_exporter — build, test and run.
#
#   make            build ./aliyun_ecs_exporter
#   make test       install what the tests need, then run every check and test
#   make demo       run the exporter on a simulated fleet (no cloud account)

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
TEST_ENV   = GOCACHE=$(shell $(GO) env GOCACHE) GOMODCACHE=$(shell $(GO) env GOMODCACHE) \
             GOPATH=$(shell $(GO) env GOPATH) \
             ALIBABA_CLOUD_ECS_METADATA_DISABLED=true ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true \
             HTTP_PROXY= HTTPS_PROXY= http_proxy= https_proxy= ALL_PROXY= all_proxy= \
             ALIBABA_CLOUD_ACCESS_KEY_ID= ALIBABA_CLOUD_ACCESS_KEY_SECRET= ALIBABA_CLOUD_SECURITY_TOKEN=

.PHONY: all build test deps check demo clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY) .

# deps installs what the tests use beyond Go: promtool (Debian's prometheus).
deps:
	@if ! command -v promtool >/dev/null; then \
		echo ">> installing prometheus and prometheus-alertmanager from apt"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager; \
	fi
	$(GO) mod download

check:
	@echo ">> gofmt"; out=$$(gofmt -l .); \
		if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: deps check
	@home=$$(mktemp -d); \
		env $(TEST_ENV) HOME=$$home $(GO) test -race -count=1 ./...; rc=$$?; \
		rm -rf $$home; exit $$rc

demo:
	$(GO) run . --demo --web.listen-address=127.0.0.1:9877

clean:
	rm -f $(BINARY)
