package chain

import (
	"errors"

	"github.com/trustedpods/tpod/internal/payment"
)

// SkipReason is why claimMany skipped a claim: the custom error claim()
// would have reverted with, which the ClaimSkipped event names by selector.
// Its values follow the contract's internal codes (Payment.sol, _claimError).
type SkipReason uint8

// The reasons claimMany skips a claim for; NotSkipped is a claim it settled.
const (
	NotSkipped SkipReason = iota
	SkipUnknownChannel
	SkipChannelAlreadyClosed
	SkipStateMismatch
	SkipSeqNotIncreasing
	SkipTimeNotIncreasing
	SkipReceiptFromFuture
	SkipUsageDecreased
	SkipInvalidSignature
	// SkipUnknown is a selector the Payment ABI does not name, or an event
	// that could not be decoded.
	SkipUnknown
)

var skipNames = [...]string{
	NotSkipped:               "",
	SkipUnknownChannel:       "UnknownChannel",
	SkipChannelAlreadyClosed: "ChannelAlreadyClosed",
	SkipStateMismatch:        "StateMismatch",
	SkipSeqNotIncreasing:     "SeqNotIncreasing",
	SkipTimeNotIncreasing:    "TimeNotIncreasing",
	SkipReceiptFromFuture:    "ReceiptFromFuture",
	SkipUsageDecreased:       "UsageDecreased",
	SkipInvalidSignature:     "InvalidSignature",
	SkipUnknown:              "unknown reason",
}

// String returns the contract's error name ("" for NotSkipped).
func (r SkipReason) String() string {
	if int(r) < len(skipNames) {
		return skipNames[r]
	}
	return "unknown reason"
}

// skipReason decodes a ClaimSkipped event's selector.
func (p *Payment) skipReason(sel [4]byte) SkipReason {
	name := p.errorName(sel)
	for r, n := range skipNames {
		if n == name && SkipReason(r) != NotSkipped && SkipReason(r) != SkipUnknown {
			return SkipReason(r)
		}
	}
	return SkipUnknown
}

// Errors for the skip reasons that internal/payment has no error for.
var (
	ErrClaimUnknownChannel = errors.New("UnknownChannel: no such channel")
	ErrClaimChannelClosed  = errors.New("ChannelAlreadyClosed: the channel is closed")
	ErrClaimStateMismatch  = errors.New("StateMismatch: the claim's terms or baseline are not the channel's")
	ErrClaimUnknownReason  = errors.New("the contract skipped the claim for a reason its ABI does not name")
)

// Err is the error claim() would have reverted with, for errors.Is
// (payment.ErrSeqNotIncreasing and the like); nil for NotSkipped.
func (r SkipReason) Err() error {
	switch r {
	case NotSkipped:
		return nil
	case SkipUnknownChannel:
		return ErrClaimUnknownChannel
	case SkipChannelAlreadyClosed:
		return ErrClaimChannelClosed
	case SkipStateMismatch:
		return ErrClaimStateMismatch
	case SkipSeqNotIncreasing:
		return payment.ErrSeqNotIncreasing
	case SkipTimeNotIncreasing:
		return payment.ErrTimeNotIncreasing
	case SkipReceiptFromFuture:
		return payment.ErrReceiptFromFuture
	case SkipUsageDecreased:
		return payment.ErrUsageDecreased
	case SkipInvalidSignature:
		return payment.ErrInvalidSignature
	}
	return ErrClaimUnknownReason
}
