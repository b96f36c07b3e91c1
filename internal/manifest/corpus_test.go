package manifest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the corpus golden files")

// corpusEnv is the environment the corpus is loaded with (Compose
// interpolation); TZ is deliberately missing.
var corpusEnv = map[string]string{"API_TOKEN": "tok-123", "HTTP_PORT": "8088"}

// corpusEntry is one file of testdata/corpus, or one directory holding a
// compose.yaml and the files it refers to.
type corpusEntry struct {
	name string // as shown in messages
	path string // the manifest file
}

func corpusEntries(t testing.TB) []corpusEntry {
	ents, err := os.ReadDir("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusEntry
	for _, e := range ents {
		switch {
		case e.IsDir():
			out = append(out, corpusEntry{name: e.Name() + "/compose.yaml", path: filepath.Join("testdata/corpus", e.Name(), "compose.yaml")})
		case strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".json"):
			out = append(out, corpusEntry{name: e.Name(), path: filepath.Join("testdata/corpus", e.Name())})
		}
	}
	return out
}

func (c corpusEntry) golden() string {
	return filepath.Join("testdata/corpus", strings.TrimSuffix(c.name, "/compose.yaml")+".golden")
}

func (c corpusEntry) load(t testing.TB) (*Pod, Format, error) {
	data, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	return LoadWith(data, c.name, Options{Env: corpusEnv, Dir: filepath.Dir(c.path)})
}

// render is what the golden file holds: the outcome, every warning, and the
// normalized pod or the error.
func render(p *Pod, f Format, err error) string {
	var b strings.Builder
	if err != nil {
		b.WriteString("refused\n")
		b.WriteString(err.Error())
		b.WriteString("\n")
		return b.String()
	}
	b.WriteString("accepted " + string(f) + "\n")
	for _, w := range p.Warnings {
		b.WriteString("warning: " + w.String() + "\n")
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, p.Canonical(), "", "  ")
	b.Write(pretty.Bytes())
	b.WriteString("\n")
	return b.String()
}

// TestCorpus loads every file of the corpus (real-world patterns, each
// naming the public file it stands for) and compares the outcome with its
// golden file; go test -run TestCorpus -update rewrites them.
func TestCorpus(t *testing.T) {
	entries := corpusEntries(t)
	if len(entries) < 40 {
		t.Fatalf("corpus has %d files, want at least 40", len(entries))
	}
	accepted := 0
	for _, c := range entries {
		t.Run(c.name, func(t *testing.T) {
			src, _ := os.ReadFile(c.path)
			if !bytes.Contains(src, []byte("stands")) || !bytes.Contains(src, []byte("pattern")) {
				t.Errorf("%s does not say which pattern and public file it stands for", c.name)
			}
			wantRefused := bytes.Contains(src, []byte("# expect: refused"))
			p, f, err := c.load(t)
			if (err != nil) != wantRefused {
				t.Errorf("refused = %v, want %v: %v", err != nil, wantRefused, err)
			}
			if err == nil {
				accepted++
				q, err := ParseCanonical(p.Canonical())
				if err != nil || q.Hash() != p.Hash() {
					t.Errorf("canonical form does not round-trip: %v", err)
				}
			} else {
				checkMessage(t, err.Error())
			}
			got := render(p, f, err)
			if *update {
				if err := os.WriteFile(c.golden(), []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(c.golden())
			if err != nil {
				t.Fatalf("no golden file (go test -run TestCorpus -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("outcome differs from %s (go test -run TestCorpus -update to accept):\n--- got\n%s\n--- want\n%s", c.golden(), got, want)
			}
		})
	}
	t.Logf("%d files, %d accepted", len(entries), accepted)
}

// checkMessage holds every refusal to the message rules: "invalid manifest"
// once, no library prefixes, every problem with a position.
func checkMessage(t *testing.T, msg string) {
	t.Helper()
	if n := strings.Count(msg, "invalid manifest"); n != 1 {
		t.Errorf("%q says invalid manifest %d times", msg, n)
	}
	for _, leak := range []string{"json:", "yaml: unmarshal", "error converting YAML", "mapstructure", "Go struct"} {
		if strings.Contains(msg, leak) {
			t.Errorf("message leaks %q: %s", leak, msg)
		}
	}
	for _, line := range strings.Split(msg, "\n")[1:] {
		if !strings.Contains(line, ":") {
			continue
		}
		if f := strings.SplitN(strings.TrimSpace(line), ":", 3); len(f) < 3 || f[1] == "" || f[1][0] < '0' || f[1][0] > '9' {
			t.Errorf("problem without a line number: %q", line)
		}
	}
}

// TestComposeKeysDocumented: docs/manifest.md's table names every service
// key the loader knows.
func TestComposeKeysDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/manifest.md")
	if err != nil {
		t.Fatal(err)
	}
	for key := range composeKeys {
		if !bytes.Contains(doc, []byte("`"+key+"`")) {
			t.Errorf("docs/manifest.md does not mention the Compose key %s", key)
		}
	}
}
