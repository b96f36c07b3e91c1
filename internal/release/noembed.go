//go:build !tpod_release

package release

// embedded is empty in development builds and in the guest's tpod: they
// carry no release policy.
var embedded []byte
