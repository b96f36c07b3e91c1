package usage

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

// WholeGPUs is the number of whole GPUs that milli thousandths of a GPU
// take: devices are handed out whole, so a fraction takes one.
func WholeGPUs(milli uint64) uint64 { return (milli + 999) / 1000 }
