#!/usr/bin/env bash
# make image: the provider's guest image (docs/image.md) into OUTDIR
# (default bin/image): vmlinuz, initrd.img, cmdline, image.json. Built by
# internal/image/imagebuild from the packages pinned in image/debs.lock
# (cached in /var/cache/tpod/debs) and bin/release/tpod (make release).
# Images are cached in /var/cache/tpod/image under the hash of every input;
# a build is deterministic, so the cache only saves time.
#   SOURCE_DATE_EPOCH  the initrd's mtimes (default 0); recorded in image.json
#   TPOD_IMAGE_NOCACHE=1  build even when a cached image exists
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/image}
epoch=${SOURCE_DATE_EPOCH:-0}
[[ -x bin/release/tpod ]] || bash scripts/release.sh bin/release
key=$( {
	echo "epoch $epoch $(go env GOVERSION)"
	sha256sum image/debs.lock image/initrd.spec image/config.json image/cmdline bin/release/tpod bin/release/tpod.json \
		internal/image/*.go internal/image/imagebuild/*.go | cut -d' ' -f1
} | sha256sum | cut -c1-32)
cache=/var/cache/tpod/image/$key
if [[ ${TPOD_IMAGE_NOCACHE:-} == 1 || ! -f $cache/image.json ]]; then
	mkdir -p /var/cache/tpod/image
	tmp=$(mktemp -d /var/cache/tpod/image/.build.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	go run ./internal/image/imagebuild -epoch "$epoch" -out "$tmp" >&2
	rm -rf "$cache" && mv "$tmp" "$cache"
	# Keep the five newest images.
	ls -1dt /var/cache/tpod/image/*/ | tail -n +6 | xargs -r rm -rf
else
	echo "image: cached $cache" >&2
fi
mkdir -p "$out"
cp "$cache"/{vmlinuz,initrd.img,cmdline,image.json} "$out"/
jq -r '"image: \(.kernel.file) \(.kernel.sha256)\nimage: \(.initrd.file) \(.initrd.sha256) (\(.initrd.size / 1048576 | floor) MiB)\nimage: cmdline \(.cmdline.sha256)"' "$out/image.json"
