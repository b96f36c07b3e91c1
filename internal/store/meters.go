package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	// One read of the stored vectors and one upsert per pod, prepared once
	// (before the transaction takes the store's only connection): the meter
	// saves every pod every second (docs/benchmarks.md § Runtime).
	sel, up, err := s.meterStmts(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.StmtContext(ctx, sel).QueryContext(ctx)
	if err != nil {
		return err
	}
	prev := make(map[string]string, len(states))
	for rows.Next() {
		var pod, state string
		if err := rows.Scan(&pod, &state); err != nil {
			rows.Close()
			return err
		}
		if _, ok := states[pod]; ok {
			prev[pod] = state
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	upsert := tx.StmtContext(ctx, up)
	for pod, st := range states {
		if old, ok := prev[pod]; ok {
			var p meter.State
			if err := json.Unmarshal([]byte(old), &p); err == nil && !st.Vector.GreaterOrEqual(p.Vector) {
				return fmt.Errorf("save meter of pod %s: counters would decrease: %w", pod, ErrConflict)
			}
		}
		enc, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("save meter of pod %s: %w", pod, err)
		}
		if _, err := upsert.ExecContext(ctx, pod, string(enc)); err != nil {
			return fmt.Errorf("save meter of pod %s: %w", pod, err)
		}
	}
	return tx.Commit()
}

// meterStmts prepares SaveMeters' statements on first use (a failure is
// retried on the next call).
func (s *Store) meterStmts(ctx context.Context) (sel, up *sql.Stmt, err error) {
	s.meterMu.Lock()
	defer s.meterMu.Unlock()
	if s.meterSelect == nil {
		if s.meterSelect, err = s.db.PrepareContext(ctx, `SELECT pod, state FROM meters`); err != nil {
			return nil, nil, err
		}
	}
	if s.meterUpsert == nil {
		if s.meterUpsert, err = s.db.PrepareContext(ctx, `INSERT INTO meters (pod, state) VALUES (?, ?)
			ON CONFLICT(pod) DO UPDATE SET state = excluded.state`); err != nil {
			return nil, nil, err
		}
	}
	return s.meterSelect, s.meterUpsert, nil
}

// DeleteMeter implements meter.Store.
func (s *Store) DeleteMeter(ctx context.Context, pod string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM meters WHERE pod = ?`, pod); err != nil {
		return fmt.Errorf("delete meter of pod %s: %w", pod, err)
	}
	return nil
}
