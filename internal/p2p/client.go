package p2p

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-msgio/pbio"
	"google.golang.org/protobuf/proto"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
)

// Client makes requests to providers over a libp2p host. The host must know
// the provider's addresses (peerstore) or be connected to it.
type Client struct {
	host      host.Host
	domain    Domain
	hasDomain bool
	validity  time.Duration
	timeout   time.Duration
	now       func() time.Time
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithDomain sets the EIP-712 domain (chain and Payment contract) that pod
// requests are signed in. Pod requests fail without it.
func WithDomain(d Domain) ClientOption {
	return func(c *Client) { c.domain, c.hasDomain = d, true }
}

// WithAuthValidity sets how long a signed request stays valid (default 2
// minutes; providers refuse more than their MaxAuthValidity, 10 minutes by
// default).
func WithAuthValidity(d time.Duration) ClientOption {
	return func(c *Client) { c.validity = d }
}

// WithTimeout sets the time limit of a request whose context has no deadline
// (default 30 seconds; provision and update get 10 minutes; logs none).
func WithTimeout(d time.Duration) ClientOption {
	return func(c *Client) { c.timeout = d }
}

// WithClock sets the clock used for expiries.
func WithClock(now func() time.Time) ClientOption {
	return func(c *Client) { c.now = now }
}

// NewClient returns a Client that opens streams from h.
func NewClient(h host.Host, opts ...ClientOption) *Client {
	c := &Client{host: h, validity: 2 * time.Minute, timeout: 30 * time.Second, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// call is one request stream. The stream is reset when ctx ends.
type call struct {
	st   network.Stream
	r    pbio.ReadCloser
	w    pbio.WriteCloser
	stop func() bool
}

func (c *Client) open(ctx context.Context, p peer.ID, id protocol.ID) (*call, error) {
	st, err := c.host.NewStream(ctx, p, id)
	if err != nil {
		return nil, fmt.Errorf("open %s to %s: %w", id, p, errors.Join(err, ErrUnavailable))
	}
	if d, ok := ctx.Deadline(); ok {
		_ = st.SetDeadline(d)
	}
	return &call{
		st:   st,
		r:    pbio.NewDelimitedReader(st, MaxResponseSize),
		w:    pbio.NewDelimitedWriter(st),
		stop: context.AfterFunc(ctx, func() { _ = st.Reset() }),
	}, nil
}

// end closes the stream after a complete exchange, or resets it.
func (k *call) end(reset bool) {
	k.stop()
	if reset {
		_ = k.st.Reset()
		return
	}
	_ = k.st.Close()
}

// send writes the request and closes the write side unless keepOpen.
func (k *call) send(req proto.Message, keepOpen bool) error {
	if err := k.w.WriteMsg(req); err != nil {
		return fmt.Errorf("write request: %w", err)
	}
	if keepOpen {
		return nil
	}
	if err := k.st.CloseWrite(); err != nil {
		return fmt.Errorf("close request: %w", err)
	}
	return nil
}

// recv reads one response and turns its error field into an *Error.
func (k *call) recv(ctx context.Context, resp interface {
	proto.Message
	GetError() *p2ppb.Error
}) error {
	if err := k.r.ReadMsg(resp); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("read response: %w", err)
	}
	if pe := resp.GetError(); pe != nil {
		return fromWire(pe)
	}
	return nil
}

func (c *Client) withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// roundTrip sends one request and reads one response.
func (c *Client) roundTrip(ctx context.Context, p peer.ID, id protocol.ID, timeout time.Duration, req proto.Message, resp interface {
	proto.Message
	GetError() *p2ppb.Error
}) (err error) {
	ctx, cancel := c.withTimeout(ctx, timeout)
	defer cancel()
	k, err := c.open(ctx, p, id)
	if err != nil {
		return err
	}
	defer func() {
		var pe *Error
		k.end(err != nil && !errors.As(err, &pe))
	}()
	if err := k.send(req, false); err != nil {
		return err
	}
	return k.recv(ctx, resp)
}

// Attest asks p for fresh evidence bound to nonce (32 to 64 random bytes).
// The caller verifies the evidence (internal/attest); this only transports it.
func (c *Client) Attest(ctx context.Context, p peer.ID, nonce []byte) (*Evidence, error) {
	if err := validateAttest(&p2ppb.AttestRequest{Nonce: nonce}); err != nil {
		return nil, err
	}
	var resp p2ppb.AttestResponse
	if err := c.roundTrip(ctx, p, AttestID, c.timeout, &p2ppb.AttestRequest{Nonce: nonce}, &resp); err != nil {
		return nil, fmt.Errorf("attest %s: %w", p, err)
	}
	signer, err := address(resp.GetEnclaveSigner(), "enclave signer")
	if err != nil {
		return nil, fmt.Errorf("attest %s: %w", p, err)
	}
	if len(resp.GetEncryptionKey()) != 32 {
		return nil, fmt.Errorf("attest %s: encryption key is %d bytes, want 32: %w", p, len(resp.GetEncryptionKey()), ErrInvalid)
	}
	return &Evidence{Kind: resp.GetKind(), Data: resp.GetEvidence(), Signer: signer, EncryptionKey: resp.GetEncryptionKey()}, nil
}

// Quote asks p for prices and capacity for req.
func (c *Client) Quote(ctx context.Context, p peer.ID, req QuoteRequest) (*Quote, error) {
	pr := &p2ppb.QuoteRequest{Resources: resourcesToPB(req.Resources)}
	if req.Token != (common.Address{}) {
		pr.Token = req.Token.Bytes()
	}
	var resp p2ppb.QuoteResponse
	if err := c.roundTrip(ctx, p, QuoteID, c.timeout, pr, &resp); err != nil {
		return nil, fmt.Errorf("quote %s: %w", p, err)
	}
	q, err := quoteFromPB(&resp)
	if err != nil {
		return nil, fmt.Errorf("quote %s: %w", p, err)
	}
	return q, nil
}

// sign builds the SignedRequest for body.
func (c *Client) sign(p peer.ID, signer Signer, op string, podID [32]byte, body []byte) (*p2ppb.SignedRequest, error) {
	if !c.hasDomain {
		return nil, errors.New("sign request: client has no EIP-712 domain (WithDomain)")
	}
	if signer == nil {
		return nil, errors.New("sign request: no signer")
	}
	a := Authorization{
		Provider:    p.String(),
		PodID:       podID,
		Op:          op,
		PayloadHash: crypto.Keccak256Hash(body),
		Expiry:      uint64(c.now().Add(c.validity).Unix()),
	}
	if _, err := rand.Read(a.Nonce[:]); err != nil {
		return nil, err
	}
	sig, err := signer.SignDigest(a.Digest(c.domain))
	if err != nil {
		return nil, err
	}
	if len(sig) != 65 {
		return nil, fmt.Errorf("sign request: signer returned %d bytes, want 65", len(sig))
	}
	return &p2ppb.SignedRequest{Body: body, Auth: &p2ppb.Auth{
		Provider: a.Provider, PodId: podID[:], Op: op, PayloadHash: a.PayloadHash[:],
		Expiry: a.Expiry, Nonce: a.Nonce[:], Signature: sig,
	}}, nil
}

// Provision asks p to deploy the bundle bundleCID for pod, paid by its
// channel, and returns the pod's status with its endpoints.
func (c *Client) Provision(ctx context.Context, p peer.ID, signer Signer, pod Pod, bundleCID string) (*PodStatus, error) {
	body, err := proto.Marshal(&p2ppb.ProvisionRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], BundleCid: bundleCID})
	if err != nil {
		return nil, err
	}
	sr, err := c.sign(p, signer, OpProvision, pod.PodID, body)
	if err != nil {
		return nil, err
	}
	var resp p2ppb.ProvisionResponse
	if err := c.roundTrip(ctx, p, ProvisionID, 10*time.Minute, sr, &resp); err != nil {
		return nil, fmt.Errorf("provision %x at %s: %w", pod.PodID, p, err)
	}
	st, err := podStatus(resp.GetStatus(), pod)
	if err != nil {
		return nil, fmt.Errorf("provision %x at %s: %w", pod.PodID, p, err)
	}
	return st, nil
}

