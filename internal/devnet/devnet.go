// Package devnet runs a development network in-process: a go-ethereum dev
// node with JSON-RPC on 127.0.0.1, the Trusted Pods contracts deployed on it,
// and funded dev accounts, described by a JSON file (docs/devnet.md). Later
// parts (an IPFS node, a provider) join the same process through Config and
// the Devnet value.
package devnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/trustedpods/tpod/internal/chain"
)

// Config configures a devnet. The zero value starts an ephemeral chain on
// free ports that mines a block per transaction.
type Config struct {
	// HTTPPort and WSPort are the JSON-RPC ports on 127.0.0.1; 0 picks a free
	// port (WS then shares the HTTP port when both are 0).
	HTTPPort, WSPort int
	// BlockPeriod in seconds; 0 mines a block for each transaction.
	BlockPeriod uint64
	// DataDir keeps the chain across restarts; "" keeps it in memory.
	DataDir string
	// ExtraAccounts adds funded accounts labelled dev4, dev5, ... beyond the
	// deployer, publisher, provider and enclave accounts.
	ExtraAccounts int
	// FundETH and FundTokens are each account's balances after Start
	// (defaults: 1000 ETH and 1,000,000 TPT).
	FundETH, FundTokens *big.Int
	// Logger receives progress (default: discard).
	Logger *slog.Logger
}

// Devnet is a running development network.
type Devnet struct {
	cfg    Config
	log    *slog.Logger
	stack  *node.Node
	eth    *eth.Ethereum
	beacon *catalyst.SimulatedBeacon
	client *chain.Client
	info   Info
	// genesis is the genesis time chosen for a new chain.
	genesis uint64
}

// ChainID of every devnet (go-ethereum's developer chain).
const ChainID = 1337

// DevKey returns the deterministic key of dev account i. These keys are
// public knowledge: never use them outside a development network.
func DevKey(i int) *chain.Wallet {
	seed := crypto.Keccak256([]byte("trustedpods devnet account " + strconv.Itoa(i)))
	k, err := crypto.ToECDSA(seed)
	if err != nil {
		panic(err) // a keccak output is a valid key with overwhelming probability
	}
	return chain.NewWallet(k)
}

func label(i int) string {
	switch i {
	case 0:
		return LabelDeployer
	case 1:
		return LabelPublisher
	case 2:
		return LabelProvider
	case 3:
		return LabelEnclave
	}
	return "dev" + strconv.Itoa(i)
}

// Start starts the node, deploys the contracts (unless a persisted data dir
// already has them) and funds the dev accounts.
func Start(ctx context.Context, cfg Config) (*Devnet, error) {
	d, err := start(ctx, cfg)
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func start(ctx context.Context, cfg Config) (d *Devnet, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.FundETH == nil {
		cfg.FundETH = new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	}
	if cfg.FundTokens == nil {
		cfg.FundTokens = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))
	}
	d = &Devnet{cfg: cfg, log: cfg.Logger.With("component", "devnet")}
	if err := d.startNode(); err != nil {
		return d, err
	}
	rpcURL := d.stack.HTTPEndpoint()
	d.client, err = chain.Dial(ctx, rpcURL, chain.Config{PollInterval: 20 * time.Millisecond, Logger: cfg.Logger})
	if err != nil {
		return d, err
	}
	d.info = Info{
		Version:     InfoVersion,
		ChainID:     ChainID,
		RPC:         RPC{HTTP: rpcURL, WS: d.stack.WSEndpoint()},
		BlockPeriod: cfg.BlockPeriod,
		Fork:        Fork(),
		DataDir:     cfg.DataDir,
		Token:       Token{Symbol: "TPT", Decimals: 18},
		GenesisTime: d.eth.BlockChain().Genesis().Time(),
		Genesis:     d.eth.BlockChain().Genesis().Hash(),
	}
	for i := 0; i < 4+cfg.ExtraAccounts; i++ {
		w := DevKey(i)
		d.info.Accounts = append(d.info.Accounts, Account{Label: label(i), Address: w.Address(), PrivateKey: w.PrivateKeyHex()})
	}
	if err := d.deploy(ctx); err != nil {
		return d, err
	}
	if err := d.fund(ctx); err != nil {
		return d, err
	}
	if cfg.DataDir != "" {
		if err := WriteInfo(filepath.Join(cfg.DataDir, "devnet.json"), &d.info); err != nil {
			return d, err
		}
	}
	d.log.Info("devnet up", "fork", d.info.Fork, "http", d.info.RPC.HTTP, "ws", d.info.RPC.WS, "payment", d.info.Contracts.Payment)
	return d, nil
}

