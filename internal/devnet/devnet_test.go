package devnet_test

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
)

func TestStartDeployFundWrite(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	d, err := devnet.Start(ctx, devnet.Config{ExtraAccounts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	t.Logf("devnet up in %v", time.Since(start))
	info := d.Info()
	if info.ChainID != 1337 || info.RPC.HTTP == "" || info.RPC.WS == "" {
		t.Fatalf("info: %+v", info)
	}
	for _, l := range []string{devnet.LabelDeployer, devnet.LabelPublisher, devnet.LabelProvider, devnet.LabelEnclave, "dev4"} {
		if _, err := info.Wallet(l); err != nil {
			t.Fatal(err)
		}
	}

	// Reachable over both transports, contracts deployed, accounts funded.
	for _, url := range []string{info.RPC.HTTP, info.RPC.WS} {
		c, err := chain.Dial(ctx, url, chain.Config{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []struct {
			name string
			addr [20]byte
		}{{"payment", info.Contracts.Payment}, {"registry", info.Contracts.Registry}, {"token", info.Contracts.Token}} {
			code, err := c.CodeAt(ctx, a.addr)
			if err != nil || len(code) == 0 {
				t.Fatalf("%s over %s: no code (%v)", a.name, url, err)
			}
		}
		tok := chain.NewToken(c, info.Contracts.Token)
		pub, _ := info.Account(devnet.LabelPublisher)
		bal, err := tok.BalanceOf(ctx, pub.Address)
		if err != nil {
			t.Fatal(err)
		}
		want := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))
		if bal.Cmp(want) != 0 {
			t.Fatalf("publisher tokens %v, want %v", bal, want)
		}
		eth, err := c.BalanceAt(ctx, pub.Address)
		if err != nil || eth.Sign() == 0 {
			t.Fatalf("publisher eth %v %v", eth, err)
		}
		c.Close()
	}

	path := filepath.Join(t.TempDir(), "devnet.json")
	if err := devnet.WriteInfo(path, info); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	back, err := devnet.ReadInfo(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Contracts != info.Contracts || len(back.Accounts) != len(info.Accounts) {
		t.Fatalf("round trip: %+v", back)
	}
}

func TestPersistentDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a node")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	d, err := devnet.Start(ctx, devnet.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	first := d.Info()
	head, err := d.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = devnet.Start(ctx, devnet.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if d.Info().Contracts != first.Contracts {
		t.Fatalf("contracts moved: %+v vs %+v", d.Info().Contracts, first.Contracts)
	}
	head2, err := d.Client().BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head2 < head {
		t.Fatalf("chain went back from %d to %d", head, head2)
	}
	if st, err := os.Stat(filepath.Join(dir, "devnet.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("devnet.json in data dir: %v %v", st, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	// A data dir deployed by another build of the contracts (here: a file
	// without the code hash, as before it existed) gets the current ones.
	old := d.Info()
	old.Contracts.CodeHash = ""
	if err := devnet.WriteInfo(filepath.Join(dir, "devnet.json"), old); err != nil {
		t.Fatal(err)
	}
	d, err = devnet.Start(ctx, devnet.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if c := d.Info().Contracts; c.Payment == first.Contracts.Payment || c.CodeHash != devnet.CodeHash() {
		t.Fatalf("contracts of another build reused: %+v", c)
	}
}

// TestReorg: a transaction mined in a block that a reorganisation drops
// comes back in a new block at another hash; the dropped block is no longer
// canonical.
func TestReorg(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := devnet.Start(ctx, devnet.Config{BlockPeriod: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	info := d.Info()
	w, err := d.Wallet(devnet.LabelPublisher)
	if err != nil {
		t.Fatal(err)
	}
	dep, _ := info.Account(devnet.LabelDeployer)
	rcpt, err := chain.NewToken(d.Client(), info.Contracts.Token).Transfer(ctx, w, dep.Address, big.NewInt(1))
	if err != nil {
		t.Fatal(err)
	}
	head, err := d.Client().HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	depth := int(head.Number.Uint64()-rcpt.BlockNumber.Uint64()) + 2
	var dropped []common.Hash
	for try := 0; ; try++ {
		if dropped, err = d.Reorg(depth); err == nil || try == 3 {
			break
		}
		depth++
	}
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range dropped {
		found = found || h == rcpt.BlockHash
	}
	if !found {
		t.Fatalf("the reorg of depth %d did not drop block %d %s", depth, rcpt.BlockNumber, rcpt.BlockHash)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		again, err := d.Client().Backend().TransactionReceipt(ctx, rcpt.TxHash)
		if err == nil && again != nil && again.BlockHash != rcpt.BlockHash {
			t.Logf("transaction mined again in block %d (was %d)", again.BlockNumber, rcpt.BlockNumber)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dropped transaction did not come back: %v %v", again, err)
		}
	}
}