func (c *Client) manageRequest(p peer.ID, signer Signer, op string, pod Pod, mr *p2ppb.ManageRequest) (*p2ppb.SignedRequest, error) {
	mr.ChannelId, mr.PodId = pod.ChannelID[:], pod.PodID[:]
	body, err := proto.Marshal(mr)
	if err != nil {
		return nil, err
	}
	return c.sign(p, signer, op, pod.PodID, body)
}

func (c *Client) manage(ctx context.Context, p peer.ID, signer Signer, op string, pod Pod, mr *p2ppb.ManageRequest, timeout time.Duration) (*PodStatus, error) {
	sr, err := c.manageRequest(p, signer, op, pod, mr)
	if err != nil {
		return nil, err
	}
	var resp p2ppb.ManageResponse
	if err := c.roundTrip(ctx, p, ManageID, timeout, sr, &resp); err != nil {
		return nil, fmt.Errorf("%s %x at %s: %w", op, pod.PodID, p, err)
	}
	st, err := podStatus(resp.GetStatus(), pod)
	if err != nil {
		return nil, fmt.Errorf("%s %x at %s: %w", op, pod.PodID, p, err)
	}
	return st, nil
}

// podStatus decodes a status and checks it is about pod.
func podStatus(s *p2ppb.PodStatus, pod Pod) (*PodStatus, error) {
	st, err := statusFromPB(s)
	if err != nil {
		return nil, err
	}
	if st.PodID != pod.PodID {
		return nil, errorf(CodeInvalid, "status is about pod %x", st.PodID)
	}
	return st, nil
}

