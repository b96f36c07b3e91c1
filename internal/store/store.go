// Package store keeps the provider's state in SQLite: pods, their usage
// counters, signed and claimed receipts, request nonces and chain cursors.
//
// Every write that the provider's promises depend on (a receipt it signed, a
// counter it metered) is committed before the caller acts on it, so a crash
// never leads to a receipt being signed twice with different contents or a
// counter going backwards.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/trustedpods/tpod/internal/hex32"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors returned by the store.
var (
	ErrNotFound = errors.New("not found")
	// ErrConflict means a write would break an invariant: a receipt sequence
	// that does not increase, a counter that would decrease.
	ErrConflict = errors.New("conflict")
)

// Store is the provider's database. It is safe for concurrent use.
type Store struct {
	db *sql.DB

	// The meter's statements, prepared once: it saves every pod every second.
}

// schema is applied in order; PRAGMA user_version records how many steps ran.
var schema = []string{
	`CREATE TABLE pods (
		channel_id    TEXT PRIMARY KEY,
		pod_id        TEXT NOT NULL,
		publisher     TEXT NOT NULL,
		bundle_cid    TEXT NOT NULL,
		manifest_hash TEXT NOT NULL,
		state         TEXT NOT NULL,
		reason        TEXT NOT NULL DEFAULT '',
		spec          BLOB,
		created_at    INTEGER NOT NULL,
		updated_at    INTEGER NOT NULL
	);
	CREATE TABLE meters (
		pod   TEXT PRIMARY KEY,
		state TEXT NOT NULL
	);
	CREATE TABLE receipts (
		channel_id TEXT NOT NULL,
		seq        INTEGER NOT NULL,
		time       INTEGER NOT NULL,
		counters   TEXT NOT NULL,
		signature  BLOB NOT NULL,
		claim_tx   TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (channel_id, seq)
	);
	CREATE TABLE nonces (
		nonce  TEXT PRIMARY KEY,
		expiry INTEGER NOT NULL
	);
	CREATE INDEX nonces_expiry ON nonces(expiry);
	CREATE TABLE cursors (
		name  TEXT PRIMARY KEY,
		block INTEGER NOT NULL,
		hash  TEXT NOT NULL DEFAULT ''
	);`,
	// Custom hostnames, each reserved for one channel until it is settled.
	`CREATE TABLE hostnames (
		hostname   TEXT PRIMARY KEY,
		channel_id TEXT NOT NULL,
		publisher  TEXT NOT NULL,
		created_at INTEGER NOT NULL
	);
	CREATE INDEX hostnames_channel ON hostnames(channel_id);`,
	// Metering moved to the signing core, which keeps it sealed
	// (internal/core): rows the host could edit are gone.
	`DROP TABLE meters;`,
	// What happened to each pod (restarts, stops, wakes...), for its
	// publisher: the last MaxPodEvents per channel (docs/publisher.md).
	`CREATE TABLE pod_events (
		channel_id TEXT NOT NULL,
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		time       INTEGER NOT NULL,
		kind       TEXT NOT NULL,
		container  TEXT NOT NULL DEFAULT '',
		exit_code  INTEGER NOT NULL DEFAULT 0,
		reason     TEXT NOT NULL DEFAULT '',
		message    TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX pod_events_channel ON pod_events(channel_id, seq);`,
}

