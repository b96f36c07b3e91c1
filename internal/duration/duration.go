// Package duration is the one time.Duration of every file format the
// project reads and writes (manifests, the provider's configuration,
// attestation policies): a Go duration string ("90s", "5m0s") in YAML and
// JSON, and in JSON also a number of seconds.
package duration

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Duration is a time.Duration that reads and writes as a Go duration
// string.
type Duration time.Duration

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("not a duration")

// MarshalText writes the Go duration string ("5m0s").
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a Go duration string ("90s", "10m").
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%w (such as 10m): %q", ErrSyntax, b)
	}
	*d = Duration(v)
	return nil
}

// UnmarshalJSON reads a duration string or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return d.UnmarshalText([]byte(s))
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%s: %w: want a string like \"5m\" or seconds", b, ErrSyntax)
	}
	*d = Duration(time.Duration(n) * time.Second)
	return nil
}
