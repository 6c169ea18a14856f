# edgecam: `make demo` runs the main job on defaults, `make test` runs every test.
# Both work on a fresh Debian machine with Go; `.ci/run` installs the Debian
# packages the system-level tests need (qemu-user, qemu-system-arm, chromium...).

GO        ?= go
FIXTURES  ?= $(abspath $(or $(EDGECAM_FIXTURES),../shared))
MODELS    ?= $(abspath $(or $(EDGECAM_MODELS),$(FIXTURES)/models))
BIN       := bin
export EDGECAM_FIXTURES := $(FIXTURES)
export CGO_ENABLED := 0

CROSS := linux/arm64 linux/amd64 linux/arm linux/riscv64 darwin/arm64

.PHONY: all build demo test check unit cross test-arm64 test-amd64 test-vm test-browser test-bench test-svg test-systemd test-demo fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/edgecam ./cmd/edgecam

## demo: classify the sample images with an official model and print latency; on a
## fresh clone without ../shared, the embedded model on synthetic camera frames.
demo: build
	EDGECAM_MODELS=$(MODELS) ./scripts/demo.sh $(BIN)/edgecam

## test: every test (unit, golden, MQTT with mosquitto and ffmpeg, cross-builds,
## qemu-aarch64 kernels, amd64 kernels at every level this CPU has, V4L2 VM, browser,
## systemd units, make demo without fixtures, bytes equal to LiteRT's).
test: check unit cross test-arm64 test-amd64 test-litert test-bench test-svg test-vm test-browser test-systemd test-demo
	@echo "make test: all suites passed"

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags purego ./...
	./scripts/staticcheck.sh

unit:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags purego ./kernels/... ./runtime/...

cross:
	@set -e; for t in $(CROSS); do \
	  echo "build $$t"; \
	  GOOS=$${t%/*} GOARCH=$${t#*/} GOARM=7 $(GO) build ./... ; \
	  GOOS=$${t%/*} GOARCH=$${t#*/} GOARM=7 $(GO) vet ./... ; \
	done

test-arm64:
	./scripts/test-arm64.sh

## test-amd64: the AVX2/AVX-512/VNNI kernels natively, with AVX-512 masked, and purego;
## the avo generator's output diffed.
test-amd64:
	./scripts/test-amd64.sh

## test-litert: quantized outputs bit-identical to LiteRT (TFLite's runtime) on every
## quantized fixture and on small models whose requantizations land on ties.
test-litert:
	./scripts/test-litert.sh

test-bench:
	./scripts/test-gobench.sh

test-svg:
	./scripts/test-svg.sh

test-vm:
	./scripts/test-vm.sh

test-browser:
	./scripts/test-browser.sh

test-systemd:
	./scripts/test-systemd.sh

# test-demo: make demo on a fresh clone, without the shared fixtures.
test-demo:
	@out=$$($(MAKE) -s demo EDGECAM_FIXTURES=/nonexistent EDGECAM_MODELS=/nonexistent/models 2>&1) || { echo "$$out"; echo "test-demo: make demo failed without ../shared"; exit 1; }; \
	  echo "$$out" | grep -q '^edgecam run: 5 frames' || { echo "$$out"; echo "test-demo: no classification of synthetic frames"; exit 1; }; \
	  echo "$$out" | grep -q 'mobilenet_v1_0.25_128_int8' || { echo "$$out"; echo "test-demo: no latency"; exit 1; }; \
	  echo "test-demo: make demo works without ../shared"

## fuzz: fuzz the TFLite loader (FUZZTIME, default 10m).
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(or $(FUZZTIME),10m) ./runtime

clean:
	rm -rf $(BIN)
