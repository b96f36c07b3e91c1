package payment

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/trustedpods/tpod/internal/usage"
)

func prices(p ...int64) [usage.Len]*big.Int {
	var out [usage.Len]*big.Int
	for i := range out {
		out[i] = big.NewInt(p[i])
	}
	return out
}

func TestPeakRate(t *testing.T) {
	pr := prices(2, 1, 3, 5, 7, 11, 13)
	p := PeakRate(pr, Use{CPUMilli: 250, MemoryMiB: 64, StorageMiB: 10, GPUMilli: 500, Replicas: 2})
	// Reserved: (250×2 + 64×1 + 1000×5) × 2 replicas + 10×3 storage once.
	if want := int64((500+64+5000)*2 + 30); p.Reserved.Int64() != want {
		t.Fatalf("reserved %s, want %d", p.Reserved, want)
	}
	// Used at limits: (250×7 + 64×11) × 2.
	if want := int64((1750 + 704) * 2); p.Used.Int64() != want {
		t.Fatalf("used %s, want %d", p.Used, want)
	}
	if p.Total().Int64() != p.Reserved.Int64()+p.Used.Int64() {
		t.Fatal("total")
	}
	// Zero replicas counts as one; nil prices as zero.
	var none [usage.Len]*big.Int
	if q := PeakRate(none, Use{CPUMilli: 100}); q.Total().Sign() != 0 {
		t.Fatalf("no prices: %s", q.Total())
	}
	if q := PeakRate(pr, Use{CPUMilli: 100}); q.Reserved.Int64() != 200 || q.Used.Int64() != 700 {
		t.Fatalf("one replica: %+v", q)
	}
}

func TestFitCap(t *testing.T) {
	terms := Terms{MaxPerSecond: big.NewInt(100), Prices: prices(1, 1, 0, 0, 2, 0, 3)}
	last := Baseline{Seq: 3, Time: 1000, Usage: usage.Vector{10, 10, 0, 0, 10, 0, 10}}
	// 10 s pay at most 1000. Reserved 300 + cpu used 2×100 = 500, egress
	// 400 KiB × 3 = 1200: 700 over, so 234 KiB of egress wait.
	v := usage.Vector{160, 160, 0, 0, 110, 0, 410}
	u := FitCap(terms, last, 1010, v)
	if want := (usage.Vector{160, 160, 0, 0, 110, 0, 176}); u != want {
		t.Fatalf("fit %v, want %v", u, want)
	}
	d, _ := u.Sub(last.Usage)
	if c := Cost(terms.Prices, d); c.Cmp(Allowance(terms, last, 1010)) > 0 {
		t.Fatalf("cost %s over the allowance", c)
	}
	// Enough time: nothing held back.
	if u := FitCap(terms, last, 1100, v); u != v {
		t.Fatalf("with room: %v", u)
	}
	// More over than egress alone: cpu used is held back next.
	v2 := usage.Vector{160, 160, 0, 0, 1000, 0, 20}
	u2 := FitCap(terms, last, 1010, v2)
	if u2[usage.NetworkEgress] != 10 || u2[usage.CPUUsed] >= 1000 || u2[usage.CPUReserved] != 160 {
		t.Fatalf("fit %v", u2)
	}
	// The final receipt's time covers all of v.
	at := CoveredAt(terms, last, v)
	if s, err := Settle(terms, last, Receipt{Seq: 4, Time: at, Usage: v}, nil); err != nil || s.Paid.Cmp(s.Cost) != 0 {
		t.Fatalf("covered at %d: %+v %v", at, s, err)
	}
	if s, _ := Settle(terms, last, Receipt{Seq: 4, Time: at - 1, Usage: v}, nil); s.Paid.Cmp(s.Cost) == 0 {
		t.Fatalf("a second earlier already covers it: %+v", s)
	}

	// Random cases: the fit never exceeds the allowance, never goes below
	// the baseline or above v, and holds back nothing it need not.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		terms := Terms{MaxPerSecond: big.NewInt(r.Int64N(1000) + 1)}
		for i := range terms.Prices {
			terms.Prices[i] = big.NewInt(r.Int64N(5))
		}
		var v usage.Vector
		for i := range v {
			v[i] = last.Usage[i] + r.Uint64N(500)
		}
		time := last.Time + 1 + r.Uint64N(20)
		u := FitCap(terms, last, time, v)
		if !u.GreaterOrEqual(last.Usage) || !v.GreaterOrEqual(u) {
			t.Fatalf("fit %v outside [%v, %v]", u, last.Usage, v)
		}
		d, _ := u.Sub(last.Usage)
		allow := Allowance(terms, last, time)
		if Cost(terms.Prices, d).Cmp(allow) > 0 {
			t.Fatalf("fit %v costs more than %s", u, allow)
		}
		full, _ := v.Sub(last.Usage)
		if Cost(terms.Prices, full).Cmp(allow) <= 0 && u != v {
			t.Fatalf("held back %v although %v fits", u, v)
		}
	}
}
