package kube

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"
)

// ErrNoMetrics: the cluster serves no resource metrics for the pod (no
// metrics-server, or the pod is too new to have a sample).
var ErrNoMetrics = errors.New("no resource metrics")

// PodMetrics is one sample of a pod's replicas, summed.
type PodMetrics struct {
	// CPUNanoCores is the CPU rate in nanocores (1e9 = one core busy).
	CPUNanoCores uint64
	// MemoryBytes is the working set.
	MemoryBytes uint64
	// Counters: the sample has cumulative counters (the kubelet summary;
	// metrics.k8s.io has rates only), in the fields below.
	Counters bool
	// Containers are the CPU counters of each container instance.
	Containers []ContainerCounters
	// Replicas are the network counters of each replica.
	Replicas []ReplicaCounters
	// WritableBytes is the disk used by the containers' writable layers.
	WritableBytes uint64
}

// ContainerCounters is one container instance's cumulative CPU time; Key
// names the instance (replica, container, start time).
type ContainerCounters struct {
	Key      string
	CPUNanos uint64
}

// ReplicaCounters is one replica's bytes sent since its network was made.
type ReplicaCounters struct {
	UID     string
	TxBytes uint64
}

// MetricsSource reads resource metrics of the pods matching a label selector.
type MetricsSource interface {
	PodMetrics(ctx context.Context, namespace, selector string) (PodMetrics, error)
}

// MetricsAPI reads metrics.k8s.io/v1beta1 (served by metrics-server from the
// kubelets' summaries). It needs get/list on pods.metrics.k8s.io only, unlike
// the kubelet summary through nodes/proxy, which would let the provider run
// commands in any container of the node.
type MetricsAPI struct{ c metricsclient.Interface }

// NewMetricsAPI returns a MetricsAPI for the cluster of rc.
func NewMetricsAPI(rc *rest.Config) (*MetricsAPI, error) {
	c, err := metricsclient.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("metrics client: %w", err)
	}
	return &MetricsAPI{c: c}, nil
}

// PodMetrics sums the latest sample of every matching pod.
func (m *MetricsAPI) PodMetrics(ctx context.Context, namespace, selector string) (PodMetrics, error) {
	list, err := m.c.MetricsV1beta1().PodMetricses(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsServiceUnavailable(err) {
			return PodMetrics{}, fmt.Errorf("%w: %w", ErrNoMetrics, err)
		}
		return PodMetrics{}, fmt.Errorf("pod metrics: %w", err)
	}
	if len(list.Items) == 0 {
		return PodMetrics{}, ErrNoMetrics
	}
	var out PodMetrics
	for _, p := range list.Items {
		for _, c := range p.Containers {
			if q, ok := c.Usage["cpu"]; ok {
				out.CPUNanoCores += uint64(max(q.ScaledValue(-9), 0))
			}
			if q, ok := c.Usage["memory"]; ok {
				out.MemoryBytes += uint64(max(q.Value(), 0))
			}
		}
	}
	return out, nil
}

// meter turns samples into the contract's counters: the cumulative CPU
// time of each pod's run (from the containers' own counters, or by
// integrating rates when only rates are served) and the bytes each pod sent
// over all its replicas since it was created.
type meter struct {
	mu   sync.Mutex
	runs map[string]*meterRun
	tx   map[string]map[string]uint64 // pod → replica UID → bytes sent
}

type meterRun struct {
	since, last time.Time
	cpuNanos    uint64
	// cpu holds each container instance's last counter; picked marks a
	// run picked up after a provider restart, whose containers count from
	// their first sample on.
	cpu    map[string]uint64
	picked bool
}

// start begins a new run of pod id at t.
func (m *meter) start(id string, t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.runs[id] = &meterRun{since: t, last: t, cpu: map[string]uint64{}}
}

func (m *meter) stop(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.runs, id)
}

// forget drops everything of a deleted pod.
func (m *meter) forget(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.runs, id)
	delete(m.tx, id)
}

// add accounts a sample taken at now and returns the run's start and CPU
// time. A running pod with no run (provider restarted) starts one now; a
// pod that does not run ends its run.
func (m *meter) add(id string, now time.Time, running bool, s PodMetrics) (time.Time, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	run, ok := m.runs[id]
	if !running {
		if ok {
			delete(m.runs, id)
		}
		return time.Time{}, 0
	}
	if !ok {
		run = &meterRun{since: now, last: now, cpu: map[string]uint64{}, picked: true}
		m.runs[id] = run
	}
	if s.Counters {
		for _, c := range s.Containers {
			last, seen := run.cpu[c.Key]
			switch {
			case !seen && run.picked:
				// Used before this run was picked up: not this run's.
			case !seen:
				run.cpuNanos += c.CPUNanos // started during this run
			case c.CPUNanos >= last:
				run.cpuNanos += c.CPUNanos - last
			}
			run.cpu[c.Key] = c.CPUNanos
		}
		run.picked = false
		run.last = now
		return run.since, run.cpuNanos
	}
	if dt := now.Sub(run.last); dt > 0 {
		// Rate × interval, in nanoseconds of CPU; clamp the interval so that
		// a long gap between samples cannot bill a burst for the whole gap.
		dt = min(dt, 10*time.Second)
		run.cpuNanos += uint64(float64(s.CPUNanoCores) * dt.Seconds())
		run.last = now
	}
	return run.since, run.cpuNanos
}

// egress records the replicas' counters and returns the bytes pod id sent
// over all the replicas seen (a replica's counter only grows while it lives).
func (m *meter) egress(id string, replicas []ReplicaCounters) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	per := m.tx[id]
	if per == nil && len(replicas) > 0 {
		per = map[string]uint64{}
		m.tx[id] = per
	}
	for _, r := range replicas {
		per[r.UID] = max(per[r.UID], r.TxBytes)
	}
	var sum uint64
	for _, b := range per {
		sum += b
	}
	return sum
}
