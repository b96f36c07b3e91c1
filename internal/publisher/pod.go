package publisher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/p2p"
)

// PodStatus is a pod's state at its provider with its channel's funds.
type PodStatus struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Step       string           `json:"step"`
	State      string           `json:"state"`
	Message    string           `json:"message,omitempty"`
	BundleCID  string           `json:"bundleCid,omitempty"`
	Endpoints  []Endpoint       `json:"endpoints,omitempty"`
	Containers []ContainerState `json:"containers,omitempty"`
	Warnings   []string         `json:"warnings,omitempty"`
	Funds      *Funds           `json:"funds,omitempty"`
	// Unreachable is set when the provider did not answer.
	Unreachable string `json:"unreachable,omitempty"`
}

// ContainerState is one container's state.
type ContainerState struct {
	Name     string `json:"name"`
	State    string `json:"state"`
	Restarts uint32 `json:"restarts"`
	ExitCode int32  `json:"exitCode"`
}

func (p *Publisher) pod(ctx context.Context, id string) (*Record, p2p.Pod, error) {
	rec, err := p.cfg.State.Load(id)
	if err != nil {
		return nil, p2p.Pod{}, err
	}
	if err := p.checkRecord(ctx, rec); err != nil {
		return rec, p2p.Pod{}, err
	}
	return rec, p2p.Pod{ChannelID: rec.ChannelID, PodID: rec.PodID}, nil
}

