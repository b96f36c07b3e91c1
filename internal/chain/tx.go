package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// TxStage is where a transaction is in its life.
type TxStage string

// Stages reported to Config.Progress.
const (
	TxSent      TxStage = "sent"
	TxMined     TxStage = "mined"
	TxConfirmed TxStage = "confirmed"
	// TxWaiting is reported every few seconds while the node does not
	// answer during Wait (Err says why, Waited for how long).
	TxWaiting TxStage = "waiting"
)

// TxProgress is one progress report of a transaction.
type TxProgress struct {
	Hash          common.Hash
	Stage         TxStage
	Block         uint64 // when mined
	Confirmations uint64 // confirmations so far
	Want          uint64 // confirmations wanted
	// Err and Waited are set for TxWaiting.
	Err    error
	Waited time.Duration
}

// waitingEvery is how often Wait reports a node that does not answer;
// pollTimeout bounds one receipt poll.
const (
	waitingEvery = 5 * time.Second
	pollTimeout  = 10 * time.Second
)

// Tx describes a transaction to send.
type Tx struct {
	To       *common.Address // nil deploys Data as contract creation code
	Data     []byte
	Value    *big.Int
	GasLimit uint64 // 0: estimate, plus 25% and 25,000
}

// nonceManager hands out nonces per account. Sends of one account are
// serialised from nonce assignment until the node accepted the transaction, so
// nonces have no gaps; on "nonce too low" (another process used the account)
// it resyncs from the node's pending nonce.
type nonceManager struct {
	mu    sync.Mutex
	accts map[common.Address]*nonceAccount
}

type nonceAccount struct {
	mu     sync.Mutex
	next   uint64
	synced bool
}

func (m *nonceManager) account(a common.Address) *nonceAccount {
	m.mu.Lock()
	defer m.mu.Unlock()
	acc, ok := m.accts[a]
	if !ok {
		acc = &nonceAccount{}
		m.accts[a] = acc
	}
	return acc
}

// SendTx estimates gas, prices the transaction (EIP-1559 where the chain has a
// base fee), assigns a nonce, signs and sends it. It does not wait; see Wait.
// A call that would revert fails here with a *RevertError, before sending.
func (c *Client) SendTx(ctx context.Context, w *Wallet, t Tx) (*types.Transaction, error) {
	from := w.Address()
	value := t.Value
	if value == nil {
		value = new(big.Int)
	}
	gas := t.GasLimit
	if gas == 0 {
		msg := ethereum.CallMsg{From: from, To: t.To, Data: t.Data, Value: value}
		var est uint64
		err := c.retry(ctx, func() (err error) { est, err = c.b.EstimateGas(ctx, msg); return err })
		if err != nil {
			if re := c.errs.FromError(t.To, err); re != nil {
				return nil, re
			}
			return nil, c.wrapRead("estimate gas", err)
		}
		// Estimation runs on the latest block; the transaction runs in a
		// later one, where block.timestamp differs and a storage write the
		// estimate saw as a no-op (writing the same timestamp) costs up to
		// 20,000 more. Unused gas is not charged, so be generous.
		// Not above the block's gas limit, nor Osaka's per-transaction one.
		gas = est + est/4 + 25_000
		limit := uint64(MaxTxGas)
		if head, err := c.HeaderByNumber(ctx, nil); err == nil && head.GasLimit > 0 {
			limit = min(limit, head.GasLimit)
		}
		if gas > limit {
			gas = max(est, limit)
		}
	}
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, err
	}
	var tipCap *big.Int
	err = c.retry(ctx, func() (err error) { tipCap, err = c.b.SuggestGasTipCap(ctx); return err })
	if err != nil {
		return nil, c.wrapRead("suggest gas tip", err)
	}
	build := func(nonce uint64) *types.Transaction {
		if head.BaseFee != nil {
			feeCap := new(big.Int).Add(tipCap, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
			return types.NewTx(&types.DynamicFeeTx{ChainID: c.chainID, Nonce: nonce, GasTipCap: tipCap, GasFeeCap: feeCap, Gas: gas, To: t.To, Value: value, Data: t.Data})
		}
		price := new(big.Int).Set(tipCap)
		return types.NewTx(&types.LegacyTx{Nonce: nonce, GasPrice: price, Gas: gas, To: t.To, Value: value, Data: t.Data})
	}

	acc := c.nonces.account(from)
	acc.mu.Lock()
	defer acc.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if !acc.synced {
			var n uint64
			err := c.retry(ctx, func() (err error) { n, err = c.b.PendingNonceAt(ctx, from); return err })
			if err != nil {
				return nil, c.wrapRead("nonce of "+from.Hex(), err)
			}
			acc.next, acc.synced = n, true
		}
		tx, err := w.SignTx(build(acc.next), c.chainID)
		if err != nil {
			return nil, fmt.Errorf("sign transaction: %w", err)
		}
		err = c.sendSigned(ctx, tx)
		if err == nil {
			acc.next++
			c.progress(TxProgress{Hash: tx.Hash(), Stage: TxSent, Want: c.conf.Confirmations})
			c.log.Debug("sent", "tx", tx.Hash(), "nonce", tx.Nonce(), "gas", gas)
			return tx, nil
		}
		if isNonceError(err) && attempt < 20 {
			// Another sender used the account: resync, after a short pause
			// that grows so competing senders stop colliding.
			c.log.Debug("nonce out of sync, resyncing", "nonce", acc.next, "err", err)
			acc.synced = false
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
			}
			continue
		}
		if isTransient(err) {
			// The node may or may not have the transaction: ask it again next time.
			acc.synced = false
			return nil, fmt.Errorf("send transaction to %s: %w: %w", c.endpoint, ErrUnavailable, scrub(err, c.raw, c.endpoint))
		}
		return nil, fmt.Errorf("send transaction: %w", scrub(err, c.raw, c.endpoint))
	}
}