// genesisTime is the genesis timestamp: the data dir's (0 for one made
// before it was recorded, whose genesis had none), else now.
func (d *Devnet) genesisTime() uint64 {
	if d.cfg.DataDir != "" {
		if old, err := ReadInfo(filepath.Join(d.cfg.DataDir, "devnet.json")); err == nil {
			return old.GenesisTime
		}
		if _, err := os.Stat(filepath.Join(d.cfg.DataDir, "tpod-devnet")); err == nil {
			return 0
		}
	}
	d.genesis = uint64(time.Now().Unix())
	return d.genesis
}

func (d *Devnet) startNode() error {
	nc := node.DefaultConfig
	nc.Name = "tpod-devnet"
	nc.DataDir = d.cfg.DataDir
	nc.IPCPath = ""
	nc.HTTPHost, nc.HTTPPort = "127.0.0.1", d.cfg.HTTPPort
	nc.HTTPModules = []string{"eth", "net", "web3", "txpool", devNamespace}
	nc.HTTPVirtualHosts = []string{"localhost", "127.0.0.1"}
	nc.WSHost, nc.WSPort = "127.0.0.1", d.cfg.WSPort
	nc.WSModules = nc.HTTPModules
	nc.AuthAddr, nc.AuthPort = "127.0.0.1", 0
	nc.P2P = p2p.Config{NoDiscovery: true, NoDial: true, MaxPeers: 0, ListenAddr: ""}
	nc.UseLightweightKDF = true
	if d.cfg.DataDir != "" {
		if err := os.MkdirAll(d.cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("devnet data dir: %w", err)
		}
	}
	stack, err := node.New(&nc)
	if err != nil {
		return fmt.Errorf("devnet node: %w", err)
	}
	d.stack = stack
	deployer := DevKey(0).Address()
	ec := ethconfig.Defaults
	ec.NetworkId = ChainID
	ec.Genesis = core.DeveloperGenesisBlock(60_000_000, &deployer)
	ec.Genesis.Config = ChainConfig()
	// Each new chain gets its own genesis (its time), so records of an
	// earlier run, which reuses chain ID and contract addresses, are told
	// apart; a data dir keeps its genesis.
	ec.Genesis.Timestamp = d.genesisTime()
	ec.SyncMode = ethconfig.FullSync
	ec.Miner.PendingFeeRecipient = deployer
	ec.TxPool.NoLocals = true
	ec.LogNoHistory = true // small chain: search logs unindexed, never lagging behind the head
	backend, err := eth.New(stack, &ec)
	if err != nil {
		return fmt.Errorf("devnet eth service: %w", err)
	}
	d.eth = backend
	fs := filters.NewFilterSystem(backend.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})
	beacon, err := catalyst.NewSimulatedBeacon(d.cfg.BlockPeriod, deployer, backend)
	if err != nil {
		return fmt.Errorf("devnet beacon: %w", err)
	}
	d.beacon = beacon
	catalyst.RegisterSimulatedBeaconAPIs(stack, beacon)
	stack.RegisterAPIs([]rpc.API{{Namespace: devNamespace, Service: &devAPI{d}}})
	stack.RegisterLifecycle(beacon)
	if err := stack.Start(); err != nil {
		return fmt.Errorf("devnet node start: %w", err)
	}
	return nil
}

