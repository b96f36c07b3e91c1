#!/usr/bin/env bash
# Runs the fault suite in full (docs/reliability.md): every fault of
# internal/faults with the durations docs/reliability.md states (a 2-minute
# chain outage, every crash point, repeated kills). `make test` runs its
# short version. Needs root (bridges, network namespaces, containerd); each
# test starts its own chain, provider and containerd.
#
#   bash scripts/test-faults.sh                 # all of it
#   RUN=TestChainReorg bash scripts/test-faults.sh
#
# The run holds /tmp/tpod-rootsvc.lock (TEAM.md): `flock -o` keeps the lock
# in flock itself, so a process the tests leave behind never holds it.
set -euo pipefail
cd "$(dirname "$0")/.."
export TPOD_FAULTS=full
exec flock -o /tmp/tpod-rootsvc.lock go test -count=1 -timeout "${TIMEOUT:-120m}" -run "${RUN:-.}" -v ./internal/faults/
