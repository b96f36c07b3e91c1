package lint

import (
	"path/filepath"
	"strconv"
	"testing"
)

// TestCheck runs the checks on a file that breaks each rule.
func TestCheck(t *testing.T) {
	found, err := Check("testdata/src")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, filepath.Base(f.Pos.Filename)+":"+strconv.Itoa(f.Pos.Line)+":"+f.Rule)
	}
	want := []string{"bad.go:11:doc", "bad.go:13:doc", "bad.go:15:doc", "bad.go:33:wrap", "bad.go:34:wrap", "bad.go:35:wrap", "bad.go:39:wrap"}
	if len(got) != len(want) {
		t.Fatalf("findings %v, want %v\n%v", got, want, found)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("findings %v, want %v\n%v", got, want, found)
		}
	}
}
