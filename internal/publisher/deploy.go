package publisher

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// DeployRequest is what `tpod deploy` asks for.
type DeployRequest struct {
	// Manifest is the pod manifest file.
	Manifest string
	// Provider is the provider's account; zero picks the cheapest provider
	// that fits (Filter applies).
	Provider common.Address
	Filter   Filter
	// PeerAddrs, when set, replace the registry's addresses of the provider
	// (multiaddrs, with or without /p2p/ID).
	PeerAddrs []string
	// Token to pay in (zero: Filter.Token, else the provider's first table).
	Token common.Address
	// Funds is the initial deposit, in base units or whole tokens ("5TPT";
	// zero: one hour of the estimate, at least the provider's minimum
	// deposit).
	Funds amount.Quantity
	// MaxPerSecond caps payment per second of receipt time (zero: default).
	MaxPerSecond amount.Quantity
	// DisputePeriod (0: the provider's minimum, at least one minute).
	DisputePeriod time.Duration
	// Policy is the attestation policy file ("" : the built-in policy,
	// which accepts only simulated evidence and only with Insecure).
	Policy string
	// InsecureSimulated accepts simulated (unbacked) evidence.
	InsecureSimulated bool
	// Images maps image references to files (docker archive, OCI layout).
	Images map[string]string
	// Secrets maps secret names to files holding their values.
	Secrets map[string]string
	// NoApprove never raises the token allowance (fails when it is short).
	NoApprove bool
}

// Deploy runs a deployment to the end. On failure the returned record (not
// nil once the record exists) says how far it got; the error says how to
// resume or cancel.
func (p *Publisher) Deploy(ctx context.Context, req DeployRequest) (*Record, error) {
	w, err := p.wallet()
	if err != nil {
		return nil, err
	}
	pod, err := loadManifest(req.Manifest)
	if err != nil {
		return nil, err
	}
	// The manifest's warnings come before anything is spent.
	for _, w := range pod.Warnings {
		if p.cfg.Progress != nil {
			p.cfg.Progress(Event{Step: "manifest", Message: "warning: " + w.String()})
		}
	}
	// Check the inputs before anything leaves this machine.
	if _, _, err := loadInputs(pod, req.Images, req.Secrets); err != nil {
		return nil, err
	}
	totals := pod.Totals()
	var offer *Offer
	if req.Provider == (common.Address{}) {
		f := req.Filter
		if req.Token != (common.Address{}) {
			f.Token = req.Token
		}
		offers, err := p.Providers(ctx, f, &totals)
		if err != nil {
			return nil, err
		}
		if offer, err = p.pick(ctx, offers, req.Policy, req.InsecureSimulated); err != nil {
			return nil, err
		}
	} else {
		offers, err := p.Provider(ctx, req.Provider, &totals)
		if err != nil {
			return nil, err
		}
		for i := range offers {
			if req.Token == (common.Address{}) || offers[i].Token == req.Token {
				offer = &offers[i]
				break
			}
		}
		if offer == nil {
			return nil, fmt.Errorf("provider %s has no pricing table for token %s: %w", req.Provider.Hex(), req.Token.Hex(), ErrNotFound)
		}
		if !offer.Active {
			return nil, fmt.Errorf("provider %s is deactivated: %w", req.Provider.Hex(), ErrNotFound)
		}
	}
	var podID [32]byte
	if _, err := rand.Read(podID[:]); err != nil {
		return nil, err
	}
	h := pod.Hash()
	rec := &Record{
		ID: hex.EncodeToString(podID[:8]), Name: pod.Name, Step: StepNew, CreatedAt: time.Now().UTC(),
		ChainID: p.cfg.Chain.ChainID().Uint64(), Payment: p.cfg.Payment.Address(),
		Publisher: w.Address(),
		Provider:  ProviderRef{Address: offer.Provider, PeerID: offer.PeerID, Addrs: offer.Addrs, TEE: offer.TEE, Region: offer.Region},
		Manifest:  absPath(req.Manifest), ManifestHash: hex.EncodeToString(h[:]),
		Images: absPaths(req.Images), Secrets: absPaths(req.Secrets), Policy: absPath(req.Policy),
		Insecure: req.InsecureSimulated, NoApprove: req.NoApprove,
		Totals: totals.Reserved(),
		Token:  offer.Token, DisputePeriod: uint64(req.DisputePeriod / time.Second),
		PodID: podID,
	}
	if len(req.PeerAddrs) > 0 {
		rec.Provider.Addrs, rec.Provider.Pinned = req.PeerAddrs, true
	} else {
		rec.Provider.Addrs = p.withHints(offer.Provider, offer.Addrs)
	}
	if p.cfg.Registry != nil {
		rec.Registry = p.cfg.Registry.Address()
	}
	rec.Genesis = p.Network(ctx).Genesis
	if err := p.setAmounts(ctx, rec, req.Funds, req.MaxPerSecond); err != nil {
		return nil, err
	}
	cid := payment.ChannelID(w.Address(), offer.Provider, podID)
	rec.ChannelID = cid
	if err := p.cfg.State.Save(rec); err != nil {
		return nil, err
	}
	return rec, p.run(ctx, rec, pod, offer)
}

// maxCandidates bounds how many providers auto selection tries.
const maxCandidates = 5

