package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/payment"
)

// call packs, calls and unpacks a view function.
func call[T any](ctx context.Context, c *Client, to common.Address, data []byte, packErr error, unpack func([]byte) (T, error)) (T, error) {
	var zero T
	if packErr != nil {
		return zero, fmt.Errorf("encode call: %w", packErr)
	}
	out, err := c.Call(ctx, common.Address{}, to, data)
	if err != nil {
		return zero, err
	}
	if len(out) == 0 {
		// A view function always returns data; none means no code there
		// (a wrong address, or a devnet restarted without its contracts).
		if code, cerr := c.CodeAt(ctx, to); cerr == nil && len(code) == 0 {
			return zero, &NoContractError{Address: to, Kind: c.errs.contractAt(&to)}
		}
	}
	v, err := unpack(out)
	if err != nil {
		return zero, fmt.Errorf("decode result from %s: %w", to.Hex(), err)
	}
	return v, nil
}

// NoContractError is a call to an address that holds no contract.
type NoContractError struct {
	Address common.Address
	// Kind is the contract expected there ("Payment", "Registry",
	// "Token"), when known.
	Kind string
}

// Error says which contract is missing at which address.
func (e *NoContractError) Error() string {
	k := e.Kind
	if k == "" {
		k = "contract"
	}
	return fmt.Sprintf("no %s at %s: the address holds no code on this chain", k, e.Address.Hex())
}

// transact packs and sends a transaction and waits for it.
func (c *Client) transact(ctx context.Context, w *Wallet, to common.Address, data []byte, packErr error) (*types.Receipt, error) {
	if packErr != nil {
		return nil, fmt.Errorf("encode transaction: %w", packErr)
	}
	return c.Send(ctx, w, Tx{To: &to, Data: data})
}

// Deployment is where the contracts of one network live.
type Deployment struct {
	ChainID  uint64         `json:"chainId"`
	Payment  common.Address `json:"payment"`
	Registry common.Address `json:"registry"`
	Token    common.Address `json:"token,omitempty"` // a TestToken, on dev networks only
	Block    uint64         `json:"block"`           // block of the first deployment: event scans start here
}

// DeployPayment deploys the Payment contract.
func DeployPayment(ctx context.Context, c *Client, w *Wallet) (common.Address, *types.Receipt, error) {
	return deploy(ctx, c, w, "Payment", contracts.PaymentMetaData.Bin, nil)
}

// DeployRegistry deploys the Registry contract.
func DeployRegistry(ctx context.Context, c *Client, w *Wallet) (common.Address, *types.Receipt, error) {
	return deploy(ctx, c, w, "Registry", contracts.RegistryMetaData.Bin, nil)
}

// DeployTestToken deploys a mintable TestToken (development networks only).
func DeployTestToken(ctx context.Context, c *Client, w *Wallet, name, symbol string, decimals uint8) (common.Address, *types.Receipt, error) {
	args := contracts.NewTestToken().PackConstructor(name, symbol, decimals)
	return deploy(ctx, c, w, "TestToken", contracts.TestTokenMetaData.Bin, args)
}

// CodeHash is keccak256 of the creation code of TestToken, Registry and
// Payment as this binary deploys them, in hex: it identifies the contracts'
// build.
func CodeHash() string {
	var code []byte
	for _, bin := range []string{contracts.TestTokenMetaData.Bin, contracts.RegistryMetaData.Bin, contracts.PaymentMetaData.Bin} {
		code = append(code, common.FromHex(bin)...)
	}
	return crypto.Keccak256Hash(code).Hex()
}

// MintData is the calldata of TestToken.mint(to, amount), for a genesis or
// a batch that mints without a Token.
func MintData(to common.Address, amount *big.Int) []byte {
	return testTokenABI.PackMint(to, amount)
}

var testTokenABI = contracts.NewTestToken()

func deploy(ctx context.Context, c *Client, w *Wallet, name, bin string, args []byte) (common.Address, *types.Receipt, error) {
	code := append(common.FromHex(bin), args...)
	addr, rcpt, err := c.Deploy(ctx, w, code)
	if err != nil {
		return addr, rcpt, fmt.Errorf("deploy %s: %w", name, err)
	}
	return addr, rcpt, nil
}

