package provider

import (
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the provider's Prometheus metrics, in a registry of its own so
// that nothing else in the process (the IPFS node registers plenty) leaks in.
// Pods are labelled with the IDs publishers and the chain use: the
// deployment ID (hex of the pod ID's first 8 bytes) and the channel ID
// (docs/provider.md § Metrics).
type metrics struct {
	reg           *prometheus.Registry
	provisions    prometheus.Counter
	claims        prometheus.Counter
	claimFailures prometheus.Counter
	earnings      *prometheus.CounterVec // by token address
	fundStops     prometheus.Counter
	capPauses     prometheus.Counter
	ended         prometheus.Counter
	wakes         prometheus.Counter
	staleStates   prometheus.Counter
	meterLag      prometheus.Gauge
	diskFree      prometheus.Gauge
	diskFull      prometheus.Gauge

	mu     sync.Mutex
	runway map[string]time.Duration // by runtime ID
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), runway: map[string]time.Duration{}}
	f := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "tpod", Subsystem: "provider", Name: name, Help: help})
		m.reg.MustRegister(c)
		return c
	}
	m.provisions = f("provisions_total", "Pods deployed.")
	m.claims = f("claims_total", "Receipts accepted on-chain.")
	m.claimFailures = f("claim_failures_total", "Claims that failed or were skipped by the contract.")
	m.earnings = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "tpod", Subsystem: "provider", Name: "earnings_total",
		Help: "Token base units earned by accepted claims, per token (divide by 10^decimals for whole tokens)."}, []string{"token"})
	m.fundStops = f("fund_stops_total", "Pods stopped because their channel could not pay.")
	m.capPauses = f("cap_pauses_total", "Pods paused because they used more than their channel's maxPerSecond pays for.")
	m.ended = f("pods_ended_total", "Pods that ended by themselves (exited under a policy that does not restart them, or killed over their storage limit) and were left stopped.")
	m.wakes = f("wakes_total", "Pods started from zero by a request.")
	m.staleStates = f("core_stale_states_total", "Channels whose record in the signing core was older than the chain's baseline (a rolled-back state), started over from the baseline.")
	m.meterLag = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "tpod", Subsystem: "provider", Name: "meter_lag_seconds",
		Help: "Age of the oldest last sample among the pods, read each billing cycle."})
	m.diskFree = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "tpod", Subsystem: "provider", Name: "disk_free_bytes",
		Help: "Free space of the data disk (with the reserve in place, unless the disk is full)."})
	m.diskFull = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "tpod", Subsystem: "provider", Name: "disk_full",
		Help: "1 while the data disk is full: new orders are refused (an alert)."})
	m.reg.MustRegister(m.earnings, m.meterLag, m.diskFree, m.diskFull)
	// The daemon's own goroutines, memory and file descriptors (go_*,
	// process_*): what a long run's leak check reads (docs/reliability.md).
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// addEarnings counts what a claim of channel paid, under the channel's token.
func (p *Provider) addEarnings(channel [32]byte, paid *big.Int) {
	token := "unknown"
	if pd := p.pod(channel); pd != nil {
		token = pd.token.Hex()
	}
	f, _ := new(big.Float).SetInt(paid).Float64()
	p.metrics.earnings.WithLabelValues(token).Add(f)
}

func (m *metrics) setRunway(rtID string, d time.Duration) {
	m.mu.Lock()
	m.runway[rtID] = d
	m.mu.Unlock()
}

// runways returns the last runway of each pod by runtime ID.
func (m *metrics) runways() map[string]time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]time.Duration, len(m.runway))
	for rt, d := range m.runway {
		out[rt] = d
	}
	return out
}

// MetricsHandler serves the provider's metrics in the Prometheus format.
func (p *Provider) MetricsHandler() http.Handler {
	p.metricsOnce.Do(func() {
		p.metrics.reg.MustRegister(&podCollector{p: p})
	})
	return promhttp.HandlerFor(p.metrics.reg, promhttp.HandlerOpts{})
}

// podCollector reports, at each scrape, the pods the provider holds now and
// its capacity: no series outlives its pod.
type podCollector struct{ p *Provider }

var (
	descPods     = prometheus.NewDesc("tpod_provider_pods", "Pods this provider holds.", nil, nil)
	descPod      = prometheus.NewDesc("tpod_provider_pod_info", "One series per pod (value 1), labelled with its deployment and channel IDs, publisher, token and state.", []string{"deployment", "channel", "publisher", "token", "state"}, nil)
	descRunway   = prometheus.NewDesc("tpod_provider_runway_seconds", "How long each pod's channel pays for its reserved resources, as of the last funds check.", []string{"deployment", "channel"}, nil)
	descRate     = prometheus.NewDesc("tpod_provider_pod_rate_per_second", "What each pod's reserved resources earn a second, in token base units.", []string{"deployment", "channel", "token"}, nil)
	descCapacity = prometheus.NewDesc("tpod_provider_capacity", "The provider's capacity (kind total, used, free) per resource: cpu in millicores, memory and storage in MiB, gpu in milli-GPUs.", []string{"resource", "kind"}, nil)
)

func (c *podCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPods, descPod, descRunway, descRate, descCapacity} {
		ch <- d
	}
}

func (c *podCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.p.OperatorStatus()
	ch <- prometheus.MustNewConstMetric(descPods, prometheus.GaugeValue, float64(len(st.Pods)))
	for _, pd := range st.Pods {
		ch <- prometheus.MustNewConstMetric(descPod, prometheus.GaugeValue, 1, pd.Deployment, pd.Channel, pd.Publisher, pd.Token, pd.State)
		if pd.RunwaySeconds >= 0 {
			ch <- prometheus.MustNewConstMetric(descRunway, prometheus.GaugeValue, float64(pd.RunwaySeconds), pd.Deployment, pd.Channel)
		}
		if r, ok := new(big.Float).SetString(pd.RatePerSecond); ok {
			f, _ := r.Float64()
			ch <- prometheus.MustNewConstMetric(descRate, prometheus.GaugeValue, f, pd.Deployment, pd.Channel, common.HexToAddress(pd.Token).Hex())
		}
	}
	for _, r := range []struct {
		name             string
		total, used, fre uint64
	}{
		{"cpu", st.Capacity.CPUMilli, st.Used.CPUMilli, st.Free.CPUMilli},
		{"memory", st.Capacity.MemoryMiB, st.Used.MemoryMiB, st.Free.MemoryMiB},
		{"storage", st.Capacity.StorageMiB, st.Used.StorageMiB, st.Free.StorageMiB},
		{"gpu", st.Capacity.GPUMilli, st.Used.GPUMilli, st.Free.GPUMilli},
	} {
		ch <- prometheus.MustNewConstMetric(descCapacity, prometheus.GaugeValue, float64(r.total), r.name, "total")
		ch <- prometheus.MustNewConstMetric(descCapacity, prometheus.GaugeValue, float64(r.used), r.name, "used")
		ch <- prometheus.MustNewConstMetric(descCapacity, prometheus.GaugeValue, float64(r.fre), r.name, "free")
	}
}

// forget drops a deleted pod's runway.
func (m *metrics) forget(rtID string) {
	m.mu.Lock()
	delete(m.runway, rtID)
	m.mu.Unlock()
}