// sendSigned sends one signed transaction, resending the very same bytes after
// a transient failure (which is always safe: the hash is fixed).
func (c *Client) sendSigned(ctx context.Context, tx *types.Transaction) error {
	resent := false
	err := c.retry(ctx, func() error {
		err := c.b.SendTransaction(ctx, tx)
		if err != nil && isTransient(err) {
			resent = true
		}
		return err
	})
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "already known") {
		if resent {
			return nil // our own earlier attempt got through
		}
		// Someone else sent this very transaction (same sender, nonce and
		// content): it is theirs, not ours; take the next nonce.
		return errors.New("nonce too low: identical transaction already known")
	}
	if resent && isNonceError(err) {
		// An earlier attempt may have reached the node after all.
		if _, _, err2 := c.b.TransactionByHash(ctx, tx.Hash()); err2 == nil {
			return nil
		}
	}
	return err
}

func isNonceError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "nonce too low") || strings.Contains(msg, "replacement transaction underpriced") ||
		strings.Contains(msg, "nonce too high")
}

func (c *Client) progress(p TxProgress) {
	if c.conf.Progress != nil {
		c.conf.Progress(p)
	}
}

// Wait polls for the receipt of tx until it has the configured number of
// confirmations, re-checking after a reorg. A reverted transaction returns the
// receipt and a *RevertError naming the custom error.
func (c *Client) Wait(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, c.conf.WaitTimeout)
	defer cancel()
	want := c.conf.Confirmations
	tick := time.NewTicker(c.conf.PollInterval)
	defer tick.Stop()
	var lastMined common.Hash
	var down, reported time.Time // since when the node fails, last report
	for {
		// Each poll has its own deadline: a node that accepts connections
		// but never answers is as down as one that refuses them.
		pctx, pcancel := context.WithTimeout(ctx, pollTimeout)
		rcpt, err := c.b.TransactionReceipt(pctx, tx.Hash())
		timedOut := err != nil && pctx.Err() != nil && ctx.Err() == nil
		pcancel()
		if timedOut {
			err = fmt.Errorf("no answer within %s: %w", pollTimeout, ErrUnavailable)
		}
		if err != nil && (timedOut || isTransient(err)) {
			now := time.Now()
			if down.IsZero() {
				down, reported = now, now
			}
			if now.Sub(reported) >= waitingEvery {
				reported = now
				c.progress(TxProgress{Hash: tx.Hash(), Stage: TxWaiting, Want: want, Err: scrub(err, c.raw, c.endpoint), Waited: now.Sub(down)})
			}
		} else {
			down = time.Time{}
		}
		switch {
		case err == nil && rcpt != nil && rcpt.BlockNumber != nil:
			if rcpt.BlockHash != lastMined {
				lastMined = rcpt.BlockHash
				c.progress(TxProgress{Hash: tx.Hash(), Stage: TxMined, Block: rcpt.BlockNumber.Uint64(), Confirmations: 1, Want: want})
			}
			head, err := c.b.BlockNumber(ctx)
			if err != nil && !isTransient(err) {
				return nil, c.wrapRead("block number", err)
			}
			if err == nil && head+1 >= rcpt.BlockNumber.Uint64()+want {
				if want > 1 {
					// Still canonical? A reorg may have moved or dropped it.
					h, err := c.b.HeaderByNumber(ctx, rcpt.BlockNumber)
					if err != nil || h.Hash() != rcpt.BlockHash {
						break
					}
				}
				c.progress(TxProgress{Hash: tx.Hash(), Stage: TxConfirmed, Block: rcpt.BlockNumber.Uint64(), Confirmations: head + 1 - rcpt.BlockNumber.Uint64(), Want: want})
				if rcpt.Status != types.ReceiptStatusSuccessful {
					return rcpt, c.replayRevert(ctx, tx, rcpt)
				}
				return rcpt, nil
			}
		case err == nil || errors.Is(err, ethereum.NotFound) || timedOut || isTransient(err) || strings.Contains(err.Error(), "indexing is in progress"):
			// not mined yet, the node is still indexing, or a hiccup: poll again
		default:
			return nil, c.wrapRead("receipt of "+tx.Hash().Hex(), err)
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				if !down.IsZero() {
					return nil, fmt.Errorf("wait for %s: %w after %s: the chain has not answered for %s: %w", tx.Hash().Hex(), ErrTimeout, c.conf.WaitTimeout, time.Since(down).Round(time.Second), ErrUnavailable)
				}
				return nil, fmt.Errorf("wait for %s: %w after %s", tx.Hash().Hex(), ErrTimeout, c.conf.WaitTimeout)
			}
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// replayRevert re-runs a failed transaction as a call on the state before its
// block to recover the revert data.
func (c *Client) replayRevert(ctx context.Context, tx *types.Transaction, rcpt *types.Receipt) error {
	from, err := types.Sender(types.LatestSignerForChainID(c.chainID), tx)
	if err != nil {
		return &RevertError{Contract: c.errs.contractAt(tx.To())}
	}
	msg := ethereum.CallMsg{From: from, To: tx.To(), Data: tx.Data(), Value: tx.Value(), Gas: tx.Gas()}
	parent := new(big.Int).Sub(rcpt.BlockNumber, big.NewInt(1))
	_, err = c.b.CallContract(ctx, msg, parent)
	if re := c.errs.FromError(tx.To(), err); re != nil {
		return fmt.Errorf("transaction %s: %w", tx.Hash().Hex(), re)
	}
	return fmt.Errorf("transaction %s: %w (out of gas or state changed)", tx.Hash().Hex(), &RevertError{Contract: c.errs.contractAt(tx.To())})
}

// Send sends a transaction and waits for it (SendTx then Wait).
func (c *Client) Send(ctx context.Context, w *Wallet, t Tx) (*types.Receipt, error) {
	tx, err := c.SendTx(ctx, w, t)
	if err != nil {
		return nil, err
	}
	return c.Wait(ctx, tx)
}

// Deploy deploys a contract from its creation code (bytecode followed by the
// packed constructor arguments) and waits for it.
func (c *Client) Deploy(ctx context.Context, w *Wallet, code []byte) (common.Address, *types.Receipt, error) {
	tx, err := c.SendTx(ctx, w, Tx{Data: code})
	if err != nil {
		return common.Address{}, nil, err
	}
	rcpt, err := c.Wait(ctx, tx)
	if err != nil {
		return common.Address{}, rcpt, err
	}
	addr := crypto.CreateAddress(w.Address(), tx.Nonce())
	return addr, rcpt, nil
}

// WaitChainTime waits until the head block's timestamp reaches t (unix
// seconds): what a call that checks block.timestamp, estimated against the
// head, needs. On a dev chain that mines only on transactions, time stands
// still between them; the wait then ends with ErrTimeout.
func (c *Client) WaitChainTime(ctx context.Context, t uint64, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		h, err := c.HeaderByNumber(ctx, nil)
		if err == nil && h.Time >= t {
			return nil
		}
		if err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			if h != nil {
				return fmt.Errorf("chain time %d did not reach %d within %s: %w", h.Time, t, timeout, ErrTimeout)
			}
			return fmt.Errorf("chain time did not reach %d within %s: %w", t, timeout, ErrTimeout)
		case <-time.After(c.conf.PollInterval * 4):
		}
	}
}

// ResyncNonce makes the next transaction of addr ask the node for its nonce
// again, e.g. after a reorg dropped transactions this client sent.
func (c *Client) ResyncNonce(addr common.Address) {
	acc := c.nonces.account(addr)
	acc.mu.Lock()
	acc.synced = false
	acc.mu.Unlock()
}
