package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/trustedpods/tpod/internal/meter"
)

var _ meter.Store = (*Store)(nil)

// LoadMeters implements meter.Store.
func (s *Store) LoadMeters(ctx context.Context) (map[string]meter.State, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT pod, state FROM meters`)
	if err != nil {
		return nil, fmt.Errorf("load meters: %w", err)
	}
	defer rows.Close()
	out := map[string]meter.State{}
	for rows.Next() {
		var pod, enc string
		if err := rows.Scan(&pod, &enc); err != nil {
			return nil, fmt.Errorf("load meters: %w", err)
		}
		var st meter.State
		if err := json.Unmarshal([]byte(enc), &st); err != nil {
			return nil, fmt.Errorf("corrupt meter state of pod %s: %w", pod, err)
		}
		out[pod] = st
	}
	return out, rows.Err()
}

// SaveMeters implements meter.Store: one round's states in one transaction.
// A state whose usage vector is lower than the stored one in any counter is
// refused with ErrConflict and nothing of the round is saved: a counter that
// went backwards would let a receipt be signed twice for the same usage.
func (s *Store) SaveMeters(ctx context.Context, states map[string]meter.State) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for pod, st := range states {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT state FROM meters WHERE pod = ?`, pod).Scan(&old)
		if err == nil {
			var prev meter.State
			if err := json.Unmarshal([]byte(old), &prev); err == nil && !st.Vector.GreaterOrEqual(prev.Vector) {
				return fmt.Errorf("save meter of pod %s: counters would decrease: %w", pod, ErrConflict)
			}
		}
		enc, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("save meter of pod %s: %w", pod, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meters (pod, state) VALUES (?, ?)
			ON CONFLICT(pod) DO UPDATE SET state = excluded.state`, pod, string(enc)); err != nil {
			return fmt.Errorf("save meter of pod %s: %w", pod, err)
		}
	}
	return tx.Commit()
}

// DeleteMeter implements meter.Store.
func (s *Store) DeleteMeter(ctx context.Context, pod string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM meters WHERE pod = ?`, pod); err != nil {
		return fmt.Errorf("delete meter of pod %s: %w", pod, err)
	}
	return nil
}
