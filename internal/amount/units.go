package amount

import (
	"encoding/json"
	"fmt"
	"math/big"
)

// Units is an amount in base units as documents keep it: a decimal string
// in JSON (a number past 2⁵³ would lose digits in many readers). The zero
// Units (nil Int) is "not set": it writes "" and omitzero leaves it out.
type Units struct{ *big.Int }

// NewUnits wraps v (nil gives the unset Units).
func NewUnits(v *big.Int) Units { return Units{v} }

// IsZero reports whether the amount is unset (not whether it is 0).
func (u Units) IsZero() bool { return u.Int == nil }

// String is the decimal value, "" when unset.
func (u Units) String() string {
	if u.Int == nil {
		return ""
	}
	return u.Int.String()
}

// MarshalText writes the decimal value.
func (u Units) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// MarshalJSON writes the decimal value as a string (big.Int's own, which
// the embedding would promote, writes a number).
func (u Units) MarshalJSON() ([]byte, error) { return json.Marshal(u.String()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (u *Units) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("base units must be a decimal string: %w", ErrSyntax)
	}
	return u.UnmarshalText([]byte(s))
}

// UnmarshalText reads a non-negative decimal integer; "" is unset.
func (u *Units) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		u.Int = nil
		return nil
	}
	v, ok := new(big.Int).SetString(string(text), 10)
	if !ok || v.Sign() < 0 {
		return fmt.Errorf("%q is not a decimal number of base units: %w", text, ErrSyntax)
	}
	u.Int = v
	return nil
}
