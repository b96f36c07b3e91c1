#!/usr/bin/env bash
# Regenerates every generated file (contract bindings, protobuf code) and fails
# if anything differs from what is in the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin/tools:$PATH"

generated() { find contracts api -name '*.go' -newer /dev/null 2>/dev/null | xargs -r grep -l '^// Code generated' 2>/dev/null | sort; }
before=$(generated | xargs -r sha256sum)
go generate ./contracts/... ./api/... 
after=$(generated | xargs -r sha256sum)
if [[ "$before" != "$after" ]]; then
	echo "check-generated: generated code is stale; run 'make generate' and commit:" >&2
	diff <(echo "$before") <(echo "$after") >&2 || true
	exit 1
fi
echo "check-generated: generated code is up to date"
