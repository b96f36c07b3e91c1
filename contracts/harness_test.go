package contracts_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/contracts/testtokens"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

var (
	paymentABI  = contracts.NewPayment()
	registryABI = contracts.NewRegistry()
	tokenABI    = contracts.NewTestToken()
	feeABI      = testtokens.NewFeeToken()
	reentrABI   = testtokens.NewReentrantToken()
)

// errorNames maps a 4-byte selector to the custom error's name, over every
// contract of the project.
var errorNames = func() map[[4]byte]string {
	m := map[[4]byte]string{}
	for _, md := range []*bind.MetaData{&contracts.PaymentMetaData, &contracts.RegistryMetaData, &contracts.TestTokenMetaData, &testtokens.FeeTokenMetaData, &testtokens.ReentrantTokenMetaData} {
		a, err := md.ParseABI()
		if err != nil {
			panic(err)
		}
		for name, e := range a.Errors {
			var sel [4]byte
			copy(sel[:], e.ID[:4])
			m[sel] = name
		}
	}
	return m
}()

// revertName returns the custom error name in a failed call's revert data,
// or "" if err carries none.
func revertName(err error) string {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return ""
	}
	s, ok := de.ErrorData().(string)
	if !ok {
		return ""
	}
	data, derr := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if derr != nil || len(data) < 4 {
		return ""
	}
	return selectorName([4]byte(data[:4]))
}

func selectorName(sel [4]byte) string {
	if n, ok := errorNames[sel]; ok {
		return n
	}
	return fmt.Sprintf("unknown(%x)", sel)
}

type account struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

func newAccount(t testing.TB) account {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return account{key: k, addr: crypto.PubkeyToAddress(k.PublicKey)}
}

// env is a simulated chain with the contracts deployed and funded accounts.
type env struct {
	t        testing.TB
	sim      *simulated.Backend
	client   simulated.Client
	chainID  *big.Int
	deployer account
	accts    []account

	payment  *bind.BoundContract
	registry *bind.BoundContract
	domain   payment.Domain
}

// Fork rules a test chain runs. rulesMainnet are Ethereum mainnet's (Osaka),
// which the devnet runs too (devnet.ChainConfig); rulesBogota are
// go-ethereum's dev default, which adds the draft fork Bogota (EIP-8037/8038
// reprice state access), reported beside them in the gas benchmark.
type rules int

const (
	rulesMainnet rules = iota
	rulesBogota
)

func newEnv(t testing.TB, nAccounts int) *env { return newEnvRules(t, nAccounts, rulesMainnet) }

func newEnvRules(t testing.TB, nAccounts int, r rules) *env {
	t.Helper()
	e := &env{t: t, deployer: newAccount(t)}
	alloc := types.GenesisAlloc{e.deployer.addr: {Balance: ether(1_000_000)}}
	for range nAccounts {
		a := newAccount(t)
		e.accts = append(e.accts, a)
		alloc[a.addr] = types.Account{Balance: ether(1_000_000)}
	}
	opts := []func(*node.Config, *ethconfig.Config){simulated.WithBlockGasLimit(60_000_000)}
	if r == rulesMainnet {
		opts = append(opts, func(_ *node.Config, ec *ethconfig.Config) {
			cfg := *devnet.ChainConfig()
			cfg.ChainID = ec.Genesis.Config.ChainID
			ec.Genesis.Config = &cfg
		})
	}
	e.sim = simulated.NewBackend(alloc, opts...)
	t.Cleanup(func() { e.sim.Close() })
	e.client = e.sim.Client()
	id, err := e.client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.chainID = id
	payAddr := e.deploy(e.deployer, contracts.PaymentMetaData.Bin, nil)
	e.payment = paymentABI.Instance(e.client, payAddr)
	e.registry = registryABI.Instance(e.client, e.deploy(e.deployer, contracts.RegistryMetaData.Bin, nil))
	e.domain = payment.Domain{ChainID: e.chainID, Contract: payAddr}
	return e
}

func ether(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }

func (e *env) opts(from account) *bind.TransactOpts {
	o := bind.NewKeyedTransactor(from.key, e.chainID)
	o.Context = context.Background()
	return o
}