// Status reports the pod at its provider (when reachable) and its funds.
func (p *Publisher) Status(ctx context.Context, id string) (*PodStatus, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, pod, err := p.pod(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &PodStatus{ID: rec.ID, Name: rec.Name, Step: rec.Step, State: "not provisioned", BundleCID: rec.BundleCID}
	switch rec.Step {
	case StepProvisioned:
		out.Endpoints = rec.Endpoints
	case StepDeleted, StepCancelled:
		out.State = rec.Step // its endpoints are gone with it
	}
	if rec.Reached(StepChannel) {
		if out.Funds, err = p.funds(ctx, rec); err != nil {
			return nil, err
		}
	}
	if rec.Step != StepProvisioned {
		return out, nil
	}
	s, err := p.dialRecord(ctx, rec)
	if err != nil {
		out.State, out.Unreachable = "unknown", err.Error()
		return out, nil
	}
	defer s.Close()
	st, err := s.client.Status(ctx, s.peer, w, pod)
	if err != nil {
		out.State, out.Unreachable = "unknown", err.Error()
		return out, nil
	}
	out.State, out.Message, out.BundleCID, out.Warnings = st.State.String(), st.Message, st.BundleCID, st.Warnings
	if eps := endpoints(st); len(eps) > 0 {
		out.Endpoints = eps
	}
	for _, c := range st.Containers {
		out.Containers = append(out.Containers, ContainerState{Name: c.Name, State: c.State, Restarts: c.Restarts, ExitCode: c.ExitCode})
	}
	return out, nil
}

// LogLine is one log line. Time is when the line was written, as the
// provider's runtime recorded it; absent when it did not.
type LogLine struct {
	Container string     `json:"container"`
	Stream    string     `json:"stream"`
	Time      *time.Time `json:"time,omitempty"`
	Line      string     `json:"line"`
}

// Logs streams the pod's log lines to fn; with opts.Follow until ctx ends.
func (p *Publisher) Logs(ctx context.Context, id string, opts p2p.LogOptions, fn func(LogLine) error) error {
	w, err := p.wallet()
	if err != nil {
		return err
	}
	rec, pod, err := p.pod(ctx, id)
	if err != nil {
		return err
	}
	if rec.Step != StepProvisioned {
		return fmt.Errorf("deployment %s is %s, not running: %w", rec.ID, rec.Step, ErrInvalid)
	}
	s, err := p.dialRecord(ctx, rec)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.client.Logs(ctx, s.peer, w, pod, opts, func(e p2p.LogEntry) error {
		l := LogLine{Container: e.Container, Stream: e.Stream, Line: string(e.Line)}
		if !e.Time.IsZero() {
			t := e.Time
			l.Time = &t
		}
		return fn(l)
	})
}

// UpdateRequest replaces a running pod's bundle (same channel and terms).
type UpdateRequest struct {
	Manifest string
	Images   map[string]string
	Secrets  map[string]string
	// Policy and InsecureSimulated as for deploy ("" keeps the deploy's).
	Policy            string
	InsecureSimulated bool
}

// Update re-attests the provider (the enclave must still be the one the
// channel pinned), builds the new bundle and asks the provider to switch.
func (p *Publisher) Update(ctx context.Context, id string, req UpdateRequest) (*Record, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, pod, err := p.pod(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec.Step != StepProvisioned {
		return rec, fmt.Errorf("deployment %s is %s, not running: %w", rec.ID, rec.Step, ErrInvalid)
	}
	m, err := loadManifest(req.Manifest)
	if err != nil {
		return rec, err
	}
	images := rec.Images
	if len(req.Images) > 0 {
		images = absPaths(req.Images)
	}
	secrets := rec.Secrets
	if len(req.Secrets) > 0 {
		secrets = absPaths(req.Secrets)
	}
	if _, _, err := loadInputs(m, images, secrets); err != nil {
		return rec, err
	}
	// The channel's cap is fixed: a pod that costs more at its limits needs
	// a new channel (the provider refuses the update otherwise).
	if terms, err := recordTerms(rec); err == nil {
		if peak := PeakRate(m, terms.Prices); terms.MaxPerSecond.Cmp(peak.Total()) < 0 {
			return rec, fmt.Errorf("the updated pod costs up to %s per second at its limits, above the channel's maxPerSecond of %s: deploy it anew: %w", peak.Total(), terms.MaxPerSecond, ErrInvalid)
		}
	}
	policy := rec.Policy
	if req.Policy != "" {
		policy = absPath(req.Policy)
	}
	node, s, err := p.providerNode(ctx, rec, func(string) {})
	if err != nil {
		return rec, err
	}
	defer node.Close()
	var att *Attested
	if err := p.step(rec.ID, "attest", "verifying the provider's attestation", func() error {
		att, err = p.attest(ctx, s.client, s.peer, policy, req.InsecureSimulated || rec.Insecure)
		return err
	}); err != nil {
		return rec, err
	}
	if att.Signer != rec.EnclaveSigner {
		return rec, fmt.Errorf("the provider's enclave is now %s, the channel pinned %s: refusing to send the bundle", att.Signer.Hex(), rec.EnclaveSigner)
	}
	var cid string
	if err := p.step(rec.ID, "bundle", "encrypting the new bundle and adding it to IPFS", func() error {
		cid, err = buildAndAdd(ctx, node, m, images, secrets, att.X25519, p.binding(rec), w, p.byteProgress(rec.ID, "bundle", "encrypted"))
		return err
	}); err != nil {
		return rec, err
	}
	var st *p2p.PodStatus
	if err := p.step(rec.ID, "update", "provider fetching the new bundle and restarting the pod", func() error {
		// A wake, a restart or a claim's stop holds the pod for a moment.
		return whileBusy(ctx, busyRetryFor, func() (err error) {
			st, err = s.client.Update(ctx, s.peer, w, pod, cid)
			return err
		})
	}); err != nil {
		return rec, err
	}
	h := m.Hash()
	rec.Manifest, rec.ManifestHash, rec.Images, rec.Secrets, rec.Policy = absPath(req.Manifest), fmt.Sprintf("%x", h[:]), images, secrets, policy
	rec.BundleCID, rec.Name = cid, m.Name
	rec.TLSBinding = att.tlsBinding()
	rec.Totals = m.Totals().Reserved()
	if eps := endpoints(st); len(eps) > 0 {
		rec.Endpoints = eps
	}
	return rec, p.cfg.State.Save(rec)
}

// Ended is what delete and cancel did, and where the money is now.
type Ended struct {
	*Record
	// Already is set when the record had been deleted or cancelled before:
	// nothing was done now, the rest says where things stand.
	Already bool `json:"already,omitempty"`
	// Channel is the channel's state on this chain now: "none" (never
	// created), "missing" (the record says it was, this chain does not
	// have it: a record of a restarted devnet), "closing" (its rest
	// unlocks at UnlockAt), "closed" (settled).
	Channel string `json:"channelState"`
	// Remaining is what is still in the channel (base units); withdrawable
	// from UnlockAt when closing.
	Remaining string `json:"remaining,omitempty"`
	UnlockAt  uint64 `json:"unlockAt,omitempty"`
	// ProviderError is set when the provider could not be told (--force).
	ProviderError string `json:"providerError,omitempty"`
}

// Delete stops the pod at the provider (which bills it a last time) and
// closes the channel: the rest of the funds can be withdrawn after the
// dispute period (Withdraw). With force, a provider that cannot be reached
// does not stop the channel from being closed. Deleting a deleted or
// cancelled deployment only reports where its money is.
func (p *Publisher) Delete(ctx context.Context, id string, force bool) (*Ended, error) {
	return p.end(ctx, id, StepDeleted, force)
}

// Cancel abandons a deployment at any step: a pod the provider may have
// started is deleted on a best-effort basis and an open channel is closed
// (funds withdrawable after the dispute period). A record of a devnet that
// was restarted since is cancelled locally: its chain is gone.
func (p *Publisher) Cancel(ctx context.Context, id string) (*Ended, error) {
	return p.end(ctx, id, StepCancelled, true)
}

// busyRetryFor is how long a delete or an update asks again a provider
// that answers it is busy with the pod.
const busyRetryFor = 20 * time.Second

// whileBusy calls fn until it returns something other than p2p.ErrBusy,
// for at most limit: the provider answers busy while another operation on
// the same pod (a wake, a restart, a killed client's provision) runs, and
// that one ends on its own.
func whileBusy(ctx context.Context, limit time.Duration, fn func() error) error {
	start := time.Now()
	for {
		err := fn()
		if !errors.Is(err, p2p.ErrBusy) || time.Since(start) > limit {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (p *Publisher) end(ctx context.Context, id, step string, force bool) (*Ended, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	rec, pod, err := p.pod(ctx, id)
	var st *StaleError
	if errors.As(err, &st) && st.Restarted {
		// The chain the record was made on is gone, and its channel with it.
		out := &Ended{Record: rec, Channel: "missing", Already: rec.Step == StepDeleted || rec.Step == StepCancelled}
		if !out.Already {
			rec.Step = step
			rec.Endpoints = nil
			if err := p.cfg.State.Save(rec); err != nil {
				return out, err
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out := &Ended{Record: rec, Already: rec.Step == StepDeleted || rec.Step == StepCancelled}
	if rec.Step == StepProvisioned {
		err := p.step(rec.ID, "delete", "stopping the pod at the provider", func() error {
			s, err := p.dialRecord(ctx, rec)
			if err != nil {
				return err
			}
			defer s.Close()
			// A provider busy with the pod (a wake, a restart, a claim's
			// stop) finishes within seconds: ask again meanwhile.
			err = whileBusy(ctx, busyRetryFor, func() error {
				_, err := s.client.Delete(ctx, s.peer, w, pod)
				return err
			})
			if errors.Is(err, p2p.ErrNotFound) {
				return nil // gone already (stopped for lack of funds, or deleted)
			}
			return err
		})
		if err != nil {
			if !force {
				return out, fmt.Errorf("delete at the provider: %w (retry, or pass --force to close the channel anyway)", err)
			}
			out.ProviderError = err.Error()
		}
	}
	if !out.Already {
		if err := p.closeIfOpen(ctx, rec, pod.ChannelID); err != nil {
			return out, err
		}
	}
	if err := p.channelOutcome(ctx, rec, out); err != nil {
		return out, err
	}
	if !out.Already {
		rec.Step = step
		rec.Endpoints = nil
		if err := p.cfg.State.Save(rec); err != nil {
			return out, err
		}
	}
	return out, nil
}

// channelOutcome reads where the channel's money is.
func (p *Publisher) channelOutcome(ctx context.Context, rec *Record, out *Ended) error {
	ch, err := p.cfg.Payment.Channel(ctx, rec.ChannelID)
	if err != nil {
		return fmt.Errorf("read channel: %w", err)
	}
	switch ch.Status {
	case chain.StatusNone:
		out.Channel = "none"
		if rec.ChannelTx != "" || rec.ChannelClosed {
			out.Channel = "missing"
		}
	case chain.StatusClosed:
		out.Channel = "closed"
	default:
		out.Channel = "closing"
		if ch.Status == chain.StatusOpen {
			out.Channel = "open"
		}
		out.Remaining, out.UnlockAt = TokenAmount(ch.Balance), ch.UnlockAt
	}
	return nil
}

func (p *Publisher) closeIfOpen(ctx context.Context, rec *Record, channelID [32]byte) error {
	w, err := p.wallet()
	if err != nil {
		return err
	}
	ch, err := p.cfg.Payment.Channel(ctx, channelID)
	if err != nil {
		return fmt.Errorf("read channel: %w", err)
	}
	if ch.Status == chain.StatusNone {
		return nil
	}
	rec.ChannelClosed = true
	if ch.Status != chain.StatusOpen {
		return nil
	}
	return p.step(rec.ID, "close", "closing the channel (unlocks the rest after the dispute period)", func() error {
		_, err := p.cfg.Payment.Close(ctx, w, channelID)
		return err
	})
}
