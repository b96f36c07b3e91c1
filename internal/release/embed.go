//go:build tpod_release

package release

import _ "embed"

// embedded is the release policy, written by make release (scripts/release.sh)
// before it builds the release tpod with -tags tpod_release.
//
//go:embed policy.json
var embedded []byte
