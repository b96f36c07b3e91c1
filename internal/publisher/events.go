package publisher

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/usage"
)

// PodEvent is one thing that happened to a deployment: on the chain (its
// channel's events) or at the provider (restarts, stops, wakes).
type PodEvent struct {
	Time time.Time `json:"time"`
	// Source is "chain", "provider" or "record" (this machine's record).
	Source string `json:"source"`
	// Kind is the event's name: ChannelCreated, Claimed, ... for the
	// chain; provisioned, restarted, stopped-low-funds, woken, ... for the
	// provider.
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Tx      string `json:"tx,omitempty"`
	Block   uint64 `json:"block,omitempty"`
	// Fields are the event's values (amounts in base units).
	Fields map[string]any `json:"fields,omitempty"`
}

// Events returns what happened to deployment id, oldest first: its
// record's steps, its channel's events, and what its provider reports.
func (p *Publisher) Events(ctx context.Context, id string) ([]PodEvent, error) {
	rec, pod, err := p.pod(ctx, id)
	if err != nil {
		return nil, err
	}
	tok := p.tokenInfo(ctx, common.HexToAddress(rec.Token))
	out := []PodEvent{{Time: rec.CreatedAt, Source: "record", Kind: "deploy-started", Message: fmt.Sprintf("deploy of %s started on this machine", rec.Name)}}
	if !rec.ProvisionedAt.IsZero() {
		out = append(out, PodEvent{Time: rec.ProvisionedAt, Source: "record", Kind: "provisioned", Message: "the provider started the pod"})
	}
	evs, err := p.cfg.Payment.ChannelEvents(ctx, pod.ChannelID)
	if err != nil {
		return nil, fmt.Errorf("channel events: %w", err)
	}
	for _, e := range evs {
		out = append(out, chainEvent(e, tok))
	}
	if pe, err := p.providerEvents(ctx, rec); err == nil {
		out = append(out, pe...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// providerEvents asks the provider what happened to the pod. Providers
// that do not keep events answer with the pod's state only.
func (p *Publisher) providerEvents(ctx context.Context, rec *Record) ([]PodEvent, error) {
	if rec.Step != StepProvisioned || p.cfg.Wallet == nil {
		return nil, nil
	}
	st, err := p.Status(ctx, rec.ID)
	if err != nil || st.Unreachable != "" {
		return nil, err
	}
	var out []PodEvent
	now := p.cfg.Now()
	for _, c := range st.Containers {
		if c.Restarts > 0 {
			out = append(out, PodEvent{Time: now, Source: "provider", Kind: "restarts",
				Message: fmt.Sprintf("container %s has restarted %d time(s) so far (now %s, last exit code %d)", c.Name, c.Restarts, c.State, c.ExitCode)})
		}
	}
	if st.State != "running" {
		msg := "the pod is " + st.State
		if st.Message != "" {
			msg += ": " + st.Message
		}
		out = append(out, PodEvent{Time: now, Source: "provider", Kind: "state", Message: msg})
	}
	return out, nil
}

func chainEvent(e chain.ChannelEvent, tok amount.Token) PodEvent {
	ev := PodEvent{Time: time.Unix(int64(e.Time), 0).UTC(), Source: "chain", Kind: e.Name, Tx: e.Tx.Hex(), Block: e.Block, Fields: map[string]any{}}
	for k, v := range e.Fields {
		switch x := v.(type) {
		case *big.Int:
			ev.Fields[k] = x.String()
		case common.Address:
			ev.Fields[k] = x.Hex()
		case [32]byte:
			ev.Fields[k] = hexutil.Encode(x[:])
		default:
			ev.Fields[k] = x
		}
	}
	amt := func(k string) string {
		if v, ok := e.Fields[k].(*big.Int); ok {
			return amount.Format(v, tok)
		}
		return "?"
	}
	u64 := func(k string) uint64 {
		v, _ := e.Fields[k].(uint64)
		return v
	}
	at := func(k string) string {
		return time.Unix(int64(u64(k)), 0).Local().Format(time.DateTime)
	}
	switch e.Name {
	case "ChannelCreated":
		ev.Message = "channel opened"
	case "Deposited":
		ev.Message = "deposit of " + amt("amount")
	case "Claimed":
		ev.Message = fmt.Sprintf("the provider claimed receipt %d: %s paid", u64("seq"), amt("paid"))
	case "ClaimSkipped":
		ev.Message = fmt.Sprintf("a claim was skipped (%v)", e.Fields["reason"])
	case "UnlockRequested":
		if v, ok := e.Fields["amount"].(*big.Int); ok && amount.IsSentinel(v) {
			ev.Message = "unlock of everything requested, withdrawable from " + at("unlockAt")
		} else {
			ev.Message = "unlock of " + amt("amount") + " requested, withdrawable from " + at("unlockAt")
		}
	case "Withdrawn":
		ev.Message = amt("amount") + " withdrawn by the publisher"
	case "ChannelClosing":
		ev.Message = "channel closing: everything unlocks at " + at("unlockAt")
	case "ChannelReleased":
		ev.Message = "the provider released the channel: " + amt("refunded") + " back to the publisher"
	case "ChannelClosed":
		ev.Message = "channel closed"
	case "EarningsWithdrawn":
		ev.Message = "the provider collected " + amt("amount")
	case "PricingProposed":
		ev.Message = "the provider proposed new prices: " + pricesOf(e.Fields["prices"]) + " (accept with the channel's publisher key, or close the channel)"
	case "PricingAccepted":
		ev.Message = "the publisher accepted the proposed prices"
	case "PricingApplied":
		ev.Message = "the new prices apply from receipt " + fmt.Sprint(u64("seq"))
	default:
		ev.Message = e.Name
	}
	if len(ev.Fields) == 0 {
		ev.Fields = nil
	}
	return ev
}

func pricesOf(v any) string {
	arr, ok := v.([usage.Len]*big.Int)
	if !ok {
		return fmt.Sprint(v)
	}
	s := ""
	for i, p := range arr {
		if p != nil && p.Sign() != 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s %s per %s", usage.Labels[i], p, usage.Units[i])
		}
	}
	return s
}
