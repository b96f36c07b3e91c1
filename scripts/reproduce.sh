#!/usr/bin/env bash
# make reproduce: builds tpod a second time from a copy of this tree in
# another directory and fails unless both binaries are byte-identical.
#   scripts/reproduce.sh          empty GOCACHE: nothing reused (~6 min on 2 cores)
#   scripts/reproduce.sh --quick  the machine's build cache (CI's variant: still
#                                 another directory, so a path that leaked into
#                                 the binary would show)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[[ ${1:-} == --quick ]] && quick=true
start=$SECONDS
bash scripts/release.sh bin/release >/dev/null
want=$(sha256sum bin/release/tpod | cut -d' ' -f1)

work=$(mktemp -d /tmp/tpod-reproduce.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/src"
# The tracked files as they are now (committed or not), nothing else.
git ls-files -z --cached --others --exclude-standard | grep -zv '^bin/' | xargs -0 cp --parents -t "$work/src" 2>/dev/null || true
if $quick; then
	(cd "$work/src" && bash scripts/release.sh "$work/out" >/dev/null)
else
	mkdir "$work/gocache"
	(cd "$work/src" && GOCACHE="$work/gocache" bash scripts/release.sh "$work/out" >/dev/null)
fi
got=$(sha256sum "$work/out/tpod" | cut -d' ' -f1)
mode=$($quick && echo "warm build cache" || echo "empty GOCACHE")
if [[ $got != "$want" ]]; then
	echo "reproduce: FAILED ($mode): $want here, $got in $work/src" >&2
	exit 1
fi
echo "reproduce: OK ($mode, $((SECONDS - start)) s): tpod $want"
