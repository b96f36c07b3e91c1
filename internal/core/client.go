package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-msgio/pbio"

	corepb "github.com/trustedpods/tpod/api/proto/core"
	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/payment"
)

// Client is the daemon's side of the socket: everything the provider asks
// of its enclave keys goes through it. It keeps a few connections open and
// dials again after the core restarted. Safe for concurrent use.
type Client struct {
	path string

	mu   sync.Mutex
	idle []*clientConn
	id   Identity
}

type clientConn struct {
	c net.Conn
	r pbio.ReadCloser
	w pbio.WriteCloser
}

// maxIdle bounds the connections kept open.
const maxIdle = 4

// Dial returns a client of the core at path, waiting for the socket to
// accept (a core starting) until ctx is done.
func Dial(ctx context.Context, path string) (*Client, error) {
	c := &Client{path: path}
	for {
		cc, err := c.dial(ctx)
		if err == nil {
			c.put(cc)
			return c, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("signing core at %s: %w", path, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (c *Client) dial(ctx context.Context) (*clientConn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.path)
	if err != nil {
		return nil, err
	}
	return &clientConn{c: conn, r: pbio.NewDelimitedReader(conn, MaxResponseSize), w: pbio.NewDelimitedWriter(conn)}, nil
}

func (c *Client) get() *clientConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.idle); n > 0 {
		cc := c.idle[n-1]
		c.idle = c.idle[:n-1]
		return cc
	}
	return nil
}

func (c *Client) put(cc *clientConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.idle) < maxIdle {
		c.idle = append(c.idle, cc)
		return
	}
	cc.c.Close()
}

// Close closes the idle connections.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cc := range c.idle {
		cc.c.Close()
	}
	c.idle = nil
	return nil
}

// call sends req and returns the result, or the core's refusal. A kept
// connection that fails before an answer (the core restarted) is replaced
// once by a fresh one.
func (c *Client) call(ctx context.Context, req *corepb.Request) (*corepb.Response, error) {
	req.Version = ProtocolVersion
	for attempt := 0; ; attempt++ {
		cc, reused := c.get(), true
		if cc == nil {
			var err error
			if cc, err = c.dial(ctx); err != nil {
				return nil, fmt.Errorf("signing core: %w: %w", ErrUnavailable, err)
			}
			reused = false
		}
		deadline, ok := ctx.Deadline()
		if !ok {
			deadline = time.Now().Add(callTimeout)
		}
		cc.c.SetDeadline(deadline)
		var resp corepb.Response
		err := cc.w.WriteMsg(req)
		if err == nil {
			err = cc.r.ReadMsg(&resp)
		}
		if err != nil {
			cc.c.Close()
			if reused && attempt == 0 && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
				continue
			}
			return nil, fmt.Errorf("signing core: %w: %w", ErrUnavailable, err)
		}
		c.put(cc)
		if resp.Error != nil {
			return nil, fromPB(resp.Error)
		}
		return &resp, nil
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Hello pins the daemon's chain and peer ID and sets the extra evidence
// data (see Core.Hello); it returns and remembers the core's identity.
func (c *Client) Hello(ctx context.Context, h Hello) (Identity, error) {
	chain := uint64(0)
	if h.Domain.ChainID != nil {
		chain = h.Domain.ChainID.Uint64()
	}
	resp, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Hello{Hello: &corepb.HelloRequest{
		ChainId: chain, Payment: h.Domain.Contract.Bytes(), PeerId: h.Peer.String(), Extra: h.Extra}}})
	if err != nil {
		return Identity{}, err
	}
	r := resp.GetHello()
	if r == nil || len(r.Signer) != common.AddressLength || len(r.X25519) != 32 {
		return Identity{}, fmt.Errorf("signing core: malformed hello response")
	}
	id := Identity{Kind: attest.Kind(r.Kind), Signer: common.BytesToAddress(r.Signer), X25519: r.X25519, Sealing: r.Sealing, Metering: r.Metering}
	c.mu.Lock()
	c.id = id
	c.mu.Unlock()
	return id, nil
}

// Identity is what the last Hello returned.
func (c *Client) Identity() Identity {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id
}

// Address is the receipt key's address (after Hello).
func (c *Client) Address() common.Address { return c.Identity().Signer }

// Kind is the TEE the core runs in (after Hello).
func (c *Client) Kind() attest.Kind { return c.Identity().Kind }

// Evidence is fresh evidence for nonce, committing to the configuration
// document, the peer ID and the extra data the core holds.
func (c *Client) Evidence(ctx context.Context, nonce []byte) (*attest.Evidence, error) {
	resp, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Evidence{Evidence: &corepb.EvidenceRequest{Nonce: nonce}}})
	if err != nil {
		return nil, err
	}
	return attest.ParseEvidence(resp.GetEvidence().GetEvidence())
}

