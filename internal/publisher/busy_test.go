package publisher

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/p2p"
)

// A provider busy with a pod (a killed run's provision still going) is
// asked again until it answers something else; a refusal of another kind,
// the limit and the caller's context each end the wait.
func TestWhileBusy(t *testing.T) {
	busy := fmt.Errorf("provision: %w", p2p.ErrBusy)
	calls := 0
	err := whileBusy(context.Background(), time.Minute, func() error {
		calls++
		if calls < 3 {
			return busy
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("busy twice then done: err %v after %d calls, want nil after 3", err, calls)
	}

	other := errors.New("bundle refused")
	calls = 0
	if err := whileBusy(context.Background(), time.Minute, func() error { calls++; return other }); err != other || calls != 1 {
		t.Fatalf("another error: %v after %d calls, want it at once", err, calls)
	}

	calls = 0
	start := time.Now()
	err = whileBusy(context.Background(), time.Second, func() error { calls++; return busy })
	if !errors.Is(err, p2p.ErrBusy) || time.Since(start) > 5*time.Second || calls < 2 {
		t.Fatalf("busy past the limit: %v after %d calls in %v, want busy after ~1 s", err, calls, time.Since(start))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := whileBusy(ctx, time.Minute, func() error { return busy }); !errors.Is(err, p2p.ErrBusy) || time.Since(start) > 5*time.Second {
		t.Fatalf("cancelled context: %v after %v", err, time.Since(start))
	}
}
