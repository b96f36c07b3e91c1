package p2p

import (
	"fmt"
	"math/big"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
	"github.com/trustedpods/tpod/internal/usage"
)

// Evidence is the answer to an attestation request.
type Evidence struct {
	// Kind is "sev-snp", "tdx" or "simulated".
	Kind string
	// Data is the evidence in the format of Kind; its report data binds
	// Signer, EncryptionKey and the caller's nonce (DESIGN §5).
	Data []byte
	// Signer is the address of the enclave's receipt-signing key.
	Signer common.Address
	// EncryptionKey is the enclave's X25519 public key, 32 bytes.
	EncryptionKey []byte
}

// Resources are the resource totals of a manifest.
type Resources = usage.Resources

// QuoteRequest asks for prices and capacity.
type QuoteRequest struct {
	Resources Resources
	// Token restricts the answer to one ERC-20 token; zero means every table.
	Token common.Address
}

// PriceQuote is one pricing table of the provider's registry entry with what
// the requested resources cost under it.
type PriceQuote struct {
	Token common.Address
	// Prices per usage counter (usage package order), token base units.
	Prices [usage.Len]*big.Int
	// MinDisputePeriod is the shortest dispute period accepted.
	MinDisputePeriod time.Duration
	// ReservedPerSecond is the cost per second of the reserved counters.
	ReservedPerSecond *big.Int
	// MinDeposit is ReservedPerSecond × the minimum runway.
	MinDeposit *big.Int
}

// Quote is the answer to a quote request.
type Quote struct {
	Tables         []PriceQuote
	Fits           bool
	CapacityReason string
	Available      Resources
	// MinRunway is how long the channel balance must pay for reserved usage.
	MinRunway       time.Duration
	EnclaveSigner   common.Address
	PaymentContract common.Address
	ChainID         uint64
	ValidUntil      time.Time
}

// Pod names a pod at a provider and the channel that pays for it.
type Pod struct {
	// ChannelID is keccak256(abi.encode(publisher, provider, podId)).
	ChannelID [32]byte
	PodID     [32]byte
}

// PodRef is a Pod whose request the server authorized.
type PodRef struct {
	Pod
	// Publisher is the verified signer of the request: the channel's publisher.
	Publisher common.Address
}

// ProvisionRequest asks the provider to deploy a bundle paid by a channel.
type ProvisionRequest struct {
	Pod       PodRef
	BundleCID string
}

// PodState is a pod's life-cycle state.
type PodState int32

// Pod states (docs/protocol.md).
const (
	PodPending      = PodState(p2ppb.PodState_POD_STATE_PENDING)
	PodRunning      = PodState(p2ppb.PodState_POD_STATE_RUNNING)
	PodScaledToZero = PodState(p2ppb.PodState_POD_STATE_SCALED_TO_ZERO)
	PodStopping     = PodState(p2ppb.PodState_POD_STATE_STOPPING)
	PodStopped      = PodState(p2ppb.PodState_POD_STATE_STOPPED)
	PodFailed       = PodState(p2ppb.PodState_POD_STATE_FAILED)
	PodDeleted      = PodState(p2ppb.PodState_POD_STATE_DELETED)
)

var podStateNames = map[PodState]string{
	PodPending: "pending", PodRunning: "running", PodScaledToZero: "scaled-to-zero",
	PodStopping: "stopping", PodStopped: "stopped", PodFailed: "failed", PodDeleted: "deleted",
}

// String is the state's lowercase name.
func (s PodState) String() string {
	if n, ok := podStateNames[s]; ok {
		return n
	}
	return "unknown"
}

// Endpoint is a way to reach an exposed port of a pod.
type Endpoint struct {
	Name     string
	Protocol string // "http" or "tcp"
	Address  string
}

// ContainerStatus is the state of one container of a pod.
type ContainerStatus struct {
	Name     string
	State    string
	Restarts uint32
	ExitCode int32
}

// PodStatus is what the provider reports about a pod.
type PodStatus struct {
	PodID      [32]byte
	State      PodState
	Message    string
	BundleCID  string
	Endpoints  []Endpoint
	Containers []ContainerStatus
	Warnings   []string
	UpdatedAt  time.Time
}

// LogOptions select the log lines to stream.
type LogOptions struct {
	Container string
	Follow    bool
	TailLines uint32
	Since     time.Time
}

// LogEntry is one log line of a container.
type LogEntry struct {
	Container string
	Stream    string // "stdout" or "stderr"
	Time      time.Time
	Line      []byte
}

// PodEvent is something that happened to a pod: a restart, a stop for low
// funds, a wake... (docs/publisher.md lists the kinds).
type PodEvent struct {
	Time      time.Time
	Kind      string
	Container string
	ExitCode  int32
	Reason    string
	Message   string
}

