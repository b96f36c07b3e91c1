package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Hostname is a custom hostname reserved for a channel: no other channel's
// pod is routed under it until the reservation is released (when the
// channel is closed and settled).
type Hostname struct {
	Name      string
	ChannelID [32]byte
	Publisher string // 0x address of the channel's publisher
}

// HostnameTakenError is SetHostnames' refusal: the name is another
// channel's. It matches ErrConflict.
type HostnameTakenError struct{ Holder Hostname }

// Error names the hostname and the channel that holds it.
func (e *HostnameTakenError) Error() string {
	return fmt.Sprintf("hostname %s is reserved for channel %x", e.Holder.Name, e.Holder.ChannelID[:8])
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *HostnameTakenError) Is(target error) bool { return target == ErrConflict }

// SetHostnames makes names exactly the hostnames reserved for channel. A
// name reserved for another channel is taken over only if mayTake says so;
// otherwise nothing changes and the error is a *HostnameTakenError.
func (s *Store) SetHostnames(ctx context.Context, channel [32]byte, publisher string, names []string, mayTake func(Hostname) bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ch := hexOf(channel)
	for _, n := range names {
		var holder, pub string
		err := tx.QueryRowContext(ctx, `SELECT channel_id, publisher FROM hostnames WHERE hostname = ?`, n).Scan(&holder, &pub)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && holder == ch) {
			continue // free, or ours
		}
		if err != nil {
			return fmt.Errorf("set hostnames: %w", err)
		}
		id, err := parseHex32(holder)
		if err != nil {
			return err
		}
		if h := (Hostname{Name: n, ChannelID: id, Publisher: pub}); mayTake == nil || !mayTake(h) {
			return &HostnameTakenError{h}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT hostname FROM hostnames WHERE channel_id = ?`, ch)
	if err != nil {
		return fmt.Errorf("set hostnames: %w", err)
	}
	var drop []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("set hostnames: %w", err)
		}
		if !slices.Contains(names, n) {
			drop = append(drop, n)
		}
	}
	rows.Close()
	for _, n := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM hostnames WHERE hostname = ?`, n); err != nil {
			return fmt.Errorf("set hostnames: %w", err)
		}
	}
	now := time.Now().UnixNano()
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hostnames (hostname, channel_id, publisher, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(hostname) DO UPDATE SET channel_id = excluded.channel_id, publisher = excluded.publisher, created_at = excluded.created_at
			WHERE hostnames.channel_id <> excluded.channel_id`, n, ch, publisher, now); err != nil {
			return fmt.Errorf("set hostnames: %w", err)
		}
	}
	return tx.Commit()
}

// Hostnames lists every reservation.
func (s *Store) Hostnames(ctx context.Context) ([]Hostname, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hostname, channel_id, publisher FROM hostnames ORDER BY hostname`)
	if err != nil {
		return nil, fmt.Errorf("list hostnames: %w", err)
	}
	defer rows.Close()
	var out []Hostname
	for rows.Next() {
		var h Hostname
		var ch string
		if err := rows.Scan(&h.Name, &ch, &h.Publisher); err != nil {
			return nil, fmt.Errorf("list hostnames: %w", err)
		}
		if h.ChannelID, err = parseHex32(ch); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ReleaseHostnames drops every reservation of channel.
func (s *Store) ReleaseHostnames(ctx context.Context, channel [32]byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM hostnames WHERE channel_id = ?`, hexOf(channel)); err != nil {
		return fmt.Errorf("release hostnames: %w", err)
	}
	return nil
}