// DeployAll deploys Registry and Payment and, if withToken, a TestToken
// ("Trusted Pods Test Token", TPT, 18 decimals). The deployments are sent
// together and then awaited, so they may share a block.
func DeployAll(ctx context.Context, c *Client, w *Wallet, withToken bool) (Deployment, error) {
	d := Deployment{ChainID: c.ChainID().Uint64()}
	type job struct {
		name string
		code []byte
		addr *common.Address
	}
	jobs := []job{
		{"Registry", common.FromHex(contracts.RegistryMetaData.Bin), &d.Registry},
		{"Payment", common.FromHex(contracts.PaymentMetaData.Bin), &d.Payment},
	}
	if withToken {
		code := append(common.FromHex(contracts.TestTokenMetaData.Bin), contracts.NewTestToken().PackConstructor("Trusted Pods Test Token", "TPT", 18)...)
		jobs = append([]job{{"TestToken", code, &d.Token}}, jobs...)
	}
	txs := make([]*types.Transaction, len(jobs))
	for i, j := range jobs {
		tx, err := c.SendTx(ctx, w, Tx{Data: j.code})
		if err != nil {
			return d, fmt.Errorf("deploy %s: %w", j.name, err)
		}
		txs[i] = tx
		*j.addr = crypto.CreateAddress(w.Address(), tx.Nonce())
	}
	for i, tx := range txs {
		rcpt, err := c.Wait(ctx, tx)
		if err != nil {
			return d, fmt.Errorf("deploy %s: %w", jobs[i].name, err)
		}
		if b := rcpt.BlockNumber.Uint64(); d.Block == 0 || b < d.Block {
			d.Block = b
		}
	}
	return d, nil
}

// ---- Payment ----

// Payment wraps the Payment contract at one address.
type Payment struct {
	c    *Client
	addr common.Address
	b    *contracts.Payment
	abi  abi.ABI
	// claimsPerTx is the largest batch of one claimMany transaction
	// (MaxClaimsPerTx; tests lower it).
	claimsPerTx int
	// FromBlock is where event scans (State) start; set it to the deployment
	// block on long chains.
	FromBlock uint64
}

// NewPayment binds the Payment contract at addr and registers its errors.
func NewPayment(c *Client, addr common.Address) *Payment {
	b := contracts.NewPayment()
	a := b.GetABI()
	c.errs.Register("Payment", &a, addr)
	return &Payment{c: c, addr: addr, b: b, abi: a, claimsPerTx: MaxClaimsPerTx}
}

// Address is the contract's address.
func (p *Payment) Address() common.Address { return p.addr }

// Client is the client the contract is bound with.
func (p *Payment) Client() *Client { return p.c }

// Channel states as the contract's Status enum.
const (
	StatusNone uint8 = iota
	StatusOpen
	StatusClosing
	StatusClosed
)

// StatusName names a channel status.
func StatusName(s uint8) string {
	switch s {
	case StatusNone:
		return "none"
	case StatusOpen:
		return "open"
	case StatusClosing:
		return "closing"
	case StatusClosed:
		return "closed"
	}
	return fmt.Sprintf("status(%d)", s)
}

// CreateChannel opens and funds a channel from w (the publisher). The token
// allowance must already cover amount (see Token.Approve).
func (p *Payment) CreateChannel(ctx context.Context, w *Wallet, provider common.Address, podID [32]byte, token common.Address, terms payment.Terms, disputePeriod uint64, amount *big.Int) ([32]byte, *types.Receipt, error) {
	data, err := p.b.TryPackCreateChannel(provider, podID, token, TermsBinding(terms), disputePeriod, amount)
	rcpt, err := p.c.transact(ctx, w, p.addr, data, err)
	return payment.ChannelID(w.Address(), provider, podID), rcpt, err
}

