package core

import (
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	corepb "github.com/trustedpods/tpod/api/proto/core"
	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// ProtocolVersion is the version of the socket protocol (api/proto/core).
const ProtocolVersion = 1

// Size caps of one message. A request is at most a bundle header (about
// 73 KiB) or a batch of receipts or samples; a response at most evidence
// or the usage of every channel.
const (
	MaxRequestSize  = 1 << 20
	MaxResponseSize = 4 << 20
	// maxBatch caps receipts per sign call, samples per report and channels
	// per usage call.
	maxBatch = 10000
)

// codes maps errors to wire codes and back; bundle.ErrBinding is matched
// before the others.
var codes = []struct {
	code corepb.Code
	err  error
}{
	{corepb.Code_CODE_BINDING, bundle.ErrBinding},
	{corepb.Code_CODE_INVALID, ErrInvalid},
	{corepb.Code_CODE_UNKNOWN_CHANNEL, ErrUnknownChannel},
	{corepb.Code_CODE_OLDER_BUNDLE, ErrOlderBundle},
	{corepb.Code_CODE_NOT_METERED, ErrNotMetered},
	{corepb.Code_CODE_NOT_MONOTONIC, ErrNotMonotonic},
	{corepb.Code_CODE_STALE_STATE, ErrStaleState},
	{corepb.Code_CODE_STATE_TAMPERED, ErrStateTampered},
	{corepb.Code_CODE_PINNED, ErrPinned},
	{corepb.Code_CODE_CLOSED, ErrClosed},
	{corepb.Code_CODE_UNAVAILABLE, ErrUnavailable},
}

func toPB(err error) *corepb.Error {
	if err == nil {
		return nil
	}
	e := &corepb.Error{Code: corepb.Code_CODE_INTERNAL, Message: err.Error()}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			e.Code = c.code
			break
		}
	}
	return e
}

// RemoteError is a refusal by the core, as the client sees it: its message
// is the core's, and errors.Is matches the sentinel of its code.
type RemoteError struct {
	Code    corepb.Code
	Message string
}

// Error returns the core's message, prefixed so logs say where it came from.
func (e *RemoteError) Error() string { return "signing core: " + e.Message }

// Is matches the sentinel error of the code.
func (e *RemoteError) Is(target error) bool {
	for _, c := range codes {
		if c.code == e.Code {
			return target == c.err || errors.Is(c.err, target)
		}
	}
	return false
}

func fromPB(e *corepb.Error) error {
	if e == nil {
		return nil
	}
	return &RemoteError{Code: e.Code, Message: e.Message}
}

func vec(u usage.Vector) []uint64 { return u[:] }

func toVec(x []uint64) (usage.Vector, error) {
	var v usage.Vector
	if len(x) != usage.Len {
		return v, fmt.Errorf("%w: a usage vector has %d counters, not %d", ErrInvalid, len(x), usage.Len)
	}
	copy(v[:], x)
	return v, nil
}

func toID(b []byte) ([32]byte, error) {
	var id [32]byte
	if len(b) != 32 {
		return id, fmt.Errorf("%w: a channel ID is 32 bytes, not %d", ErrInvalid, len(b))
	}
	copy(id[:], b)
	return id, nil
}

func toAddr(b []byte) (common.Address, error) {
	if len(b) != common.AddressLength {
		return common.Address{}, fmt.Errorf("%w: an address is 20 bytes, not %d", ErrInvalid, len(b))
	}
	return common.BytesToAddress(b), nil
}

func baselinePB(b payment.Baseline) *corepb.Baseline {
	return &corepb.Baseline{Seq: b.Seq, Time: b.Time, Usage: vec(b.Usage)}
}

func fromBaselinePB(b *corepb.Baseline) (payment.Baseline, error) {
	if b == nil {
		return payment.Baseline{}, fmt.Errorf("%w: no baseline", ErrInvalid)
	}
	u, err := toVec(b.Usage)
	return payment.Baseline{Seq: b.Seq, Time: b.Time, Usage: u}, err
}

func receiptPB(r payment.Receipt) *corepb.Receipt {
	return &corepb.Receipt{ChannelId: r.ChannelID[:], Seq: r.Seq, Time: r.Time, Usage: vec(r.Usage)}
}

func fromReceiptPB(r *corepb.Receipt) (payment.Receipt, error) {
	id, err := toID(r.GetChannelId())
	if err != nil {
		return payment.Receipt{}, err
	}
	u, err := toVec(r.GetUsage())
	return payment.Receipt{ChannelID: id, Seq: r.GetSeq(), Time: r.GetTime(), Usage: u}, err
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
