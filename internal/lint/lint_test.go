package lint

import (
	"path/filepath"
	"testing"
)

// TestSource fails on an exported type or function without a doc comment
// and on an error formatted with %v beside a %w (docs/development.md).
func TestSource(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	found, err := Check(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range found {
		rel, _ := filepath.Rel(root, f.Pos.Filename)
		f.Pos.Filename = filepath.ToSlash(rel)
		n++
		t.Error(f)
	}
	if n > 0 {
		t.Logf("%d findings: document each exported name (what it is, and why where it is not obvious); wrap every cause with %%w", n)
	}
}
