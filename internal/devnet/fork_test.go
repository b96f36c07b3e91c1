package devnet_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/params"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
)

// The devnet enables the forks of go-ethereum's mainnet spec and no other.
// A go-ethereum upgrade that schedules a new mainnet fork changes Fork();
// this test then says so, and docs/devnet.md and the gas figures need a look.
func TestChainConfigIsMainnets(t *testing.T) {
	c, m := devnet.ChainConfig(), params.MainnetChainConfig
	last := ^uint64(0)
	if got, want := c.LatestFork(0), m.LatestFork(last); got != want {
		t.Fatalf("devnet runs %v from genesis, mainnet's spec ends at %v", got, want)
	}
	for f := c.LatestFork(0); f > 0; f-- {
		if (c.Timestamp(f) == nil) != (m.Timestamp(f) == nil) {
			t.Errorf("fork %v: devnet %v, mainnet %v", f, c.Timestamp(f), m.Timestamp(f))
		}
	}
	if got := devnet.Fork(); got != "Osaka" {
		t.Errorf("Fork() = %q; go-ethereum v1.17.10's mainnet runs Osaka", got)
	}
	if err := c.CheckConfigForkOrder(); err != nil {
		t.Fatal(err)
	}
}

// A token transfer costs on the devnet what it costs under mainnet's rules,
// and less than under go-ethereum's dev default (Bogota's repricing of
// storage writes), so the devnet shows users the gas they will pay.
func TestDevnetGasIsMainnets(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	info := d.Info()
	if info.Fork != "Osaka" {
		t.Errorf("devnet file fork %q", info.Fork)
	}
	pub, _ := d.Wallet(devnet.LabelPublisher)
	prov, _ := d.Wallet(devnet.LabelProvider)
	amount := big.NewInt(1e18)
	r, err := chain.NewToken(d.Client(), info.Contracts.Token).Transfer(ctx, pub, prov.Address(), amount)
	if err != nil {
		t.Fatal(err)
	}
	mainnet := transferGas(t, devnet.ChainConfig(), prov.Address(), amount)
	bogota := transferGas(t, params.AllDevChainProtocolChanges, prov.Address(), amount)
	t.Logf("ERC-20 transfer: devnet %d gas, mainnet rules %d, go-ethereum dev default %d", r.GasUsed, mainnet, bogota)
	if r.GasUsed != mainnet {
		t.Errorf("devnet transfer used %d gas, %d under mainnet's rules", r.GasUsed, mainnet)
	}
	if bogota <= mainnet {
		t.Errorf("dev default %d gas, mainnet rules %d: the comparison no longer tells the rules apart", bogota, mainnet)
	}
}

// transferGas deploys a TestToken on a simulated chain with cfg, funds a
// sender and to, and returns the gas of a transfer of amount to to (both
// balances non-zero before and after, as on the devnet; the same calldata).
func transferGas(t *testing.T, cfg *params.ChainConfig, to common.Address, amount *big.Int) uint64 {
	t.Helper()
	k1, _ := crypto.GenerateKey()
	a1 := crypto.PubkeyToAddress(k1.PublicKey)
	eth := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
	sim := simulated.NewBackend(types.GenesisAlloc{a1: {Balance: eth}}, func(_ *node.Config, ec *ethconfig.Config) {
		ec.Genesis.Config = cfg
	})
	defer sim.Close()
	c := sim.Client()
	id, err := c.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok := contracts.NewTestToken()
	opts := bind.NewKeyedTransactor(k1, id)
	addr, _, err := bind.DeployContract(opts, common.FromHex(contracts.TestTokenMetaData.Bin), c, tok.PackConstructor("Trusted Pods Test Token", "TPT", 18))
	if err != nil {
		t.Fatal(err)
	}
	sim.Commit()
	inst := tok.Instance(c, addr)
	var last *types.Transaction
	for _, data := range [][]byte{tok.PackMint(a1, new(big.Int).Mul(amount, big.NewInt(1000))), tok.PackMint(to, amount), tok.PackTransfer(to, amount)} {
		if last, err = bind.Transact(inst, opts, data); err != nil {
			t.Fatal(err)
		}
		sim.Commit()
	}
	r, err := c.TransactionReceipt(context.Background(), last.Hash())
	if err != nil || r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transfer: %v %+v", err, r)
	}
	return r.GasUsed
}