// Open opens (creating if needed) the database at path. The file is private
// to its owner: it records which pods run for whom.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	f.Close()
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// One writer at a time is what SQLite allows; a single connection also
	// makes every transaction serial without SQLITE_BUSY retries.
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(schema) {
		return fmt.Errorf("database schema version %d is newer than this tpod (%d)", v, len(schema))
	}
	for ; v < len(schema); v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, schema[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Pod is the provider's record of a pod it runs. Pods are keyed by their
// channel: a podId is chosen by its publisher and need not be unique across
// publishers, a channel ID is.
type Pod struct {
	ChannelID    [32]byte
	PodID        [32]byte
	Publisher    string // 0x address
	BundleCID    string
	ManifestHash [32]byte
	State        string
	Reason       string
	Spec         []byte // runtime spec, opaque here
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PutPod inserts or replaces a pod record.
func (s *Store) PutPod(ctx context.Context, p Pod) error {
	now := time.Now()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt = now
	_, err := s.db.ExecContext(ctx, `INSERT INTO pods (channel_id, pod_id, publisher, bundle_cid, manifest_hash, state, reason, spec, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(channel_id) DO UPDATE SET pod_id=excluded.pod_id, publisher=excluded.publisher,
			bundle_cid=excluded.bundle_cid, manifest_hash=excluded.manifest_hash, state=excluded.state,
			reason=excluded.reason, spec=excluded.spec, updated_at=excluded.updated_at`,
		hexOf(p.ChannelID), hexOf(p.PodID), p.Publisher, p.BundleCID, hexOf(p.ManifestHash), p.State, p.Reason, p.Spec,
		p.CreatedAt.UnixNano(), p.UpdatedAt.UnixNano())
	if err != nil {
		return fmt.Errorf("store pod of channel %x: %w", p.ChannelID[:4], err)
	}
	return nil
}

// SetPodState records the state of the pod of channel id and the reason for it.
func (s *Store) SetPodState(ctx context.Context, id [32]byte, state, reason string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE pods SET state = ?, reason = ?, updated_at = ? WHERE channel_id = ?`,
		state, reason, time.Now().UnixNano(), hexOf(id))
	if err != nil {
		return fmt.Errorf("set pod state: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("pod %x: %w", id[:4], ErrNotFound)
	}
	return nil
}

const podColumns = `channel_id, pod_id, publisher, bundle_cid, manifest_hash, state, reason, spec, created_at, updated_at`

func scanPod(row interface{ Scan(...any) error }) (Pod, error) {
	var p Pod
	var ch, id, mh string
	var created, updated int64
	if err := row.Scan(&ch, &id, &p.Publisher, &p.BundleCID, &mh, &p.State, &p.Reason, &p.Spec, &created, &updated); err != nil {
		return Pod{}, err
	}
	var err error
	if p.PodID, err = parseHex32(id); err != nil {
		return Pod{}, err
	}
	if p.ChannelID, err = parseHex32(ch); err != nil {
		return Pod{}, err
	}
	if p.ManifestHash, err = parseHex32(mh); err != nil {
		return Pod{}, err
	}
	p.CreatedAt, p.UpdatedAt = time.Unix(0, created), time.Unix(0, updated)
	return p, nil
}

// GetPod returns the pod of channel id or ErrNotFound.
func (s *Store) GetPod(ctx context.Context, id [32]byte) (Pod, error) {
	p, err := scanPod(s.db.QueryRowContext(ctx, `SELECT `+podColumns+` FROM pods WHERE channel_id = ?`, hexOf(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return Pod{}, fmt.Errorf("pod %x: %w", id[:4], ErrNotFound)
	}
	if err != nil {
		return Pod{}, fmt.Errorf("get pod: %w", err)
	}
	return p, nil
}

// ListPods returns every pod record, oldest first.
func (s *Store) ListPods(ctx context.Context) ([]Pod, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+podColumns+` FROM pods ORDER BY created_at`)
	if err != nil {
		return nil, fmt.Errorf("list pods: %w", err)
	}
	defer rows.Close()
	var out []Pod
	for rows.Next() {
		p, err := scanPod(rows)
		if err != nil {
			return nil, fmt.Errorf("list pods: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DeletePod removes the record of the pod of channel id. Receipts stay: they
// are the record of what was billed.
func (s *Store) DeletePod(ctx context.Context, id [32]byte) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete pod: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM pods WHERE channel_id = ?`, hexOf(id)); err != nil {
		return fmt.Errorf("delete pod: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pod_events WHERE channel_id = ?`, hexOf(id)); err != nil {
		return fmt.Errorf("delete pod events: %w", err)
	}
	return tx.Commit()
}

// Receipt is a usage receipt the enclave signed for a channel, with what
// became of its claim.
type Receipt struct {
	payment.SignedReceipt
	ClaimTx string // hash of the transaction that claimed it, "" if unclaimed
}

// AddReceipt records a signed receipt. Its sequence number and time must be
// greater, and its counters not lower, than those of the channel's last
// receipt; otherwise ErrConflict.
func (s *Store) AddReceipt(ctx context.Context, r Receipt) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	last, err := lastReceipt(ctx, tx, r.ChannelID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return err
	default:
		if r.Seq <= last.Seq || r.Time <= last.Time || !r.Usage.GreaterOrEqual(last.Usage) {
			return fmt.Errorf("receipt %d of channel %x does not follow receipt %d: %w", r.Seq, r.ChannelID[:4], last.Seq, ErrConflict)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO receipts (channel_id, seq, time, counters, signature) VALUES (?, ?, ?, ?, ?)`,
		hexOf(r.ChannelID), int64(r.Seq), int64(r.Time), encodeVector(r.Usage), r.Signature); err != nil {
		return fmt.Errorf("add receipt: %w", err)
	}
	return tx.Commit()
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const receiptColumns = `channel_id, seq, time, counters, signature, claim_tx`

func scanReceipt(row interface{ Scan(...any) error }) (Receipt, error) {
	var r Receipt
	var ch, enc string
	var seq, t int64
	if err := row.Scan(&ch, &seq, &t, &enc, &r.Signature, &r.ClaimTx); err != nil {
		return Receipt{}, err
	}
	var err error
	if r.ChannelID, err = parseHex32(ch); err != nil {
		return Receipt{}, err
	}
	if r.Usage, err = decodeVector(enc); err != nil {
		return Receipt{}, err
	}
	r.Seq, r.Time = uint64(seq), uint64(t)
	return r, nil
}

func lastReceipt(ctx context.Context, q querier, channelID [32]byte) (Receipt, error) {
	r, err := scanReceipt(q.QueryRowContext(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE channel_id = ? ORDER BY seq DESC LIMIT 1`, hexOf(channelID)))
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, fmt.Errorf("receipts of channel %x: %w", channelID[:4], ErrNotFound)
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("last receipt: %w", err)
	}
	return r, nil
}

