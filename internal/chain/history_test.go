package chain_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// TestClaimHistoryAndFees: a channel's accepted receipts come back from the
// chain with the usage their claims carried (claim and claimMany, a
// skipped claim named), another channel's left out; a close's estimate
// bounds what the close then costs.
func TestClaimHistoryAndFees(t *testing.T) {
	d := startDevnet(t)
	ctx := context.Background()
	info := d.Info()
	c := dial(t, info.RPC.HTTP, chain.Config{})
	pub := wallet(t, d, devnet.LabelPublisher)
	prov := wallet(t, d, devnet.LabelProvider)
	encl := wallet(t, d, devnet.LabelEnclave)
	pay := chain.NewPayment(c, info.Contracts.Payment)
	dom := payment.Domain{ChainID: c.ChainID(), Contract: pay.Address()}
	id := openChannel(t, d, c, encl.Address(), 3600, 1_000_000)
	other := openChannel(t, d, c, encl.Address(), 3600, 1_000_000)
	if err := d.AdjustTime(time.Minute); err != nil {
		t.Fatal(err)
	}
	signed := func(ch [32]byte, seq uint64, u usage.Vector, forge bool) (*chain.ChannelState, payment.Receipt, []byte) {
		st, err := pay.State(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		r := payment.Receipt{ChannelID: ch, Seq: seq, Time: st.Last.Time + seq, Usage: u}
		signer := encl
		if forge {
			signer = pub
		}
		sig, _ := payment.SignReceipt(signer, dom, r)
		return st, r, sig
	}
	claim := func(ch [32]byte, seq uint64, u usage.Vector, forge bool) chain.Claim {
		st, r, sig := signed(ch, seq, u, forge)
		return st.Claim(r, sig)
	}
	_, r1, sig1 := signed(id, 1, usage.Vector{100}, false)
	if _, _, err := pay.ClaimReceipt(ctx, prov, r1, sig1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pay.ClaimMany(ctx, prov, []chain.Claim{claim(id, 2, usage.Vector{300, 5}, true), claim(id, 2, usage.Vector{300, 5}, false), claim(other, 1, usage.Vector{7}, false)}); err != nil {
		t.Fatal(err)
	}
	pts, err := pay.ClaimHistory(ctx, [][32]byte{id}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []chain.ClaimPoint
	skipped := chain.NotSkipped
	for _, p := range pts {
		if p.Channel != id {
			t.Fatalf("a point of another channel: %+v", p)
		}
		if p.Skipped != chain.NotSkipped {
			skipped = p.Skipped
			continue
		}
		if p.Paid.Sign() > 0 {
			got = append(got, p)
		}
	}
	if skipped != chain.SkipInvalidSignature {
		t.Fatalf("skipped claim %q, points %+v", skipped, pts)
	}
	if len(got) != 2 || got[0].Seq != 1 || got[0].Usage != (usage.Vector{100}) || got[0].Paid.Int64() != 100 ||
		got[1].Seq != 2 || got[1].Usage != (usage.Vector{300, 5}) || got[1].Paid.Int64() != 200+10 || !got[1].UsageKnown || got[1].Time <= got[0].Time {
		t.Fatalf("points %+v", got)
	}

	est, err := pay.EstimateClose(ctx, pub.Address(), id)
	if err != nil {
		t.Fatal(err)
	}
	if est.Gas == 0 || est.Fee.Sign() <= 0 || est.MaxFee.Cmp(est.Fee) < 0 {
		t.Fatalf("estimate %+v", est)
	}
	r, err := pay.Close(ctx, pub, id)
	if err != nil {
		t.Fatal(err)
	}
	costs, err := c.TxCosts(ctx, []common.Hash{r.TxHash, r.TxHash})
	if err != nil || len(costs) != 1 {
		t.Fatalf("costs %+v %v", costs, err)
	}
	if costs[0].From != pub.Address() || costs[0].Fee.Cmp(est.MaxFee) > 0 || costs[0].GasUsed > est.Gas+est.Gas/4 {
		t.Fatalf("close cost %+v, estimate %+v", costs[0], est)
	}
	// An action that would revert is refused by name before it is sent.
	if _, err := pay.EstimateDeposit(ctx, pub.Address(), id, big.NewInt(1)); !chain.IsRevert(err, "ChannelNotOpen") && err == nil {
		t.Fatalf("deposit into a closing channel estimated: %v", err)
	}
}
