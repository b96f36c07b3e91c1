# Trusted Pods. `make demo` runs the whole local network; `make test` runs the suite.
# Both install what they need on a Debian machine (as root) through scripts/deps.sh.

GO       ?= go
BIN      := bin
TPOD     := $(BIN)/tpod
export PATH := $(CURDIR)/$(BIN)/tools:$(PATH)

.PHONY: all build deps test test-short demo contracts proto generate check-generated bench fuzz clean

all: build

build:
	$(GO) build -o $(TPOD) ./cmd/tpod

# deps installs Debian packages, npm packages and Go tools the project needs.
deps:
	bash scripts/deps.sh

# test runs every test with the real parts: a private containerd, envtest, the
# embedded chain and IPFS. It starts and stops those services itself.
test: deps
	bash scripts/test.sh

# test-short skips tests that need root services (containerd, envtest).
test-short:
	$(GO) test -short ./...

demo: deps build
	bash scripts/demo.sh

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
