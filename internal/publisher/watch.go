package publisher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Warning is a deployment whose runway fell under the threshold.
type Warning struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Channel       string    `json:"channel"`
	Balance       string    `json:"balance"`
	BurnPerSecond string    `json:"burnPerSecond"`
	RunwaySeconds int64     `json:"runwaySeconds"`
	Threshold     int64     `json:"thresholdSeconds"`
	Message       string    `json:"message"`
	Time          time.Time `json:"time"`
}

// CheckRunways returns a warning for every running deployment (or those
// named by ids) whose runway is under threshold.
func (p *Publisher) CheckRunways(ctx context.Context, ids []string, threshold time.Duration) ([]Warning, error) {
	var recs []*Record
	if len(ids) == 0 {
		all, err := p.cfg.State.List()
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if r.Step == StepProvisioned && p.checkRecord(r) == nil {
				recs = append(recs, r)
			}
		}
	} else {
		for _, id := range ids {
			r, _, err := p.pod(id)
			if err != nil {
				return nil, err
			}
			recs = append(recs, r)
		}
	}
	var out []Warning
	for _, r := range recs {
		f, err := p.funds(ctx, r)
		if err != nil {
			return nil, err
		}
		run, bounded := f.Runway()
		if !bounded || run >= threshold {
			continue
		}
		out = append(out, Warning{
			ID: r.ID, Name: r.Name, Channel: r.ChannelID, Balance: f.Balance, BurnPerSecond: f.BurnPerSecond,
			RunwaySeconds: f.RunwaySeconds, Threshold: int64(threshold / time.Second), Time: p.cfg.Now().UTC(),
			Message: fmt.Sprintf("pod %s (%s): runway %s is under %s (balance %s, burning %s/s); top up with `tpod funds deposit %s AMOUNT`",
				r.ID, r.Name, run, threshold, f.Balance, f.BurnPerSecond, r.ID),
		})
	}
	return out, nil
}

// PostWebhook POSTs the warnings as JSON ({"warnings": [...]}) to url.
func PostWebhook(ctx context.Context, url string, ws []Warning) error {
	body, err := json.Marshal(map[string]any{"warnings": ws})
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
	req.Header.Set("User-Agent", "tpod-watch/1")
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
