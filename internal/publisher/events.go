package publisher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/usage"
)

// PodEvent is one thing that happened to a deployment: on the chain (its
// channel's events) or at the provider (restarts, stops, wakes).
type PodEvent struct {
	Time time.Time `json:"time"`
	// Source is "chain", "provider" or "record" (this machine's record).
	Source string `json:"source"`
	// Kind is the event's name: ChannelCreated, Claimed, ... for the
	// chain; restarted, stopped-funds, woken, ... for the provider
	// (docs/publisher.md); provider-unreachable or provider-error when it
	// could not be asked or refused.
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
	tok := p.tokenInfo(ctx, rec.Token)
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
	out = append(out, p.providerEvents(ctx, rec, pod)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

// providerEvents asks the provider what it recorded about the pod
// (docs/publisher.md lists the kinds). When it cannot be asked, one event
// says so, so that the chain and record events shown are not taken for all.
func (p *Publisher) providerEvents(ctx context.Context, rec *Record, pod p2p.Pod) []PodEvent {
	if rec.Step != StepProvisioned || p.cfg.Wallet == nil {
		return nil
	}
	s, err := p.dialRecord(ctx, rec)
	var evs []p2p.PodEvent
	if err == nil {
		evs, err = s.client.Events(ctx, s.peer, p.cfg.Wallet, pod, 0)
		s.Close()
	}
	if err != nil {
		// An answer with an error code came from the provider; anything else
		// (no address, no connection, a broken stream) means it was not reached.
		kind, msg := "provider-unreachable", "the provider did not answer: "+err.Error()
		var pe *p2p.Error
		if errors.As(err, &pe) {
			kind, msg = "provider-error", "the provider refused the events request: "+err.Error()
		}
		return []PodEvent{{Time: p.cfg.Now(), Source: "provider", Kind: kind,
			Message: msg + "; its events (restarts, stops, wakes) are missing, the chain's and the record's are shown"}}
	}
	out := make([]PodEvent, 0, len(evs))
	for _, e := range evs {
		out = append(out, providerEvent(e))
	}
	return out
}

// providerEvent words an event the provider recorded.
func providerEvent(e p2p.PodEvent) PodEvent {
	ev := PodEvent{Time: e.Time, Source: "provider", Kind: e.Kind, Fields: map[string]any{}}
	var b strings.Builder
	b.WriteString(e.Kind)
	if e.Container != "" {
		fmt.Fprintf(&b, " %s", e.Container)
		ev.Fields["container"] = e.Container
	}
	if e.ExitCode != 0 {
		fmt.Fprintf(&b, " (exit code %d)", e.ExitCode)
		ev.Fields["exitCode"] = e.ExitCode
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, " [%s]", e.Reason)
		ev.Fields["reason"] = e.Reason
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	ev.Message = b.String()
	if len(ev.Fields) == 0 {
		ev.Fields = nil
	}
	return ev
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