// --- conversions -----------------------------------------------------------

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

func unixSec(t time.Time) uint64 {
	if t.IsZero() || t.Unix() < 0 {
		return 0
	}
	return uint64(t.Unix())
}

func fromUnixSec(n uint64) time.Time {
	if n == 0 || n > 1<<62 {
		return time.Time{}
	}
	return time.Unix(int64(n), 0)
}

func seconds(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64(d / time.Second)
}

func fromSeconds(n uint64) time.Duration {
	const maxSec = uint64(1<<63-1) / uint64(time.Second)
	if n > maxSec {
		n = maxSec
	}
	return time.Duration(n) * time.Second
}

func bytes32(b []byte, what string) ([32]byte, error) {
	var out [32]byte
	if len(b) != 32 {
		return out, errorf(CodeInvalid, "%s is %d bytes, want 32", what, len(b))
	}
	copy(out[:], b)
	return out, nil
}

func address(b []byte, what string) (common.Address, error) {
	if len(b) != common.AddressLength {
		return common.Address{}, errorf(CodeInvalid, "%s is %d bytes, want 20", what, len(b))
	}
	return common.BytesToAddress(b), nil
}

// uint256 decodes an unsigned big-endian integer of at most 32 bytes.
func uint256(b []byte, what string) (*big.Int, error) {
	if len(b) > 32 {
		return nil, errorf(CodeInvalid, "%s is %d bytes, want at most 32", what, len(b))
	}
	return new(big.Int).SetBytes(b), nil
}

// uint256Bytes encodes a non-negative integer of at most 256 bits minimally;
// nil encodes as empty (zero).
func uint256Bytes(v *big.Int) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	if v.Sign() < 0 || v.BitLen() > 256 {
		return nil, fmt.Errorf("amount %s out of uint256 range", v)
	}
	return v.Bytes(), nil
}

func checkText(s string, max int, what string) error {
	if len(s) > max {
		return errorf(CodeInvalid, "%s is %d bytes, longer than %d", what, len(s), max)
	}
	if !utf8.ValidString(s) {
		return errorf(CodeInvalid, "%s is not UTF-8", what)
	}
	return nil
}

func resourcesToPB(r Resources) *p2ppb.Resources {
	return &p2ppb.Resources{CpuMillis: r.CPUMilli, MemoryMib: r.MemoryMiB, StorageMib: r.StorageMiB, GpuMilli: r.GPUMilli}
}

func resourcesFromPB(r *p2ppb.Resources) Resources {
	return Resources{CPUMilli: r.GetCpuMillis(), MemoryMiB: r.GetMemoryMib(), StorageMiB: r.GetStorageMib(), GPUMilli: r.GetGpuMilli()}
}

func quoteToPB(q *Quote) (*p2ppb.QuoteResponse, error) {
	resp := &p2ppb.QuoteResponse{
		Fits:            q.Fits,
		CapacityReason:  q.CapacityReason,
		Available:       resourcesToPB(q.Available),
		MinRunway:       seconds(q.MinRunway),
		EnclaveSigner:   q.EnclaveSigner.Bytes(),
		PaymentContract: q.PaymentContract.Bytes(),
		ChainId:         q.ChainID,
		ValidUntil:      unixSec(q.ValidUntil),
	}
	for _, t := range q.Tables {
		pt := &p2ppb.PriceQuote{Token: t.Token.Bytes(), MinDisputePeriod: seconds(t.MinDisputePeriod)}
		for _, p := range t.Prices {
			b, err := uint256Bytes(p)
			if err != nil {
				return nil, err
			}
			pt.Prices = append(pt.Prices, b)
		}
		var err error
		if pt.ReservedPerSecond, err = uint256Bytes(t.ReservedPerSecond); err != nil {
			return nil, err
		}
		if pt.MinDeposit, err = uint256Bytes(t.MinDeposit); err != nil {
			return nil, err
		}
		resp.Tables = append(resp.Tables, pt)
	}
	return resp, nil
}

