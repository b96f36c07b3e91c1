package provider

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
)

// growingLog is a container log that has n lines and gets one more every
// interval while followed, as a runtime's Logs serves it.
type growingLog struct {
	mu       sync.Mutex
	n        int
	interval time.Duration
	partial  string // an unfinished last line, completed by the next write
}

func (g *growingLog) logs(ctx context.Context, o runtime.LogOptions, w io.Writer) error {
	g.mu.Lock()
	var b strings.Builder
	for i := range g.n {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	b.WriteString(g.partial)
	g.mu.Unlock()
	if _, err := io.WriteString(w, b.String()); err != nil || !o.Follow {
		return err
	}
	rest := strings.TrimPrefix(fmt.Sprintf("line %d\n", g.n), g.partial)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(g.interval):
		}
		if _, err := io.WriteString(w, rest); err != nil {
			return err
		}
		g.mu.Lock()
		g.n++
		g.mu.Unlock()
		rest = fmt.Sprintf("line %d\n", g.n)
	}
}

// TestLogTailFollow: a followed tail sends the last lines at once, not when
// the stream ends, then the new lines, each once.
func TestLogTailFollow(t *testing.T) {
	g := &growingLog{n: 10, interval: 300 * time.Millisecond, partial: "li"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan string, 100)
	start := time.Now()
	go copyLogLines(ctx, g.logs, true, 3, func(l []byte) error { got <- string(l); return nil })
	want := []string{"line 7", "line 8", "line 9", "line 10", "line 11"}
	for i, w := range want {
		select {
		case l := <-got:
			if l != w {
				t.Fatalf("line %d: %q, want %q", i, l, w)
			}
			if i < 3 && time.Since(start) > 250*time.Millisecond {
				t.Fatalf("the tail's line %q came after %v: held back", l, time.Since(start))
			}
		case <-ctx.Done():
			t.Fatalf("waiting for %q", w)
		}
	}
}

// TestLogTail: without follow, the last lines and the unfinished one.
func TestLogTail(t *testing.T) {
	g := &growingLog{n: 5, partial: "last"}
	var got []string
	err := copyLogLines(context.Background(), g.logs, false, 2, func(l []byte) error { got = append(got, string(l)); return nil })
	if err != nil || strings.Join(got, "|") != "line 4|last" {
		t.Fatalf("%q %v", got, err)
	}
	got = nil
	copyLogLines(context.Background(), g.logs, false, 0, func(l []byte) error { got = append(got, string(l)); return nil })
	if len(got) != 6 {
		t.Fatalf("all lines: %q", got)
	}
}
