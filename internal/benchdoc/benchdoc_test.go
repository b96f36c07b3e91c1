package benchdoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const doc3 = "# Benchmarks\n\nIntro.\n\n## A\n\nold a\n\n## B\n\nold b\n### B detail\n\nmore b\n\n## C\n\nold c\n"

func TestReplaceSection(t *testing.T) {
	for _, tc := range []struct {
		name, doc, heading, body, want string
	}{
		{"first", doc3, "## A", "new a\n",
			"# Benchmarks\n\nIntro.\n\n## A\n\nnew a\n\n## B\n\nold b\n### B detail\n\nmore b\n\n## C\n\nold c\n"},
		{"middle, with its subsections", doc3, "## B", "new b\n\n| x |\n|---|\n",
			"# Benchmarks\n\nIntro.\n\n## A\n\nold a\n\n## B\n\nnew b\n\n| x |\n|---|\n\n## C\n\nold c\n"},
		{"last", doc3, "## C", "new c", "# Benchmarks\n\nIntro.\n\n## A\n\nold a\n\n## B\n\nold b\n### B detail\n\nmore b\n\n## C\n\nnew c\n"},
		{"append", doc3, "## D", "\nnew d\n\n\n", doc3 + "\n## D\n\nnew d\n"},
		{"append after missing final newline", "# Benchmarks\n\n## A\n\nold a", "## D", "d", "# Benchmarks\n\n## A\n\nold a\n\n## D\n\nd\n"},
		{"empty document", "", "## A", "a\n", "# Benchmarks\n\n## A\n\na\n"},
		{"heading matched as a whole line only", "# Benchmarks\n\n## AB\n\nab\n\n### A\n\nx\n", "## A", "a",
			"# Benchmarks\n\n## AB\n\nab\n\n### A\n\nx\n\n## A\n\na\n"},
		{"extra blank lines between sections", "# B\n\n## A\n\nold\n\n\n\n## C\n\nc\n\n\n", "## A", "new",
			"# B\n\n## A\n\nnew\n\n## C\n\nc\n\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := replaceSection(tc.doc, tc.heading, tc.body); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestWriteSectionFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs", "benchmarks.md")
	if err := writeSection(path, "## A", "a1\n"); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, "## B", "b1\n"); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, "## A", "a2\n"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# Benchmarks\n\n## A\n\na2\n\n## B\n\nb1\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteSectionRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	for _, tc := range []struct{ heading, body string }{
		{"A", "a"},
		{"# A", "a"},
		{"### A", "a"},
		{"## A\n## B", "a"},
		{"## A", "## A\n\na"},
	} {
		if err := writeSection(path, tc.heading, tc.body); err == nil {
			t.Errorf("writeSection(%q, %q) succeeded", tc.heading, tc.body)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a rejected write created the file")
	}
}

func TestPath(t *testing.T) {
	p, err := Path()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(p)), "go.mod")); err != nil {
		t.Errorf("%s is not beside the module's go.mod: %v", p, err)
	}
	if !strings.HasSuffix(filepath.ToSlash(p), "/docs/benchmarks.md") {
		t.Errorf("Path() = %s", p)
	}
}

func TestMachine(t *testing.T) {
	m := Machine()
	if !strings.Contains(m, " cores, ") || strings.HasSuffix(m, ", ") {
		t.Errorf("Machine() = %q", m)
	}
	if LoadAvg() == "" {
		t.Error("LoadAvg() is empty")
	}
}
