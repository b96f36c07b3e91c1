#!/usr/bin/env bash
# Installs what building, testing and the demo need: Debian packages (as root),
# npm packages for the contracts, and Go tools into bin/tools. Idempotent and
# quick when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
	containerd runc containernetworking-plugins iproute2 iptables runsc  # pod runtime
	protobuf-compiler                                                    # api/proto
	etcd-server                                                          # envtest
	openssl                                                              # test cluster certificates
	wrk nginx haproxy linux-perf                                          # gateway benchmark (nginx and HAProxy are its peers; perf counts system calls)
	nodejs npm                                                           # solc
	curl ca-certificates git make
	bc jq                                                                # scripts/demo.sh arithmetic and JSON
	osslsigncode openssl                                                 # internal/measure: an independent Authenticode digest
	qemu-system-x86 socat xz-utils                                       # guest image: boot test (TCG), guestfwd, module deps
	chromium                                                             # tpod console's browser tests (headless)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs may come from elsewhere than Debian (as on the CI image): accept any node/npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
	tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done; missing=("${tmp[@]}")
fi
if ((${#missing[@]})); then
	if [[ $(id -u) != 0 ]]; then
		echo "deps: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages for the contracts, pinned by contracts/package-lock.json.
if [[ -f contracts/package-lock.json && ( ! -d contracts/node_modules || contracts/package-lock.json -nt contracts/node_modules/.package-lock.json ) ]]; then
	echo "deps: npm ci (contracts)"
	(cd contracts && npm ci --no-audit --no-fund --loglevel=error)
fi

# Go tools, built from the versions go.mod pins, into bin/tools.
mkdir -p bin/tools
tool() { # tool NAME PACKAGE
	[[ -x bin/tools/$1 ]] || { echo "deps: go build $2"; GOBIN="$PWD/bin/tools" go install "$2"; }
}
tool abigen github.com/ethereum/go-ethereum/cmd/abigen
tool protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go
