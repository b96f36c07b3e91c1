package p2p

import (
	"context"
	"errors"
	"testing"
	"time"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
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

// TestExpiryBoundary checks a request is refused from the first instant after
// its expiry second, so forgetting nonces whose expiry passed is safe.
func TestExpiryBoundary(t *testing.T) {
	prov, pod := fuzzProvider()
	body := &p2ppb.ManageRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}}
	for _, c := range []struct {
		after time.Duration
		want  error
	}{{0, nil}, {time.Nanosecond, ErrExpired}, {500 * time.Millisecond, ErrExpired}} {
		s := bareServer(prov)
		s.now = func() time.Time { return fuzzNow.Add(c.after) }
		_, err := s.authorize(context.Background(), signedRequest(OpStatus, pod, body, uint64(fuzzNow.Unix())), OpStatus, pod)
		if (c.want == nil && err != nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%v after expiry: %v, want %v", c.after, err, c.want)
		}
		s.stop()
	}
}
