// Package amount reads and writes token amounts the way people say them:
// "5TPT", "0.25 TPT", "5e15" or plain base units in, "0.25 TPT" and
// "0.0036 TPT/h" out, with the token's symbol and decimals (docs/publisher.md
// § Amounts). Base units stay the machine format: JSON and --raw keep them.
package amount

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Token is what formatting needs to know about an ERC-20 token.
type Token struct {
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

// Known reports whether the token's symbol is known (a zero Token formats
// base units).
func (t Token) Known() bool { return t.Symbol != "" }

// MaxUint128 is 2¹²⁸−1, the Payment contract's "everything" sentinel (an
// unlock of the whole balance, a close).
var MaxUint128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// MaxUint256 is 2²⁵⁶−1, an unlimited ERC-20 allowance.
var MaxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// IsSentinel reports whether v is one of the sentinels that mean
// "everything" or "unlimited" rather than a number.
func IsSentinel(v *big.Int) bool {
	return v != nil && (v.Cmp(MaxUint128) == 0 || v.Cmp(MaxUint256) == 0)
}

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("not an amount")

// Quantity is a parsed amount that may still need its token: either base
// units (Base) or a decimal number of whole tokens with the symbol it was
// given in.
type Quantity struct {
	// Base is set for base units ("1000", "5e15").
	Base *big.Int
	// Decimal and Symbol are set for whole tokens ("0.25 TPT").
	Decimal string
	Symbol  string
	text    string
}

// String is the quantity as the user wrote it.
func (q Quantity) String() string { return q.text }

// IsZero reports whether nothing was parsed.
func (q Quantity) IsZero() bool { return q.Base == nil && q.Decimal == "" }

// Help is the one-line description of the input forms, for flag help.
const Help = "5TPT, 0.25 TPT (whole tokens, by symbol), or base units: 1000, 5e15"

// ParseQuantity parses "5TPT", "0.25 TPT", "5e15", "1_000" or "1000".
// Whole tokens need their symbol; a bare number is base units and must then
// be an integer.
func ParseQuantity(s string) (Quantity, error) {
	text := strings.TrimSpace(s)
	q := Quantity{text: text}
	if text == "" {
		return q, fmt.Errorf("empty amount: want %s: %w", Help, ErrSyntax)
	}
	// Split a trailing symbol: letters (and digits after the first letter).
	num, sym := text, ""
	if i := strings.IndexFunc(text, unicode.IsLetter); i >= 0 {
		// An exponent ("5e15") is not a symbol.
		if !isExponent(text) {
			num, sym = strings.TrimSpace(text[:i]), strings.TrimSpace(text[i:])
		}
	}
	num = strings.ReplaceAll(num, "_", "")
	if sym != "" {
		if !validSymbol(sym) {
			return q, fmt.Errorf("%q: %q is not a token symbol: want %s: %w", text, sym, Help, ErrSyntax)
		}
		if !validDecimal(num) {
			return q, fmt.Errorf("%q: %q is not a number: want %s: %w", text, num, Help, ErrSyntax)
		}
		q.Decimal, q.Symbol = num, sym
		return q, nil
	}
	v, err := parseBase(num)
	if err != nil {
		return q, fmt.Errorf("%q: %w: want %s: %w", text, err, Help, ErrSyntax)
	}
	q.Base = v
	return q, nil
}

func isExponent(s string) bool {
	m, e, ok := strings.Cut(strings.ToLower(strings.ReplaceAll(s, "_", "")), "e")
	if !ok || m == "" || e == "" {
		return false
	}
	for _, c := range m + e {
		if c < '0' || c > '9' {
			if c == '.' {
				continue
			}
			return false
		}
	}
	return true
}

func validSymbol(s string) bool {
	if len(s) > 16 {
		return false
	}
	for i, c := range s {
		if !(unicode.IsLetter(c) || (i > 0 && (unicode.IsDigit(c) || c == '.' || c == '-'))) {
			return false
		}
	}
	return true
}

func validDecimal(s string) bool {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) <= 80
}

// parseBase parses base units: an integer, optionally with a decimal
// exponent ("5e15", "2.5e18") that leaves an integer.
func parseBase(s string) (*big.Int, error) {
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	e := uint64(0)
	if hasExp {
		var err error
		if e, err = strconv.ParseUint(exp, 10, 8); err != nil || e > 77 {
			return nil, errors.New("bad exponent")
		}
	}
	whole, frac, hasDot := strings.Cut(mant, ".")
	if !validDecimal(mant) {
		return nil, errors.New("not a number")
	}
	if hasDot && !hasExp {
		return nil, errors.New("base units are whole numbers; give whole tokens with the symbol (e.g. 0.25TPT)")
	}
	frac = strings.TrimRight(frac, "0")
	if uint64(len(frac)) > e {
		return nil, errors.New("not a whole number of base units")
	}
	digits := whole + frac + strings.Repeat("0", int(e)-len(frac))
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, errors.New("not a number")
	}
	if v.BitLen() > 256 {
		return nil, errors.New("too large")
	}
	return v, nil
}