// Status returns the status of pod at p.
func (c *Client) Status(ctx context.Context, p peer.ID, signer Signer, pod Pod) (*PodStatus, error) {
	return c.manage(ctx, p, signer, OpStatus, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}}, c.timeout)
}

// Update replaces pod's bundle with bundleCID.
func (c *Client) Update(ctx context.Context, p peer.ID, signer Signer, pod Pod, bundleCID string) (*PodStatus, error) {
	return c.manage(ctx, p, signer, OpUpdate, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Update{Update: &p2ppb.UpdateOp{BundleCid: bundleCID}}}, 10*time.Minute)
}

// Delete stops and removes pod.
func (c *Client) Delete(ctx context.Context, p peer.ID, signer Signer, pod Pod) (*PodStatus, error) {
	return c.manage(ctx, p, signer, OpDelete, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Delete{Delete: &p2ppb.DeleteOp{}}}, c.timeout)
}

// Restart restarts container of pod, or the whole pod when container is "".
func (c *Client) Restart(ctx context.Context, p peer.ID, signer Signer, pod Pod, container string) (*PodStatus, error) {
	return c.manage(ctx, p, signer, OpRestart, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Restart{Restart: &p2ppb.RestartOp{Container: container}}}, c.timeout)
}

// Events returns pod's newest events at p, at most limit (0: the
// provider's default), oldest first.
func (c *Client) Events(ctx context.Context, p peer.ID, signer Signer, pod Pod, limit uint32) ([]PodEvent, error) {
	sr, err := c.manageRequest(p, signer, OpEvents, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Events{Events: &p2ppb.EventsOp{Limit: limit}}})
	if err != nil {
		return nil, err
	}
	var resp p2ppb.ManageResponse
	if err := c.roundTrip(ctx, p, ManageID, c.timeout, sr, &resp); err != nil {
		return nil, fmt.Errorf("events %x at %s: %w", pod.PodID, p, err)
	}
	if len(resp.GetEvents()) > MaxEvents {
		return nil, fmt.Errorf("events %x at %s: %d events, more than %d: %w", pod.PodID, p, len(resp.GetEvents()), MaxEvents, ErrInvalid)
	}
	out := make([]PodEvent, 0, len(resp.GetEvents()))
	for _, e := range resp.GetEvents() {
		ev, err := eventFromPB(e)
		if err != nil {
			return nil, fmt.Errorf("events %x at %s: %w", pod.PodID, p, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// Logs streams pod's log lines to fn until the provider says it is done, fn
// returns an error (returned as is), or ctx ends (with opts.Follow, cancel
// ctx to stop: Logs then returns nil). A ctx without deadline gets none here.
func (c *Client) Logs(ctx context.Context, p peer.ID, signer Signer, pod Pod, opts LogOptions, fn func(LogEntry) error) (err error) {
	sr, err := c.manageRequest(p, signer, OpLogs, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Logs{Logs: &p2ppb.LogsOp{
		Container: opts.Container, Follow: opts.Follow, TailLines: opts.TailLines, Since: unixNano(opts.Since),
	}}})
	if err != nil {
		return err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	k, err := c.open(ctx, p, ManageID)
	if err != nil {
		return err
	}
	clean := false
	defer func() { k.end(!clean) }()
	// The write side stays open: closing it tells the provider to stop.
	if err := k.send(sr, true); err != nil {
		return fmt.Errorf("logs %x at %s: %w", pod.PodID, p, err)
	}
	for {
		var resp p2ppb.ManageResponse
		if err := k.recv(ctx, &resp); err != nil {
			if parent.Err() != nil && opts.Follow {
				return nil
			}
			var pe *Error
			clean = errors.As(err, &pe)
			return fmt.Errorf("logs %x at %s: %w", pod.PodID, p, err)
		}
		if resp.GetDone() {
			clean = true
			return nil
		}
		if resp.GetLog() == nil {
			return fmt.Errorf("logs %x at %s: response carries no log entry: %w", pod.PodID, p, ErrInvalid)
		}
		if err := fn(logFromPB(resp.GetLog())); err != nil {
			return err
		}
	}
}
