package containerd

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"

	"github.com/trustedpods/tpod/internal/runtime"
)

// gpuPool hands whole GPUs to pods. A GPU is a device node (/dev/nvidiaN);
// pods that get one also get the shared control nodes that exist
// (/dev/nvidiactl, /dev/nvidia-uvm, /dev/nvidia-uvm-tools).
type gpuPool struct {
	mu      sync.Mutex
	devices []string
	shared  []string
	owner   map[int]string // device index → pod
}

var nvidiaRe = regexp.MustCompile(`^/dev/nvidia[0-9]+$`)

func newGPUPool(devices []string) (*gpuPool, error) {
	p := &gpuPool{owner: map[int]string{}}
	if devices == nil {
		found, _ := filepath.Glob("/dev/nvidia[0-9]*")
		for _, d := range found {
			if nvidiaRe.MatchString(d) {
				devices = append(devices, d)
			}
		}
		sort.Strings(devices)
	}
	for _, d := range devices {
		if _, err := os.Stat(d); err != nil {
			return nil, fmt.Errorf("gpu device %s: %w", d, err)
		}
	}
	p.devices = devices
	if len(devices) > 0 {
		for _, d := range []string{"/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools"} {
			if _, err := os.Stat(d); err == nil {
				p.shared = append(p.shared, d)
			}
		}
	}
	return p, nil
}

// allocate reserves n GPUs for pod, or fails with ErrUnavailable.
func (p *gpuPool) allocate(pod string, n int) ([]int, error) {
	if n == 0 {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.devices) == 0 {
		return nil, fmt.Errorf("pod %s requests %d GPU(s) but this host has no GPU: %w", pod, n, runtime.ErrUnavailable)
	}
	var free []int
	for i := range p.devices {
		if _, taken := p.owner[i]; !taken {
			free = append(free, i)
		}
	}
	if len(free) < n {
		return nil, fmt.Errorf("pod %s requests %d GPU(s), %d of %d free: %w", pod, n, len(free), len(p.devices), runtime.ErrUnavailable)
	}
	for _, i := range free[:n] {
		p.owner[i] = pod
	}
	return free[:n], nil
}

// claim records an existing assignment (recovery).
func (p *gpuPool) claim(pod string, idx []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, i := range idx {
		if i < len(p.devices) {
			p.owner[i] = pod
		}
	}
}

func (p *gpuPool) release(pod string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, o := range p.owner {
		if o == pod {
			delete(p.owner, i)
		}
	}
}

// devicesFor returns the device nodes for a container taking n of the pod's
// GPUs. Containers of one pod share the pod's GPUs in order.
func (p *gpuPool) devicesFor(pod string, idx []int, n int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for k, i := range idx {
		if k >= n {
			break
		}
		out = append(out, p.devices[i])
	}
	return append(out, p.shared...)
}