// Resolve returns the quantity in base units of tok. A symbol must be the
// token's (case-insensitive); whole tokens may not have more fractional
// digits than the token's decimals.
func (q Quantity) Resolve(tok Token) (*big.Int, error) {
	if q.Base != nil {
		return new(big.Int).Set(q.Base), nil
	}
	if q.Decimal == "" {
		return nil, fmt.Errorf("no amount: %w", ErrSyntax)
	}
	if !tok.Known() {
		return nil, fmt.Errorf("%s: the token's symbol is unknown here: give base units: %w", q.text, ErrSyntax)
	}
	if !strings.EqualFold(q.Symbol, tok.Symbol) {
		return nil, fmt.Errorf("%s: the payment token is %s, not %s: %w", q.text, tok.Symbol, q.Symbol, ErrSyntax)
	}
	whole, frac, _ := strings.Cut(q.Decimal, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > int(tok.Decimals) {
		return nil, fmt.Errorf("%s: %s has %d decimals: %w", q.text, tok.Symbol, tok.Decimals, ErrSyntax)
	}
	v, ok := new(big.Int).SetString(whole+frac+strings.Repeat("0", int(tok.Decimals)-len(frac)), 10)
	if !ok {
		return nil, fmt.Errorf("%s: not a number: %w", q.text, ErrSyntax)
	}
	if v.BitLen() > 256 {
		return nil, fmt.Errorf("%s: too large: %w", q.text, ErrSyntax)
	}
	return v, nil
}

// Parse parses s and resolves it against tok in one step.
func Parse(s string, tok Token) (*big.Int, error) {
	q, err := ParseQuantity(s)
	if err != nil {
		return nil, err
	}
	return q.Resolve(tok)
}

// Decimal renders base units as a decimal number of whole tokens, exactly
// (no rounding): 1500000000000000000 with 18 decimals is "1.5".
func Decimal(v *big.Int, decimals uint8) string {
	if v == nil {
		return "0"
	}
	neg := v.Sign() < 0
	s := new(big.Int).Abs(v).String()
	d := int(decimals)
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		whole, frac := s[:len(s)-d], strings.TrimRight(s[len(s)-d:], "0")
		s = whole
		if frac != "" {
			s += "." + frac
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Format renders base units with the token's symbol ("0.25 TPT"); an
// unknown token gives "250 base units". Sentinels are words, never numbers.
func Format(v *big.Int, tok Token) string {
	switch {
	case v == nil:
		return "-"
	case v.Cmp(MaxUint128) == 0:
		return "everything"
	case v.Cmp(MaxUint256) == 0:
		return "unlimited"
	case !tok.Known():
		return v.String() + " base units"
	}
	return Decimal(v, tok.Decimals) + " " + tok.Symbol
}

// FormatString is Format of a decimal string of base units (as records and
// JSON keep them); anything else is returned unchanged.
func FormatString(s string, tok Token) string {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return s
	}
	return Format(v, tok)
}

// PerHour renders a rate in base units per second as an amount per hour
// ("0.0036 TPT/h").
func PerHour(perSecond *big.Int, tok Token) string {
	if perSecond == nil {
		return "-"
	}
	return Format(new(big.Int).Mul(perSecond, big.NewInt(3600)), tok) + "/h"
}

// PerSecond renders a rate in base units per second ("0.000001 TPT/s").
func PerSecond(perSecond *big.Int, tok Token) string {
	if perSecond == nil {
		return "-"
	}
	if IsSentinel(perSecond) {
		return "unlimited"
	}
	return Format(perSecond, tok) + "/s"
}

// Seconds renders a number of seconds as Duration does, also beyond what a
// time.Duration holds (about 292 years): "more than 100 years".
func Seconds(s int64) string {
	if s > 100*365*86400 {
		return "more than 100 years"
	}
	return Duration(time.Duration(s) * time.Second)
}

// Duration renders a duration for people: "58 s", "4 min 10 s", "1 h 45 min",
// "3 d 4 h"; the two largest units, rounded down.
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(-d)
	}
	s := int64(d / time.Second)
	switch {
	case d < time.Second && d > 0:
		return d.Round(time.Millisecond).String()
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return two(s/60, "min", s%60, "s")
	case s < 86400:
		return two(s/3600, "h", s%3600/60, "min")
	}
	return two(s/86400, "d", s%86400/3600, "h")
}

func two(a int64, ua string, b int64, ub string) string {
	if b == 0 {
		return fmt.Sprintf("%d %s", a, ua)
	}
	return fmt.Sprintf("%d %s %d %s", a, ua, b, ub)
}