// LastReceipt returns the channel's receipt with the highest sequence number,
// or ErrNotFound.
func (s *Store) LastReceipt(ctx context.Context, channelID [32]byte) (Receipt, error) {
	return lastReceipt(ctx, s.db, channelID)
}

// LastClaimed returns the channel's last receipt that was claimed on-chain
// (its ClaimTx is a transaction hash, not a settled marker), or ErrNotFound.
func (s *Store) LastClaimed(ctx context.Context, channelID [32]byte) (Receipt, error) {
	r, err := scanReceipt(s.db.QueryRowContext(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE channel_id = ? AND claim_tx LIKE '0x%' ORDER BY seq DESC LIMIT 1`, hexOf(channelID)))
	if errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, fmt.Errorf("claimed receipts of channel %x: %w", channelID[:4], ErrNotFound)
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("last claimed receipt: %w", err)
	}
	return r, nil
}

// MarkClaimed records that the receipt (channelID, seq) was claimed by the
// transaction tx ("0x…"), or settles it with a marker that is not a hash
// ("superseded", "abandoned: …") so that nobody tries to claim it again.
func (s *Store) MarkClaimed(ctx context.Context, channelID [32]byte, seq uint64, tx string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE receipts SET claim_tx = ? WHERE channel_id = ? AND seq = ?`, tx, hexOf(channelID), int64(seq))
	if err != nil {
		return fmt.Errorf("mark claimed: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("receipt %d of channel %x: %w", seq, channelID[:4], ErrNotFound)
	}
	return nil
}

// UseNonce records a request nonce that is valid until expiry. It reports
// false if the nonce was already used (a replay).
func (s *Store) UseNonce(ctx context.Context, nonce [32]byte, expiry time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO nonces (nonce, expiry) VALUES (?, ?) ON CONFLICT(nonce) DO NOTHING`,
		hexOf(nonce), expiry.Unix())
	if err != nil {
		return false, fmt.Errorf("use nonce: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use nonce: %w", err)
	}
	return n == 1, nil
}

// PruneNonces forgets nonces that expired before now: a request carrying one
// is refused for its expiry anyway.
func (s *Store) PruneNonces(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM nonces WHERE expiry < ?`, now.Unix())
	if err != nil {
		return 0, fmt.Errorf("prune nonces: %w", err)
	}
	return res.RowsAffected()
}

// Cursor returns the block number and hash stored under name, or ErrNotFound.
func (s *Store) Cursor(ctx context.Context, name string) (uint64, string, error) {
	var block int64
	var hash string
	err := s.db.QueryRowContext(ctx, `SELECT block, hash FROM cursors WHERE name = ?`, name).Scan(&block, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("cursor %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return 0, "", fmt.Errorf("cursor %s: %w", name, err)
	}
	return uint64(block), hash, nil
}

// SetCursor stores a block number and hash under name.
func (s *Store) SetCursor(ctx context.Context, name string, block uint64, hash string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO cursors (name, block, hash) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET block = excluded.block, hash = excluded.hash`, name, int64(block), hash)
	if err != nil {
		return fmt.Errorf("set cursor %s: %w", name, err)
	}
	return nil
}

// hexOf is how the store keeps a 32-byte value: 64 hex digits.
func hexOf(b [32]byte) string { return hex32.Bytes(b).Digits() }

func parseHex32(s string) ([32]byte, error) {
	v, err := hex32.Parse(s)
	if err != nil {
		return v, fmt.Errorf("corrupt value in store: %w", err)
	}
	return v, nil
}

func encodeVector(v usage.Vector) string {
	b, _ := json.Marshal(v) // an array of integers cannot fail to encode
	return string(b)
}

func decodeVector(s string) (usage.Vector, error) {
	var v usage.Vector
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return v, fmt.Errorf("corrupt usage vector %q in store: %w", s, err)
	}
	return v, nil
}

// UnclaimedLast returns, for every channel whose newest receipt was not
// claimed, that receipt.
func (s *Store) UnclaimedLast(ctx context.Context) ([]Receipt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+receiptColumns+` FROM receipts r
		WHERE claim_tx = '' AND seq = (SELECT MAX(seq) FROM receipts WHERE channel_id = r.channel_id)`)
	if err != nil {
		return nil, fmt.Errorf("unclaimed receipts: %w", err)
	}
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, fmt.Errorf("unclaimed receipts: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
