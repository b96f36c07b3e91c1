package provider

import (
	"context"
	"sync"
	"time"
)

// chainClock is the time the provider dates receipts by and takes its money
// and security decisions with (the cap guard, pricing notices, request
// expiry, nonce pruning): the chain's, which the Payment contract compares
// receipts against, rather than the machine's wall clock alone, which an
// operator, NTP or a lying host may step by hours (docs/reliability.md §
// Clock). The chain's time is estimated as the newest block's timestamp as
// last read, advanced by the local monotonic clock since that read (which a
// step of the wall clock does not move). The wall clock is taken while it
// lies between the estimate and wallAhead beyond it (the usual case:
// receipts are dated as before, to the second). Outside, the wall clock
// has stepped (or the chain runs ahead of real time, as a devnet mining a
// block per transaction does, each a second after the last): the newest
// block's time itself is taken, which the block that includes a claim
// always passes — the estimate could run past it on a chain ahead of real
// time. Before the first read it is the wall clock.
type chainClock struct {
	head func(ctx context.Context) (uint64, error) // the newest block's time
	wall func() time.Time
	mono func() time.Time // time.Now: its monotonic reading is what counts

	mu     sync.Mutex
	block  time.Time // the newest block's time, as last read
	readAt time.Time // mono() when it was read
}

// wallAhead is how far ahead of the chain clock's estimate the wall clock
// is believed: more than a block period and a refresh, far less than a
// step worth the name.
const wallAhead = time.Minute

// Now is the chain's time as the provider knows it.
func (k *chainClock) Now() time.Time {
	now, _ := k.times()
	return now
}

// Latest is the later of Now and the estimate: what the cap guard compares
// a pod's use with. Receipts dated by the newest block's time (the wall
// clock off) trail real time by up to a refresh and a block, and the cap
// catches up as soon as they are claimed: a guard on Now would pause a pod
// at its cap for that lag alone.
func (k *chainClock) Latest() time.Time {
	now, est := k.times()
	if est.After(now) {
		return est
	}
	return now
}

// times returns Now and the estimate (zero before the first read).
func (k *chainClock) times() (now, est time.Time) {
	wall := k.wall()
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.readAt.IsZero() {
		return wall, time.Time{}
	}
	est = k.block.Add(k.mono().Sub(k.readAt))
	if wall.Before(est) || wall.After(est.Add(wallAhead)) {
		return k.block, est // the machine's clock is off the chain's
	}
	return wall, est
}

// refresh reads the newest block's time. A block time behind the running
// estimate (the chain lags the monotonic clock) is taken as it is: a
// receipt dated ahead of the chain is refused (ReceiptFromFuture) until
// the chain catches up.
func (k *chainClock) refresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	t, err := k.head(ctx)
	if err != nil {
		return err
	}
	at := k.mono() // after the read: the estimate errs behind the chain
	k.mu.Lock()
	k.block, k.readAt = time.Unix(int64(t), 0), at
	k.mu.Unlock()
	return nil
}

// chainClockRefresh is how often the chain clock reads the newest block.
const chainClockRefresh = 2 * time.Second

// nonceRetention is how long past its expiry a request's nonce is kept.
const nonceRetention = 24 * time.Hour
