// Package usage defines the usage vector that metering produces, receipts
// carry and the Payment contract prices (DESIGN §3, docs/contracts.md).
package usage

import "fmt"

// Len is the number of counters in a v1 usage vector.
const Len = 7

// Indices of the counters. The order is part of the on-chain format.
const (
	CPUReserved     = iota // millicore·s
	MemoryReserved         // MiB·s
	StorageReserved        // MiB·s
	GPUReserved            // milliGPU·s
	CPUUsed                // core·ms
	MemoryUsed             // MiB·s of working set
	NetworkEgress          // KiB
)

// Vector holds cumulative counters since the pod was created. Counters never
// decrease.
type Vector [Len]uint64

// Names are short, stable identifiers of the counters, in order.
var Names = [Len]string{"cpu", "memory", "storage", "gpu", "cpu-used", "memory-used", "egress"}

// Units are the units of the counters, in order.
var Units = [Len]string{"millicore·s", "MiB·s", "MiB·s", "milliGPU·s", "core·ms", "MiB·s", "KiB"}

// Sub returns v − old per counter, or an error naming the first counter that
// went backwards.
func (v Vector) Sub(old Vector) (Vector, error) {
	var d Vector
	for i := range v {
		if v[i] < old[i] {
			return Vector{}, fmt.Errorf("usage counter %s decreased from %d to %d", Names[i], old[i], v[i])
		}
		d[i] = v[i] - old[i]
	}
	return d, nil
}

// GreaterOrEqual reports whether every counter of v is ≥ the one of old.
func (v Vector) GreaterOrEqual(old Vector) bool {
	for i := range v {
		if v[i] < old[i] {
			return false
		}
	}
	return true
}