// deploy deploys TestToken, Registry and Payment, or reuses them when a
// persisted data dir already holds a deployment of the same code.
func (d *Devnet) deploy(ctx context.Context) error {
	code := CodeHash()
	if d.cfg.DataDir != "" {
		if old, err := ReadInfo(filepath.Join(d.cfg.DataDir, "devnet.json")); err == nil {
			ok := true
			for _, a := range []common.Address{old.Contracts.Payment, old.Contracts.Registry, old.Contracts.Token} {
				code, err := d.client.CodeAt(ctx, a)
				ok = ok && err == nil && len(code) > 0
			}
			switch {
			case ok && old.Contracts.CodeHash == code:
				d.info.Contracts, d.info.Token = old.Contracts, old.Token
				d.log.Info("reusing deployment", "payment", old.Contracts.Payment)
				return nil
			case ok:
				// Another build of the contracts (e.g. a changed claim ABI):
				// this code cannot talk to the old ones.
				d.log.Warn("the data dir's contracts are another version; deploying the current ones (channels of the old Payment are not carried over)", "old payment", old.Contracts.Payment)
			}
		}
	}
	dep, err := chain.DeployAll(ctx, d.client, DevKey(0), true)
	if err != nil {
		return err
	}
	d.info.Contracts = Contracts{Payment: dep.Payment, Registry: dep.Registry, Token: dep.Token, Block: dep.Block, CodeHash: code}
	d.info.Token.Address = dep.Token
	return nil
}

// fund tops every account up to FundETH and FundTokens.
func (d *Devnet) fund(ctx context.Context) error {
	deployer := DevKey(0)
	token := chain.NewToken(d.client, d.info.Contracts.Token)
	var sent []*types.Transaction
	tokenABI := tokenMint()
	for i, a := range d.info.Accounts {
		if i == 0 {
			continue
		}
		bal, err := d.client.BalanceAt(ctx, a.Address)
		if err != nil {
			return err
		}
		if bal.Cmp(d.cfg.FundETH) < 0 {
			to := a.Address
			tx, err := d.client.SendTx(ctx, deployer, chain.Tx{To: &to, Value: new(big.Int).Sub(d.cfg.FundETH, bal)})
			if err != nil {
				return fmt.Errorf("fund %s: %w", a.Label, err)
			}
			sent = append(sent, tx)
		}
		tb, err := token.BalanceOf(ctx, a.Address)
		if err != nil {
			return err
		}
		if tb.Cmp(d.cfg.FundTokens) < 0 {
			tokenAddr := token.Address()
			tx, err := d.client.SendTx(ctx, deployer, chain.Tx{To: &tokenAddr, Data: tokenABI(a.Address, new(big.Int).Sub(d.cfg.FundTokens, tb))})
			if err != nil {
				return fmt.Errorf("mint for %s: %w", a.Label, err)
			}
			sent = append(sent, tx)
		}
	}
	for _, tx := range sent {
		if _, err := d.client.Wait(ctx, tx); err != nil {
			return fmt.Errorf("fund accounts: %w", err)
		}
	}
	return nil
}

// Info describes the running devnet.
func (d *Devnet) Info() *Info {
	i := d.info
	i.Accounts = append([]Account(nil), d.info.Accounts...)
	return &i
}

// Client is a chain client connected over the devnet's HTTP endpoint.
func (d *Devnet) Client() *chain.Client { return d.client }

// Wallet returns the key of a labelled account.
func (d *Devnet) Wallet(label string) (*chain.Wallet, error) { return d.info.Wallet(label) }

// AdjustTime mines an empty block dt later than the head, moving chain time
// forward (e.g. past a dispute period). The transaction pool must be empty.
//
// The block producer of a period-0 chain runs in its own goroutine and is
// not safe to drive concurrently, so this first waits for the transaction
// pool to drain and the producer to go idle.
func (d *Devnet) AdjustTime(dt time.Duration) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pending, queued := d.eth.TxPool().Stats()
		if pending == 0 && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("adjust time: %d transactions still pending", pending+queued)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the producer finish its round
	before := d.eth.BlockChain().CurrentBlock().Number.Uint64()
	if err := d.beacon.AdjustTime(dt); err != nil {
		return fmt.Errorf("adjust time: %w", err)
	}
	if after := d.eth.BlockChain().CurrentBlock().Number.Uint64(); after <= before {
		return fmt.Errorf("adjust time: no block was sealed (head %d)", after)
	}
	return nil
}

// Close stops the node (and with it the block producer).
func (d *Devnet) Close() error {
	if d.client != nil {
		d.client.Close()
	}
	if d.stack == nil {
		return nil
	}
	err := d.stack.Close()
	if errors.Is(err, node.ErrNodeStopped) {
		err = nil
	}
	d.stack = nil
	return err
}
