package usage

import "testing"

func TestResources(t *testing.T) {
	a := Resources{CPUMilli: 100, MemoryMiB: 64, StorageMiB: 10, GPUMilli: 500}
	b := Resources{CPUMilli: 300, MemoryMiB: 32, GPUMilli: 600}
	if got := a.Add(b); got != (Resources{400, 96, 10, 1100}) {
		t.Errorf("Add = %+v", got)
	}
	if got := a.Max(b); got != (Resources{300, 64, 10, 600}) {
		t.Errorf("Max = %+v", got)
	}
	if got := b.Sub(a); got != (Resources{200, 0, 0, 100}) {
		t.Errorf("Sub = %+v", got)
	}
	if !b.Fits(Resources{300, 32, 0, 600}) || b.Fits(Resources{299, 32, 0, 600}) {
		t.Error("Fits")
	}
	if got := a.WholeGPUMilli(); got != (Resources{100, 64, 10, 1000}) {
		t.Errorf("WholeGPUMilli = %+v", got)
	}
	if s := a.String(); s != "cpu 100m, memory 64 MiB, storage 10 MiB, gpu 500m" {
		t.Errorf("String = %q", s)
	}
	for milli, want := range map[uint64]uint64{0: 0, 1: 1, 999: 1, 1000: 1, 1001: 2, 2500: 3} {
		if got := WholeGPUs(milli); got != want {
			t.Errorf("WholeGPUs(%d) = %d, want %d", milli, got, want)
		}
	}
}
