package p2p

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
)

// Service is what a provider implements to answer the protocols. The Server
// calls it only with validated requests; for pod operations, only after the
// request's authorization was verified against the channel's publisher.
//
// Errors wrapping one of the sentinels (ErrInvalid, ErrNotFound,
// ErrUnavailable, ErrInsufficientFunds, ErrNoCapacity, ErrTermsMismatch,
// ErrConflict, ...) reach the caller with that code and their message; any
// other error is logged and reaches the caller as "internal error".
// Every method must return when ctx is done.
type Service interface {
	// Attest returns fresh evidence whose report data binds nonce.
	Attest(ctx context.Context, nonce []byte) (*Evidence, error)
	// Quote prices the resources under the provider's registry pricing tables
	// and checks them against free capacity.
	Quote(ctx context.Context, req QuoteRequest) (*Quote, error)
	// Provision validates the channel on-chain, fetches and deploys the bundle
	// and returns the pod's status with its endpoints. It may return once the
	// pod is accepted (PodPending) or once it runs.
	Provision(ctx context.Context, req ProvisionRequest) (*PodStatus, error)
	// Status returns the pod's status.
	Status(ctx context.Context, pod PodRef) (*PodStatus, error)
	// Logs calls send for each log line matching opts, in order, until the
	// lines are exhausted or, with opts.Follow, until ctx is done (the caller
	// went away or the stream's time limit passed), then returns nil. It stops
	// and returns send's error if send fails.
	Logs(ctx context.Context, pod PodRef, opts LogOptions, send func(LogEntry) error) error
	// Update replaces the pod's bundle with bundleCID.
	Update(ctx context.Context, pod PodRef, bundleCID string) (*PodStatus, error)
	// Delete stops and removes the pod.
	Delete(ctx context.Context, pod PodRef) (*PodStatus, error)
	// Restart restarts one container of the pod, or all when container is "".
	Restart(ctx context.Context, pod PodRef, container string) (*PodStatus, error)
	// Events returns the pod's newest events, at most limit, oldest first.
	Events(ctx context.Context, pod PodRef, limit int) ([]PodEvent, error)
}

// Channels answers who may act on a pod. The provider implements it from its
// own records and the Payment contract.
type Channels interface {
	// ChannelPublisher returns the publisher of the channel channelID after
	// checking that the channel exists, is with this provider and is the one
	// for podID. It returns an error wrapping ErrNotFound when it is not, and
	// ErrUnavailable when the chain cannot be read right now.
	ChannelPublisher(ctx context.Context, channelID, podID [32]byte) (common.Address, error)
}
