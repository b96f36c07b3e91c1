#!/usr/bin/env bash
# Runs each area's benchmark; each rewrites its own "## <area>" section of
# docs/benchmarks.md with its figures and the machine it ran on.
# One line per area; append yours.
set -euo pipefail
cd "$(dirname "$0")/.."
export TPOD_BENCH=1 TPOD_BENCH_WRITE=1

go test -count=1 -timeout 10m -run '^TestGatewayBenchReport$' -v ./internal/gateway  # gateway: wake from zero, wrk vs direct
go test -count=1 -timeout 10m -run '^TestAttestBenchReport$' -v ./internal/attest  # attestation: parse + verify per kind
go test -count=1 -timeout 10m -run '^TestMeasureBenchReport$' -v ./internal/measure  # measurements: SEV-SNP digest, CCEL replay, TDX direct boot
go test -count=1 -timeout 10m -run '^TestP2PBenchReport$' -v ./internal/p2p  # p2p: request round trips on loopback
(eval "$(bash scripts/testenv-containerd.sh start)" && go test -count=1 -timeout 30m -run '^TestRuntimeBenchReport$' -v ./internal/runtime/containerd)  # runtime: create/wake → first 200 (runc, gVisor), metering 200 idle pods (needs root + testenv-containerd.sh)
(eval "$(bash scripts/testenv-containerd.sh start)" && go test -count=1 -timeout 20m -run '^TestWakeBreakdownReport$' -v ./internal/runtime/containerd)  # runtime: where a stopped wake's time goes (Start's stages, listen, answer; runc and gVisor, start burst on/off) (needs root + testenv-containerd.sh)
go test -count=1 -timeout 20m -run '^TestBundleBenchReport$' -v ./internal/bundle  # bundles: encrypt+add 200 MiB vs plain add, 1 GiB peak memory
go test -count=1 -timeout 10m -run '^TestContractGasBenchReport$' -v ./contracts  # contracts: gas of every Payment/Registry operation (Osaka and dev rules)
(eval "$(bash scripts/testenv-kube.sh env)" && go test -count=1 -timeout 10m -run '^TestKubeBenchReport$' -v ./internal/runtime/kube)  # kubernetes: API-side latency of each backend operation (envtest)
(eval "$(bash scripts/testenv-containerd.sh start)" && go test -count=1 -timeout 10m -run '^TestDeployBenchReport$' -v ./internal/cli)  # deploy: tpod deploy → first HTTP 200 on the in-process network, median of 9 (needs root + testenv-containerd.sh)
go test -count=1 -timeout 10m -run '^TestChainBenchReport$' -v ./internal/chain  # chain client: send+wait latency (HTTP, WS), concurrent nonces, channel state rebuild
go test -count=1 -timeout 30m -run '^TestWakeBenchReport$' -v ./internal/cli  # wake from zero on the user's path: devnet up + deploy as processes, a client outside, runc and gVisor, scale.idle stop and freeze (needs root)
(eval "$(bash scripts/testenv-kube.sh env)" && eval "$(bash scripts/testenv-cluster.sh start)" && go test -count=1 -timeout 30m -run '^TestClusterBenchReport$' -v ./internal/runtime/kube; bash scripts/testenv-cluster.sh stop)  # kubernetes cluster: create/stopped → first 200, metering 50 pods (needs root + testenv-cluster.sh)
