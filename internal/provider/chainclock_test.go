package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestChainClock: the chain clock is the wall clock while that lies within
// a minute ahead of the chain's estimate (the newest block's time advanced
// by the monotonic clock), and the newest block's time when the wall clock
// is off it; before the chain was ever read, the wall clock.
func TestChainClock(t *testing.T) {
	wall := time.Unix(5_000_000, 0) // far off the chain
	mono := time.Unix(100, 0)
	head, headErr := uint64(1_000_000), errors.New("unreachable")
	k := &chainClock{
		wall: func() time.Time { return wall },
		mono: func() time.Time { return mono },
		head: func(context.Context) (uint64, error) { return head, headErr },
	}
	if err := k.refresh(context.Background()); err == nil || !k.Now().Equal(wall) {
		t.Fatalf("before any read: %v, %v; want the wall clock", err, k.Now())
	}
	headErr = nil
	if err := k.refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	mono = mono.Add(3 * time.Second)
	for _, tc := range []struct {
		wall int64
		want int64
	}{
		{5_000_000, 1_000_000},        // an hour and more ahead: the block's time
		{1_000_003 - 3600, 1_000_000}, // an hour behind: the block's time
		{1_000_002, 1_000_000},        // behind the estimate (a chain ahead of real time): the block's time
		{1_000_003, 1_000_003},        // at the estimate: the wall clock
		{1_000_010, 1_000_010},        // a little ahead (the block was old when read): the wall clock
		{1_000_003 + 61, 1_000_000},   // more than a minute ahead: the block's time
	} {
		wall = time.Unix(tc.wall, 0)
		if got := k.Now().Unix(); got != tc.want {
			t.Errorf("wall %d, 3 s after reading block time %d: %d, want %d", tc.wall, head, got, tc.want)
		}
	}
	wall = time.Unix(5_000_000, 0)
	if got := k.Latest().Unix(); got != 1_000_003 {
		t.Errorf("latest with the wall clock off: %d, want the estimate 1000003", got)
	}
	// The chain unreachable: the estimate runs on, and the wall clock
	// with it is believed.
	headErr = errors.New("unreachable")
	mono = mono.Add(10 * time.Second)
	k.refresh(context.Background())
	wall = time.Unix(1_000_014, 0)
	if got := k.Now().Unix(); got != 1_000_014 {
		t.Fatalf("chain unreachable: %d, want the wall clock 1000014", got)
	}
	// A new read takes the chain's time as it is.
	headErr, head = nil, 1_000_020
	k.refresh(context.Background())
	if got := k.Now().Unix(); got != 1_000_020 {
		t.Fatalf("after a new read: %d, want the block's 1000020", got)
	}
}