func quoteFromPB(r *p2ppb.QuoteResponse) (*Quote, error) {
	q := &Quote{
		Fits:           r.GetFits(),
		CapacityReason: r.GetCapacityReason(),
		Available:      resourcesFromPB(r.GetAvailable()),
		MinRunway:      fromSeconds(r.GetMinRunway()),
		ChainID:        r.GetChainId(),
		ValidUntil:     fromUnixSec(r.GetValidUntil()),
	}
	var err error
	if q.EnclaveSigner, err = address(r.GetEnclaveSigner(), "enclave signer"); err != nil {
		return nil, err
	}
	if q.PaymentContract, err = address(r.GetPaymentContract(), "payment contract"); err != nil {
		return nil, err
	}
	for i, t := range r.GetTables() {
		pq := PriceQuote{MinDisputePeriod: fromSeconds(t.GetMinDisputePeriod())}
		if pq.Token, err = address(t.GetToken(), fmt.Sprintf("table %d token", i)); err != nil {
			return nil, err
		}
		if len(t.GetPrices()) != usage.Len {
			return nil, errorf(CodeInvalid, "table %d has %d prices, want %d", i, len(t.GetPrices()), usage.Len)
		}
		for j, p := range t.GetPrices() {
			if pq.Prices[j], err = uint256(p, fmt.Sprintf("table %d price %d", i, j)); err != nil {
				return nil, err
			}
		}
		if pq.ReservedPerSecond, err = uint256(t.GetReservedPerSecond(), "reserved per second"); err != nil {
			return nil, err
		}
		if pq.MinDeposit, err = uint256(t.GetMinDeposit(), "min deposit"); err != nil {
			return nil, err
		}
		q.Tables = append(q.Tables, pq)
	}
	return q, nil
}

func statusToPB(s *PodStatus) *p2ppb.PodStatus {
	if s == nil {
		return nil
	}
	out := &p2ppb.PodStatus{
		PodId:     s.PodID[:],
		State:     p2ppb.PodState(s.State),
		Message:   s.Message,
		BundleCid: s.BundleCID,
		Warnings:  s.Warnings,
		UpdatedAt: unixNano(s.UpdatedAt),
	}
	for _, e := range s.Endpoints {
		out.Endpoints = append(out.Endpoints, &p2ppb.Endpoint{Name: e.Name, Protocol: e.Protocol, Address: e.Address})
	}
	for _, c := range s.Containers {
		out.Containers = append(out.Containers, &p2ppb.ContainerStatus{Name: c.Name, State: c.State, Restarts: c.Restarts, ExitCode: c.ExitCode})
	}
	return out
}

func statusFromPB(s *p2ppb.PodStatus) (*PodStatus, error) {
	if s == nil {
		return nil, errorf(CodeInvalid, "response carries no pod status")
	}
	id, err := bytes32(s.GetPodId(), "pod id")
	if err != nil {
		return nil, err
	}
	out := &PodStatus{
		PodID:     id,
		State:     PodState(s.GetState()),
		Message:   s.GetMessage(),
		BundleCID: s.GetBundleCid(),
		Warnings:  s.GetWarnings(),
		UpdatedAt: fromUnixNano(s.GetUpdatedAt()),
	}
	for _, e := range s.GetEndpoints() {
		out.Endpoints = append(out.Endpoints, Endpoint{Name: e.GetName(), Protocol: e.GetProtocol(), Address: e.GetAddress()})
	}
	for _, c := range s.GetContainers() {
		out.Containers = append(out.Containers, ContainerStatus{Name: c.GetName(), State: c.GetState(), Restarts: c.GetRestarts(), ExitCode: c.GetExitCode()})
	}
	return out, nil
}

func logToPB(e LogEntry) *p2ppb.LogEntry {
	return &p2ppb.LogEntry{Container: e.Container, Stream: e.Stream, Time: unixNano(e.Time), Line: e.Line}
}

func logFromPB(e *p2ppb.LogEntry) LogEntry {
	return LogEntry{Container: e.GetContainer(), Stream: e.GetStream(), Time: fromUnixNano(e.GetTime()), Line: e.GetLine()}
}

func eventToPB(e PodEvent) *p2ppb.PodEvent {
	return &p2ppb.PodEvent{Time: unixNano(e.Time), Kind: truncateUTF8(e.Kind, MaxEventKind), Container: truncateUTF8(e.Container, MaxNameLength),
		ExitCode: e.ExitCode, Reason: truncateUTF8(e.Reason, MaxEventReason), Message: truncateUTF8(e.Message, MaxEventMessage)}
}

func eventFromPB(e *p2ppb.PodEvent) (PodEvent, error) {
	for _, f := range []struct {
		s    string
		max  int
		what string
	}{{e.GetKind(), MaxEventKind, "event kind"}, {e.GetContainer(), MaxNameLength, "event container"},
		{e.GetReason(), MaxEventReason, "event reason"}, {e.GetMessage(), MaxEventMessage, "event message"}} {
		if err := checkText(f.s, f.max, f.what); err != nil {
			return PodEvent{}, err
		}
	}
	return PodEvent{Time: fromUnixNano(e.GetTime()), Kind: e.GetKind(), Container: e.GetContainer(),
		ExitCode: e.GetExitCode(), Reason: e.GetReason(), Message: e.GetMessage()}, nil
}
