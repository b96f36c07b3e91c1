#!/usr/bin/env bash
# Vendors the console's third-party browser code (uPlot) from npm, pinned by
# internal/console/web/package-lock.json, into internal/console/static/vendor,
# which is committed and embedded in tpod: building needs no network and the
# page loads nothing from elsewhere. --check only verifies that the committed
# files are what the lock file's package holds (docs/console.md).
set -euo pipefail
cd "$(dirname "$0")/../internal/console"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
src=web/node_modules/uplot
files=("$src/dist/uPlot.iife.min.js:static/vendor/uPlot.iife.min.js" "$src/dist/uPlot.min.css:static/vendor/uPlot.min.css" "$src/LICENSE:static/vendor/uPlot.LICENSE")
for f in "${files[@]}"; do
	from=${f%%:*} to=${f#*:}
	if [[ ${1:-} == --check ]]; then
		cmp "$from" "$to" || { echo "console-assets: $to differs from the locked npm package; run scripts/console-assets.sh" >&2; exit 1; }
	else
		cp "$from" "$to"
	fi
done
what=vendored; [[ ${1:-} == --check ]] && what=checked
echo "console-assets: uPlot $(node -p "require('./$src/package.json').version"): $what"
