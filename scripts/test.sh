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

go vet ./...
go test -timeout 45m -count=1 ./...
