#!/usr/bin/env bash
# Runs the whole suite with real services: starts a private containerd (and
# whatever else tests need), runs go test, and stops the services again.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/check-generated.sh

cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT

# Each testenv script prints `export VAR=...` lines for the tests to find the
# service it started.
if [[ -f scripts/testenv-containerd.sh ]]; then
	eval "$(bash scripts/testenv-containerd.sh start)"
	cleanup+=("bash scripts/testenv-containerd.sh stop")
fi
if [[ -f scripts/testenv-kube.sh ]]; then
	eval "$(bash scripts/testenv-kube.sh env)"
fi
# The single-node Kubernetes cluster (built once per machine, then ~15 s).
if [[ -f scripts/testenv-cluster.sh ]]; then
	cleanup+=("bash scripts/testenv-cluster.sh stop")
	eval "$(bash scripts/testenv-cluster.sh start)"
fi

# The guest image (docs/image.md): the reproducible tpod, a cheap
# reproducibility check of it (another directory, warm cache; the full
# empty-cache run is `make reproduce`), the image (cached by its inputs in
# /var/cache/tpod/image), and a second image build from scratch that must
# give the same bytes. internal/guest's TestVM boots it under QEMU.
bash scripts/reproduce.sh --quick
bash scripts/image.sh bin/image > /tmp/tpod-image.sums
again=$(mktemp -d /tmp/tpod-image-again.XXXXXX)
cleanup+=("rm -rf $again")
TPOD_IMAGE_NOCACHE=1 bash scripts/image.sh "$again" > /tmp/tpod-image-again.sums
cat /tmp/tpod-image.sums
cmp /tmp/tpod-image.sums /tmp/tpod-image-again.sums || { echo "test: two image builds differ" >&2; exit 1; }
echo "test: two image builds are byte-identical"
export TPOD_IMAGE_DIR=$PWD/bin/image

# The soak's 3-minute version (internal/faults TestSoak; about 6 min with
# its warm-up, drains and settling): `make soak DURATION=30m` is the long one.
export TPOD_SOAK=${TPOD_SOAK:-3m}

go vet ./...
# The whole output is kept; on a failure its test errors are printed again
# at the end, without the services' logs the failing tests dumped, so that
# the reason is in the last lines of a long CI log.
log=$(mktemp /tmp/tpod-test-log.XXXXXX)
cleanup+=("rm -f $log")
status=0
go test -timeout 45m -count=1 ./... 2>&1 | tee "$log" || status=$?
if [[ $status -ne 0 ]]; then
	echo
	echo "=== test: failure summary (full output above)"
	grep -E '^(--- FAIL|FAIL|panic:)|^ +--- FAIL|^ +[A-Za-z0-9_]+_test\.go:[0-9]+: |^ +FAIL: .*\.txtar:[0-9]+:' "$log" |
		cut -c1-400 | tail -n 120 || true
	exit "$status"
fi