func (e *env) deploy(from account, bin string, ctor []byte) common.Address {
	e.t.Helper()
	addr, tx, err := bind.DeployContract(e.opts(from), common.FromHex(bin), e.client, ctor)
	if err != nil {
		e.t.Fatalf("deploy: %v", err)
	}
	e.sim.Commit()
	r, err := e.client.TransactionReceipt(context.Background(), tx.Hash())
	if err != nil || r.Status != types.ReceiptStatusSuccessful {
		e.t.Fatalf("deploy failed: %v %+v", err, r)
	}
	return addr
}

// send estimates, sends and mines one transaction. A revert comes back as
// the estimation error (with its revert data) and nothing is sent.
func (e *env) send(from account, c *bind.BoundContract, data []byte) (*types.Receipt, error) {
	e.t.Helper()
	// Estimate, then add a margin: go-ethereum's estimate can fall short
	// under Bogota's rules (EIP-8037 state gas).
	to := c.Address()
	gas, err := e.client.EstimateGas(context.Background(), ethereum.CallMsg{From: from.addr, To: &to, Data: data})
	if err != nil {
		return nil, err
	}
	o := e.opts(from)
	o.GasLimit = gas + gas/4
	tx, err := bind.Transact(c, o, data)
	if err != nil {
		return nil, err
	}
	e.sim.Commit()
	r, err := e.client.TransactionReceipt(context.Background(), tx.Hash())
	if err != nil {
		e.t.Fatalf("receipt: %v", err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		to := tx.To()
		_, cerr := e.client.CallContract(context.Background(), ethereum.CallMsg{From: from.addr, To: to, Data: data, Gas: tx.Gas()}, r.BlockNumber)
		method := "?"
		pa := paymentABI.GetABI()
		if m, err := pa.MethodById(data); err == nil {
			method = m.Name
		}
		e.t.Fatalf("%s reverted after estimation succeeded (gas limit %d, used %d): %s %v", method, tx.Gas(), r.GasUsed, revertName(cerr), cerr)
	}
	return r, nil
}

func (e *env) mustSend(from account, c *bind.BoundContract, data []byte) *types.Receipt {
	e.t.Helper()
	r, err := e.send(from, c, data)
	if err != nil {
		e.t.Fatalf("transaction failed: %s %v", revertName(err), err)
	}
	return r
}

// expectRevert sends data and requires it to revert with the named error.
func (e *env) expectRevert(name string, from account, c *bind.BoundContract, data []byte) {
	e.t.Helper()
	_, err := e.send(from, c, data)
	if err == nil {
		e.t.Fatalf("want revert %s, transaction succeeded", name)
	}
	if got := revertName(err); got != name {
		e.t.Fatalf("want revert %s, got %q (%v)", name, got, err)
	}
}

func (e *env) now() uint64 {
	h, err := e.client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return h.Time
}

// advance moves the chain's clock forward by d and mines a block.
func (e *env) advance(d time.Duration) {
	// The transaction pool drops mined transactions asynchronously after a
	// block; AdjustTime refuses while it still lists any, so retry briefly.
	var err error
	for range 200 {
		if err = e.sim.AdjustTime(d); err == nil {
			e.sim.Commit()
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatalf("adjust time: %v", err)
}

// token is a deployed ERC-20 with mint(address,uint256).
type token struct {
	addr common.Address
	c    *bind.BoundContract
	abi  interface {
		PackMint(common.Address, *big.Int) []byte
		PackApprove(common.Address, *big.Int) []byte
		PackBalanceOf(common.Address) []byte
		UnpackBalanceOf([]byte) (*big.Int, error)
	}
}

func (e *env) newTestToken(decimals uint8) token {
	a := e.deploy(e.deployer, contracts.TestTokenMetaData.Bin, tokenABI.PackConstructor("Test", "TST", decimals))
	return token{addr: a, c: tokenABI.Instance(e.client, a), abi: tokenABI}
}

func (e *env) newFeeToken(bps int64) token {
	a := e.deploy(e.deployer, testtokens.FeeTokenMetaData.Bin, feeABI.PackConstructor(big.NewInt(bps)))
	return token{addr: a, c: feeABI.Instance(e.client, a), abi: feeABI}
}

func (e *env) newReentrantToken() token {
	a := e.deploy(e.deployer, testtokens.ReentrantTokenMetaData.Bin, nil)
	return token{addr: a, c: reentrABI.Instance(e.client, a), abi: reentrABI}
}

// fund mints amount to a and approves Payment to pull it.
func (e *env) fund(tk token, a account, amount *big.Int) {
	e.t.Helper()
	e.mustSend(a, tk.c, tk.abi.PackMint(a.addr, amount))
	e.mustSend(a, tk.c, tk.abi.PackApprove(e.domain.Contract, abi.MaxUint256))
}

func (e *env) balanceOf(tk token, who common.Address) *big.Int {
	e.t.Helper()
	b, err := bind.Call(tk.c, nil, tk.abi.PackBalanceOf(who), tk.abi.UnpackBalanceOf)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *env) channel(id [32]byte) contracts.PaymentChannel {
	e.t.Helper()
	c, err := bind.Call(e.payment, nil, paymentABI.PackGetChannel(id), paymentABI.UnpackGetChannel)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// channelState is what a test keeps per channel to claim: the terms and the
// last accepted receipt, plus the enclave key.
type channelState struct {
	id        [32]byte
	publisher account
	provider  account
	enclave   *payment.DevSigner
	terms     payment.Terms
	last      payment.Baseline
	tok       token
}

func randomPodID() [32]byte {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return b
}

func prices(p ...int64) [usage.Len]*big.Int {
	var out [usage.Len]*big.Int
	for i := range out {
		out[i] = new(big.Int)
		if i < len(p) {
			out[i].SetInt64(p[i])
		}
	}
	return out
}

// openChannel creates and funds a channel; publisher must hold and have
// approved the amount.
func (e *env) openChannel(pub, prov account, tk token, terms payment.Terms, dispute uint64, amount *big.Int) *channelState {
	e.t.Helper()
	podID := randomPodID()
	r := e.mustSend(pub, e.payment, paymentABI.PackCreateChannel(prov.addr, podID, tk.addr, chain.TermsBinding(terms), dispute, amount))
	id := payment.ChannelID(pub.addr, prov.addr, podID)
	var start uint64
	for _, l := range r.Logs {
		if ev, err := paymentABI.UnpackChannelCreatedEvent(l); err == nil {
			if ev.ChannelId != id {
				e.t.Fatalf("ChannelCreated id %x, Go computes %x", ev.ChannelId, id)
			}
			start = ev.StartTime
		}
	}
	if start == 0 {
		e.t.Fatal("no ChannelCreated event")
	}
	return &channelState{id: id, publisher: pub, provider: prov, terms: terms, last: payment.InitialBaseline(start), tok: tk}
}

func (e *env) defaultTerms(s payment.Signer) payment.Terms {
	return payment.Terms{EnclaveSigner: s.Address(), MaxPerSecond: big.NewInt(1_000_000), Prices: prices(1, 2, 3, 4, 5, 6, 7)}
}

// receipt makes the next receipt of ch: seq+1, at time t, usage grown by add.
func (ch *channelState) next(t uint64, add usage.Vector) payment.Receipt {
	r := payment.Receipt{ChannelID: ch.id, Seq: ch.last.Seq + 1, Time: t}
	for i := range add {
		r.Usage[i] = ch.last.Usage[i] + add[i]
	}
	return r
}

func (e *env) sign(s payment.Signer, r payment.Receipt) []byte {
	e.t.Helper()
	sig, err := payment.SignReceipt(s, e.domain, r)
	if err != nil {
		e.t.Fatal(err)
	}
	return sig
}

func (e *env) claimData(ch *channelState, r payment.Receipt, sig []byte) []byte {
	return paymentABI.PackClaim(claimOf(ch.terms, ch.last, r, sig))
}

// claimOf is the claim of receipt r signed with sig, as calldata carries it.
func claimOf(t payment.Terms, last payment.Baseline, r payment.Receipt, sig []byte) contracts.PaymentClaim {
	return chain.NewClaim(t, last, r, sig).Binding()
}
