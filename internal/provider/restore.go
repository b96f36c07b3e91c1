package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ipfs/go-cid"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
)

// podRecord is the provider's part of a stored pod (store.Pod.Spec).
type podRecord struct {
	Token       common.Address `json:"token"`
	Reservation Reservation    `json:"reservation"`
	Rate        string         `json:"rate"`
	ScaleToZero bool           `json:"scaleToZero,omitempty"`
	IdleTimeout time.Duration  `json:"idleTimeout,omitempty"`
	Expose      exposure       `json:"expose"`
	Unfunded    bool           `json:"unfunded,omitempty"`
	Capped      bool           `json:"capped,omitempty"`
	// Ended says why the pod ended by itself (ended.go): it stays stopped.
	Ended    string `json:"ended,omitempty"`
	IssuedAt uint64 `json:"issuedAt,omitempty"`
	// Updating is the bundle of an update in progress: set before the
	// runtime is changed, cleared when the update is committed or has
	// failed. A restore that finds it undoes what reached the runtime.
	Updating string `json:"updating,omitempty"`
}

func encodeRecord(pd *pod) []byte {
	b, _ := json.Marshal(podRecord{
		Token: pd.token, Reservation: pd.res, Rate: pd.rate.String(),
		ScaleToZero: pd.scale.toZero, IdleTimeout: pd.scale.idle, Expose: pd.expose, Unfunded: pd.unfunded,
		Capped: pd.capped, Ended: pd.ended, IssuedAt: pd.issuedAt, Updating: pd.updating,
	})
	return b
}

// restore rebuilds the provider's view after a restart: every stored pod is
// matched with the runtime and metered again from its stored counters. A pod
// the runtime cannot report on right now is kept as it is: a transient
// failure never tears down a paid pod.
func (p *Provider) restore(ctx context.Context) error {
	recs, err := p.cfg.Store.ListPods(ctx)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, rec := range recs {
		if rec.State == p2p.PodPending.String() {
			p.undoProvision(ctx, rec.ChannelID)
			continue
		}
		var r podRecord
		if err := json.Unmarshal(rec.Spec, &r); err != nil {
			p.log.Error("restore: unreadable pod record, skipped", "channel", hex.EncodeToString(rec.ChannelID[:8]), "err", err)
			continue
		}
		rate, ok := new(big.Int).SetString(r.Rate, 10)
		if !ok {
			rate = new(big.Int)
		}
		pd := &pod{
			restartsUnknown: true,
			channel:         rec.ChannelID, id: rec.PodID, publisher: common.HexToAddress(rec.Publisher), token: r.Token,
			bundleCID: rec.BundleCID, rtID: runtimeID(rec.ChannelID), res: r.Reservation, rate: rate,
			scale: scalePolicy{toZero: r.ScaleToZero, idle: r.IdleTimeout}, expose: r.Expose,
			state: p2p.PodRunning, unfunded: r.Unfunded, capped: r.Capped, ended: r.Ended, issuedAt: r.IssuedAt, message: rec.Reason,
		}
		if pd.unfunded || pd.capped || pd.ended != "" {
			pd.state = p2p.PodStopped
		}
		p.mu.Lock()
		p.pods[pd.channel] = pd
		p.used = p.used.Add(pd.res)
		p.mu.Unlock()
		// The signing core checks its record of the channel against the
		// chain's baseline; the publisher comes from the chain, not the
		// store. A chain that cannot be read now is retried each cycle.
		if publisher, err := p.channelPublisher(ctx, pd.channel); err != nil {
			p.log.Warn("restore: the channel is opened in the signing core later", "pod", pd.rtID, "err", err)
		} else if err := p.openChannel(ctx, pd, publisher); err != nil {
			p.log.Warn("restore: the channel is opened in the signing core later", "pod", pd.rtID, "err", err)
		}
		// Reservations are kept in the store; this adds those of pods
		// deployed before there were any.
		if err := p.reserveHostnames(ctx, pd, pd.expose.Hostnames); err != nil {
			p.log.Warn("restore: hostnames", "pod", pd.rtID, "err", err)
		}

		st, err := p.cfg.Runtime.Status(ctx, pd.rtID)
		if errors.Is(err, runtime.ErrNotFound) && p.listed(ctx, pd.rtID) {
			err = fmt.Errorf("pod %s is listed but has no status: %w", pd.rtID, runtime.ErrUnavailable)
		}
		switch {
		case errors.Is(err, runtime.ErrNotFound):
			// The runtime lost the pod (its state was wiped): deploy the
			// bundle again, keeping the channel and the counters.
			p.log.Warn("restore: pod missing from the runtime, redeploying", "pod", pd.rtID)
			if err := p.redeploy(ctx, pd, false); err != nil {
				p.setState(pd, p2p.PodFailed, "redeploy after restart failed: "+err.Error())
				p.log.Error("restore: redeploy failed", "pod", pd.rtID, "err", err)
				p.event(pd, store.PodEvent{Kind: EventRestored, Message: "the runtime had lost the pod; redeploy failed (retrying): " + err.Error()})
			} else {
				p.event(pd, store.PodEvent{Kind: EventRestored, Message: "the runtime had lost the pod: deployed again from its bundle"})
			}
			continue
		case err != nil:
			p.log.Warn("restore: runtime unavailable; the pod is left as it is", "pod", pd.rtID, "err", err)
		}
		// A pod that ended by itself while the provider was down is left
		// stopped as well. The runtime still reports its containers' exits
		// then; after a restart of the machine they were never started in
		// its new boot (created), and are started.
		leave := false // ended, or judged at the next look
		if err == nil && r.Updating == "" {
			leave = p.checkEnded(ctx, pd, st)
		}
		if err == nil && st.State == runtime.PodPartial {
			// Its exited containers start again only if their policy says so.
			spec, ok := p.runtimeSpec(ctx, pd.rtID)
			leave = leave || !ok || !restartDue(spec, st)
		}
		if err == nil && !leave && !pd.unfunded && !pd.capped && !p.isEnded(pd) && !pd.scale.toZero && st.State != runtime.PodRunning {
			// It was stopped by the restart of the machine, not by us.
			if err := p.cfg.Runtime.Start(ctx, pd.rtID); err != nil {
				p.log.Warn("restore: start pod", "pod", pd.rtID, "err", err)
			}
		}
		if !pd.unfunded && !p.isEnded(pd) {
			p.route(ctx, pd)
		}
		if r.Updating != "" {
			p.undoUpdate(ctx, pd, r.Updating)
		}
		if err == nil {
			p.noteRestarts(pd, st)
		}
		p.event(pd, store.PodEvent{Kind: EventRestored, Message: "provider restarted; pod " + pd.state.String()})
		p.log.Info("restored pod", "pod", pd.rtID, "state", pd.state)
	}
	// Pods in the runtime the store does not know are left alone: they may
	// belong to another process sharing the runtime.
	infos, err := p.cfg.Runtime.List(ctx)
	if err == nil {
		for _, in := range infos {
			ch, ok := in.Spec.Labels[runtime.LabelChannel]
			if !ok {
				continue
			}
			var id [32]byte
			if b, err := hex.DecodeString(ch); err == nil && len(b) == 32 {
				copy(id[:], b)
			}
			if p.pod(id) == nil {
				p.log.Warn("runtime pod unknown to the store, left alone", "pod", in.Spec.ID)
			}
		}
	}
	return nil
}

