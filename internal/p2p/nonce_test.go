package p2p

import (
	"context"
	"testing"
	"time"
)

func TestMemoryNonces(t *testing.T) {
	now := time.Unix(1000, 0)
	m := NewMemoryNonces(func() time.Time { return now })
	ctx := context.Background()
	use := func(n byte, exp time.Time) bool {
		ok, err := m.UseNonce(ctx, [32]byte{n}, exp)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !use(1, now.Add(time.Minute)) || use(1, now.Add(time.Minute)) {
		t.Fatal("nonce 1: first use refused or replay accepted")
	}
	if !use(2, now.Add(5*time.Minute)) {
		t.Fatal("nonce 2 refused")
	}
	// After nonce 1 expired it is forgotten at the next prune; nonce 2 is not.
	now = now.Add(2 * time.Minute)
	use(3, now.Add(time.Minute))
	if m.Len() != 2 {
		t.Fatalf("%d nonces remembered, want 2", m.Len())
	}
	if use(2, now.Add(time.Minute)) {
		t.Fatal("unexpired nonce 2 accepted again")
	}
}
