package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "provider.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenPermissionsAndReopen(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("database mode %v, want 0600", fi.Mode().Perm())
	}
	id := [32]byte{1}
	if err := s.PutPod(ctx, Pod{ChannelID: id, PodID: [32]byte{2}, Publisher: "0xabc", BundleCID: "bafy", State: "running"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	p, err := s2.GetPod(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != "running" || p.BundleCID != "bafy" || p.PodID != [32]byte{2} {
		t.Fatalf("reopened pod = %+v", p)
	}
}

func TestPods(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if _, err := s.GetPod(ctx, [32]byte{9}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetPod of unknown pod: %v, want ErrNotFound", err)
	}
	if err := s.SetPodState(ctx, [32]byte{9}, "x", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SetPodState of unknown pod: %v, want ErrNotFound", err)
	}
	for i := byte(1); i <= 3; i++ {
		if err := s.PutPod(ctx, Pod{ChannelID: [32]byte{i}, State: "running", Spec: []byte{i}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPodState(ctx, [32]byte{2}, "stopped", "funds exhausted"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePod(ctx, [32]byte{3}); err != nil {
		t.Fatal(err)
	}
	pods, err := s.ListPods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pods) != 2 || pods[1].State != "stopped" || pods[1].Reason != "funds exhausted" || pods[1].Spec[0] != 2 {
		t.Fatalf("pods = %+v", pods)
	}
}

func TestReceipts(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	ch := [32]byte{5}
	if _, err := s.LastReceipt(ctx, ch); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LastReceipt on empty channel: %v", err)
	}
	rec := func(id [32]byte, seq, at uint64, u usage.Vector, sig []byte) Receipt {
		return Receipt{SignedReceipt: payment.SignedReceipt{Receipt: payment.Receipt{ChannelID: id, Seq: seq, Time: at, Usage: u}, Signature: sig}}
	}
	r1 := rec(ch, 1, 100, usage.Vector{1, 1}, []byte{1})
	r2 := rec(ch, 2, 101, usage.Vector{2, 1}, []byte{2})
	for _, r := range []Receipt{r1, r2} {
		if err := s.AddReceipt(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	bad := []Receipt{
		rec(ch, 2, 102, usage.Vector{3, 1}, nil), // same seq
		rec(ch, 3, 101, usage.Vector{3, 1}, nil), // same time
		rec(ch, 3, 102, usage.Vector{1, 1}, nil), // counter decreases
	}
	for i, r := range bad {
		if err := s.AddReceipt(ctx, r); !errors.Is(err, ErrConflict) {
			t.Errorf("bad receipt %d: %v, want ErrConflict", i, err)
		}
	}
	// Another channel has its own sequence.
	if err := s.AddReceipt(ctx, rec([32]byte{6}, 1, 1, usage.Vector{}, []byte{9})); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastReceipt(ctx, ch)
	if err != nil || last.Seq != 2 || last.Usage != r2.Usage || string(last.Signature) != "\x02" {
		t.Fatalf("LastReceipt = %+v, %v", last, err)
	}
	if _, err := s.LastClaimed(ctx, ch); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LastClaimed before any claim: %v", err)
	}
	if err := s.MarkClaimed(ctx, ch, 1, "0xtx"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkClaimed(ctx, ch, 9, "0xtx"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("MarkClaimed of unknown receipt: %v", err)
	}
	c, err := s.LastClaimed(ctx, ch)
	if err != nil || c.Seq != 1 || c.ClaimTx != "0xtx" {
		t.Fatalf("LastClaimed = %+v, %v", c, err)
	}
	// Channel 5's newest receipt (2) and channel 6's (1) are unclaimed.
	un, err := s.UnclaimedLast(ctx)
	if err != nil || len(un) != 2 {
		t.Fatalf("UnclaimedLast = %+v, %v", un, err)
	}
	if err := s.MarkClaimed(ctx, ch, 2, "abandoned: ChannelAlreadyClosed"); err != nil {
		t.Fatal(err)
	}
	if un, _ = s.UnclaimedLast(ctx); len(un) != 1 || un[0].ChannelID != [32]byte{6} {
		t.Fatalf("UnclaimedLast after settling = %+v", un)
	}
	if c, _ := s.LastClaimed(ctx, ch); c.Seq != 1 {
		t.Fatalf("a settled marker counts as a claim: %+v", c)
	}
}

func TestNonces(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	now := time.Unix(1700000000, 0)
	n := [32]byte{3}
	fresh, err := s.UseNonce(ctx, n, now.Add(time.Minute))
	if err != nil || !fresh {
		t.Fatalf("first use: %v %v", fresh, err)
	}
	fresh, err = s.UseNonce(ctx, n, now.Add(time.Minute))
	if err != nil || fresh {
		t.Fatalf("replay accepted: %v %v", fresh, err)
	}
	if _, err := s.UseNonce(ctx, [32]byte{4}, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	pruned, err := s.PruneNonces(ctx, now)
	if err != nil || pruned != 1 {
		t.Fatalf("PruneNonces = %d, %v; want 1", pruned, err)
	}
	// The unexpired nonce is still remembered.
	if fresh, _ := s.UseNonce(ctx, n, now.Add(time.Minute)); fresh {
		t.Fatal("pruning forgot an unexpired nonce")
	}
}

func TestCursors(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if _, _, err := s.Cursor(ctx, "payment"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Cursor before set: %v", err)
	}
	if err := s.SetCursor(ctx, "payment", 42, "0xh"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCursor(ctx, "payment", 43, "0xi"); err != nil {
		t.Fatal(err)
	}
	b, h, err := s.Cursor(ctx, "payment")
	if err != nil || b != 43 || h != "0xi" {
		t.Fatalf("Cursor = %d %q %v", b, h, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.db.ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Fatal("opened a database with a newer schema")
	}
}