// undoProvision removes what a provision the provider never committed left
// (the process died between writing its intent and committing the pod):
// the runtime's pod, if it got that far, its hostname reservations and the
// record. The publisher, who got no answer, provisions again (`tpod deploy
// --resume`); the signing core keeps its record of the channel for that
// provision (it meters nothing of a pod that is gone).
func (p *Provider) undoProvision(ctx context.Context, channel [32]byte) {
	id := runtimeID(channel)
	if err := p.cfg.Runtime.Delete(ctx, id, 0); err != nil && !errors.Is(err, runtime.ErrNotFound) {
		// Left for the next restart; the record stays to say so.
		p.log.Warn("restore: remove an unfinished provision", "pod", id, "err", err)
		return
	}
	p.releaseHostnames(ctx, channel)
	if err := p.cfg.Store.DeletePod(ctx, channel); err != nil {
		p.log.Warn("restore: remove an unfinished provision", "pod", id, "err", err)
		return
	}
	p.log.Warn("restore: removed a provision that never completed", "pod", id)
}

// undoUpdate puts a pod back on its committed bundle when an update the
// provider never committed reached the runtime (the pod's bundle label says
// so), and clears the update's intent. The publisher, who got no answer,
// updates again.
func (p *Provider) undoUpdate(ctx context.Context, pd *pod, pending string) {
	defer func() {
		p.mu.Lock()
		pd.updating = ""
		p.mu.Unlock()
		p.persist(ctx, pd)
	}()
	infos, err := p.cfg.Runtime.List(ctx)
	if err != nil {
		p.log.Warn("restore: list pods to undo an update", "pod", pd.rtID, "err", err)
		return
	}
	for _, in := range infos {
		if in.Spec.ID != pd.rtID {
			continue
		}
		if in.Spec.Labels[labelBundle] == pd.bundleCID {
			p.log.Info("restore: an unfinished update had not reached the runtime", "pod", pd.rtID, "bundle", pending)
			return
		}
		p.log.Warn("restore: undoing an update that never completed", "pod", pd.rtID, "bundle", pending, "back to", pd.bundleCID)
		if err := p.redeploy(ctx, pd, true); err != nil {
			p.setState(pd, p2p.PodFailed, "undoing an unfinished update failed: "+err.Error())
			p.log.Error("restore: undo update", "pod", pd.rtID, "err", err)
		}
		return
	}
}

