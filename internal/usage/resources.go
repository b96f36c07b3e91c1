package usage

import "fmt"

// Resources are what a pod or a container reserves: the one shape from the
// manifest through the bundle, the quote and the deployment record to the
// provider (runtime.Resources are the limits a runtime enforces instead:
// whole GPUs and a process cap).
type Resources struct {
	CPUMilli   uint64 `json:"cpuMilli"`   // millicores
	MemoryMiB  uint64 `json:"memoryMiB"`  // MiB
	StorageMiB uint64 `json:"storageMiB"` // writable layer and volumes, MiB
	GPUMilli   uint64 `json:"gpuMilli"`   // thousandths of a GPU
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{r.CPUMilli + o.CPUMilli, r.MemoryMiB + o.MemoryMiB, r.StorageMiB + o.StorageMiB, r.GPUMilli + o.GPUMilli}
}

// Max returns the larger of r and o, resource by resource.
func (r Resources) Max(o Resources) Resources {
	return Resources{max(r.CPUMilli, o.CPUMilli), max(r.MemoryMiB, o.MemoryMiB), max(r.StorageMiB, o.StorageMiB), max(r.GPUMilli, o.GPUMilli)}
}

// WholeGPUMilli is r with its GPU share rounded up to whole GPUs: what a
// pod reserves, is quoted and is metered for, since devices are handed out
// whole.
func (r Resources) WholeGPUMilli() Resources {
	r.GPUMilli = WholeGPUs(r.GPUMilli) * 1000
	return r
}

// WholeGPUs is the number of whole GPUs that milli thousandths of a GPU
// take: devices are handed out whole, so a fraction takes one.
func WholeGPUs(milli uint64) uint64 { return (milli + 999) / 1000 }

// Sub returns r − o, floored at zero.
func (r Resources) Sub(o Resources) Resources {
	sub := func(a, b uint64) uint64 {
		if b > a {
			return 0
		}
		return a - b
	}
	return Resources{sub(r.CPUMilli, o.CPUMilli), sub(r.MemoryMiB, o.MemoryMiB), sub(r.StorageMiB, o.StorageMiB), sub(r.GPUMilli, o.GPUMilli)}
}

// Fits reports whether r fits into free.
func (r Resources) Fits(free Resources) bool {
	return r.CPUMilli <= free.CPUMilli && r.MemoryMiB <= free.MemoryMiB && r.StorageMiB <= free.StorageMiB && r.GPUMilli <= free.GPUMilli
}

// String formats r for messages.
func (r Resources) String() string {
	return fmt.Sprintf("cpu %dm, memory %d MiB, storage %d MiB, gpu %dm", r.CPUMilli, r.MemoryMiB, r.StorageMiB, r.GPUMilli)
}
