package chain

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
)

// FeeEstimate is what a transaction is expected to cost before it is sent,
// in the chain's native currency's base units (wei).
type FeeEstimate struct {
	// Gas is the node's estimate of the gas the transaction uses.
	Gas uint64
	// GasPrice is the price per gas expected now: the head's base fee plus
	// the suggested tip (the suggested gas price on a chain without a base
	// fee).
	GasPrice *big.Int
	// Fee is Gas × GasPrice: what the transaction is expected to cost.
	Fee *big.Int
	// MaxFee is the most it can cost as SendTx prices it: its gas limit
	// (the estimate with a margin) at its fee cap.
	MaxFee *big.Int
}

// EstimateTx estimates what sending data to `to` from `from` would cost.
// A call that would revert fails with a *RevertError, as SendTx does.
func (c *Client) EstimateTx(ctx context.Context, from, to common.Address, data []byte) (*FeeEstimate, error) {
	msg := ethereum.CallMsg{From: from, To: &to, Data: data, Value: new(big.Int)}
	var est uint64
	if err := c.retry(ctx, func() (err error) { est, err = c.b.EstimateGas(ctx, msg); return err }); err != nil {
		if re := c.errs.FromError(&to, err); re != nil {
			return nil, re
		}
		return nil, c.wrapRead("estimate gas", err)
	}
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	var tip *big.Int
	if err := c.retry(ctx, func() (err error) { tip, err = c.b.SuggestGasTipCap(ctx); return err }); err != nil {
		return nil, c.wrapRead("suggest gas tip", err)
	}
	// The same limit and caps SendTx would use.
	limit := est + est/4 + 25_000
	if head.GasLimit > 0 {
		limit = min(limit, head.GasLimit, uint64(MaxTxGas))
	}
	price, feeCap := new(big.Int).Set(tip), new(big.Int).Set(tip)
	if head.BaseFee != nil {
		price.Add(tip, head.BaseFee)
		feeCap.Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	}
	return &FeeEstimate{
		Gas: est, GasPrice: price,
		Fee:    new(big.Int).Mul(new(big.Int).SetUint64(est), price),
		MaxFee: new(big.Int).Mul(new(big.Int).SetUint64(max(limit, est)), feeCap),
	}, nil
}

// EstimateDeposit estimates a deposit of amount into channel id by from.
func (p *Payment) EstimateDeposit(ctx context.Context, from common.Address, id [32]byte, amount *big.Int) (*FeeEstimate, error) {
	data, err := p.b.TryPackDeposit(id, amount)
	if err != nil {
		return nil, err
	}
	return p.c.EstimateTx(ctx, from, p.addr, data)
}

// EstimateRequestUnlock estimates an unlock request of amount.
func (p *Payment) EstimateRequestUnlock(ctx context.Context, from common.Address, id [32]byte, amount *big.Int) (*FeeEstimate, error) {
	data, err := p.b.TryPackRequestUnlock(id, amount)
	if err != nil {
		return nil, err
	}
	return p.c.EstimateTx(ctx, from, p.addr, data)
}

// EstimateWithdrawUnlocked estimates withdrawing a due unlock.
func (p *Payment) EstimateWithdrawUnlocked(ctx context.Context, from common.Address, id [32]byte) (*FeeEstimate, error) {
	data, err := p.b.TryPackWithdrawUnlocked(id)
	if err != nil {
		return nil, err
	}
	return p.c.EstimateTx(ctx, from, p.addr, data)
}

// EstimateClose estimates closing channel id.
func (p *Payment) EstimateClose(ctx context.Context, from common.Address, id [32]byte) (*FeeEstimate, error) {
	data, err := p.b.TryPackClose(id)
	if err != nil {
		return nil, err
	}
	return p.c.EstimateTx(ctx, from, p.addr, data)
}

// EstimateApprove estimates approving amount for spender.
func (t *Token) EstimateApprove(ctx context.Context, from, spender common.Address, amount *big.Int) (*FeeEstimate, error) {
	data, err := t.b.TryPackApprove(spender, amount)
	if err != nil {
		return nil, err
	}
	return t.c.EstimateTx(ctx, from, t.addr, data)
}
