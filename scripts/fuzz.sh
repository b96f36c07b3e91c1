#!/usr/bin/env bash
# Runs every fuzz target of the project for FUZZTIME each (default 20s).
# `go test` already runs their seed corpora; this explores beyond them.
# New crashers land in the package's testdata/fuzz/ and should be committed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-20s}
status=0
while IFS= read -r file; do
	pkg=./$(dirname "$file")
	for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
		echo "== $pkg $fn ($FUZZTIME)"
		go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" "$pkg" || status=1
	done
done < <(grep -rl --include='*_test.go' '^func Fuzz' internal api contracts 2>/dev/null | sort)
exit $status
