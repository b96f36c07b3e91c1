package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// KubeletSummary reads each node's kubelet summary API (/stats/summary on
// the kubelet's port, as metrics-server does). Unlike metrics.k8s.io it
// has cumulative CPU time, the writable layers' disk use and the pods'
// network counters. The kubelet authorizes the provider's credentials for
// nodes/stats (not nodes/proxy, which would allow running commands in any
// container of the node). The kubelet's serving certificate is checked
// against the cluster CA of the rest config unless KubeletCA is given.
type KubeletSummary struct {
	client kubernetes.Interface
	http   *http.Client
	// MaxAge is how long one node's summary serves further pods (the meter
	// samples every pod of a node within one cycle).
	MaxAge time.Duration

	mu    sync.Mutex
	cache map[string]*nodeSummary
}

type nodeSummary struct {
	at   time.Time
	pods map[string]*summaryPod // namespace/name → pod
	err  error
	done chan struct{}
}

// NewKubeletSummary returns a source reading the kubelets of rc's cluster
// with rc's credentials. kubeletCA (PEM) verifies the kubelets' serving
// certificates; nil uses rc's CA.
func NewKubeletSummary(rc *rest.Config, kubeletCA []byte) (*KubeletSummary, error) {
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	kc := rest.CopyConfig(rc)
	kc.TLSClientConfig.ServerName = "" // the API server's name, not a kubelet's
	if kubeletCA != nil {
		kc.TLSClientConfig.CAData, kc.TLSClientConfig.CAFile = kubeletCA, ""
	}
	rt, err := rest.TransportFor(kc)
	if err != nil {
		return nil, fmt.Errorf("kubelet transport: %w", err)
	}
	return &KubeletSummary{
		client: cs,
		http:   &http.Client{Transport: rt, Timeout: 10 * time.Second},
		MaxAge: time.Second,
		cache:  map[string]*nodeSummary{},
	}, nil
}

// PodMetrics implements MetricsSource: the replicas matching selector in
// namespace, summed, with the counters of each replica and container.
func (k *KubeletSummary) PodMetrics(ctx context.Context, namespace, selector string) (PodMetrics, error) {
	pods, err := k.client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return PodMetrics{}, fmt.Errorf("list pods: %w", err)
	}
	return k.metricsOf(ctx, pods.Items)
}

// metricsOf sums the summaries of the given replicas.
func (k *KubeletSummary) metricsOf(ctx context.Context, pods []corev1.Pod) (PodMetrics, error) {
	out := PodMetrics{Counters: true}
	found := false
	for _, p := range pods {
		if p.Spec.NodeName == "" || p.Status.Phase == corev1.PodPending && len(p.Status.ContainerStatuses) == 0 {
			continue
		}
		sum, err := k.node(ctx, p.Spec.NodeName)
		if err != nil {
			return PodMetrics{}, err
		}
		sp, ok := sum[p.Namespace+"/"+p.Name]
		if !ok || sp.PodRef.UID != string(p.UID) {
			continue // not in the kubelet's summary yet
		}
		found = true
		out.Replicas = append(out.Replicas, ReplicaCounters{UID: sp.PodRef.UID, TxBytes: sp.Network.txBytes()})
		for _, c := range sp.Containers {
			out.CPUNanoCores += c.CPU.UsageNanoCores
			out.MemoryBytes += c.Memory.WorkingSetBytes
			out.WritableBytes += c.Rootfs.UsedBytes
			out.Containers = append(out.Containers, ContainerCounters{
				Key:      sp.PodRef.UID + "/" + c.Name + "/" + c.StartTime.UTC().Format(time.RFC3339Nano),
				CPUNanos: c.CPU.UsageCoreNanoSeconds,
			})
		}
	}
	if !found {
		return out, ErrNoMetrics
	}
	return out, nil
}

// node returns the pods of a node's summary, fetched at most MaxAge ago;
// concurrent callers share one fetch.
func (k *KubeletSummary) node(ctx context.Context, name string) (map[string]*summaryPod, error) {
	k.mu.Lock()
	s, ok := k.cache[name]
	if ok {
		select {
		case <-s.done:
			if time.Since(s.at) > k.MaxAge || s.err != nil {
				ok = false
			}
		default: // being fetched: wait for it
		}
	}
	if !ok {
		s = &nodeSummary{done: make(chan struct{})}
		k.cache[name] = s
		k.mu.Unlock()
		s.pods, s.err = k.fetch(ctx, name)
		s.at = time.Now()
		close(s.done)
	} else {
		k.mu.Unlock()
	}
	select {
	case <-s.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.pods, s.err
}

// maxSummary caps a kubelet's answer (about 2 KiB per container).
const maxSummary = 32 << 20

func (k *KubeletSummary) fetch(ctx context.Context, name string) (map[string]*summaryPod, error) {
	n, err := k.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", name, err)
	}
	host := ""
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && host == "" {
			host = a.Address
		}
	}
	port := n.Status.DaemonEndpoints.KubeletEndpoint.Port
	if host == "" || port == 0 {
		return nil, fmt.Errorf("node %s has no internal address or kubelet port: %w", name, ErrNoMetrics)
	}
	u := "https://" + net.JoinHostPort(host, strconv.Itoa(int(port))) + "/stats/summary?only_cpu_and_memory=false"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("kubelet summary of %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("kubelet summary of %s: %s: %s", name, resp.Status, b)
	}
	return parseSummary(io.LimitReader(resp.Body, maxSummary))
}

// The part of the kubelet's stats/v1alpha1 Summary the meter reads.
type summary struct {
	Pods []*summaryPod `json:"pods"`
}

type summaryPod struct {
	PodRef struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
		UID       string `json:"uid"`
	} `json:"podRef"`
	Containers []struct {
		Name      string    `json:"name"`
		StartTime time.Time `json:"startTime"`
		CPU       struct {
			UsageNanoCores       uint64 `json:"usageNanoCores"`
			UsageCoreNanoSeconds uint64 `json:"usageCoreNanoSeconds"`
		} `json:"cpu"`
		Memory struct {
			WorkingSetBytes uint64 `json:"workingSetBytes"`
		} `json:"memory"`
		Rootfs struct {
			UsedBytes uint64 `json:"usedBytes"`
		} `json:"rootfs"`
	} `json:"containers"`
	Network summaryNetwork `json:"network"`
}

type summaryNetwork struct {
	Name       string `json:"name"`
	TxBytes    uint64 `json:"txBytes"`
	Interfaces []struct {
		Name    string `json:"name"`
		TxBytes uint64 `json:"txBytes"`
	} `json:"interfaces"`
}

// txBytes is what the pod sent on all its interfaces (the default one is
// repeated at the top level).
func (n summaryNetwork) txBytes() uint64 {
	if len(n.Interfaces) == 0 {
		return n.TxBytes
	}
	var sum uint64
	for _, i := range n.Interfaces {
		sum += i.TxBytes
	}
	return sum
}

// parseSummary decodes a kubelet summary into its pods by namespace/name.
func parseSummary(r io.Reader) (map[string]*summaryPod, error) {
	var s summary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("kubelet summary: %w", err)
	}
	out := make(map[string]*summaryPod, len(s.Pods))
	for _, p := range s.Pods {
		if p != nil {
			out[p.PodRef.Namespace+"/"+p.PodRef.Name] = p
		}
	}
	return out, nil
}
