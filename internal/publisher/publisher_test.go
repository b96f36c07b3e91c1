package publisher

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/usage"
)

func TestStateSaveLoadList(t *testing.T) {
	s := &State{Dir: filepath.Join(t.TempDir(), "deployments")}
	a := &Record{ID: "00aa11bb22cc33dd", Name: "a", Step: StepNew, CreatedAt: time.Unix(100, 0)}
	b := &Record{ID: "00ab000000000000", Name: "b", Step: StepChannel, CreatedAt: time.Unix(50, 0)}
	for _, r := range []*Record{a, b} {
		if err := s.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(s.Dir, a.ID+".json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("record mode %v %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(s.Dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode())
	}
	got, err := s.Load("00aa")
	if err != nil || got.Name != "a" {
		t.Fatalf("load by prefix: %+v %v", got, err)
	}
	if _, err := s.Load("00a"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ambiguous prefix: %v", err)
	}
	if _, err := s.Load("ff"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := s.Load("../x"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("path in ID: %v", err)
	}
	list, _, err := s.List()
	if err != nil || len(list) != 2 || list[0].Name != "b" {
		t.Fatalf("list %v %v", list, err)
	}
	if !b.Reached(StepApproved) || a.Reached(StepAttested) {
		t.Fatal("Reached")
	}
	if err := s.Save(&Record{ID: "../../etc"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad ID saved: %v", err)
	}
}

func TestEstimate(t *testing.T) {
	var prices [usage.Len]*big.Int
	for i := range prices {
		prices[i] = big.NewInt(0)
	}
	prices[usage.CPUReserved] = big.NewInt(1)
	prices[usage.MemoryReserved] = big.NewInt(2)
	prices[usage.CPUUsed] = big.NewInt(3)
	tot := manifest.Totals{CPUMilli: 100, MemoryMiB: 32, StorageMiB: 16}
	per, hourly := Estimate(tot, prices)
	if per.Int64() != 100+64 {
		t.Fatalf("per second %s", per)
	}
	if want := int64((100 + 64 + 300) * 3600); hourly.Int64() != want {
		t.Fatalf("hourly %s, want %d", hourly, want)
	}
}

func TestPeerInfo(t *testing.T) {
	const id = "12D3KooWGbnZoTX2C2xzU7cSgecDiUKnMyRtqJYy9tzmNWdSZT9j"
	info, err := peerInfo(id, []string{"/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/tcp/4002/p2p/" + id})
	if err != nil || len(info.Addrs) != 2 || info.ID.String() != id {
		t.Fatalf("%+v %v", info, err)
	}
	if _, err := peerInfo("", []string{"/ip4/127.0.0.1/tcp/1"}); err == nil {
		t.Fatal("no peer ID accepted")
	}
	if _, err := peerInfo(id, nil); err == nil {
		t.Fatal("no address accepted")
	}
	if _, err := peerInfo(id, []string{"/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEb1Ge3Go6Ls7Fve3wJpdWoo488zV7T8a4Gpn28Up4XHm"}); err == nil {
		t.Fatal("address of another peer accepted")
	}
}

// FuzzPeerInfo: registry entries are untrusted input.
func FuzzPeerInfo(f *testing.F) {
	f.Add("12D3KooWGbnZoTX2C2xzU7cSgecDiUKnMyRtqJYy9tzmNWdSZT9j", "/ip4/127.0.0.1/tcp/4001")
	f.Add("", "/ip6/::1/udp/1/quic-v1/p2p/12D3KooWGbnZoTX2C2xzU7cSgecDiUKnMyRtqJYy9tzmNWdSZT9j")
	f.Add("x", "garbage")
	f.Fuzz(func(t *testing.T, id, addr string) {
		info, err := peerInfo(id, []string{addr})
		if err == nil && (info.ID == "" || len(info.Addrs) == 0) {
			t.Fatalf("accepted without peer or address: %+v", info)
		}
	})
}

// FuzzRecord: a record file is read back before use; damaged files fail cleanly.
func FuzzRecord(f *testing.F) {
	f.Add(`{"version":1,"id":"00aa","step":"new"}`)
	f.Add(`{"version":2}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, data string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "00aa.json"), []byte(data), 0o600)
		s := &State{Dir: dir}
		rec, err := s.Load("00aa")
		if err == nil && rec.Version != RecordVersion {
			t.Fatalf("accepted version %d", rec.Version)
		}
	})
}

func TestPostWebhook(t *testing.T) {
	var got map[string][]Alert
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "type", 400)
			return
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &got)
	}))
	defer srv.Close()
	ws := []Alert{{Kind: AlertLow, Runway: Runway{ID: "00aa", RunwaySeconds: 12}, Message: "low"}}
	if err := PostWebhook(context.Background(), srv.URL, ws); err != nil {
		t.Fatal(err)
	}
	if len(got["alerts"]) != 1 || got["alerts"][0].RunwaySeconds != 12 || got["alerts"][0].Kind != "low" {
		t.Fatalf("webhook got %+v", got)
	}
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 500) }))
	defer bad.Close()
	if err := PostWebhook(context.Background(), bad.URL, ws); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("failing webhook: %v", err)
	}
}

func TestDeployErrorSaysHow(t *testing.T) {
	e := &DeployError{ID: "00aa", Step: "opening the payment channel", FundsLocked: true, Err: errors.New("boom")}
	for _, want := range []string{"tpod deploy --resume 00aa", "tpod pod cancel 00aa", "in the channel"} {
		if !strings.Contains(e.Error(), want) {
			t.Fatalf("%q lacks %q", e.Error(), want)
		}
	}
}

// A watch alerts once when a runway falls below the threshold, once when it
// recovers, and once per problem.
func TestWatchDeduplicates(t *testing.T) {
	w := &Watch{Threshold: time.Hour}
	low := Runway{ID: "a", Name: "x", Balance: "10", BurnPerSecond: "1", RunwaySeconds: 10}
	ok := Runway{ID: "a", Name: "x", Balance: "100000", BurnPerSecond: "1", RunwaySeconds: 100000}
	bad := Runway{ID: "b", Problem: "UnknownChannel"}
	kinds := func(as []Alert) string {
		var s []string
		for _, a := range as {
			s = append(s, a.Kind+":"+a.ID)
		}
		return strings.Join(s, ",")
	}
	for i, c := range []struct {
		in   []Runway
		want string
	}{
		{[]Runway{ok, bad}, "problem:b"},
		{[]Runway{low, bad}, "low:a"},
		{[]Runway{low, bad}, ""},
		{[]Runway{low}, ""},
		{[]Runway{ok, {ID: "b", RunwaySeconds: -1}}, "recovered:a,resolved:b"},
		{[]Runway{ok}, ""},
		{[]Runway{low}, "low:a"},
	} {
		if got := kinds(w.Step(c.in)); got != c.want {
			t.Fatalf("round %d: alerts %q, want %q", i, got, c.want)
		}
	}
}
