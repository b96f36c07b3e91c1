package store

import (
	"context"
	"fmt"
	"time"
)

// MaxPodEvents is how many events are kept per pod; older ones are dropped.
const MaxPodEvents = 500

// PodEvent is something that happened to a pod, recorded for its publisher.
type PodEvent struct {
	Time time.Time
	// Kind names the event (provider package constants, docs/publisher.md).
	Kind      string
	Container string // the container concerned, if one
	ExitCode  int32  // a container's exit code, when it exited
	Reason    string // a short machine reason, e.g. "OOMKilled"
	Message   string
}

// AddPodEvent records an event of the pod of channel id and drops the
// pod's oldest events beyond MaxPodEvents.
func (s *Store) AddPodEvent(ctx context.Context, id [32]byte, e PodEvent) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add pod event: %w", err)
	}
	defer tx.Rollback()
	ch := hexOf(id)
	if _, err := tx.ExecContext(ctx, `INSERT INTO pod_events (channel_id, time, kind, container, exit_code, reason, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		ch, e.Time.UnixNano(), e.Kind, e.Container, e.ExitCode, e.Reason, e.Message); err != nil {
		return fmt.Errorf("add pod event: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pod_events WHERE channel_id = ? AND seq <= (
		SELECT seq FROM pod_events WHERE channel_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`, ch, ch, MaxPodEvents); err != nil {
		return fmt.Errorf("trim pod events: %w", err)
	}
	return tx.Commit()
}

// PodEvents returns the pod's last limit events (all kept when limit <= 0),
// oldest first.
func (s *Store) PodEvents(ctx context.Context, id [32]byte, limit int) ([]PodEvent, error) {
	if limit <= 0 || limit > MaxPodEvents {
		limit = MaxPodEvents
	}
	rows, err := s.db.QueryContext(ctx, `SELECT time, kind, container, exit_code, reason, message FROM (
		SELECT * FROM pod_events WHERE channel_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`, hexOf(id), limit)
	if err != nil {
		return nil, fmt.Errorf("pod events: %w", err)
	}
	defer rows.Close()
	var out []PodEvent
	for rows.Next() {
		var e PodEvent
		var t int64
		if err := rows.Scan(&t, &e.Kind, &e.Container, &e.ExitCode, &e.Reason, &e.Message); err != nil {
			return nil, fmt.Errorf("pod events: %w", err)
		}
		e.Time = time.Unix(0, t)
		out = append(out, e)
	}
	return out, rows.Err()
}
