package hex32

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	digits := strings.Repeat("ab", 32)
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"0x" + digits, true},
		{"0X" + strings.ToUpper(digits), true},
		{digits, true},
		{" 0x" + digits + "\n", true},
		{"0x" + digits[2:], false},
		{"0x" + digits + "00", false},
		{"0x" + digits[2:] + "zz", false},
		{"", false},
		{"0x", false},
	} {
		v, err := Parse(c.in)
		if c.ok != (err == nil) {
			t.Errorf("Parse(%q) = %v, want ok %v", c.in, err, c.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q): %v does not wrap ErrSyntax", c.in, err)
			}
			continue
		}
		if v.String() != "0x"+digits || v.Digits() != digits {
			t.Errorf("Parse(%q) = %s", c.in, v)
		}
	}
}

func TestJSON(t *testing.T) {
	type doc struct {
		A Bytes `json:"a"`
		B Bytes `json:"b,omitzero"`
	}
	var d doc
	d.A[0], d.A[31] = 1, 0xff
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":"0x01` + strings.Repeat("00", 30) + `ff"}`
	if string(b) != want {
		t.Fatalf("marshal: %s, want %s", b, want)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back != d {
		t.Fatalf("unmarshal: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"","b":""}`), &back); err != nil || !back.A.IsZero() || !back.B.IsZero() {
		t.Fatalf("empty strings: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"0x12"}`), &back); !errors.Is(err, ErrSyntax) {
		t.Fatalf("short value: %v", err)
	}
}

func TestFromBytes(t *testing.T) {
	if _, err := FromBytes(make([]byte, 31)); !errors.Is(err, ErrSyntax) {
		t.Fatalf("31 bytes: %v", err)
	}
	v, err := FromBytes(append(make([]byte, 31), 7))
	if err != nil || v[31] != 7 {
		t.Fatalf("32 bytes: %v %v", v, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("0x" + strings.Repeat("0f", 32))
	f.Add(strings.Repeat("A", 64))
	f.Add("0x")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if w, err := Parse(v.String()); err != nil || w != v {
			t.Fatalf("%q: round trip %s: %v", s, v, err)
		}
	})
}
