package provider

import (
	"math/big"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the provider's Prometheus metrics, in a registry of its own so
// that nothing else in the process (the IPFS node registers plenty) leaks in.
type metrics struct {
	reg           *prometheus.Registry
	provisions    prometheus.Counter
	claims        prometheus.Counter
	claimFailures prometheus.Counter
	earnings      prometheus.Counter
	fundStops     prometheus.Counter
	capPauses     prometheus.Counter
	wakes         prometheus.Counter
	meterLag      prometheus.Gauge
	runway        *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	f := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "tpod", Subsystem: "provider", Name: name, Help: help})
		m.reg.MustRegister(c)
		return c
	}
	m.provisions = f("provisions_total", "Pods deployed.")
	m.claims = f("claims_total", "Receipts accepted on-chain.")
	m.claimFailures = f("claim_failures_total", "Claims that failed or were skipped by the contract.")
	m.earnings = f("earnings_total", "Token base units earned (summed over tokens).")
	m.fundStops = f("fund_stops_total", "Pods stopped because their channel could not pay.")
	m.capPauses = f("cap_pauses_total", "Pods paused because they used more than their channel's maxPerSecond pays for.")
	m.wakes = f("wakes_total", "Pods started from zero by a request.")
	m.meterLag = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "tpod", Subsystem: "provider", Name: "meter_lag_seconds",
		Help: "Age of the oldest last sample among the pods, read each billing cycle."})
	m.runway = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "tpod", Subsystem: "provider", Name: "runway_seconds",
		Help: "How long each pod's channel pays for its reserved resources."}, []string{"pod"})
	m.reg.MustRegister(m.meterLag, m.runway)
	return m
}

func (m *metrics) addEarnings(paid *big.Int) {
	f, _ := new(big.Float).SetInt(paid).Float64()
	m.earnings.Add(f)
}

func (m *metrics) setRunway(pod string, d time.Duration) {
	m.runway.WithLabelValues(pod).Set(d.Seconds())
}

// MetricsHandler serves the provider's metrics in the Prometheus format.
func (p *Provider) MetricsHandler() http.Handler {
	p.metricsOnce.Do(func() {
		p.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "tpod", Subsystem: "provider", Name: "pods",
			Help: "Pods this provider holds."}, func() float64 {
			p.mu.Lock()
			defer p.mu.Unlock()
			return float64(len(p.pods))
		}))
	})
	return promhttp.HandlerFor(p.metrics.reg, promhttp.HandlerOpts{})
}
