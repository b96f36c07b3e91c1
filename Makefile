# Trusted Pods. `make demo` starts the embedded dev chain and walks a payment
# channel through its life; `make test` runs the whole suite with real parts.
# Both install what they need on a Debian machine (as root, with Go 1.26 on
# PATH) through scripts/deps.sh. `make help` lists the targets.

GO       ?= go
BIN      := bin
TPOD     := $(BIN)/tpod
export PATH := $(CURDIR)/$(BIN)/tools:$(PATH)

.PHONY: all help build release guest-tpod reproduce reproduce-quick image image-lock deps test test-short test-faults soak demo contracts proto generate check-generated bench fuzz clean

all: build

help:
	@echo "make demo             the release's tpod on a devnet: deploy pinned by the release policy, a channel's whole life"
	@echo "make test             the whole suite with real services (root)"
	@echo "make test-short       go test -short ./... without root services"
	@echo "make test-cluster     only the tests on the test Kubernetes cluster (root)"
	@echo "make test-faults      the fault suite in full (root; make test runs its short version)"
	@echo "make soak             DURATION=30m: 5 publishers at random against one provider, then payments, leaks, RSS/fds (root)"
	@echo "make build            bin/tpod"
	@echo "make release          the release in bin/release/dist: image, release policy, tpod embedding it (docs/attestation.md §7)"
	@echo "make guest-tpod       the guest image's reproducible static bin/release/tpod (docs/image.md)"
	@echo "make reproduce        build tpod again elsewhere with an empty GOCACHE; fail unless identical (~10 min)"
	@echo "make image            the provider's guest image in bin/image (kernel, initrd, cmdline, image.json)"
	@echo "make image-lock       refresh image/debs.lock from Debian's current versions"
	@echo "make deps             install Debian/npm packages and Go tools"
	@echo "make contracts        compile Solidity, regenerate Go bindings"
	@echo "make check-generated  fail if generated code is stale"
	@echo "make bench            benchmarks into docs/benchmarks.md"
	@echo "make fuzz             run the fuzz targets for a while"
	@echo "make clean            remove bin/"

# build compiles the single tpod binary.
build:
	$(GO) build -o $(TPOD) ./cmd/tpod

# guest-tpod builds the reproducible tpod that the guest image embeds
# (scripts/release.sh: no cgo, -trimpath, no VCS stamp, empty build ID,
# version from VERSION) into bin/release.
guest-tpod:
	bash scripts/release.sh bin/release

# release builds what a release publishes, in bin/release/dist: the guest
# image, its release policy (tpod policy build) and the tpod that embeds it
# (scripts/release-dist.sh). The policy cannot be inside the image it
# describes, so the guest's tpod comes first and this tpod last.
release: guest-tpod
	bash scripts/release-dist.sh bin/release/dist

# reproduce builds tpod a second time in another directory with an empty
# GOCACHE and fails unless both SHA-256 sums are equal; reproduce-quick
# (CI) keeps the build cache.
reproduce:
	bash scripts/reproduce.sh

reproduce-quick:
	bash scripts/reproduce.sh --quick

# image builds the guest image from Debian packages pinned in
# image/debs.lock and the guest's tpod (docs/image.md).
image: guest-tpod
	bash scripts/image.sh bin/image

image-lock:
	bash scripts/image-lock.sh

# deps installs Debian packages, npm packages and Go tools the project needs.
deps:
	bash scripts/deps.sh

# test runs every test with the real parts: a private containerd, envtest, the
# embedded chain and IPFS. It starts and stops those services itself.
test: deps
	bash scripts/test.sh

# test-cluster runs only the tests that use the single-node cluster of
# scripts/testenv-cluster.sh (make test runs them too).
test-cluster: deps
	bash scripts/test-cluster.sh

# test-faults runs the fault suite of internal/faults in full
# (docs/reliability.md); make test runs its short version.
test-faults: deps
	bash scripts/test-faults.sh

# soak runs the long random workload for DURATION (default 30m);
# docs/reliability.md has its figures.
DURATION ?= 30m
soak: deps
	bash scripts/soak.sh $(DURATION)

# test-short skips tests that need root services (containerd, envtest).
test-short:
	$(GO) test -short ./...

# demo runs the release's tpod (make release): `tpod devnet up` in the
# background, whose simulated TEE measures the release image beside it, then
# deploys with the release policy pinning that measurement and drives a
# channel with tpod's own commands (scripts/demo.sh); non-zero exit on any
# failure.
demo: deps release
	TPOD=$(CURDIR)/bin/release/dist/tpod bash scripts/demo.sh

# contracts compiles the Solidity sources and regenerates the Go bindings.
contracts: deps
	$(GO) generate ./contracts/...

proto: deps
	$(GO) generate ./api/...

generate: contracts proto

# check-generated regenerates every generated file and fails on any difference.
check-generated: deps
	bash scripts/check-generated.sh

bench: deps build
	bash scripts/bench.sh

fuzz:
	bash scripts/fuzz.sh

clean:
	rm -rf $(BIN)