// OpenChannel tells the core about a channel (Core.OpenChannel).
func (c *Client) OpenChannel(ctx context.Context, id [32]byte, publisher common.Address, base payment.Baseline, reset bool) (adopted bool, err error) {
	resp, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Open{Open: &corepb.OpenRequest{
		ChannelId: id[:], Publisher: publisher.Bytes(), Baseline: baselinePB(base), Reset_: reset}}})
	if err != nil {
		return false, err
	}
	return resp.GetOpen().GetAdopted(), nil
}

// UnwrapKey returns the data key of the bundle whose header is given, if
// it is bound to the channel (Core.Unwrap).
func (c *Client) UnwrapKey(ctx context.Context, id [32]byte, header []byte) ([]byte, error) {
	resp, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Unwrap{Unwrap: &corepb.UnwrapRequest{ChannelId: id[:], Header: header}}})
	if err != nil {
		return nil, err
	}
	dk := resp.GetUnwrap().GetDataKey()
	if len(dk) != 32 {
		return nil, fmt.Errorf("signing core: a data key of %d bytes", len(dk))
	}
	return dk, nil
}

// Commit says the bundle issued at issuedAt runs on the channel.
func (c *Client) Commit(ctx context.Context, id [32]byte, issuedAt uint64) error {
	_, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Commit{Commit: &corepb.CommitRequest{ChannelId: id[:], IssuedAt: issuedAt}}})
	return err
}

// SignReceipts asks the core to sign receipts; errs holds each refusal
// (ErrNotMetered, ErrNotMonotonic, ...), err a failure of the whole call.
func (c *Client) SignReceipts(ctx context.Context, rs []payment.Receipt) (sigs [][]byte, errs []error, err error) {
	req := &corepb.SignRequest{Receipts: make([]*corepb.Receipt, len(rs))}
	for i, r := range rs {
		req.Receipts[i] = receiptPB(r)
	}
	resp, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Sign{Sign: req}})
	if err != nil {
		return nil, nil, err
	}
	res := resp.GetSign().GetResults()
	if len(res) != len(rs) {
		return nil, nil, fmt.Errorf("signing core: %d results for %d receipts", len(res), len(rs))
	}
	sigs, errs = make([][]byte, len(rs)), make([]error, len(rs))
	for i, r := range res {
		if r.Error != nil {
			errs[i] = fromPB(r.Error)
			continue
		}
		if len(r.Signature) != 65 {
			errs[i] = fmt.Errorf("signing core: a signature of %d bytes", len(r.Signature))
			continue
		}
		sigs[i] = r.Signature
	}
	return sigs, errs, nil
}

// Usage reports the given channels (every open one if none), after a
// metering round when sampleNow is set.
func (c *Client) Usage(ctx context.Context, sampleNow bool, ids ...[32]byte) ([]ChannelUsage, error) {
	req := &corepb.UsageRequest{SampleNow: sampleNow}
	for _, id := range ids {
		req.ChannelIds = append(req.ChannelIds, id[:])
	}
	resp, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Usage{Usage: req}})
	if err != nil {
		return nil, err
	}
	var out []ChannelUsage
	for _, u := range resp.GetUsage().GetChannels() {
		id, err := toID(u.ChannelId)
		if err != nil {
			return nil, err
		}
		v, err := toVec(u.Usage)
		if err != nil {
			return nil, err
		}
		last, err := fromBaselinePB(u.LastSigned)
		if err != nil {
			return nil, err
		}
		out = append(out, ChannelUsage{Channel: id, Usage: v, Running: u.Running, SampledAt: fromUnixNano(u.SampledAt), LastSigned: last, IssuedAt: u.IssuedAt})
	}
	return out, nil
}

// Report sends one round of samples (MeterReported).
func (c *Client) Report(ctx context.Context, samples []Sample) error {
	req := &corepb.ReportRequest{Samples: make([]*corepb.Sample, len(samples))}
	for i, s := range samples {
		req.Samples[i] = &corepb.Sample{ChannelId: s.Channel[:], Running: s.Running, Since: unixNano(s.Since), CpuNanos: s.CPUNanos,
			MemoryWorkingSetBytes: s.WorkingSet, EgressBytes: s.Egress, Replicas: s.Replicas}
	}
	_, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Report{Report: req}})
	return err
}

// CloseChannel says the channel's pod is deleted and its final receipt
// signed.
func (c *Client) CloseChannel(ctx context.Context, id [32]byte) error {
	_, err := c.call(ctx, &corepb.Request{Call: &corepb.Request_Close{Close: &corepb.CloseRequest{ChannelId: id[:]}}})
	return err
}
