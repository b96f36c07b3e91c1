package publisher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/trustedpods/tpod/internal/amount"
)

// Runway is one deployment's runway at one check.
type Runway struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Channel       string `json:"channel"`
	Token         string `json:"token"`
	Balance       string `json:"balance,omitempty"`
	BurnPerSecond string `json:"burnPerSecond,omitempty"`
	// RunwaySeconds is Balance / BurnPerSecond (-1: unbounded).
	RunwaySeconds int64 `json:"runwaySeconds"`
	// Problem is set when the runway could not be read (and says why);
	// the other deployments are checked all the same.
	Problem string `json:"problem,omitempty"`
}

// Runways reads the runway of the named deployments, or of every running
// deployment of this network (records of other networks or of a chain
// restarted since are left out: they cannot run here). A deployment that
// cannot be read gets a Problem; it does not stop the others.
func (p *Publisher) Runways(ctx context.Context, ids []string) ([]Runway, error) {
	var recs []*Record
	if len(ids) == 0 {
		all, _, err := p.cfg.State.List()
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if r.Step == StepProvisioned && p.Stale(ctx, r) == nil {
				recs = append(recs, r)
			}
		}
	} else {
		for _, id := range ids {
			r, err := p.cfg.State.Load(id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
	}
	out := make([]Runway, 0, len(recs))
	for _, r := range recs {
		rw := Runway{ID: r.ID, Name: r.Name, Channel: r.ChannelID.String(), Token: r.Token.Hex(), RunwaySeconds: -1}
		if st := p.Stale(ctx, r); st != nil {
			rw.Problem = st.Error()
		} else if !r.Reached(StepChannel) {
			rw.Problem = fmt.Sprintf("deployment %s has no channel yet (step %s)", r.ID, r.Step)
		} else if f, err := p.funds(ctx, r); err != nil {
			rw.Problem = err.Error()
		} else {
			rw.Balance, rw.BurnPerSecond, rw.RunwaySeconds = f.Balance, f.BurnPerSecond, f.RunwaySeconds
		}
		out = append(out, rw)
	}
	return out, nil
}

// Alert kinds.
const (
	AlertLow       = "low"       // the runway fell below the threshold
	AlertRecovered = "recovered" // it is above again (a deposit)
	AlertProblem   = "problem"   // it could not be read
	AlertResolved  = "resolved"  // it can be read again
)

// Alert is one change a watch reports: sent once when it happens, not at
// every check.
type Alert struct {
	Kind string `json:"kind"`
	Runway
	ThresholdSeconds int64     `json:"thresholdSeconds"`
	Message          string    `json:"message"`
	Time             time.Time `json:"time"`
}

// Watch turns successive runway checks into alerts, each sent once: a pod
// is "low" when its runway falls under Threshold, "recovered" when it is
// above again; a pod whose runway cannot be read is a "problem" until it
// can ("resolved"). The zero value needs Threshold set.
type Watch struct {
	Threshold time.Duration
	// Token formats amounts in messages (nil: base units).
	Token func(address string) amount.Token
	Now   func() time.Time

	low     map[string]bool
	problem map[string]string
}

// Step takes one round of checks and returns the alerts it causes.
func (w *Watch) Step(checks []Runway) []Alert {
	if w.low == nil {
		w.low, w.problem = map[string]bool{}, map[string]string{}
	}
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	var out []Alert
	add := func(kind string, r Runway, msg string) {
		out = append(out, Alert{Kind: kind, Runway: r, ThresholdSeconds: int64(w.Threshold / time.Second), Message: msg, Time: now.UTC()})
	}
	for _, r := range checks {
		if r.Problem != "" {
			if w.problem[r.ID] != r.Problem {
				w.problem[r.ID] = r.Problem
				add(AlertProblem, r, fmt.Sprintf("pod %s (%s): cannot check its runway: %s", r.ID, r.Name, r.Problem))
			}
			continue
		}
		if _, had := w.problem[r.ID]; had {
			delete(w.problem, r.ID)
			add(AlertResolved, r, fmt.Sprintf("pod %s (%s): its runway can be checked again", r.ID, r.Name))
		}
		isLow := r.RunwaySeconds >= 0 && r.RunwaySeconds < int64(w.Threshold/time.Second)
		tok := amount.Token{}
		if w.Token != nil {
			tok = w.Token(r.Token)
		}
		switch {
		case isLow && !w.low[r.ID]:
			w.low[r.ID] = true
			add(AlertLow, r, fmt.Sprintf("pod %s (%s): runway %s is under %s (balance %s, burning %s); top up with `tpod funds deposit %s AMOUNT`",
				r.ID, r.Name, amount.Seconds(r.RunwaySeconds), amount.Duration(w.Threshold), amount.FormatString(r.Balance, tok), perHour(r.BurnPerSecond, tok), r.ID))
		case !isLow && w.low[r.ID]:
			delete(w.low, r.ID)
			runway := "unbounded (nothing is billed now)"
			if r.RunwaySeconds >= 0 {
				runway = amount.Seconds(r.RunwaySeconds)
			}
			add(AlertRecovered, r, fmt.Sprintf("pod %s (%s): recovered, runway %s (balance %s)", r.ID, r.Name, runway, amount.FormatString(r.Balance, tok)))
		}
	}
	return out
}

// Low returns the IDs whose runway is below the threshold now.
func (w *Watch) Low() []string {
	var out []string
	for id := range w.low {
		out = append(out, id)
	}
	return out
}

func perHour(perSecond string, tok amount.Token) string {
	v, ok := parseBig(perSecond)
	if !ok {
		return perSecond + "/s"
	}
	return amount.PerHour(v, tok)
}

// PostWebhook POSTs alerts as JSON ({"alerts": [...]}) to url.
func PostWebhook(ctx context.Context, url string, alerts []Alert) error {
	body, err := json.Marshal(map[string]any{"alerts": alerts})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "tpod-watch/2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: %s answered %s", url, resp.Status)
	}
	return nil
}