// Deposit adds amount to a channel.
func (p *Payment) Deposit(ctx context.Context, w *Wallet, id [32]byte, amount *big.Int) (*types.Receipt, error) {
	data, err := p.b.TryPackDeposit(id, amount)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// RequestUnlock starts the dispute period for taking amount back.
func (p *Payment) RequestUnlock(ctx context.Context, w *Wallet, id [32]byte, amount *big.Int) (*types.Receipt, error) {
	data, err := p.b.TryPackRequestUnlock(id, amount)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// WithdrawUnlocked pays the unlocked amount to the publisher after the dispute period.
func (p *Payment) WithdrawUnlocked(ctx context.Context, w *Wallet, id [32]byte) (*types.Receipt, error) {
	data, err := p.b.TryPackWithdrawUnlocked(id)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// Withdrawn sums what the Withdrawn events of a mined transaction paid
// back to the publisher.
func (p *Payment) Withdrawn(r *types.Receipt) *big.Int {
	paid := new(big.Int)
	for _, l := range r.Logs {
		if ev, err := p.b.UnpackWithdrawnEvent(l); err == nil && l.Address == p.addr {
			paid.Add(paid, ev.Amount)
		}
	}
	return paid
}

// Close unlocks the whole balance; WithdrawUnlocked then closes the channel.
func (p *Payment) Close(ctx context.Context, w *Wallet, id [32]byte) (*types.Receipt, error) {
	data, err := p.b.TryPackClose(id)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// ProviderRelease ends the channel at once and refunds the publisher.
func (p *Payment) ProviderRelease(ctx context.Context, w *Wallet, id [32]byte) (*types.Receipt, error) {
	data, err := p.b.TryPackProviderRelease(id)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// ProposePricing proposes new prices (provider).
func (p *Payment) ProposePricing(ctx context.Context, w *Wallet, id [32]byte, prices [7]*big.Int) (*types.Receipt, error) {
	data, err := p.b.TryPackProposePricing(id, prices)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// AcceptPricing accepts the pending proposal by its hash (publisher).
func (p *Payment) AcceptPricing(ctx context.Context, w *Wallet, id [32]byte, pricesHash [32]byte) (*types.Receipt, error) {
	data, err := p.b.TryPackAcceptPricing(id, pricesHash)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// ApplyPricing switches accepted prices in (provider): lastOld is the claim
// of the last receipt under the old prices, firstNew the first receipt under
// the new ones.
func (p *Payment) ApplyPricing(ctx context.Context, w *Wallet, lastOld Claim, firstNew payment.SignedReceipt, newPrices [7]*big.Int) (*types.Receipt, error) {
	data, err := p.b.TryPackApplyPricing(lastOld.Binding(), ReceiptBinding(firstNew.Receipt), firstNew.Signature, newPrices)
	return p.c.transact(ctx, w, p.addr, data, err)
}

// Claim settles one claim and returns what was paid.
func (p *Payment) Claim(ctx context.Context, w *Wallet, cl Claim) (*big.Int, *types.Receipt, error) {
	data, err := p.b.TryPackClaim(cl.Binding())
	rcpt, err := p.c.transact(ctx, w, p.addr, data, err)
	if err != nil {
		return nil, rcpt, err
	}
	paid := new(big.Int)
	for _, l := range rcpt.Logs {
		if ev, err := p.b.UnpackClaimedEvent(l); err == nil && l.Address == p.addr {
			paid.Add(paid, ev.Paid)
		}
	}
	return paid, rcpt, nil
}

// ClaimReceipt claims a signed receipt, taking the channel's current terms
// and baseline from its events (see State).
func (p *Payment) ClaimReceipt(ctx context.Context, w *Wallet, r payment.Receipt, sig []byte) (*big.Int, *types.Receipt, error) {
	st, err := p.State(ctx, r.ChannelID)
	if err != nil {
		return nil, nil, err
	}
	return p.Claim(ctx, w, st.Claim(r, sig))
}

// Gas bounds of claimMany: generous upper limits of the measured costs (a
// receipt costs about 18,000 gas in a batch, under 22,000 with every
// calldata byte non-zero; docs/benchmarks.md), so that no batch runs out of
// gas.
const (
	claimGasBase       = 60_000
	claimGasPerReceipt = 40_000
)

// MaxTxGas is the most gas one transaction may use on Ethereum since Osaka
// (EIP-7825); a node refuses a transaction with a higher limit.
const MaxTxGas = 1 << 24

// MaxClaimsPerTx is the largest claimMany batch ClaimMany sends in one
// transaction (its gas limit stays under MaxTxGas); larger ones are split.
const MaxClaimsPerTx = (MaxTxGas - claimGasBase) / claimGasPerReceipt

// ClaimResult is the outcome of one claim of a batch.
type ClaimResult struct {
	ChannelID [32]byte
	Paid      *big.Int   // nil when skipped
	Skipped   SkipReason // why the contract skipped it; NotSkipped when paid
	TxHash    common.Hash
}

// ClaimMany settles a batch; invalid receipts are skipped, not reverted.
// Results follow the order of the contract's events. A batch of more than
// MaxClaimsPerTx claims goes out as several transactions, in order (sent
// together, then awaited); the receipt returned is the last one's, and each
// result names its transaction. On an error the results of the transactions
// that were mined come back with it.
func (p *Payment) ClaimMany(ctx context.Context, w *Wallet, cs []Claim) ([]ClaimResult, *types.Receipt, error) {
	var txs []*types.Transaction
	for len(cs) > 0 {
		chunk := cs[:min(len(cs), p.claimsPerTx)]
		cs = cs[len(chunk):]
		data, err := p.b.TryPackClaimMany(claimBindings(chunk))
		if err != nil {
			return nil, nil, fmt.Errorf("encode transaction: %w", err)
		}
		// A fixed gas limit instead of an estimate: the estimate runs against
		// the head block, where a receipt timed after it is skipped cheaply,
		// while the real execution in a later block settles it and needs more
		// gas. Unused gas is not charged.
		tx, err := p.c.SendTx(ctx, w, Tx{To: &p.addr, Data: data, GasLimit: claimGasBase + claimGasPerReceipt*uint64(len(chunk))})
		if err != nil {
			if len(txs) == 0 {
				return nil, nil, err
			}
			res, rcpt, werr := p.claimResults(ctx, txs)
			return res, rcpt, errors.Join(err, werr)
		}
		txs = append(txs, tx)
	}
	return p.claimResults(ctx, txs)
}

// claimResults waits for claimMany transactions and reads their events.
func (p *Payment) claimResults(ctx context.Context, txs []*types.Transaction) ([]ClaimResult, *types.Receipt, error) {
	var res []ClaimResult
	var rcpt *types.Receipt
	for _, tx := range txs {
		var err error
		if rcpt, err = p.c.Wait(ctx, tx); err != nil {
			return res, rcpt, err
		}
		for _, l := range rcpt.Logs {
			if l.Address != p.addr || len(l.Topics) == 0 {
				continue
			}
			if ev, err := p.b.UnpackClaimedEvent(l); err == nil {
				res = append(res, ClaimResult{ChannelID: ev.ChannelId, Paid: ev.Paid, TxHash: tx.Hash()})
			} else if ev, err := p.b.UnpackClaimSkippedEvent(l); err == nil {
				res = append(res, ClaimResult{ChannelID: ev.ChannelId, Skipped: p.skipReason(ev.Reason), TxHash: tx.Hash()})
			}
		}
	}
	return res, rcpt, nil
}

// WithdrawEarnings transfers the provider's earnings of the given channels.
func (p *Payment) WithdrawEarnings(ctx context.Context, w *Wallet, ids [][32]byte) (*big.Int, *types.Receipt, error) {
	data, err := p.b.TryPackWithdrawEarnings(ids)
	rcpt, err := p.c.transact(ctx, w, p.addr, data, err)
	if err != nil {
		return nil, rcpt, err
	}
	total := new(big.Int)
	for _, l := range rcpt.Logs {
		if ev, err := p.b.UnpackEarningsWithdrawnEvent(l); err == nil && l.Address == p.addr {
			total.Add(total, ev.Amount)
		}
	}
	return total, rcpt, nil
}

// Channel is a channel's storage, as Payment.getChannel returns it.
type Channel struct {
	Publisher         common.Address
	DisputePeriod     uint64
	Status            uint8
	PricingAccepted   bool
	Provider          common.Address
	UnlockAt          uint64
	Token             common.Address
	Balance           *big.Int
	Earned            *big.Int
	StateHash         [20]byte
	UnlockAmount      *big.Int
	PendingPricesHash [32]byte
}

// Channel reads a channel's storage.
func (p *Payment) Channel(ctx context.Context, id [32]byte) (Channel, error) {
	data, err := p.b.TryPackGetChannel(id)
	ch, err := call(ctx, p.c, p.addr, data, err, p.b.UnpackGetChannel)
	return Channel(ch), err
}

// ReceiptDigest asks the contract for the EIP-712 digest of a receipt.
func (p *Payment) ReceiptDigest(ctx context.Context, r payment.Receipt) ([32]byte, error) {
	data, err := p.b.TryPackReceiptDigest(ReceiptBinding(r))
	return call(ctx, p.c, p.addr, data, err, p.b.UnpackReceiptDigest)
}

// ChannelState is a channel's storage plus the terms and baseline the
// contract only keeps as a hash, rebuilt from its events.
type ChannelState struct {
	ID            [32]byte
	Channel       Channel
	PodID         [32]byte
	Terms         payment.Terms
	Last          payment.Baseline
	CreatedBlock  uint64
	ClaimedTotal  *big.Int
	DepositsTotal *big.Int
}

// Claim assembles a claim of receipt r against this state.
func (st *ChannelState) Claim(r payment.Receipt, sig []byte) Claim {
	return NewClaim(st.Terms, st.Last, r, sig)
}

// ErrStateMismatch: the events do not add up to the channel's stored hash
// (the node pruned logs, or FromBlock is after the channel's creation).
var ErrStateMismatch = errors.New("channel events do not match its state hash")

// State rebuilds a channel's terms and last receipt from its ChannelCreated,
// Claimed and PricingApplied events and checks them against the stored hash.
// The storage and the events are two reads: a claim mined between them
// makes them disagree, so a channel that moved meanwhile is read again.
func (p *Payment) State(ctx context.Context, id [32]byte) (*ChannelState, error) {
	var err error
	for range 3 {
		var st *ChannelState
		if st, err = p.state(ctx, id); !errors.Is(err, errMoved) {
			return st, err
		}
	}
	return nil, err
}

// errMoved marks a mismatch of a channel whose storage changed while it was
// read.
var errMoved = errors.New("the channel changed while it was read")

func (p *Payment) state(ctx context.Context, id [32]byte) (*ChannelState, error) {
	ch, err := p.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if ch.Status == StatusNone {
		return nil, &RevertError{Contract: "Payment", Name: "UnknownChannel", Args: []any{id}, ArgNames: []string{"channelId"}}
	}
	ev := p.abi.Events
	q := ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(p.FromBlock),
		Addresses: []common.Address{p.addr},
		Topics: [][]common.Hash{
			{ev["ChannelCreated"].ID, ev["Claimed"].ID, ev["PricingApplied"].ID, ev["Deposited"].ID},
			{common.Hash(id)},
		},
	}
	logs, err := p.c.FilterLogs(ctx, q)
	if err != nil {
		return nil, err
	}
	st := &ChannelState{ID: id, Channel: ch, ClaimedTotal: new(big.Int), DepositsTotal: new(big.Int)}
	created := false
	var lastClaim *types.Log
	for i := range logs {
		l := &logs[i]
		switch l.Topics[0] {
		case ev["ChannelCreated"].ID:
			e, err := p.b.UnpackChannelCreatedEvent(l)
			if err != nil {
				return nil, fmt.Errorf("decode ChannelCreated: %w", err)
			}
			created = true
			st.PodID, st.Terms, st.CreatedBlock = e.PodId, termsFromBinding(e.Terms), l.BlockNumber
			st.Last = payment.InitialBaseline(e.StartTime)
		case ev["Claimed"].ID:
			e, err := p.b.UnpackClaimedEvent(l)
			if err != nil {
				return nil, fmt.Errorf("decode Claimed: %w", err)
			}
			// The event leaves the usage out: it is in the claim's calldata.
			st.Last = payment.Baseline{Seq: e.Seq, Time: e.Time}
			st.ClaimedTotal.Add(st.ClaimedTotal, e.Paid)
			lastClaim = l
		case ev["PricingApplied"].ID:
			e, err := p.b.UnpackPricingAppliedEvent(l)
			if err != nil {
				return nil, fmt.Errorf("decode PricingApplied: %w", err)
			}
			copy(st.Terms.Prices[:], e.Prices[:])
			st.Last = payment.Baseline{Seq: e.Seq, Time: e.Time, Usage: e.Usage}
			lastClaim = nil
		case ev["Deposited"].ID:
			e, err := p.b.UnpackDepositedEvent(l)
			if err != nil {
				return nil, fmt.Errorf("decode Deposited: %w", err)
			}
			st.DepositsTotal.Add(st.DepositsTotal, e.Amount)
		}
	}
	if !created {
		return nil, fmt.Errorf("channel %x: no ChannelCreated event since block %d: %w", id, p.FromBlock, ErrStateMismatch)
	}
	if lastClaim != nil {
		if st.Last.Usage, err = p.claimedUsage(ctx, lastClaim, id, st.Last.Seq); err != nil {
			return nil, err
		}
	}
	if ch.Status != StatusClosed && payment.StateHash(st.Terms, st.Last) != ch.StateHash {
		again, err := p.Channel(ctx, id)
		if err != nil {
			return nil, err
		}
		if again.StateHash != ch.StateHash {
			return nil, fmt.Errorf("channel %x: %w (%w)", id, ErrStateMismatch, errMoved)
		}
		return nil, fmt.Errorf("channel %x: %w", id, ErrStateMismatch)
	}
	return st, nil
}

// claimedUsage finds the usage of the receipt (id, seq) in the calldata of
// the transaction that emitted a Claimed event.
func (p *Payment) claimedUsage(ctx context.Context, l *types.Log, id [32]byte, seq uint64) ([7]uint64, error) {
	var tx *types.Transaction
	err := p.c.retry(ctx, func() (err error) { tx, _, err = p.c.b.TransactionByHash(ctx, l.TxHash); return err })
	if err != nil {
		return [7]uint64{}, p.c.wrapRead("claim transaction "+l.TxHash.Hex(), err)
	}
	data := tx.Data()
	var claims []contracts.PaymentClaim
	if len(data) >= 4 && tx.To() != nil && *tx.To() == p.addr {
		if m, err := p.abi.MethodById(data[:4]); err == nil {
			if args, err := m.Inputs.Unpack(data[4:]); err == nil && len(args) > 0 {
				switch m.Name {
				case "claim", "applyPricing":
					claims = append(claims, *abi.ConvertType(args[0], new(contracts.PaymentClaim)).(*contracts.PaymentClaim))
				case "claimMany":
					claims = *abi.ConvertType(args[0], new([]contracts.PaymentClaim)).(*[]contracts.PaymentClaim)
				}
			}
		}
	}
	for _, c := range claims {
		if r := claimReceipt(c); r.ChannelID == id && r.Seq == seq {
			return r.Usage, nil
		}
	}
	return [7]uint64{}, fmt.Errorf("channel %x: receipt %d not found in the calldata of %s (claimed through another contract?): %w", id, seq, l.TxHash.Hex(), ErrStateMismatch)
}

// ---- Registry ----

// Registry wraps the Registry contract at one address.
type Registry struct {
	c    *Client
	addr common.Address
	b    *contracts.Registry
}

// NewRegistry binds the Registry contract at addr and registers its errors.
func NewRegistry(c *Client, addr common.Address) *Registry {
	b := contracts.NewRegistry()
	a := b.GetABI()
	c.errs.Register("Registry", &a, addr)
	return &Registry{c: c, addr: addr, b: b}
}

// Address is the contract's address.
func (r *Registry) Address() common.Address { return r.addr }

// Register registers w as a provider.
func (r *Registry) Register(ctx context.Context, w *Wallet, info ProviderInfo, pricing []PricingTable) (*types.Receipt, error) {
	data, err := r.b.TryPackRegister(info.binding(), pricingBinding(pricing))
	return r.c.transact(ctx, w, r.addr, data, err)
}

// Update replaces w's provider entry.
func (r *Registry) Update(ctx context.Context, w *Wallet, info ProviderInfo, pricing []PricingTable) (*types.Receipt, error) {
	data, err := r.b.TryPackUpdate(info.binding(), pricingBinding(pricing))
	return r.c.transact(ctx, w, r.addr, data, err)
}

// Deactivate marks w's provider entry inactive.
func (r *Registry) Deactivate(ctx context.Context, w *Wallet) (*types.Receipt, error) {
	return r.c.transact(ctx, w, r.addr, r.b.PackDeactivate(), nil)
}

// Provider reads one provider entry.
func (r *Registry) Provider(ctx context.Context, addr common.Address) (ProviderEntry, error) {
	data, err := r.b.TryPackGetProvider(addr)
	p, err := call(ctx, r.c, r.addr, data, err, r.b.UnpackGetProvider)
	return providerEntry(p), err
}

// IsActive reports whether addr is a registered, active provider.
func (r *Registry) IsActive(ctx context.Context, addr common.Address) (bool, error) {
	data, err := r.b.TryPackIsActive(addr)
	return call(ctx, r.c, r.addr, data, err, r.b.UnpackIsActive)
}

// Count is the number of provider entries (active or not).
func (r *Registry) Count(ctx context.Context) (uint64, error) {
	n, err := call(ctx, r.c, r.addr, r.b.PackProviderCount(), nil, r.b.UnpackProviderCount)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// List reads one page of provider entries.
func (r *Registry) List(ctx context.Context, offset, limit uint64) ([]ProviderEntry, error) {
	data, err := r.b.TryPackListProviders(new(big.Int).SetUint64(offset), new(big.Int).SetUint64(limit))
	ps, err := call(ctx, r.c, r.addr, data, err, r.b.UnpackListProviders)
	return providerEntries(ps), err
}

// ListAll pages through every provider entry.
func (r *Registry) ListAll(ctx context.Context) ([]ProviderEntry, error) {
	const page = 50
	var all []ProviderEntry
	for off := uint64(0); ; off += page {
		ps, err := r.List(ctx, off, page)
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if len(ps) < page {
			return all, nil
		}
	}
}

// ---- ERC-20 ----

// Token wraps an ERC-20 token; Mint works only on a TestToken.
type Token struct {
	c    *Client
	addr common.Address
	b    *contracts.TestToken
}

// NewToken binds the token at addr and registers the TestToken (OpenZeppelin ERC-20) errors.
func NewToken(c *Client, addr common.Address) *Token {
	b := contracts.NewTestToken()
	a := b.GetABI()
	c.errs.Register("Token", &a, addr)
	return &Token{c: c, addr: addr, b: b}
}

// Address is the token's address.
func (t *Token) Address() common.Address { return t.addr }

// BalanceOf returns addr's balance in base units.
func (t *Token) BalanceOf(ctx context.Context, addr common.Address) (*big.Int, error) {
	data, err := t.b.TryPackBalanceOf(addr)
	return call(ctx, t.c, t.addr, data, err, t.b.UnpackBalanceOf)
}

// Allowance returns what spender may take from owner.
func (t *Token) Allowance(ctx context.Context, owner, spender common.Address) (*big.Int, error) {
	data, err := t.b.TryPackAllowance(owner, spender)
	return call(ctx, t.c, t.addr, data, err, t.b.UnpackAllowance)
}

// Decimals returns the token's decimals.
func (t *Token) Decimals(ctx context.Context) (uint8, error) {
	return call(ctx, t.c, t.addr, t.b.PackDecimals(), nil, t.b.UnpackDecimals)
}

// Symbol returns the token's symbol.
func (t *Token) Symbol(ctx context.Context) (string, error) {
	return call(ctx, t.c, t.addr, t.b.PackSymbol(), nil, t.b.UnpackSymbol)
}

// Approve lets spender take amount from w.
func (t *Token) Approve(ctx context.Context, w *Wallet, spender common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := t.b.TryPackApprove(spender, amount)
	return t.c.transact(ctx, w, t.addr, data, err)
}

// Transfer sends amount from w to to.
func (t *Token) Transfer(ctx context.Context, w *Wallet, to common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := t.b.TryPackTransfer(to, amount)
	return t.c.transact(ctx, w, t.addr, data, err)
}

// Mint creates amount for to (TestToken only).
func (t *Token) Mint(ctx context.Context, w *Wallet, to common.Address, amount *big.Int) (*types.Receipt, error) {
	data, err := t.b.TryPackMint(to, amount)
	return t.c.transact(ctx, w, t.addr, data, err)
}
