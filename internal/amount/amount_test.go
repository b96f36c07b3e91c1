package amount

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var tpt = Token{Symbol: "TPT", Decimals: 18}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" means an error
	}{
		{"5TPT", "5000000000000000000"},
		{"0.25 TPT", "250000000000000000"},
		{"0.25tpt", "250000000000000000"},
		{".5TPT", "500000000000000000"},
		{"1_000 TPT", "1000000000000000000000"},
		{"5e15", "5000000000000000"},
		{"2.5e3", "2500"},
		{"1000", "1000"},
		{"1_000", "1000"},
		{"0", "0"},
		{"0.000000000000000001TPT", "1"},
		{"0.0000000000000000001TPT", ""}, // more decimals than the token
		{"0.25", ""},                     // base units are integers
		{"2.55e1", ""},                   // not a whole number of base units
		{"5USDC", ""},                    // another token
		{"-5", ""},
		{"5 T P T", ""},
		{"", ""},
		{"e5", ""},
		{"5e99", ""},
		{"TPT", ""},
	} {
		got, err := Parse(c.in, tpt)
		if c.want == "" {
			if err == nil {
				t.Errorf("Parse(%q) = %s, want an error", c.in, got)
			} else if !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q): %v does not wrap ErrSyntax", c.in, err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
}

func TestParseUnknownToken(t *testing.T) {
	if _, err := Parse("5TPT", Token{}); err == nil || !strings.Contains(err.Error(), "base units") {
		t.Fatalf("whole tokens of an unknown token: %v", err)
	}
	if v, err := Parse("5e3", Token{}); err != nil || v.Int64() != 5000 {
		t.Fatalf("base units of an unknown token: %v %v", v, err)
	}
}

func TestFormat(t *testing.T) {
	v, _ := new(big.Int).SetString("835200000000000", 10)
	for _, c := range []struct {
		v    *big.Int
		tok  Token
		want string
	}{
		{v, tpt, "0.0008352 TPT"},
		{big.NewInt(0), tpt, "0 TPT"},
		{new(big.Int).Mul(big.NewInt(5), big.NewInt(1e18)), tpt, "5 TPT"},
		{big.NewInt(1), tpt, "0.000000000000000001 TPT"},
		{big.NewInt(-1500), Token{Symbol: "X", Decimals: 3}, "-1.5 X"},
		{big.NewInt(1000), Token{}, "1000 base units"},
		{MaxUint128, tpt, "everything"},
		{MaxUint256, tpt, "unlimited"},
		{nil, tpt, "-"},
	} {
		if got := Format(c.v, c.tok); got != c.want {
			t.Errorf("Format(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := PerHour(big.NewInt(232000000000), tpt); got != "0.0008352 TPT/h" {
		t.Errorf("PerHour = %q", got)
	}
	if got := FormatString("340282366920938463463374607431768211455", tpt); got != "everything" {
		t.Errorf("the 2^128-1 sentinel printed as %q", got)
	}
}

// Every formatted amount parses back to itself.
func TestRoundTrip(t *testing.T) {
	for _, s := range []string{"1", "10", "835200000000000", "123456789012345678901234567890"} {
		v, _ := new(big.Int).SetString(s, 10)
		for _, d := range []uint8{0, 6, 18} {
			tok := Token{Symbol: "T", Decimals: d}
			back, err := Parse(Format(v, tok), tok)
			if err != nil || back.Cmp(v) != 0 {
				t.Errorf("%s at %d decimals: %q parsed to %v, %v", s, d, Format(v, tok), back, err)
			}
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{58 * time.Second, "58 s"},
		{4*time.Minute + 10*time.Second, "4 min 10 s"},
		{time.Hour + 45*time.Minute + 11*time.Second, "1 h 45 min"},
		{2 * time.Hour, "2 h"},
		{76 * time.Hour, "3 d 4 h"},
		{-3 * time.Second, "-3 s"},
	} {
		if got := Duration(c.d); got != c.want {
			t.Errorf("Duration(%s) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestCache(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens.json")
	calls := 0
	look := func(ctx context.Context, addr string) (Token, error) {
		calls++
		return tpt, nil
	}
	c := &Cache{File: file, Lookup: look}
	k := Key(1337, "0xabc", "0xToken")
	if got := c.Get(context.Background(), k, "0xToken"); got != tpt {
		t.Fatalf("Get = %v", got)
	}
	// A second cache on the same file needs no lookup.
	c2 := &Cache{File: file, Lookup: look}
	if got := c2.Get(context.Background(), k, "0xToken"); got != tpt || calls != 1 {
		t.Fatalf("cached Get = %v after %d lookups", got, calls)
	}
	// A failing lookup gives an unknown token, not an error.
	c3 := &Cache{Lookup: func(context.Context, string) (Token, error) { return Token{}, errors.New("no") }}
	if got := c3.Get(context.Background(), "k", "a"); got.Known() {
		t.Fatalf("failed lookup gave %v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"5TPT", "0.25 TPT", "5e15", "1000", "1_000", ".5TPT", "2.5e3", "e", "5e", "0x10"} {
		f.Add(s, uint8(18))
	}
	f.Fuzz(func(t *testing.T, s string, d uint8) {
		tok := Token{Symbol: "TPT", Decimals: d % 78}
		v, err := Parse(s, tok)
		if err != nil {
			return
		}
		if v.Sign() < 0 || v.BitLen() > 256 {
			t.Fatalf("Parse(%q) = %s", s, v)
		}
		back, err := Parse(Format(v, tok), tok)
		if !IsSentinel(v) && (err != nil || back.Cmp(v) != 0) {
			t.Fatalf("Parse(%q) = %s formats as %q which parses to %v, %v", s, v, Format(v, tok), back, err)
		}
	})
}

func TestUnitsJSON(t *testing.T) {
	type doc struct {
		A Units   `json:"a"`
		B Units   `json:"b,omitzero"`
		L []Units `json:"l"`
	}
	big1, _ := new(big.Int).SetString("340282366920938463463374607431768211455", 10)
	d := doc{A: NewUnits(big1), L: []Units{NewUnits(big.NewInt(0)), NewUnits(big.NewInt(7))}}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":"340282366920938463463374607431768211455","l":["0","7"]}`; string(b) != want {
		t.Fatalf("marshal: %s, want %s", b, want)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back.A.Cmp(big1) != 0 || !back.B.IsZero() || back.L[1].Int64() != 7 {
		t.Fatalf("unmarshal: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"a":""}`), &back); err != nil || !back.A.IsZero() {
		t.Fatalf("empty string: %+v, %v", back, err)
	}
	for _, in := range []string{`{"a":"-1"}`, `{"a":"1.5"}`, `{"a":"0x10"}`, `{"a":5}`} {
		if err := json.Unmarshal([]byte(in), &back); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}
