#!/usr/bin/env bash
# The soak run (docs/reliability.md, internal/faults TestSoak): 5 publishers
# deploying, updating, deleting, depositing and unlocking at random against
# one provider, up to 50 pods under gateway load with scale-to-zero wakes,
# for DURATION (default 30m). At the end every channel's payments must
# equal its last receipt × prices to the unit, nothing may be leaked, and
# the provider's RSS, open fds and goroutines must have grown less than
# 10 % after warm-up. Needs root; holds /tmp/tpod-rootsvc.lock (TEAM.md).
#
#   bash scripts/soak.sh 30m
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-${DURATION:-30m}}
export TPOD_FAULTS=full TPOD_SOAK=$dur
exec flock -o /tmp/tpod-rootsvc.lock go test -count=1 -timeout 24h -run '^TestSoak$' -v ./internal/faults/
