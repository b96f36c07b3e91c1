package publisher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
)

// TestPatientlySaysAtOnce: a chain read that fails and hangs for most of
// WaitTimeout still tells the user what it waits for before it gives up.
func TestPatientlySaysAtOnce(t *testing.T) {
	var said []string
	p := &Publisher{cfg: Config{WaitTimeout: 1500 * time.Millisecond, Progress: func(e Event) { said = append(said, e.Message) }}}
	calls := 0
	err := p.patiently(context.Background(), "x", "checking", func() error {
		calls++
		time.Sleep(800 * time.Millisecond) // a read that times out slowly
		return fmt.Errorf("read: %w", chain.ErrUnavailable)
	})
	if err == nil || !errors.Is(err, chain.ErrUnavailable) || !strings.Contains(err.Error(), "gave up after 1.5s") {
		t.Fatalf("err %v", err)
	}
	if len(said) == 0 || !strings.Contains(said[0], "checking: the chain does not answer") {
		t.Fatalf("progress %q after %d reads: want a first message at the first failure", said, calls)
	}
	// Another error ends it at once, unreported.
	said = nil
	other := errors.New("reverted")
	if err := p.patiently(context.Background(), "x", "checking", func() error { return other }); err != other || len(said) != 0 {
		t.Fatalf("other error: %v, progress %q", err, said)
	}
}
