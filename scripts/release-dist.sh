#!/usr/bin/env bash
# make release, last step: the release as publishers get it, in OUTDIR
# (default bin/release/dist), after `make image` (docs/attestation.md §7):
#   image/        the guest image (vmlinuz, initrd.img, cmdline, image.json)
#   policy.json   the release policy: the image's measurements computed by
#                 `tpod policy build` from the image and the template
#                 compiled into tpod (internal/release/template.yaml)
#   tpod          tpod with that policy embedded (-tags tpod_release), which
#                 `tpod deploy` uses unless --policy names another
#   tpod.json     its version, Go version and SHA-256
# The guest's own tpod (bin/release/tpod, inside the image) carries no
# policy: the policy is computed from the image that contains it.
#   scripts/release-dist.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bin/release/dist}
version=$(tr -d ' \n' < VERSION)
[[ -x bin/release/tpod ]] || bash scripts/release.sh bin/release
mkdir -p "$out"
bash scripts/image.sh "$out/image" >/dev/null
bin/release/tpod policy build --image "$out/image" --release "$version" --out internal/release/policy.json
TPOD_BUILD_TAGS=tpod_release bash scripts/release.sh "$out"
cp internal/release/policy.json "$out/policy.json"
# The binary's own policy must describe the image beside it.
"$out/tpod" policy check --image "$out/image"
