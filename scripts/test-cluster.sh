#!/usr/bin/env bash
# Only the tests that use the test Kubernetes cluster (also part of
# scripts/test.sh): the provider's end-to-end tests on it and the backend's
# cluster tests. Starts and stops the cluster itself.
set -euo pipefail
cd "$(dirname "$0")/.."
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT
eval "$(bash scripts/testenv-kube.sh env)"
cleanup+=("bash scripts/testenv-cluster.sh stop")
eval "$(bash scripts/testenv-cluster.sh start)"
go test -count=1 -timeout 30m -run 'TestProviderOnKubernetes' ./internal/provider/
go test -count=1 -timeout 30m -run 'TestConformance|TestCluster' ./internal/runtime/kube/
