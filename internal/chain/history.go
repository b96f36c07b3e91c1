package chain

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/trustedpods/tpod/contracts"
)

// ClaimPoint is one accepted receipt of a channel, as the chain has it: the
// Claimed event (seq, receipt time, what it paid) and the receipt's usage
// from the claim's calldata. A PricingApplied baseline is a point that
// paid nothing.
type ClaimPoint struct {
	Channel [32]byte
	Seq     uint64
	// Time is the receipt's time (unix seconds), not the block's.
	Time  uint64
	Paid  *big.Int
	Usage [7]uint64
	// UsageKnown is false when the claim's calldata could not be decoded
	// (a claim submitted through another contract).
	UsageKnown bool
	Block      uint64
	Tx         common.Hash
	Skipped    SkipReason // ClaimSkipped's reason; the other fields are zero then
}

// ClaimHistory returns the accepted receipts (and skipped claims) of the
// channels ids in blocks [from, to] (to 0: the head), oldest first. The
// usage of each receipt is read from its transaction's calldata, one
// transaction fetch per claim transaction.
func (p *Payment) ClaimHistory(ctx context.Context, ids [][32]byte, from, to uint64) ([]ClaimPoint, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ev := p.abi.Events
	topics := make([]common.Hash, len(ids))
	for i, id := range ids {
		topics[i] = common.Hash(id)
	}
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(max(from, p.FromBlock)),
		Addresses: []common.Address{p.addr},
		Topics:    [][]common.Hash{{ev["Claimed"].ID, ev["PricingApplied"].ID, ev["ClaimSkipped"].ID}, topics},
	}
	if to > 0 {
		q.ToBlock = new(big.Int).SetUint64(to)
	}
	logs, err := p.c.FilterLogs(ctx, q)
	if err != nil {
		return nil, err
	}
	calldata := map[common.Hash][]contracts.PaymentClaim{}
	var out []ClaimPoint
	for i := range logs {
		l := &logs[i]
		pt := ClaimPoint{Channel: [32]byte(l.Topics[1]), Block: l.BlockNumber, Tx: l.TxHash, Paid: new(big.Int)}
		switch l.Topics[0] {
		case ev["Claimed"].ID:
			e, err := p.b.UnpackClaimedEvent(l)
			if err != nil {
				return nil, fmt.Errorf("decode Claimed: %w", err)
			}
			pt.Seq, pt.Time, pt.Paid = e.Seq, e.Time, e.Paid
			claims, ok := calldata[l.TxHash]
			if !ok {
				if claims, err = p.claimsOf(ctx, l.TxHash); err != nil {
					return nil, err
				}
				calldata[l.TxHash] = claims
			}
			for _, c := range claims {
				if r := claimReceipt(c); r.ChannelID == pt.Channel && r.Seq == pt.Seq {
					pt.Usage, pt.UsageKnown = r.Usage, true
				}
			}
		case ev["PricingApplied"].ID:
			e, err := p.b.UnpackPricingAppliedEvent(l)
			if err != nil {
				return nil, fmt.Errorf("decode PricingApplied: %w", err)
			}
			pt.Seq, pt.Time, pt.Usage, pt.UsageKnown = e.Seq, e.Time, e.Usage, true
		case ev["ClaimSkipped"].ID:
			pt.Skipped = SkipUnknown
			if e, err := p.b.UnpackClaimSkippedEvent(l); err == nil {
				pt.Skipped = p.skipReason(e.Reason)
			}
		}
		out = append(out, pt)
	}
	return out, nil
}

// errorName names the Payment error of a selector (hex when unknown).
func (p *Payment) errorName(sel [4]byte) string {
	for _, e := range p.abi.Errors {
		if [4]byte(e.ID[:4]) == sel {
			return e.Name
		}
	}
	return fmt.Sprintf("0x%x", sel)
}

// claimsOf decodes the claims a Payment transaction carried (claim,
// claimMany, applyPricing); none for another kind of transaction.
func (p *Payment) claimsOf(ctx context.Context, hash common.Hash) ([]contracts.PaymentClaim, error) {
	var tx *types.Transaction
	err := p.c.retry(ctx, func() (err error) { tx, _, err = p.c.b.TransactionByHash(ctx, hash); return err })
	if err != nil {
		return nil, p.c.wrapRead("claim transaction "+hash.Hex(), err)
	}
	data := tx.Data()
	if len(data) < 4 || tx.To() == nil || *tx.To() != p.addr {
		return nil, nil
	}
	m, err := p.abi.MethodById(data[:4])
	if err != nil {
		return nil, nil
	}
	args, err := m.Inputs.Unpack(data[4:])
	if err != nil || len(args) == 0 {
		return nil, nil
	}
	switch m.Name {
	case "claim", "applyPricing":
		return []contracts.PaymentClaim{*abi.ConvertType(args[0], new(contracts.PaymentClaim)).(*contracts.PaymentClaim)}, nil
	case "claimMany":
		return *abi.ConvertType(args[0], new([]contracts.PaymentClaim)).(*[]contracts.PaymentClaim), nil
	}
	return nil, nil
}

// TxCost is what one transaction cost its sender.
type TxCost struct {
	Tx      common.Hash
	Block   uint64
	Time    uint64 // the block's time
	From    common.Address
	GasUsed uint64
	// Fee is GasUsed × the effective gas price, in the chain's native
	// currency's base units (wei).
	Fee *big.Int
}

// TxCosts reads the receipts of the transactions hashes (each once), in
// block order.
func (c *Client) TxCosts(ctx context.Context, hashes []common.Hash) ([]TxCost, error) {
	seen := map[common.Hash]bool{}
	times := map[uint64]uint64{}
	var out []TxCost
	for _, h := range hashes {
		if seen[h] {
			continue
		}
		seen[h] = true
		var r *types.Receipt
		if err := c.retry(ctx, func() (err error) { r, err = c.b.TransactionReceipt(ctx, h); return err }); err != nil {
			return nil, c.wrapRead("receipt of "+h.Hex(), err)
		}
		var tx *types.Transaction
		if err := c.retry(ctx, func() (err error) { tx, _, err = c.b.TransactionByHash(ctx, h); return err }); err != nil {
			return nil, c.wrapRead("transaction "+h.Hex(), err)
		}
		from, _ := types.Sender(types.LatestSignerForChainID(c.chainID), tx)
		price := r.EffectiveGasPrice
		if price == nil {
			price = tx.GasPrice()
		}
		bn := r.BlockNumber.Uint64()
		t, ok := times[bn]
		if !ok {
			if hd, err := c.HeaderByNumber(ctx, r.BlockNumber); err == nil {
				t = hd.Time
				times[bn] = t
			}
		}
		out = append(out, TxCost{Tx: h, Block: bn, Time: t, From: from, GasUsed: r.GasUsed,
			Fee: new(big.Int).Mul(new(big.Int).SetUint64(r.GasUsed), price)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Block < out[j].Block })
	return out, nil
}