// pick returns the cheapest offer that fits whose provider answers and
// passes attestation; the others are skipped with a progress note. Nothing
// is paid while picking.
func (p *Publisher) pick(ctx context.Context, offers []Offer, policy string, insecure bool) (*Offer, error) {
	var reasons []string
	tried := 0
	for i := range offers {
		o := &offers[i]
		if !o.Fits || tried == maxCandidates {
			continue
		}
		tried++
		err := p.probe(ctx, o, policy, insecure)
		if err == nil {
			return o, nil
		}
		reasons = append(reasons, fmt.Sprintf("%s: %v", o.Provider.Hex(), err))
		if p.cfg.Progress != nil {
			p.cfg.Progress(Event{Step: "pick", Message: fmt.Sprintf("skipping provider %s: %v", o.Provider.Hex(), err)})
		}
	}
	if tried == 0 {
		return nil, fmt.Errorf("no active provider in the registry matches and fits the pod: %w", ErrNotFound)
	}
	return nil, fmt.Errorf("no provider that fits the pod answered and passed attestation (%s): %w", strings.Join(reasons, "; "), ErrNotFound)
}

// withHints adds the provider's hinted addresses to the registry's.
func (p *Publisher) withHints(provider common.Address, addrs []string) []string {
	out := append([]string(nil), addrs...)
	for _, h := range p.cfg.PeerHints[provider] {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// probe connects to an offer's provider and verifies its attestation.
func (p *Publisher) probe(ctx context.Context, o *Offer, policy string, insecure bool) error {
	s, err := p.dialRecord(ctx, &Record{Provider: ProviderRef{PeerID: o.PeerID, Addrs: p.withHints(o.Provider, o.Addrs)}})
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = p.attest(ctx, s.client, s.peer, policy, insecure)
	return err
}

// ResumeRequest continues an interrupted deployment, with corrections.
type ResumeRequest struct {
	ID string
	// Funds and MaxPerSecond replace the record's, while no channel exists
	// (zero: keep them).
	Funds, MaxPerSecond amount.Quantity
	// PeerAddrs replace the provider's addresses (else they are looked up
	// in the Registry again: a provider that restarted may have moved).
	PeerAddrs []string
}

// setAmounts resolves the funds and cap quantities in the record's token.
func (p *Publisher) setAmounts(ctx context.Context, rec *Record, funds, maxPerSecond amount.Quantity) error {
	tok := p.tokenInfo(ctx, rec.Token)
	if !funds.IsZero() {
		v, err := funds.Resolve(tok)
		if err != nil {
			return fmt.Errorf("funds %w: %w", err, ErrInvalid)
		}
		if v.Sign() == 0 {
			return fmt.Errorf("funds %s: a channel needs a deposit: %w", funds, ErrInvalid)
		}
		rec.Funds = amount.NewUnits(v)
	}
	if !maxPerSecond.IsZero() {
		v, err := maxPerSecond.Resolve(tok)
		if err != nil {
			return fmt.Errorf("max per second %w: %w", err, ErrInvalid)
		}
		rec.MaxPerSecond = amount.NewUnits(v)
	}
	return nil
}

// Resume continues an interrupted deployment from its record. Steps already
// done on-chain are not repeated (the chain is checked, not only the
// record). The provider's peer and addresses are looked up in the Registry
// again (or taken from PeerAddrs): a provider that restarted may have
// moved. Corrected funds or cap apply while no channel exists. A record of
// a devnet that was restarted since continues on this chain.
func (p *Publisher) Resume(ctx context.Context, req ResumeRequest) (*Record, error) {
	rec, err := p.cfg.State.Load(req.ID)
	if err != nil {
		return nil, err
	}
	switch rec.Step {
	case StepProvisioned:
		if req.Funds.IsZero() && req.MaxPerSecond.IsZero() {
			return rec, nil
		}
		return rec, fmt.Errorf("deployment %s runs already: its channel's funds are set; add more with `tpod funds deposit %s AMOUNT`: %w", rec.ID, rec.ID, ErrInvalid)
	case StepDeleted, StepCancelled:
		return rec, fmt.Errorf("deployment %s was %s; deploy again instead: %w", rec.ID, rec.Step, ErrInvalid)
	}
	if err := p.retarget(ctx, rec); err != nil {
		return rec, err
	}
	if err := p.checkRecord(ctx, rec); err != nil {
		return rec, err
	}
	pod, err := loadManifest(rec.Manifest)
	if err != nil {
		return rec, err
	}
	if h := pod.Hash(); hex.EncodeToString(h[:]) != rec.ManifestHash {
		return rec, fmt.Errorf("manifest %s changed since the deploy started; cancel it (tpod pod cancel %s) and deploy again: %w", rec.Manifest, rec.ID, ErrInvalid)
	}
	if !req.Funds.IsZero() || !req.MaxPerSecond.IsZero() {
		var onChain bool
		if err := p.patiently(ctx, rec.ID, "reading the channel", func() (err error) {
			onChain, err = p.channelExists(ctx, rec.ChannelID)
			return err
		}); err != nil {
			return rec, err
		}
		if onChain || rec.Reached(StepChannel) {
			return rec, fmt.Errorf("deployment %s's channel exists already with its funds; resume without --funds and add more with `tpod funds deposit %s AMOUNT`: %w", rec.ID, rec.ID, ErrInvalid)
		}
		if err := p.setAmounts(ctx, rec, req.Funds, req.MaxPerSecond); err != nil {
			return rec, err
		}
		if rec.Reached(StepQuoted) {
			rec.Step = StepAttested // the new terms are checked against a fresh quote
		}
		rec.LastError = ""
		if err := p.cfg.State.Save(rec); err != nil {
			return rec, err
		}
	}
	offer := &Offer{Provider: rec.Provider.Address, Token: rec.Token}
	// Fresh registry data for the prices, the peer and its addresses.
	var offers []Offer
	if err := p.patiently(ctx, rec.ID, "reading the provider's Registry entry", func() (err error) {
		offers, err = p.Provider(ctx, offer.Provider, nil)
		if errors.Is(err, ErrNotFound) {
			return nil // not registered (any more): keep the recorded addresses
		}
		return err
	}); err != nil {
		return rec, err
	}
	for i := range offers {
		if offers[i].Token == offer.Token {
			o := offers[i]
			offer = &o
		}
	}
	if len(req.PeerAddrs) > 0 {
		info, err := peerInfo("", req.PeerAddrs)
		if err != nil {
			return rec, err
		}
		rec.Provider.PeerID, rec.Provider.Addrs, rec.Provider.Pinned = info.ID.String(), req.PeerAddrs, true
	} else if offer.PeerID != "" {
		rec.Provider.PeerID, rec.Provider.Pinned = offer.PeerID, false
		rec.Provider.Addrs = p.withHints(offer.Provider, offer.Addrs)
	}
	return rec, p.run(ctx, rec, pod, offer)
}

// retarget moves a record of a restarted devnet (same chain ID and
// contracts, another genesis) to this chain: the old chain is gone, and
// with it anything the record did there. Records of another network stay
// as they are (checkRecord refuses them).
func (p *Publisher) retarget(ctx context.Context, rec *Record) error {
	st := p.Stale(ctx, rec)
	if st == nil || !st.Restarted {
		return nil
	}
	rec.Genesis = p.Network(ctx).Genesis
	if rec.Reached(StepApproved) {
		// Its channel (if any) went with the old chain: pay again here.
		rec.Step = StepUploaded
		rec.ChannelTx, rec.ApproveTx, rec.ChannelClosed = "", "", false
	}
	if p.cfg.Progress != nil {
		p.cfg.Progress(Event{Deployment: rec.ID, Step: "pick", Message: "the record was made on an earlier run of this chain (a restarted devnet): continuing on this one"})
	}
	return p.cfg.State.Save(rec)
}

// DeployError is a failed deploy: the step that failed and what the
// publisher can do about it.
type DeployError struct {
	ID   string
	Step string // the step that failed
	// FundsLocked is true when a channel holds the publisher's funds.
	FundsLocked bool
	// Uncertain is set when a channel transaction may have been mined
	// although its answer was lost.
	Uncertain bool
	Err       error
}

// Error says which step failed, why, and how to resume or cancel.
func (e *DeployError) Error() string {
	hint := "no funds were moved"
	if e.FundsLocked {
		hint = "your funds are in the channel, not lost"
	} else if e.Uncertain {
		hint = "the channel transaction may or may not have been mined; a resume checks the chain and never pays twice"
	}
	return fmt.Sprintf("deployment %s failed while %s: %v\n  %s: resume with `tpod deploy --resume %s`, or cancel with `tpod pod cancel %s`",
		e.ID, e.Step, e.Err, hint, e.ID, e.ID)
}

// Unwrap returns the cause.
func (e *DeployError) Unwrap() error { return e.Err }

// run performs the remaining steps of rec. Each step saves the record
// before the next; a failure is a DeployError naming the step.
func (p *Publisher) run(ctx context.Context, rec *Record, pod *manifest.Pod, offer *Offer) (err error) {
	current := "starting"
	defer func() {
		if err != nil {
			rec.LastError = err.Error()
			if serr := p.cfg.State.Save(rec); serr != nil {
				// The failure stands; the record on disk is one step behind,
				// which a resume corrects from the chain.
				err = errors.Join(err, fmt.Errorf("save the record: %w", serr))
			}
			locked := rec.Reached(StepChannel)
			err = &DeployError{ID: rec.ID, Step: current, FundsLocked: locked, Uncertain: !locked && rec.Reached(StepApproved), Err: err}
		}
	}()

	current = "reading the channel"
	if err := p.checkChannel(ctx, rec); err != nil {
		return err
	}
	// The publisher's own IPFS node lives until the provider fetched the
	// bundle (Provision returned).
	node, s, err := p.providerNode(ctx, rec, func(step string) { current = step })
	if err != nil {
		return err
	}
	defer node.Close()

	current = "verifying the provider's attestation"
	att, err := p.attestStep(ctx, rec, s)
	if err != nil {
		return err
	}
	if !rec.Reached(StepQuoted) {
		current = "getting a quote"
		if err := p.quoteStep(ctx, rec, s, pod, offer, att); err != nil {
			return err
		}
	}
	current = "building and uploading the bundle"
	if err := p.uploadStep(ctx, rec, node, pod, att); err != nil {
		return err
	}
	if !rec.Reached(StepChannel) {
		current = "opening the payment channel"
		if err := p.openChannel(ctx, rec, p.cfg.Wallet); err != nil {
			return err
		}
	}
	current = "provisioning the pod"
	return p.provisionStep(ctx, rec, s)
}

// providerNode starts the publisher's own IPFS node and connects it
// straight to rec's provider, which fetches bundles from it. at is told
// each step as it starts.
func (p *Publisher) providerNode(ctx context.Context, rec *Record, at func(step string)) (*ipfs.Node, *session, error) {
	info, err := peerInfo(rec.Provider.PeerID, p.currentAddrs(ctx, rec))
	if err != nil {
		return nil, nil, err
	}
	at("starting the local IPFS node")
	var node *ipfs.Node
	if err := p.step(rec.ID, "ipfs", "starting an ephemeral IPFS node", func() (err error) {
		node, err = ipfs.NewNode(ctx, ipfs.Config{})
		return err
	}); err != nil {
		return nil, nil, err
	}
	at("connecting to the provider")
	if err := p.step(rec.ID, "connect", "connecting to provider "+info.ID.String(), func() error {
		return p.connect(ctx, node.Host(), info)
	}); err != nil {
		node.Close()
		return nil, nil, err
	}
	// The node owns the host: the session is not closed.
	return node, &session{client: p2p.NewClient(node.Host(), p2p.WithDomain(p.domain())), peer: info.ID}, nil
}

// checkChannel asks the chain whether the channel exists already (a
// previous run created it even if it never saw the receipt) and records it.
func (p *Publisher) checkChannel(ctx context.Context, rec *Record) error {
	var onChain bool
	if err := p.patiently(ctx, rec.ID, "reading the channel", func() (err error) {
		onChain, err = p.channelExists(ctx, rec.ChannelID)
		return err
	}); err != nil {
		return err
	}
	if onChain && !rec.Reached(StepChannel) {
		rec.Step = StepChannel
		return p.cfg.State.Save(rec)
	}
	return nil
}

// attestStep verifies fresh evidence, fail-closed, and records the
// enclave; once a channel pinned an enclave key, another key is refused.
func (p *Publisher) attestStep(ctx context.Context, rec *Record, s *session) (*Attested, error) {
	var att *Attested
	if err := p.step(rec.ID, "attest", "verifying the provider's attestation", func() (err error) {
		att, err = p.attest(ctx, s.client, s.peer, rec.Policy, rec.Insecure)
		return err
	}); err != nil {
		return nil, err
	}
	if rec.EnclaveSigner != (common.Address{}) && rec.Reached(StepChannel) && rec.EnclaveSigner != att.Signer {
		return nil, fmt.Errorf("the provider's enclave key changed from %s to %s since the channel pinned it; cancel the deployment", rec.EnclaveSigner.Hex(), att.Signer.Hex())
	}
	rec.EnclaveSigner, rec.X25519, rec.Measurement, rec.TEE = att.Signer, hex.EncodeToString(att.X25519.Bytes()), att.Measurement, att.Kind
	rec.PolicyUsed, rec.ConfigSHA256, rec.Config = att.Policy, att.ConfigSHA256, att.Config
	rec.TLSBinding = att.tlsBinding()
	if !rec.Reached(StepAttested) {
		rec.Step = StepAttested
	}
	return att, p.cfg.State.Save(rec)
}

// quoteStep asks for a quote and fixes the terms; the provider's prices
// must be those of its registry entry.
func (p *Publisher) quoteStep(ctx context.Context, rec *Record, s *session, pod *manifest.Pod, offer *Offer, att *Attested) error {
	totals := pod.Totals()
	var q *p2p.Quote
	if err := p.step(rec.ID, "quote", "asking for a quote", func() (err error) {
		q, err = s.client.Quote(ctx, s.peer, p2p.QuoteRequest{
			Resources: totals.Reserved(),
			Token:     rec.Token,
		})
		return err
	}); err != nil {
		return err
	}
	if err := p.fixTerms(rec, q, offer, att, pod); err != nil {
		return err
	}
	rec.Step = StepQuoted
	return p.cfg.State.Save(rec)
}

// uploadStep encrypts the bundle to the attested key and adds it to the
// publisher's node. The record is on disk before money moves.
func (p *Publisher) uploadStep(ctx context.Context, rec *Record, node *ipfs.Node, pod *manifest.Pod, att *Attested) error {
	if err := p.step(rec.ID, "bundle", "encrypting the bundle to the enclave and adding it to IPFS", func() error {
		c, err := buildAndAdd(ctx, node, pod, rec.Images, rec.Secrets, att.X25519, p.binding(rec), p.cfg.Wallet, p.byteProgress(rec.ID, "bundle", "encrypted"))
		rec.BundleCID = c
		return err
	}); err != nil {
		return err
	}
	if !rec.Reached(StepUploaded) {
		rec.Step = StepUploaded
	}
	return p.cfg.State.Save(rec)
}

// provisionStep has the provider fetch the bundle and start the pod, and
// records where it answers.
func (p *Publisher) provisionStep(ctx context.Context, rec *Record, s *session) error {
	w := p.cfg.Wallet
	var st *p2p.PodStatus
	if err := p.step(rec.ID, "provision", "provider fetching the bundle and starting the pod", func() error {
		pod := p2p.Pod{ChannelID: rec.ChannelID, PodID: rec.PodID}
		// A run killed while the provider worked on its provision leaves
		// that provision running: wait for it, then the answer below is
		// a conflict (handled) or the pod itself.
		err := whileBusy(ctx, provisionBusyFor, func() (err error) {
			st, err = s.client.Provision(ctx, s.peer, w, pod, rec.BundleCID)
			return err
		})
		if errors.Is(err, p2p.ErrConflict) {
			// A previous run's provision went through but its answer was
			// lost: the provider runs the pod with that run's bundle.
			if cur, serr := s.client.Status(ctx, s.peer, w, pod); serr == nil && cur.State != p2p.PodDeleted {
				st, err = cur, nil
				rec.BundleCID = cur.BundleCID
			}
		}
		return err
	}); err != nil {
		return err
	}
	rec.Endpoints = endpoints(st)
	rec.Step = StepProvisioned
	rec.ProvisionedAt = time.Now().UTC()
	rec.LastError = ""
	return p.cfg.State.Save(rec)
}

// provisionBusyFor is how long a provision waits for the provider to finish
// a previous run's provision of the same pod (image pulls included).
const provisionBusyFor = 5 * time.Minute

func endpoints(st *p2p.PodStatus) []Endpoint {
	var out []Endpoint
	for _, e := range st.Endpoints {
		out = append(out, Endpoint{Name: e.Name, Protocol: e.Protocol, Address: e.Address})
	}
	return out
}

func (p *Publisher) channelExists(ctx context.Context, id [32]byte) (bool, error) {
	ch, err := p.cfg.Payment.Channel(ctx, id)
	if err != nil {
		return false, fmt.Errorf("read channel: %w", err)
	}
	return ch.Status != chain.StatusNone, nil
}

// fixTerms sets prices, funds, max per second and dispute period from the
// quote, checked against the registry's table.
func (p *Publisher) fixTerms(rec *Record, q *p2p.Quote, offer *Offer, att *Attested, pod *manifest.Pod) error {
	totals := pod.Totals()
	if q.EnclaveSigner != att.Signer {
		return fmt.Errorf("quote names enclave %s, but the attested enclave is %s", q.EnclaveSigner.Hex(), att.Signer.Hex())
	}
	if q.PaymentContract != p.cfg.Payment.Address() || q.ChainID != p.cfg.Chain.ChainID().Uint64() {
		return fmt.Errorf("provider works with Payment %s on chain %d, not this network", q.PaymentContract.Hex(), q.ChainID)
	}
	if !q.Fits {
		return fmt.Errorf("provider has no capacity for the pod: %s", q.CapacityReason)
	}
	token := rec.Token
	var table *p2p.PriceQuote
	for i := range q.Tables {
		if q.Tables[i].Token == token {
			table = &q.Tables[i]
		}
	}
	if table == nil {
		return fmt.Errorf("provider quotes no prices in token %s", token.Hex())
	}
	if offer != nil && offer.Prices[0] != nil {
		for i := range table.Prices {
			if table.Prices[i].Cmp(offer.Prices[i]) != 0 {
				return fmt.Errorf("quoted price of %s is %s, the registry says %s", usage.Names[i], table.Prices[i], offer.Prices[i])
			}
		}
	}
	rec.Prices = make([]amount.Units, usage.Len)
	for i, v := range table.Prices {
		rec.Prices[i] = amount.NewUnits(v)
	}
	min := table.MinDisputePeriod
	if min < time.Minute {
		min = time.Minute
	}
	if rec.DisputePeriod == 0 {
		rec.DisputePeriod = uint64(min / time.Second)
	} else if time.Duration(rec.DisputePeriod)*time.Second < table.MinDisputePeriod {
		return fmt.Errorf("dispute period %ds is shorter than the provider's minimum %s", rec.DisputePeriod, table.MinDisputePeriod)
	}
	_, hourly := Estimate(totals, table.Prices)
	if rec.Funds.IsZero() {
		f := new(big.Int).Set(hourly)
		if table.MinDeposit != nil && f.Cmp(table.MinDeposit) < 0 {
			f.Set(table.MinDeposit)
		}
		rec.Funds = amount.NewUnits(f)
	} else if funds := rec.Funds.Int; table.MinDeposit != nil && funds.Cmp(table.MinDeposit) < 0 {
		tok := p.tokenInfo(context.Background(), token)
		return fmt.Errorf("funds of %s are below the provider's minimum deposit of %s (%s of runway): resume with more, e.g. `tpod deploy --resume %s --funds %s`: %w",
			amount.Format(funds, tok), amount.Format(table.MinDeposit, tok), amount.Duration(q.MinRunway), rec.ID, suggest(table.MinDeposit, tok), ErrFunds)
	}
	peak := PeakRate(pod, table.Prices)
	tok := p.tokenInfo(context.Background(), token)
	if rec.MaxPerSecond.IsZero() {
		var max *big.Int
		max, rec.MaxPerSecondNote = DefaultMaxPerSecond(peak, table.Prices, tok)
		rec.MaxPerSecond = amount.NewUnits(max)
	} else {
		max := rec.MaxPerSecond.Int
		if max.Cmp(peak.Total()) < 0 {
			return fmt.Errorf("a cap of %s is below what the pod costs at its limits, %s (reserved %s, CPU time and memory used %s): the provider would serve part of it unpaid, so it refuses such a channel; give at least --max-per-second %s: %w",
				amount.PerSecond(max, tok), amount.PerSecond(peak.Total(), tok), amount.PerSecond(peak.Reserved, tok), amount.PerSecond(peak.Used, tok), suggest(peak.Total(), tok), ErrInvalid)
		}
		rec.MaxPerSecondNote = fmt.Sprintf("%s given (%s); the pod costs at most %s at its limits, the rest pays for egress",
			amount.PerSecond(max, tok), amount.PerHour(max, tok), amount.PerHour(peak.Total(), tok))
	}
	return nil
}

// openChannel checks balance and allowance, signs a permit (or approves) if
// needed and creates the channel, saving the record after each transaction.
func (p *Publisher) openChannel(ctx context.Context, rec *Record, w *chain.Wallet) error {
	token := chain.NewToken(p.cfg.Chain, rec.Token)
	funds := rec.Funds.Int
	if funds == nil {
		return fmt.Errorf("deployment %s has no funds set: %w", rec.ID, ErrInvalid)
	}
	bal, err := token.BalanceOf(ctx, w.Address())
	if err != nil {
		return fmt.Errorf("token balance: %w", err)
	}
	if bal.Cmp(funds) < 0 {
		tok := p.tokenInfo(ctx, rec.Token)
		return fmt.Errorf("wallet %s holds %s of token %s, and the deposit needs %s: %w", w.Address().Hex(), amount.Format(bal, tok), rec.Token.Hex(), amount.Format(funds, tok), ErrFunds)
	}
	allow, err := token.Allowance(ctx, w.Address(), p.cfg.Payment.Address())
	if err != nil {
		return fmt.Errorf("token allowance: %w", err)
	}
	approve := func() error {
		return p.step(rec.ID, "approve", "approving "+amount.Format(funds, p.tokenInfo(ctx, rec.Token))+" for the Payment contract", func() error {
			r, err := token.Approve(ctx, w, p.cfg.Payment.Address(), funds)
			if err == nil {
				rec.ApproveTx = r.TxHash.Hex()
			}
			return err
		})
	}
	// A token with EIP-2612 permits needs no approve transaction: the
	// channel then opens in one (docs/chain.md § Permits).
	var permit *chain.Permit
	if allow.Cmp(funds) < 0 {
		if rec.NoApprove {
			tok := p.tokenInfo(ctx, rec.Token)
			return fmt.Errorf("the allowance of Payment %s is %s, and the deposit needs %s (--no-approve given; approve with `tpod token approve`): %w", p.cfg.Payment.Address().Hex(), amount.Format(allow, tok), amount.Format(funds, tok), ErrFunds)
		}
		if permit, err = token.SignPermit(ctx, w, p.cfg.Payment.Address(), funds, chain.PermitValidity); err != nil && !errors.Is(err, chain.ErrNoPermit) {
			return fmt.Errorf("permit: %w", err)
		}
		if permit == nil {
			if err := approve(); err != nil {
				return fmt.Errorf("approve: %w", err)
			}
		}
	}
	rec.Step = StepApproved
	if err := p.cfg.State.Save(rec); err != nil {
		return err
	}
	terms, err := recordTerms(rec)
	if err != nil {
		return err
	}
	return p.step(rec.ID, "channel", "creating the payment channel", func() error {
		create := func() ([32]byte, *types.Receipt, error) {
			return p.cfg.Payment.CreateChannel(ctx, w, rec.Provider.Address, rec.PodID, rec.Token, terms, rec.DisputePeriod, funds)
		}
		var id [32]byte
		var r *types.Receipt
		if permit != nil {
			id, r, err = p.cfg.Payment.CreateChannelWithPermit(ctx, w, rec.Provider.Address, rec.PodID, rec.Token, terms, rec.DisputePeriod, funds, permit)
			if chain.PermitRefused(err) { // the token did not take it: approve instead
				if err = approve(); err == nil {
					id, r, err = create()
				}
			}
		} else {
			id, r, err = create()
		}
		if err != nil {
			// The transaction may have been mined although we lost the
			// answer: ask the chain, waiting for it to answer again.
			var ok bool
			cerr := p.patiently(context.WithoutCancel(ctx), rec.ID, "checking whether the channel was created", func() (err error) {
				ok, err = p.channelExists(ctx, rec.ChannelID)
				return err
			})
			if cerr == nil && ok {
				rec.Step = StepChannel
				return nil
			}
			return fmt.Errorf("create channel: %w", err)
		}
		if id != rec.ChannelID {
			return fmt.Errorf("channel ID %x, expected %x", id, rec.ChannelID)
		}
		rec.ChannelTx = r.TxHash.Hex()
		rec.Step = StepChannel
		return p.cfg.State.Save(rec)
	})
}

// DefaultEgressKiB is the egress per second the default cap pays for.
const DefaultEgressKiB = 10 << 10

// PeakRate is what pod costs per second at most at prices, without egress:
// every replica at its reservation with CPU time and memory at their
// limits (payment.PeakRate). The provider refuses a channel capped below it.
func PeakRate(pod *manifest.Pod, prices [usage.Len]*big.Int) payment.Peak {
	t := pod.Totals()
	return payment.PeakRate(prices, payment.Use{CPUMilli: t.CPUMilli, MemoryMiB: t.MemoryMiB, StorageMiB: t.StorageMiB,
		GPUMilli: t.GPUMilli, Replicas: uint64(max(pod.Scale.Max, 1))})
}

// DefaultMaxPerSecond is the cap deploy chooses: the pod's peak plus 10 MiB/s
// of egress, so that everything the pod can do within its limits is paid
// and egress has room; more egress pauses the pod until the cap catches
// up. It returns the cap and a one-line explanation.
func DefaultMaxPerSecond(peak payment.Peak, prices [usage.Len]*big.Int, tok amount.Token) (*big.Int, string) {
	egress := new(big.Int)
	if pe := prices[usage.NetworkEgress]; pe != nil {
		egress.Mul(pe, big.NewInt(DefaultEgressKiB))
	}
	total := new(big.Int).Add(peak.Total(), egress)
	if total.Sign() == 0 {
		total.SetInt64(1) // the contract refuses a zero cap
	}
	return total, fmt.Sprintf("%s = %s reserved + %s for CPU time and memory used at their limits + %s for 10 MiB/s of egress (more egress pauses the pod until paid; --max-per-second to change)",
		amount.PerHour(total, tok), amount.PerHour(peak.Reserved, tok), amount.PerHour(peak.Used, tok), amount.PerHour(egress, tok))
}

func recordTerms(rec *Record) (payment.Terms, error) {
	t := payment.Terms{EnclaveSigner: rec.EnclaveSigner}
	if t.MaxPerSecond = rec.MaxPerSecond.Int; t.MaxPerSecond == nil {
		return t, fmt.Errorf("record has no max per second: %w", ErrInvalid)
	}
	if len(rec.Prices) != usage.Len {
		return t, fmt.Errorf("record has %d prices: %w", len(rec.Prices), ErrInvalid)
	}
	for i, v := range rec.Prices {
		if t.Prices[i] = v.Int; v.Int == nil {
			return t, fmt.Errorf("record has no price of %s: %w", usage.Names[i], ErrInvalid)
		}
	}
	return t, nil
}

// Attested is a verified provider enclave.
type Attested struct {
	Kind        string
	Signer      common.Address
	X25519      *ecdh.PublicKey
	Measurement string
	// Policy names the policy the evidence passed.
	Policy string
	// ConfigSHA256 and Config are the provider's committed configuration.
	ConfigSHA256 string
	Config       []attest.ConfigEntry
	// TLS is the gateway TLS key binding the evidence commits in its extra
	// data (nil when it carries none or the extra data is not a binding).
	TLS *gateway.Binding
}

func (a *Attested) tlsBinding() string {
	if a.TLS == nil {
		return ""
	}
	return a.TLS.String()
}

// DefaultPolicy accepts only simulated evidence (and only with the insecure
// option), any measurement, at most five minutes old.
func DefaultPolicy() *attest.Policy {
	return &attest.Policy{
		Version: attest.PolicyVersion, Kinds: []attest.Kind{attest.KindSimulated},
		MaxAge: attest.Duration(5 * time.Minute), Simulated: &attest.SimulatedPolicy{AnyMeasurement: true},
	}
}

// DevPolicyName describes DefaultPolicy where it is used.
const DevPolicyName = "development default (simulated evidence, any measurement: this tpod is a development build with no release policy)"

// policy returns the policy a deployment verifies against: its file, else
// the configured (release) policy, else DefaultPolicy; and its name.
func (p *Publisher) policy(file string) (*attest.Policy, string, error) {
	switch {
	case file != "":
		pol, err := attest.LoadPolicy(file)
		if err != nil {
			return nil, "", fmt.Errorf("policy: %w", err)
		}
		return pol, "file " + file, nil
	case p.cfg.Policy != nil:
		return p.cfg.Policy, p.cfg.PolicyName, nil
	}
	return DefaultPolicy(), DevPolicyName, nil
}

// attest asks for evidence bound to a random nonce and to the peer it
// talks to, and verifies it.
func (p *Publisher) attest(ctx context.Context, c *p2p.Client, pid peer.ID, policyFile string, insecure bool) (*Attested, error) {
	pol, name, err := p.policy(policyFile)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 32)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	ev, err := c.Attest(ctx, pid, nonce)
	if err != nil {
		return nil, fmt.Errorf("attest: %w", err)
	}
	parsed, err := attest.ParseEvidence(ev.Data)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	// The stream came from pid over a connection authenticated with pid's
	// key: evidence naming another peer is a relay (docs/attestation.md §2).
	res, err := attest.Verify(ctx, parsed, pol, attest.VerifyOptions{Nonce: nonce, PeerID: pid, AllowInsecureSimulated: insecure, Now: p.cfg.Now})
	if err != nil {
		err = fmt.Errorf("policy %s: %w", name, err)
		if parsed.Kind == attest.KindSimulated && !insecure {
			return nil, fmt.Errorf("%w (the provider runs the simulated TEE, which proves nothing; pass --insecure-allow-simulated on a development network only)", err)
		}
		return nil, err
	}
	if !res.OK || res.X25519 == nil {
		return nil, fmt.Errorf("attestation not verified: %w", attest.ErrAttestation)
	}
	if res.Signer != ev.Signer || string(res.X25519.Bytes()) != string(ev.EncryptionKey) {
		return nil, fmt.Errorf("evidence keys differ from the keys the provider announced: %w", attest.ErrAttestation)
	}
	att := &Attested{Kind: string(res.Kind), Signer: res.Signer, X25519: res.X25519, Measurement: hex.EncodeToString(res.Measurement),
		Policy: name, ConfigSHA256: hex.EncodeToString(res.ConfigSHA256), Config: res.ConfigEntries}
	if len(res.Extra) > 0 {
		// Extra data that is not a gateway binding is another component's:
		// it does not fail the attestation, it only means no TLS check.
		if b, err := gateway.ParseBinding(res.Extra); err == nil {
			att.TLS = &b
		} else {
			p.log.Debug("evidence extra data is not a gateway TLS binding", "err", err)
		}
	}
	return att, nil
}

func loadManifest(path string) (*manifest.Pod, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if fi.Size() > manifest.MaxSize {
		return nil, fmt.Errorf("manifest %s: larger than %d bytes: %w", path, manifest.MaxSize, ErrInvalid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	// Compose interpolates ${VAR} from the publisher's environment.
	pod, _, err := manifest.LoadWith(b, path, manifest.Options{Env: manifest.Environ()})
	return pod, err
}

// loadInputs opens the images and reads the secrets the pod needs.
func loadInputs(pod *manifest.Pod, images, secrets map[string]string) (map[string]v1.Image, map[string][]byte, error) {
	imgs := map[string]v1.Image{}
	for _, ref := range pod.Images() {
		src, ok := images[ref]
		if !ok {
			return nil, nil, fmt.Errorf("image %s: no --image %s=PATH given: %w", ref, ref, ErrInvalid)
		}
		img, err := oci.Load(src, "")
		if errors.Is(err, oci.ErrNotFound) || (err != nil && strings.Contains(err.Error(), "name one with a reference")) {
			img, err = oci.Load(src, ref)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("image %s: %w", ref, err)
		}
		imgs[ref] = img
	}
	sec := map[string][]byte{}
	for _, name := range pod.Secrets() {
		src, ok := secrets[name]
		if v, inFile := pod.FileSecrets[name]; !ok && inFile {
			sec[name] = v // defined in the manifest's own file
			continue
		}
		if !ok {
			return nil, nil, fmt.Errorf("secret %s: no --secret %s=FILE given: %w", name, name, ErrInvalid)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return nil, nil, fmt.Errorf("secret %s: %w", name, err)
		}
		if fi.Size() > bundle.MaxSecretSize {
			return nil, nil, fmt.Errorf("secret %s: larger than %d bytes: %w", name, bundle.MaxSecretSize, ErrInvalid)
		}
		v, err := os.ReadFile(src)
		if err != nil {
			return nil, nil, fmt.Errorf("secret %s: %w", name, err)
		}
		sec[name] = v
	}
	return imgs, sec, nil
}

// binding is the order a deployment's bundles are bound to: this network,
// the deployment's channel (computable before the channel exists) and the
// publisher, who signs it.
func (p *Publisher) binding(rec *Record) *bundle.Binding {
	return &bundle.Binding{
		ChainID: p.cfg.Chain.ChainID().Uint64(), Payment: p.cfg.Payment.Address(),
		Publisher: rec.Publisher, Provider: rec.Provider.Address, PodID: common.Hash(rec.PodID),
	}
}

// buildAndAdd encrypts the bundle to key, bound to b and signed by signer,
// and streams it into node.
func buildAndAdd(ctx context.Context, node ipfs.Store, pod *manifest.Pod, images, secrets map[string]string, key *ecdh.PublicKey, b *bundle.Binding, signer payment.Signer, progress func(done, total int64)) (string, error) {
	imgs, sec, err := loadInputs(pod, images, secrets)
	if err != nil {
		return "", err
	}
	plan, err := bundle.NewPlan(pod, bundle.BuildOptions{Recipients: []*ecdh.PublicKey{key}, Images: imgs, Secrets: sec, Progress: progress, Binding: b, Signer: signer})
	if err != nil {
		return "", err
	}
	c, err := ipfs.AddFrom(ctx, node, func(w io.Writer) error {
		_, err := plan.Write(w)
		return err
	}, ipfs.AddOptions{Pin: true})
	if err != nil {
		return "", fmt.Errorf("add bundle: %w", err)
	}
	return c.String(), nil
}

// byteProgress returns a bundle progress callback that reports at most twice
// a second (large images take a while to encrypt and add).
func (p *Publisher) byteProgress(id, step, verb string) func(done, total int64) {
	if p.cfg.Progress == nil {
		return nil
	}
	last := time.Now() // the first report after half a second: small bundles stay quiet
	return func(done, total int64) {
		if now := time.Now(); now.Sub(last) >= 500*time.Millisecond && done < total {
			last = now
			p.cfg.Progress(Event{Deployment: id, Step: step, Message: fmt.Sprintf("%s %.1f of %.1f MiB", verb, float64(done)/(1<<20), float64(total)/(1<<20)), Bytes: done, Total: total})
		}
	}
}

func absPath(p string) string {
	if p == "" {
		return ""
	}
	if a, err := absolute(p); err == nil {
		return a
	}
	return p
}

func absPaths(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = absPath(v)
	}
	return out
}

// suggest writes an amount the way a user would type it: whole tokens by
// symbol when the token is known, else base units.
func suggest(v *big.Int, tok amount.Token) string {
	if !tok.Known() {
		return v.String()
	}
	return amount.Decimal(v, tok.Decimals) + tok.Symbol
}
