package provider

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Status is what an operator sees of the provider (tpod provider status):
// its capacity and each pod it holds, by the IDs publishers use.
type Status struct {
	Address  string      `json:"address"`
	PeerID   string      `json:"peerId"`
	Gateway  string      `json:"gateway,omitempty"`
	Capacity Reservation `json:"capacity"`
	Used     Reservation `json:"used"`
	Free     Reservation `json:"free"`
	Pods     []PodStatus `json:"pods"`
	Time     time.Time   `json:"time"`
}

// PodStatus is one pod as the operator sees it.
type PodStatus struct {
	// Deployment is the publisher's deployment ID: the first 8 bytes of the
	// pod ID in hex.
	Deployment string      `json:"deployment"`
	Channel    string      `json:"channel"`
	Publisher  string      `json:"publisher"`
	Token      string      `json:"token"`
	State      string      `json:"state"`
	Message    string      `json:"message,omitempty"`
	Reserved   Reservation `json:"reserved"`
	// RatePerSecond is the reserved resources' cost a second (base units).
	RatePerSecond string `json:"ratePerSecond"`
	// RunwaySeconds is how long the channel pays for the reservation, as
	// of the last funds check (-1 before one).
	RunwaySeconds int64 `json:"runwaySeconds"`
	Unfunded      bool  `json:"unfunded,omitempty"`
	Capped        bool  `json:"capped,omitempty"`
	// Ended says why the pod ended by itself (it stays stopped).
	Ended    string   `json:"ended,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// DeploymentID is the ID a publisher knows a pod by: its pod ID's first 8
// bytes in hex.
func DeploymentID(podID [32]byte) string { return hex.EncodeToString(podID[:8]) }

// OperatorStatus reports the provider's capacity and pods.
func (p *Provider) OperatorStatus() Status {
	s := Status{Address: p.Address().Hex(), PeerID: p.PeerID(), Capacity: p.cfg.Capacity, Pods: []PodStatus{}, Time: p.cfg.Now().UTC()}
	if g := p.gw; g != nil && g.HTTPAddr() != nil {
		s.Gateway = "http://" + g.HTTPAddr().String()
	}
	runways := p.metrics.runways()
	p.mu.Lock()
	s.Used = p.used
	for _, pd := range p.pods {
		ps := PodStatus{
			Deployment: DeploymentID(pd.id), Channel: hexutil.Encode(pd.channel[:]), Publisher: pd.publisher.Hex(), Token: pd.token.Hex(),
			State: pd.state.String(), Message: pd.message, Reserved: pd.res, RunwaySeconds: -1,
			Unfunded: pd.unfunded, Capped: pd.capped, Ended: pd.ended, Warnings: append([]string(nil), pd.warnings...),
		}
		if pd.rate != nil {
			ps.RatePerSecond = pd.rate.String()
		}
		if r, ok := runways[pd.rtID]; ok {
			ps.RunwaySeconds = int64(r / time.Second)
		}
		s.Pods = append(s.Pods, ps)
	}
	p.mu.Unlock()
	s.Free = s.Capacity.Sub(s.Used)
	sort.Slice(s.Pods, func(i, j int) bool { return s.Pods[i].Deployment < s.Pods[j].Deployment })
	return s
}

// StatusHandler serves Status as JSON (GET /status on the metrics
// listener, which the operator binds to a private address).
func (p *Provider) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "GET only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(p.OperatorStatus())
	})
}

// MetricsAddr is the address the metrics and status endpoints listen on
// ("" without one).
func (d *Daemon) MetricsAddr() string { return d.metricsAddr }
