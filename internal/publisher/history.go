package publisher

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/usage"
)

// SpendPoint is one accepted receipt of a deployment's channel: when the
// receipt was signed (unix seconds), what the channel had paid in total by
// then (base units) and the usage counters it carried.
type SpendPoint struct {
	Time  uint64       `json:"time"`
	Seq   uint64       `json:"seq"`
	Spent string       `json:"spent"`
	Paid  string       `json:"paid"`
	Usage usage.Vector `json:"usage"`
	Tx    string       `json:"tx"`
}

// Spending returns the deployment's accepted receipts from the chain,
// oldest first (skipped claims left out).
func (p *Publisher) Spending(ctx context.Context, id string) ([]SpendPoint, error) {
	rec, pod, err := p.pod(ctx, id)
	if err != nil {
		return nil, err
	}
	if !rec.Reached(StepChannel) {
		return nil, nil
	}
	pts, err := p.cfg.Payment.ClaimHistory(ctx, [][32]byte{pod.ChannelID}, 0, 0)
	if err != nil {
		return nil, fmt.Errorf("claims of channel %s: %w", rec.ChannelID, err)
	}
	total := new(big.Int)
	out := []SpendPoint{}
	for _, pt := range pts {
		if pt.Skipped != chain.NotSkipped || !pt.UsageKnown {
			continue
		}
		total.Add(total, pt.Paid)
		out = append(out, SpendPoint{Time: pt.Time, Seq: pt.Seq, Spent: total.String(), Paid: pt.Paid.String(), Usage: pt.Usage, Tx: pt.Tx.Hex()})
	}
	return out, nil
}

// TxFee is what an action on a deployment is expected to cost in gas,
// before it is sent (base units of the chain's native currency).
type TxFee struct {
	Action string `json:"action"`
	// Fee is the expected fee; MaxFee the most it can cost.
	Fee    string `json:"fee"`
	MaxFee string `json:"maxFee"`
	Gas    uint64 `json:"gas"`
	// Approve is set when a deposit needs a token approval first (its fee
	// is not included: the allowance changes what the deposit estimates).
	Approve bool `json:"approve,omitempty"`
	// Note says what the estimate does not cover.
	Note string `json:"note,omitempty"`
}

// EstimateFee estimates the gas fee of action (deposit, unlock, withdraw,
// delete) on deployment id; amount is the deposit's or unlock's.
func (p *Publisher) EstimateFee(ctx context.Context, id, action string, amt *big.Int) (*TxFee, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, cid, err := p.channelOf(ctx, id)
	if err != nil {
		return nil, err
	}
	from := w.Address()
	out := &TxFee{Action: action}
	var est *chain.FeeEstimate
	switch action {
	case "deposit":
		token := chain.NewToken(p.cfg.Chain, rec.Token)
		allow, err := token.Allowance(ctx, from, p.cfg.Payment.Address())
		if err != nil {
			return nil, err
		}
		if allow.Cmp(amt) < 0 {
			out.Approve = true
			out.Note = "an approval of the token is sent first"
			est, err = token.EstimateApprove(ctx, from, p.cfg.Payment.Address(), amt)
		} else {
			est, err = p.cfg.Payment.EstimateDeposit(ctx, from, cid, amt)
		}
		if err != nil {
			return nil, err
		}
	case "unlock":
		if est, err = p.cfg.Payment.EstimateRequestUnlock(ctx, from, cid, amt); err != nil {
			return nil, err
		}
	case "withdraw":
		if est, err = p.cfg.Payment.EstimateWithdrawUnlocked(ctx, from, cid); err != nil {
			return nil, err
		}
	case "delete":
		if est, err = p.cfg.Payment.EstimateClose(ctx, from, cid); err != nil {
			return nil, err
		}
		out.Note = "closing the channel; stopping the pod at the provider costs no gas"
	default:
		return nil, fmt.Errorf("no such action %q: %w", action, ErrInvalid)
	}
	out.Fee, out.MaxFee, out.Gas = est.Fee.String(), est.MaxFee.String(), est.Gas
	return out, nil
}

// TokenInfo reads a token's symbol and decimals (zero when unknown).
func (p *Publisher) TokenInfo(ctx context.Context, token common.Address) amount.Token {
	return p.tokenInfo(ctx, token)
}

// Attestation is what a provider's fresh evidence showed, as a deploy
// checks it before any money moves.
type Attestation struct {
	Provider     string `json:"provider"`
	PeerID       string `json:"peerId"`
	TEE          string `json:"tee"`
	Measurement  string `json:"measurement,omitempty"`
	Policy       string `json:"policy"`
	ConfigSHA256 string `json:"configSha256,omitempty"`
}

// CheckAttestation connects to provider, fetches fresh evidence and
// verifies it against the policy (file, or the default) as Deploy does;
// nothing is paid.
func (p *Publisher) CheckAttestation(ctx context.Context, provider common.Address, policy string, insecure bool) (*Attestation, error) {
	offers, err := p.Provider(ctx, provider, nil)
	if err != nil {
		return nil, err
	}
	if len(offers) == 0 {
		return nil, fmt.Errorf("provider %s is not in the registry: %w", provider.Hex(), ErrNotFound)
	}
	o := offers[0]
	s, err := p.dialRecord(ctx, &Record{Provider: ProviderRef{PeerID: o.PeerID, Addrs: p.withHints(o.Provider, o.Addrs)}})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	a, err := p.attest(ctx, s.client, s.peer, policy, insecure)
	if err != nil {
		return nil, err
	}
	return &Attestation{Provider: provider.Hex(), PeerID: o.PeerID, TEE: a.Kind, Measurement: a.Measurement, Policy: a.Policy, ConfigSHA256: a.ConfigSHA256}, nil
}
