// Package hex32 is the one shape of a 32-byte value written as hex: pod
// and channel IDs, digests, keys in the store. Parse accepts what people
// and files hold ("0x" optional, either case); String writes 0x and
// lowercase digits, the form of every JSON document (docs/publisher.md).
package hex32

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Bytes is a 32-byte value. It is assignable to [32]byte, so it passes
// wherever one is wanted.
type Bytes [32]byte

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("not 32 bytes of hex")

// Parse reads 64 hex digits, with or without a 0x prefix, and surrounding
// spaces.
func Parse(s string) (Bytes, error) {
	var out Bytes
	t := strings.TrimSpace(s)
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		t = t[2:]
	}
	if len(t) != 64 {
		return out, fmt.Errorf("%q: want 64 hex digits: %w", s, ErrSyntax)
	}
	if _, err := hex.Decode(out[:], []byte(t)); err != nil {
		return out, fmt.Errorf("%q: %w", s, errors.Join(ErrSyntax, err))
	}
	return out, nil
}

// FromBytes copies a slice of exactly 32 bytes.
func FromBytes(b []byte) (Bytes, error) {
	var out Bytes
	if len(b) != len(out) {
		return out, fmt.Errorf("%d bytes, want 32: %w", len(b), ErrSyntax)
	}
	copy(out[:], b)
	return out, nil
}

// String is 0x and 64 lowercase hex digits.
func (b Bytes) String() string { return "0x" + hex.EncodeToString(b[:]) }

// Digits is the 64 lowercase hex digits without a prefix.
func (b Bytes) Digits() string { return hex.EncodeToString(b[:]) }

// IsZero reports whether every byte is zero (omitzero leaves it out).
func (b Bytes) IsZero() bool { return b == Bytes{} }

// MarshalText writes String.
func (b Bytes) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText reads what Parse reads; an empty string is the zero value.
func (b *Bytes) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*b = Bytes{}
		return nil
	}
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}
