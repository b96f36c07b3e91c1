package chain

import (
	"math/big"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// Claim is the argument of Payment.claim and an element of claimMany: a
// signed receipt and the terms and baseline it is priced from, which the
// contract keeps only as a hash, so a claim repeats them exactly.
type Claim struct {
	Terms   payment.Terms
	Last    payment.Baseline
	Receipt payment.SignedReceipt
}

// NewClaim assembles the claim of receipt r signed with sig (65 bytes
// r ‖ s ‖ v) against terms t and baseline last.
func NewClaim(t payment.Terms, last payment.Baseline, r payment.Receipt, sig []byte) Claim {
	return Claim{Terms: t, Last: last, Receipt: payment.SignedReceipt{Receipt: r, Signature: sig}}
}

// Binding returns c as the contract binding's struct, terms, baseline and
// receipt packed (docs/contracts.md § Claims in calldata) and the signature
// in the contract's EIP-2098 compact form. A signature that is not 65 bytes
// with v 27 or 28 becomes an all-zero one, which the contract refuses as
// InvalidSignature.
func (c Claim) Binding() contracts.PaymentClaim {
	b := contracts.PaymentClaim{
		Terms:   contracts.PaymentPackedTerms{EnclaveSigner: c.Terms.EnclaveSigner, Rates: c.Terms.PackedRates()},
		Last:    contracts.PaymentPackedBaseline{SeqTime: payment.PackSeqTime(c.Last.Seq, c.Last.Time), Usage: payment.PackUsage(c.Last.Usage)},
		Receipt: packedReceipt(c.Receipt.Receipt),
	}
	b.SigR, b.SigVS, _ = payment.CompactSignature(c.Receipt.Signature)
	return b
}

func packedReceipt(r payment.Receipt) contracts.PaymentPackedReceipt {
	return contracts.PaymentPackedReceipt{ChannelId: r.ChannelID, SeqTime: payment.PackSeqTime(r.Seq, r.Time), Usage: payment.PackUsage(r.Usage)}
}

func claimBindings(cs []Claim) []contracts.PaymentClaim {
	out := make([]contracts.PaymentClaim, len(cs))
	for i, c := range cs {
		out[i] = c.Binding()
	}
	return out
}

// claimReceipt returns the receipt a claim carries, read as the contract
// reads it (the bits the packing leaves unused are ignored).
func claimReceipt(c contracts.PaymentClaim) payment.Receipt {
	r := payment.Receipt{ChannelID: c.Receipt.ChannelId, Usage: payment.UnpackUsage(c.Receipt.Usage)}
	r.Seq, r.Time = payment.UnpackSeqTime(c.Receipt.SeqTime)
	return r
}

// TermsBinding returns t as the contract binding's struct.
func TermsBinding(t payment.Terms) contracts.PaymentTerms {
	var p [usage.Len]*big.Int
	for i := range p {
		p[i] = orZero(t.Prices[i])
	}
	return contracts.PaymentTerms{EnclaveSigner: t.EnclaveSigner, MaxPerSecond: orZero(t.MaxPerSecond), Prices: p}
}

// BaselineBinding returns b as the contract binding's struct.
func BaselineBinding(b payment.Baseline) contracts.PaymentBaseline {
	return contracts.PaymentBaseline{Seq: b.Seq, Time: b.Time, Usage: b.Usage}
}

// ReceiptBinding returns r as the contract binding's struct.
func ReceiptBinding(r payment.Receipt) contracts.PaymentReceipt {
	return contracts.PaymentReceipt{ChannelId: r.ChannelID, Seq: r.Seq, Time: r.Time, Usage: r.Usage}
}

// termsFromBinding converts the binding's struct (from a ChannelCreated
// event).
func termsFromBinding(b contracts.PaymentTerms) payment.Terms {
	t := payment.Terms{EnclaveSigner: b.EnclaveSigner, MaxPerSecond: b.MaxPerSecond}
	copy(t.Prices[:], b.Prices[:])
	return t
}

func orZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}
