package chain_test

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/trustedpods/tpod/contracts"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
)

// TestWatcherResumeAndReorg uses the simulated backend, whose blocks the
// test makes itself, to fork the chain under the watcher.
func TestWatcherResumeAndReorg(t *testing.T) {
	ctx := context.Background()
	w := devnet.DevKey(0)
	sim := simulated.NewBackend(types.GenesisAlloc{w.Address(): {Balance: new(big.Int).Lsh(big.NewInt(1), 80)}})
	defer sim.Close()
	c, err := chain.NewClient(ctx, sim.Client(), nil, "simulated", chain.Config{Confirmations: 3})
	if err != nil {
		t.Fatal(err)
	}
	tt := contracts.NewTestToken()
	code := append(common.FromHex(contracts.TestTokenMetaData.Bin), tt.PackConstructor("T", "T", 18)...)
	tx, err := c.SendTx(ctx, w, chain.Tx{Data: code})
	if err != nil {
		t.Fatal(err)
	}
	sim.Commit()
	tok := crypto.CreateAddress(w.Address(), tx.Nonce())
	to := common.HexToAddress("0x00000000000000000000000000000000000000dd")
	mint := func(amount int64) {
		t.Helper()
		if _, err := c.SendTx(ctx, w, chain.Tx{To: &tok, Data: tt.PackMint(to, big.NewInt(amount))}); err != nil {
			t.Fatal(err)
		}
		sim.Commit()
	}
	commit := func(n int) {
		for i := 0; i < n; i++ {
			sim.Commit()
		}
	}
	transfer := tt.GetABI().Events["Transfer"].ID
	var got []int64
	cursor := chain.FileCursor(filepath.Join(t.TempDir(), "cursor.json"))
	newWatcher := func() *chain.Watcher {
		return &chain.Watcher{
			Client: c,
			Query:  ethereum.FilterQuery{Addresses: []common.Address{tok}, Topics: [][]common.Hash{{transfer}}},
			Cursor: cursor,
			Handle: func(_ context.Context, logs []types.Log) error {
				for _, l := range logs {
					got = append(got, new(big.Int).SetBytes(l.Data).Int64())
				}
				return nil
			},
		}
	}
	step := func(w *chain.Watcher) {
		t.Helper()
		if err := w.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := func(vals ...int64) {
		t.Helper()
		if len(got) != len(vals) {
			t.Fatalf("delivered %v, want %v", got, vals)
		}
		for i := range vals {
			if got[i] != vals[i] {
				t.Fatalf("delivered %v, want %v", got, vals)
			}
		}
	}

	// A log is delivered only once its block has 3 confirmations.
	w1 := newWatcher()
	mint(1)
	step(w1)
	want()
	commit(2)
	step(w1)
	want(1)

	// A new watcher on the same cursor resumes without repeating.
	w2 := newWatcher()
	mint(2)
	commit(2)
	step(w2)
	want(1, 2)

	// A reorg shallower than the confirmation depth: the log of the
	// dropped block is never delivered, the one of the new branch is.
	mint(3)
	head, _ := c.HeaderByNumber(ctx, nil)
	step(w2)
	want(1, 2)
	if err := sim.Fork(head.ParentHash); err != nil {
		t.Fatal(err)
	}
	sim.Rollback()
	c.ResyncNonce(w.Address())
	mint(4)
	commit(3)
	if h, _ := c.HeaderByNumber(ctx, head.Number); h.Hash() == head.Hash() {
		t.Fatal("fork did not replace the block")
	}
	step(w2)
	want(1, 2, 4)

	// A reorg deeper than the confirmation depth stops the watcher.
	cur, _, _ := cursor.Load(ctx)
	parent, err := c.HeaderByNumber(ctx, new(big.Int).SetUint64(cur.Block-1))
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	sim.Rollback()
	commit(8)
	if err := w2.Step(ctx); !errors.Is(err, chain.ErrReorgTooDeep) {
		t.Fatalf("deep reorg: %v", err)
	}
}
