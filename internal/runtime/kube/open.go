package kube

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Options is the `runtime.kubernetes` section of the provider's
// configuration file (docs/kubernetes.md).
type Options struct {
	// Kubeconfig is a kubeconfig file; empty uses the in-cluster service
	// account (the provider running as a pod, deploy/kubernetes).
	Kubeconfig string `json:"kubeconfig"`
	// Instance, Namespace, RuntimeClass, StorageClass: see Config.
	Instance     string `json:"instance"`
	Namespace    string `json:"namespace"`
	RuntimeClass string `json:"runtimeClass"`
	StorageClass string `json:"storageClass"`
	GPUResource  string `json:"gpuResource"`
	// GatewayLabels select the provider's gateway pods (default
	// app.kubernetes.io/name=tpod-provider).
	GatewayLabels map[string]string `json:"gatewayLabels"`
	// EgressCIDRs pods may connect to; empty means DefaultEgress, ["none"]
	// means no egress but DNS.
	EgressCIDRs []string `json:"egressCIDRs"`
	// Registry is the in-cluster image registry the provider serves.
	Registry RegistryOptions `json:"registry"`
	// Metrics is where usage comes from: "kubelet" (default: each
	// kubelet's summary API, with cumulative CPU, writable-layer and egress
	// counters) or "metrics-server" (metrics.k8s.io: CPU rate and memory only).
	Metrics string `json:"metrics"`
	// KubeletCA is a PEM file of the CA of the kubelets' serving
	// certificates (default: the cluster CA).
	KubeletCA string `json:"kubeletCA"`
}

// RegistryOptions configure the provider's in-cluster registry.
type RegistryOptions struct {
	// Listen is the address the registry listens on (e.g. ":5000").
	Listen string `json:"listen"`
	// PullHost is the host[:port] nodes pull from: the registry Service's
	// cluster IP and port, reachable by the nodes' container runtime (see
	// docs/kubernetes.md for why a cluster IP and not a DNS name).
	PullHost string `json:"pullHost"`
}

// Open connects to the cluster, starts the registry if configured, and
// returns the backend and a function that stops the registry. dataDir holds
// the registry's blobs.
func Open(ctx context.Context, o Options, dataDir string, log *slog.Logger) (*Runtime, func() error, error) {
	var rc *rest.Config
	var err error
	if o.Kubeconfig != "" {
		rc, err = clientcmd.BuildConfigFromFlags("", o.Kubeconfig)
	} else {
		rc, err = rest.InClusterConfig()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("kubernetes config: %w", err)
	}
	rc.Timeout = 30 * time.Second
	cfg := Config{
		Instance: o.Instance, Namespace: o.Namespace, RuntimeClass: o.RuntimeClass,
		StorageClass: o.StorageClass, GPUResource: o.GPUResource, GatewaySelector: o.GatewayLabels,
	}
	switch {
	case len(o.EgressCIDRs) == 1 && o.EgressCIDRs[0] == "none":
		cfg.Egress = []Egress{}
	case len(o.EgressCIDRs) > 0:
		for _, c := range o.EgressCIDRs {
			if _, _, err := net.ParseCIDR(c); err != nil {
				return nil, nil, fmt.Errorf("egressCIDRs: %w", err)
			}
			cfg.Egress = append(cfg.Egress, Egress{CIDR: c})
		}
	}
	switch o.Metrics {
	case "", "kubelet":
		var ca []byte
		if o.KubeletCA != "" {
			if ca, err = os.ReadFile(o.KubeletCA); err != nil {
				return nil, nil, fmt.Errorf("kubeletCA: %w", err)
			}
		}
		if cfg.Metrics, err = NewKubeletSummary(rc, ca); err != nil {
			return nil, nil, err
		}
	case "metrics-server":
		if cfg.Metrics, err = NewMetricsAPI(rc); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("metrics %q: want kubelet or metrics-server", o.Metrics)
	}
	stop := func() error { return nil }
	if o.Registry.Listen != "" {
		reg, err := NewRegistry(o.Registry.PullHost, filepath.Join(dataDir, "registry"))
		if err != nil {
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", o.Registry.Listen)
		if err != nil {
			return nil, nil, fmt.Errorf("registry listen: %w", err)
		}
		srv := reg.Server(o.Registry.Listen)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && log != nil {
				log.Error("registry stopped", "err", err)
			}
		}()
		stop = func() error {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			return srv.Shutdown(ctx)
		}
		cfg.Images = reg
	}
	r, err := New(rc, cfg)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return r, stop, nil
}