// redeploy fetches a pod's bundle again and deploys it. The stored CID is
// not trusted: the bundle must be bound to the pod's channel and signed by
// the publisher the chain names for it, as at provision; one that is not is
// refused before anything of it is decrypted, and not tried again. With
// update, the runtime's pod exists and is replaced.
func (p *Provider) redeploy(ctx context.Context, pd *pod, update bool) error {
	c, err := cid.Decode(pd.bundleCID)
	if err != nil {
		return err
	}
	publisher, err := p.channelPublisher(ctx, pd.channel)
	if err != nil {
		return err
	}
	check := p.bindingCheck(pd.channel, publisher)
	path, _, err := p.fetch(ctx, c, check)
	if err == nil {
		defer os.Remove(path)
		p.mu.Lock()
		pd.publisher = publisher
		p.mu.Unlock()
		err = p.deploy(ctx, pd, path, update, check)
	}
	switch {
	case errors.Is(err, p2p.ErrBundleBinding):
		p.mu.Lock()
		pd.refused = err.Error()
		p.mu.Unlock()
		p.log.Error("stored bundle is not bound to the pod's channel; not deployed", "pod", pd.rtID, "bundle", pd.bundleCID, "err", err)
	case errors.Is(err, core.ErrOlderBundle):
		// The signing core has run a newer bundle on the channel: the
		// stored CID was rolled back.
		p.mu.Lock()
		pd.refused = err.Error()
		p.mu.Unlock()
		p.log.Error("stored bundle is older than the one the signing core last ran on the channel; not deployed", "pod", pd.rtID, "bundle", pd.bundleCID, "err", err)
	}
	return err
}

// register publishes the provider in the Registry, or updates its entry when
// anything changed: peer ID and addresses, prices, TEE kind, capacity, and
// attestation evidence stored on IPFS.
func (p *Provider) register(ctx context.Context) error {
	reg := p.cfg.Registry
	info := chain.ProviderInfo{
		PeerId:  p.cfg.Host.ID().String(),
		TeeType: string(p.core.Kind),
		Region:  p.cfg.Region,
		Capacity: chain.Capacity{CpuMillicores: p.cfg.Capacity.CPUMilli, MemoryMiB: p.cfg.Capacity.MemoryMiB,
			StorageMiB: p.cfg.Capacity.StorageMiB, GpuMilli: p.cfg.Capacity.GPUMilli},
	}
	for _, a := range p.cfg.Host.Addrs() {
		info.Addrs = append(info.Addrs, a.String())
	}
	var tables []chain.PricingTable
	for _, t := range p.cfg.Pricing {
		rt := chain.PricingTable{Token: t.Token, MinDisputePeriod: uint64(t.MinDisputePeriod / time.Second)}
		for i, pr := range t.Prices {
			rt.Prices[i] = new(big.Int)
			if pr != nil {
				rt.Prices[i].Set(pr)
			}
		}
		tables = append(tables, rt)
	}
	cur, err := reg.Provider(ctx, p.Address())
	registered := err == nil && cur.Owner == p.Address()
	if registered && cur.Active && sameListing(cur, info, tables) {
		return nil
	}
	// Evidence for the registry: a standing reference for browsing
	// publishers; deploying publishers ask for fresh evidence anyway.
	nonce := make([]byte, 32)
	rand.Read(nonce)
	ev, err := p.cfg.Core.Evidence(ctx, nonce)
	if err != nil {
		return fmt.Errorf("registry evidence: %w", err)
	}
	data, err := ev.Marshal()
	if err != nil {
		return err
	}
	c, err := p.cfg.Bundles.Add(ctx, bytes.NewReader(data), ipfs.AddOptions{Pin: true})
	if err != nil {
		return fmt.Errorf("store registry evidence: %w", err)
	}
	info.AttestationCid = c.String()
	info.AttestationHash = crypto.Keccak256Hash(data)
	if registered {
		_, err = reg.Update(ctx, p.cfg.Wallet, info, tables)
	} else {
		_, err = reg.Register(ctx, p.cfg.Wallet, info, tables)
	}
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	p.log.Info("registered", "peer", info.PeerId, "evidence", info.AttestationCid)
	return nil
}

// sameListing reports whether the registry entry already says what the
// provider would register, ignoring the evidence reference.
func sameListing(cur chain.ProviderEntry, info chain.ProviderInfo, tables []chain.PricingTable) bool {
	a, b := cur.Info, info
	if a.PeerId != b.PeerId || a.TeeType != b.TeeType || a.Region != b.Region || a.Capacity != b.Capacity ||
		a.HostInfoCid != b.HostInfoCid || !slices.Equal(a.Addrs, b.Addrs) || len(cur.Pricing) != len(tables) {
		return false
	}
	for i, t := range tables {
		c := cur.Pricing[i]
		if c.Token != t.Token || c.MinDisputePeriod != t.MinDisputePeriod {
			return false
		}
		for j := range t.Prices {
			if c.Prices[j] == nil || c.Prices[j].Cmp(t.Prices[j]) != 0 {
				return false
			}
		}
	}
	return true
}
