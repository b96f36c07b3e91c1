#!/usr/bin/env bash
# make release: a reproducible, static tpod in bin/release (docs/image.md).
# The same source, Go version and VERSION give the same bytes on any machine:
# no cgo, no paths (-trimpath), no VCS stamp, an empty build ID, the version
# from the VERSION file; symbol tables left out (-s -w: a smaller initrd,
# stack traces keep working). Writes bin/release/tpod and bin/release/tpod.json
# (version, Go version, SHA-256).
#
#   scripts/release.sh [OUTDIR]     (default bin/release)
#   TPOD_BUILD_TAGS  build tags (scripts/release-dist.sh: tpod_release, the
#                    release policy embedded)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/release}
version=$(tr -d ' \n' < VERSION)
[[ $version =~ ^[0-9A-Za-z.+~-]+$ ]] || { echo "release: VERSION holds no valid version" >&2; exit 1; }
mkdir -p "$out"
# Only what the build reads is set; GOFLAGS from the environment could add
# flags that change the output, so it is cleared.
env CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOFLAGS= GOEXPERIMENT= \
	go build -trimpath -buildvcs=false -tags "${TPOD_BUILD_TAGS:-}" \
	-ldflags "-s -w -buildid= -X github.com/trustedpods/tpod/internal/cli.version=$version" \
	-o "$out/tpod" ./cmd/tpod
sum=$(sha256sum "$out/tpod" | cut -d' ' -f1)
cat > "$out/tpod.json" <<JSON
{
  "version": "$version",
  "go": "$(go env GOVERSION)",
  "sha256": "$sum"
}
JSON
echo "release: $out/tpod $version $sum"
