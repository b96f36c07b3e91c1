package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestChainClock: the chain clock is the newest block's time advanced by
// the monotonic clock, whatever the wall clock does; the wall clock stands
// in only before the chain was ever read.
func TestChainClock(t *testing.T) {
	wall := time.Unix(5_000_000, 0) // far off the chain
	mono := time.Unix(100, 0)
	head, headErr := uint64(1_000_000), errors.New("unreachable")
	k := &chainClock{
		fallback: func() time.Time { return wall },
		mono:     func() time.Time { return mono },
		head:     func(context.Context) (uint64, error) { return head, headErr },
	}
	if err := k.refresh(context.Background()); err == nil || !k.Now().Equal(wall) {
		t.Fatalf("before any read: %v, %v; want the wall clock", err, k.Now())
	}
	headErr = nil
	if err := k.refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	mono = mono.Add(3 * time.Second)
	wall = wall.Add(-time.Hour) // a step of the wall clock changes nothing
	if got, want := k.Now(), time.Unix(1_000_003, 0); !got.Equal(want) {
		t.Fatalf("3 s after reading block time %d: %v, want %v", head, got.Unix(), want.Unix())
	}
	// The chain unreachable: the estimate runs on.
	headErr = errors.New("unreachable")
	mono = mono.Add(10 * time.Second)
	k.refresh(context.Background())
	if got := k.Now().Unix(); got != 1_000_013 {
		t.Fatalf("chain unreachable: %d, want 1000013", got)
	}
	// A new read takes the chain's time as it is.
	headErr, head = nil, 1_000_011
	k.refresh(context.Background())
	if got := k.Now().Unix(); got != 1_000_011 {
		t.Fatalf("after a new read: %d, want 1000011", got)
	}
}
