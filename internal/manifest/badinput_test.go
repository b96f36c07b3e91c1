package manifest

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// billionLaughs is the classic alias bomb: nine levels of nine aliases
// expand to 9^9 strings.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = n
	}
	return b.String()
}

// TestBadInputBounded feeds alias bombs, deep nesting, huge and malformed
// files to every format: each is refused quickly with a clear message and
// without growing the heap.
func TestBadInputBounded(t *testing.T) {
	deepFlow := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	deepBlock := func() string {
		var b strings.Builder
		b.WriteString("services:\n")
		for i := 0; i < 200; i++ {
			b.WriteString(strings.Repeat("  ", i+1) + fmt.Sprintf("k%d:\n", i))
		}
		return b.String()
	}()
	tests := []struct {
		name, file, data, want string
	}{
		{"billion laughs (compose)", "compose.yaml", "services:\n  web:\n    image: x\n" + "x-" + billionLaughs(), "alias bomb"},
		{"billion laughs (kubernetes)", "k.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    x: y\n" + billionLaughs(), "alias bomb"},
		{"billion laughs (tpod)", "p.yaml", "apiVersion: tpod.dev/v1\nkind: Pod\n" + billionLaughs(), "alias bomb"},
		{"deep flow nesting", "k.yaml", "apiVersion: v1\nkind: Pod\nspec: " + deepFlow + "\n", "deeper"},
		{"deep block nesting", "compose.yaml", deepBlock, "deeper than"},
		{"huge file", "compose.yaml", "services:\n  web:\n    image: x\n# " + strings.Repeat("x", MaxSize) + "\n", "larger than"},
		{"malformed", "compose.yaml", "services:\n  web:\n    image: [x\n", "YAML"},
		{"tabs", "k.yaml", "apiVersion: v1\nkind: Pod\n\tmetadata: {}\n", "YAML"},
		{"not a mapping", "k.yaml", "- a\n- b\n", "not a list"},
		{"binary", "compose.yaml", "\x00\x01\x02\xff\xfe", "YAML"},
		{"empty", "compose.yaml", "", ""},
		{"many documents", "k.yaml", strings.Repeat("---\na: 1\n", 2000), "documents"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			t0 := time.Now()
			_, err := Load([]byte(tc.data), tc.file)
			took := time.Since(t0)
			runtime.ReadMemStats(&after)
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("accepted or not ErrInvalid: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not say %q", err, tc.want)
			}
			checkMessage(t, err.Error())
			if took > 2*time.Second {
				t.Errorf("took %v", took)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
				t.Errorf("allocated %d MiB", grew>>20)
			}
			t.Logf("%v, %d KiB allocated: %.120s", took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>10, err)
		})
	}
}

// TestErrorsReportEverything: one run names every problem, with positions
// and the user's own names.
func TestErrorsReportEverything(t *testing.T) {
	doc := `services:
  web:
    image: nginx
    privileged: true
    volumes:
      - ./site:/usr/share/nginx/html
      - db_data:/data
    environment:
      1BAD: x
  api:
    build: ./api
volumes:
  db_data:
`
	_, err := Load([]byte(doc), "compose.yaml")
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		"compose.yaml:4:5: services.web.privileged: refused",
		"compose.yaml:6:9: services.web.volumes[0]: bind mount of ./site",
		"compose.yaml:10:3: services.api: has no image (hint: build and save the image",
		"compose.yaml:9:7: services.web.environment.1BAD: \"1BAD\" is not a valid variable name",
		"4 problems",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	checkMessage(t, msg)
}

// FuzzLoad loads arbitrary bytes in every format, seeded with the corpus:
// nothing panics, and whatever loads validates and survives its canonical
// form.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"pod.yaml", "k8s-pod.yaml", "k8s-deployment.yaml", "compose.yaml"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, name)
	}
	for _, c := range corpusEntries(f) {
		data, err := os.ReadFile(c.path)
		if err != nil {
			f.Fatal(err)
		}
		name := "k8s.yaml"
		if strings.Contains(c.name, "compose") {
			name = "compose.yaml"
		}
		f.Add(data, name)
	}
	f.Add([]byte("services: {a: {image: b, ports: ['1:2/udp'], command: 'a \"b c\"'}}"), "compose.yaml")
	f.Add([]byte(billionLaughs()), "compose.yaml")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		// Only names without directories: the fuzzer must not make the
		// Compose loader read files of this machine (include, env_file).
		if strings.ContainsAny(name, "/\\") {
			return
		}
		t0 := time.Now()
		p, _, err := LoadWith(data, name, Options{Dir: t.TempDir()})
		if d := time.Since(t0); d > 2*time.Second {
			t.Fatalf("loading took %v", d) // slow input is a denial of service
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !strings.Contains(err.Error(), "no such file") {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("error is not a ValidationError: %T %v", err, err)
				}
			}
			return
		}
		q, err := ParseCanonical(p.Canonical())
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, p.Canonical())
		}
		if q.Hash() != p.Hash() {
			t.Fatal("hash changed")
		}
	})
}
