package duration

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestJSON(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{`"90s"`, 90 * time.Second, true},
		{`"1h30m"`, 90 * time.Minute, true},
		{`300`, 5 * time.Minute, true},
		{`"5"`, 0, false},
		{`"soon"`, 0, false},
		{`true`, 0, false},
		{`1.5`, 0, false},
	} {
		var d Duration
		err := json.Unmarshal([]byte(c.in), &d)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrSyntax)) {
			t.Errorf("%s: %v, want ok %v", c.in, err, c.ok)
			continue
		}
		if err == nil && time.Duration(d) != c.want {
			t.Errorf("%s = %v, want %v", c.in, time.Duration(d), c.want)
		}
	}
	b, err := json.Marshal(struct{ D Duration }{Duration(5 * time.Minute)})
	if err != nil || string(b) != `{"D":"5m0s"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
}

func TestText(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("10m")); err != nil || d != Duration(10*time.Minute) {
		t.Fatalf("10m: %v %v", d, err)
	}
	if err := d.UnmarshalText([]byte("ten")); !errors.Is(err, ErrSyntax) {
		t.Fatalf("ten: %v", err)
	}
}
