package chain

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// A claim's binding packs terms, baseline and receipt the way the contract
// reads them (docs/contracts.md § Claims in calldata); claimReceipt reads
// back the receipt, also at the counters' and prices' extremes.
func TestClaimPacking(t *testing.T) {
	max64 := ^uint64(0)
	max128 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	for _, r := range []payment.Receipt{
		{ChannelID: [32]byte{1, 2, 3}, Seq: 7, Time: 1_700_000_000, Usage: usage.Vector{1, 2, 3, 4, 5, 6, 7}},
		{},
		{ChannelID: [32]byte{31: 9}, Seq: max64, Time: max64, Usage: usage.Vector{max64, 0, max64, 1, max64, 2, max64}},
	} {
		terms := payment.Terms{EnclaveSigner: common.Address{19: 1}, MaxPerSecond: max128, Prices: [usage.Len]*big.Int{max128, big.NewInt(1), nil, max128, big.NewInt(2), max128, big.NewInt(3)}}
		last := payment.Baseline{Seq: 3, Time: 4, Usage: usage.Vector{5, 6, 7, 8, 9, 10, 11}}
		c := NewClaim(terms, last, r, nil).Binding()
		if got := claimReceipt(c); got != r {
			t.Fatalf("claimReceipt %+v, want %+v", got, r)
		}
		// rates: p0‖p1, p2‖p3, p4‖p5, p6‖maxPerSecond, each 128 bits, the first high.
		half := func(w *big.Int, hi bool) *big.Int {
			if hi {
				return new(big.Int).Rsh(w, 128)
			}
			return new(big.Int).And(w, max128)
		}
		for i := 0; i < 8; i++ {
			want := terms.MaxPerSecond
			if i < usage.Len {
				want = orZero(terms.Prices[i])
			}
			if got := half(c.Terms.Rates[i/2], i%2 == 0); got.Cmp(want) != 0 {
				t.Fatalf("rate %d: %v, want %v", i, got, want)
			}
		}
		// Each packed word fits 256 bits (the ABI encoder refuses larger).
		for _, w := range append(c.Terms.Rates[:], c.Last.SeqTime, c.Last.Usage[0], c.Last.Usage[1], c.Receipt.SeqTime, c.Receipt.Usage[0], c.Receipt.Usage[1]) {
			if w.BitLen() > 256 || w.Sign() < 0 {
				t.Fatalf("packed word %v", w)
			}
		}
		if c.Last.Usage[1].Bit(0) != 0 || new(big.Int).And(c.Receipt.Usage[1], new(big.Int).SetUint64(max64)).Sign() != 0 {
			t.Fatal("usage word 1's unused lane is not zero")
		}
	}
}
