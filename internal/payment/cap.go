package payment

import (
	"math/big"

	"github.com/trustedpods/tpod/internal/usage"
)

// The contract pays at most maxPerSecond × (time − lastTime) for a receipt
// and drops the rest of its cost. These functions let both sides keep every
// unit of use inside that cap: the publisher picks a cap that covers the pod
// at its limits, the provider refuses one that does not, and a receipt is
// trimmed to what its interval can pay, the remainder carried to the next
// (docs/contracts.md, "Covering use with maxPerSecond").

// Use is what a pod may use per second: its reservation per replica and the
// most replicas it may run (scale.max).
type Use struct {
	CPUMilli, MemoryMiB, StorageMiB, GPUMilli uint64
	Replicas                                  uint64
}

// Peak is a pod's highest cost per second under a price list, split into
// the reserved counters and the used counters at their limits.
type Peak struct {
	Reserved *big.Int // cpu, memory, GPU reserved × replicas, storage once
	Used     *big.Int // CPU time and memory working set at their limits × replicas
}

// Total is Reserved + Used.
func (p Peak) Total() *big.Int { return new(big.Int).Add(p.Reserved, p.Used) }

// PeakRate is the most a pod can cost per second while it runs every
// replica at its limits: the runtime caps CPU time at the reserved
// millicores (core·ms per second = millicores) and the working set at the
// reserved memory. A fraction of a GPU is priced as a whole one, as it is
// reserved. Egress has no runtime limit and is not included: it is kept
// within the cap at run time.
func PeakRate(prices [usage.Len]*big.Int, u Use) Peak {
	n := max(u.Replicas, 1)
	per := func(counters ...[2]uint64) *big.Int {
		sum := new(big.Int)
		for _, c := range counters {
			if p := prices[c[0]]; p != nil && c[1] != 0 {
				sum.Add(sum, new(big.Int).Mul(p, new(big.Int).SetUint64(c[1])))
			}
		}
		return sum
	}
	gpu := (u.GPUMilli + 999) / 1000 * 1000
	reserved := per([2]uint64{usage.CPUReserved, u.CPUMilli}, [2]uint64{usage.MemoryReserved, u.MemoryMiB}, [2]uint64{usage.GPUReserved, gpu})
	reserved.Mul(reserved, new(big.Int).SetUint64(n))
	reserved.Add(reserved, per([2]uint64{usage.StorageReserved, u.StorageMiB}))
	used := per([2]uint64{usage.CPUUsed, u.CPUMilli}, [2]uint64{usage.MemoryUsed, u.MemoryMiB})
	used.Mul(used, new(big.Int).SetUint64(n))
	return Peak{Reserved: reserved, Used: used}
}

// Cost is Σ delta[i] × prices[i].
func Cost(prices [usage.Len]*big.Int, delta usage.Vector) *big.Int {
	sum := new(big.Int)
	for i, d := range delta {
		if prices[i] != nil && d != 0 {
			sum.Add(sum, new(big.Int).Mul(prices[i], new(big.Int).SetUint64(d)))
		}
	}
	return sum
}

// Allowance is what a receipt of time t pays at most after the baseline:
// maxPerSecond × (t − last.Time), zero when t is not later.
func Allowance(t Terms, last Baseline, time uint64) *big.Int {
	if time <= last.Time {
		return new(big.Int)
	}
	return new(big.Int).Mul(orZero(t.MaxPerSecond), new(big.Int).SetUint64(time-last.Time))
}

// trimOrder is the order in which FitCap holds counters back: egress first
// (it has no runtime limit), then the used counters, then the reserved ones.
var trimOrder = [usage.Len]int{usage.NetworkEgress, usage.MemoryUsed, usage.CPUUsed,
	usage.GPUReserved, usage.StorageReserved, usage.MemoryReserved, usage.CPUReserved}

// FitCap returns the largest usage u, last.Usage ≤ u ≤ v, whose cost since
// last fits the allowance of a receipt at time: counters are held back in
// trimOrder, each by as few units as needed. What is held back stays in v
// and is billed by a later receipt, when the cap has paid for it. v must
// not be below last.Usage.
func FitCap(t Terms, last Baseline, time uint64, v usage.Vector) usage.Vector {
	delta, err := v.Sub(last.Usage)
	if err != nil {
		return v
	}
	over := new(big.Int).Sub(Cost(t.Prices, delta), Allowance(t, last, time))
	for _, i := range trimOrder {
		if over.Sign() <= 0 {
			break
		}
		p := t.Prices[i]
		if p == nil || p.Sign() == 0 || delta[i] == 0 {
			continue
		}
		// Hold back ceil(over / price) units, at most the whole increase.
		units := new(big.Int).Add(over, new(big.Int).Sub(p, big.NewInt(1)))
		units.Quo(units, p)
		if !units.IsUint64() || units.Uint64() > delta[i] {
			units.SetUint64(delta[i])
		}
		delta[i] -= units.Uint64()
		over.Sub(over, new(big.Int).Mul(units, p))
	}
	var u usage.Vector
	for i := range u {
		u[i] = last.Usage[i] + delta[i]
	}
	return u
}

// CoveredAt is the first receipt time at which the allowance pays for all
// of v: last.Time + ceil(cost / maxPerSecond), at least last.Time + 1. A
// final receipt (the pod is gone and uses nothing more) is dated so, and is
// claimed once the chain's clock has passed it.
func CoveredAt(t Terms, last Baseline, v usage.Vector) uint64 {
	delta, err := v.Sub(last.Usage)
	if err != nil || t.MaxPerSecond == nil || t.MaxPerSecond.Sign() == 0 {
		return last.Time + 1
	}
	cost := Cost(t.Prices, delta)
	secs := new(big.Int).Add(cost, new(big.Int).Sub(t.MaxPerSecond, big.NewInt(1)))
	secs.Quo(secs, t.MaxPerSecond)
	if !secs.IsUint64() || secs.Uint64() > 1<<40 {
		return last.Time + 1<<40
	}
	return last.Time + max(secs.Uint64(), 1)
}
