package core

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/meter"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/runtime"
)

// The state file (docs/attestation.md §10):
//
//	magic "TPODCORE-STATE-1\n" ‖ signer address (20) ‖ chain ID (8, big-endian)
//	‖ Payment contract (20) ‖ nonce (12) ‖ AES-256-GCM(JSON state)
//
// sealed under enclave.DeriveAEAD(PurposeCoreState) with everything before
// the nonce as associated data. A file of another signer (keys regenerated:
// a new image, TDX) is set aside and the core starts empty: nothing it
// holds could be signed with the new key. A file of this signer that fails
// authentication was not written by the core: it is refused.
const stateMagic = "TPODCORE-STATE-1\n"

const stateHeader = len(stateMagic) + 20 + 8 + 20

// maxState caps the state file read (a few hundred bytes per channel).
const maxState = 64 << 20

// closedRetention is how long a deleted pod's channel stays refused.
const closedRetention = 90 * 24 * time.Hour

// state is what the core keeps.
type state struct {
	Channels map[string]*chanState `json:"channels"`
	// Closed holds channels whose pod was deleted (Unix seconds).
	Closed map[string]int64 `json:"closed"`
}

// chanState is the core's record of one channel.
type chanState struct {
	Publisher common.Address `json:"publisher"`
	// Meter holds the integrated vector and its fractions; with
	// MeterReported also the reported raw counters.
	Meter meter.State `json:"meter"`
	// LastSigned is the last receipt the core signed (the baseline it was
	// opened with, before the first).
	LastSigned payment.Baseline `json:"lastSigned"`
	// IssuedAt and Reserved are those of the bundle the channel runs
	// (committed); Pending those unwrapped and not committed yet.
	IssuedAt uint64                 `json:"issuedAt,omitempty"`
	Reserved reservation            `json:"reserved"`
	Pending  map[uint64]reservation `json:"pending,omitempty"`
	// Adopt: the core lost its record and restarted at a non-zero
	// baseline; the next round takes the pod's counters as they are
	// without billing them.
	Adopt bool `json:"adopt,omitempty"`
	// Running, Held and SampledAt are the last round's.
	Running   bool      `json:"running,omitempty"`
	Held      bool      `json:"held,omitempty"`
	SampledAt time.Time `json:"sampledAt"`
	// Containers are the raw counters of the pod's containers by cgroup
	// name, and Net those of its network namespace (MeterCore).
	Containers map[string]rawCounter `json:"containers,omitempty"`
	Net        rawCounter            `json:"net"`
}

// rawCounter is a counter read from the kernel, with the identity of what
// it counts (a cgroup, a network namespace): a new identity starts at zero.
type rawCounter struct {
	ID    uint64 `json:"id"`
	Value uint64 `json:"value"`
	// Ran is set for a container seen running unfrozen.
	Ran bool `json:"ran,omitempty"`
}

// reservation is a bundle's per-replica resources, from its authenticated
// core (what the publisher signed), never from the daemon.
type reservation struct {
	CPUMilli   uint64 `json:"cpuMilli"`
	MemoryMiB  uint64 `json:"memoryMiB"`
	StorageMiB uint64 `json:"storageMiB"`
	GPUMilli   uint64 `json:"gpuMilli"`
	ScaleMax   int    `json:"scaleMax"`
}

// resources is the reservation as the meter counts it: whole GPUs, as
// priced (a fraction of a GPU reserves a whole one).
func (r reservation) resources() runtime.Resources {
	return runtime.Resources{CPUMillis: r.CPUMilli, MemoryMiB: r.MemoryMiB, StorageMiB: r.StorageMiB, GPUs: (r.GPUMilli + 999) / 1000}
}

// load reads the state file of the pinned chain; the caller holds mu.
func (c *Core) load() (*state, error) {
	st := &state{Channels: map[string]*chanState{}, Closed: map[string]int64{}}
	f, err := os.Open(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > maxState {
		return nil, fmt.Errorf("state file %s is %d bytes: %w", c.path, info.Size(), ErrStateTampered)
	}
	b := make([]byte, info.Size())
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	if !bytes.HasPrefix(b, []byte(stateMagic)) || len(b) < stateHeader+c.aead.NonceSize()+c.aead.Overhead() {
		return nil, fmt.Errorf("state file %s: not a state file: %w", c.path, ErrStateTampered)
	}
	hdr := b[:stateHeader]
	if signer := common.BytesToAddress(hdr[len(stateMagic) : len(stateMagic)+20]); signer != c.enc.Address() {
		// Another key's state: of no use to this one, and no harm.
		aside := fmt.Sprintf("%s.signer-%s", c.path, signer.Hex())
		if err := os.Rename(c.path, aside); err != nil {
			return nil, err
		}
		c.log.Warn("state of another enclave key set aside; starting empty", "file", aside)
		return st, nil
	}
	if !bytes.Equal(hdr, c.stateHeader()) {
		return nil, fmt.Errorf("state file %s: written for another chain: %w", c.path, ErrStateTampered)
	}
	n := c.aead.NonceSize()
	plain, err := c.aead.Open(nil, b[stateHeader:stateHeader+n], b[stateHeader+n:], hdr)
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w (remove it to start over from the chain's baselines, losing usage not yet claimed)", c.path, ErrStateTampered)
	}
	if err := json.Unmarshal(plain, st); err != nil {
		return nil, fmt.Errorf("state file %s: %w: %w", c.path, err, ErrStateTampered)
	}
	if st.Channels == nil {
		st.Channels = map[string]*chanState{}
	}
	if st.Closed == nil {
		st.Closed = map[string]int64{}
	}
	for k, ch := range st.Channels {
		if _, err := parseKey(k); err != nil || ch == nil {
			return nil, fmt.Errorf("state file %s: channel %q: %w", c.path, k, ErrStateTampered)
		}
	}
	return st, nil
}

func (c *Core) stateHeader() []byte {
	h := append([]byte(stateMagic), c.enc.Address().Bytes()...)
	h = binary.BigEndian.AppendUint64(h, c.hello.chainID())
	return append(h, c.hello.Domain.Contract.Bytes()...)
}

func (h *Hello) chainID() uint64 { return h.Domain.ChainID.Uint64() }

// saveRound saves the state after a metering round if its last save is
// half of MaxGap old (5 s by default); the caller holds mu. What a round
// changes, a core killed before the next save recomputes: the kernel's (or
// the reported) counters are cumulative, so their growth since the saved
// reading is counted whole, and reserved time up to MaxGap since the saved
// round is charged. Receipts, opens, commits, closes and Close are saved
// before they return.
func (c *Core) saveRound(now time.Time) error {
	if d := now.Sub(c.savedAt); d >= 0 && d < time.Duration(c.cfg.Metering.MaxGap)/2 {
		return nil
	}
	return c.save()
}

// save seals the state and replaces the file atomically (0600, synced); the
// caller holds mu.
func (c *Core) save() error {
	cutoff := c.now().Add(-closedRetention).Unix()
	for k, t := range c.st.Closed {
		if t < cutoff {
			delete(c.st.Closed, k)
		}
	}
	plain, err := json.Marshal(c.st)
	if err != nil {
		return err
	}
	hdr := c.stateHeader()
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	out := append(append(hdr, nonce...), c.aead.Seal(nil, nonce, plain, hdr)...)
	if err := writeFileAtomic(c.path, out); err != nil {
		return fmt.Errorf("save signing core state: %w", err)
	}
	c.savedAt = c.now()
	return nil
}
