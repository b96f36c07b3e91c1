package p2p

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
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

// Config holds a Server's dependencies.
type Config struct {
	// Service answers the requests. Required.
	Service Service
	// Channels resolves a channel's publisher. Required.
	Channels Channels
	// Nonces remembers used request nonces; nil means a MemoryNonces.
	Nonces NonceStore
	// Domain is the EIP-712 domain requests are signed in: this provider's
	// chain and Payment contract.
	Domain Domain
	// Limits bound what the server accepts; zero fields take DefaultLimits.
	Limits Limits
	// Logger receives one line per failed request; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server answers the /tpod protocols on a libp2p host.
type Server struct {
	host  host.Host
	self  string
	cfg   Config
	lim   Limits
	log   *slog.Logger
	now   func() time.Time
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	mu    sync.Mutex
	peers map[peer.ID]int
	total int
	done  bool
}

// NewServer registers the protocol handlers on h. Close removes them.
func NewServer(h host.Host, cfg Config) (*Server, error) {
	if cfg.Service == nil || cfg.Channels == nil {
		return nil, errors.New("p2p server: Service and Channels are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Nonces == nil {
		cfg.Nonces = NewMemoryNonces(cfg.Now)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Server{
		host:  h,
		self:  h.ID().String(),
		cfg:   cfg,
		lim:   cfg.Limits.withDefaults(),
		log:   log.With("component", "p2p"),
		now:   cfg.Now,
		ctx:   ctx,
		stop:  stop,
		peers: make(map[peer.ID]int),
	}
	h.SetStreamHandler(AttestID, s.handler(AttestID, s.attest))
	h.SetStreamHandler(QuoteID, s.handler(QuoteID, s.quote))
	h.SetStreamHandler(ProvisionID, s.handler(ProvisionID, s.provision))
	h.SetStreamHandler(ManageID, s.handler(ManageID, s.manage))
	return s, nil
}

// Close stops accepting requests, cancels the ones being served and waits for
// their handlers to return.
func (s *Server) Close() error {
	for _, id := range []protocol.ID{AttestID, QuoteID, ProvisionID, ManageID} {
		s.host.RemoveStreamHandler(id)
	}
	s.mu.Lock()
	s.done = true
	s.mu.Unlock()
	s.stop()
	s.wg.Wait()
	return nil
}

// acquire takes a concurrency slot for p; it reports false when the server is
// closed or the limits are reached.
func (s *Server) acquire(p peer.ID) (ok, busy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false, false
	}
	if s.total >= s.lim.MaxStreams || s.peers[p] >= s.lim.MaxStreamsPerPeer {
		return false, true
	}
	s.total++
	s.peers[p]++
	s.wg.Add(1)
	return true, false
}

func (s *Server) release(p peer.ID) {
	s.mu.Lock()
	s.total--
	if s.peers[p]--; s.peers[p] <= 0 {
		delete(s.peers, p)
	}
	s.mu.Unlock()
	s.wg.Done()
}

// exchange is one request stream being served.
type exchange struct {
	s      *Server
	st     network.Stream
	r      pbio.ReadCloser
	w      pbio.WriteCloser
	remote peer.ID
	proto  protocol.ID
}

// read reads the request with the read deadline.
func (x *exchange) read(m proto.Message) error {
	if err := x.st.SetReadDeadline(time.Now().Add(x.s.lim.ReadTimeout)); err != nil {
		return err
	}
	// Close cuts reads short (see handler); checked after setting the
	// deadline so that a Close in between is not missed.
	if err := x.s.ctx.Err(); err != nil {
		return errors.New("server closed")
	}
	if err := x.r.ReadMsg(m); err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	return nil
}

// write writes one response message with the write deadline. A response
// larger than MaxResponseSize is replaced by an internal error.
func (x *exchange) write(m proto.Message) error {
	if proto.Size(m) > MaxResponseSize {
		x.s.log.Error("response too large", "protocol", x.proto, "size", proto.Size(m))
		m = &p2ppb.AttestResponse{Error: &p2ppb.Error{Code: p2ppb.ErrorCode_ERROR_CODE_INTERNAL, Message: "internal error"}}
	}
	if err := x.st.SetWriteDeadline(time.Now().Add(x.s.lim.WriteTimeout)); err != nil {
		return err
	}
	if err := x.w.WriteMsg(m); err != nil {
		return fmt.Errorf("write response: %w", err)
	}
	return nil
}

// writeError answers with err. Every response message has its Error in field
// 1, so an AttestResponse holding only the error encodes the same bytes as
// any other response holding only it.
func (x *exchange) writeError(err error) error {
	pe, known := toWire(err)
	if known {
		x.s.log.Debug("request refused", "protocol", x.proto, "peer", x.remote, "code", Code(pe.Code).String(), "err", err)
	} else {
		x.s.log.Warn("request failed", "protocol", x.proto, "peer", x.remote, "err", err)
	}
	return x.write(&p2ppb.AttestResponse{Error: pe})
}

// handler wraps a protocol handler: concurrency limits, deadlines, and the
// stream's end. A handler returns an error only when the stream itself failed
// (unreadable or oversized request, deadline, write failure): the stream is
// then reset. Refusals travel as error responses written by the handler.
func (s *Server) handler(id protocol.ID, fn func(*exchange) error) network.StreamHandler {
	return func(st network.Stream) {
		remote := st.Conn().RemotePeer()
		x := &exchange{s: s, st: st, remote: remote, proto: id,
			r: pbio.NewDelimitedReader(st, MaxRequestSize), w: pbio.NewDelimitedWriter(st)}
		ok, busy := s.acquire(remote)
		if !ok {
			if busy {
				if err := x.writeError(errorf(CodeBusy, "too many concurrent requests")); err == nil {
					_ = st.Close()
					return
				}
			}
			_ = st.Reset()
			return
		}
		defer s.release(remote)
		// Close unblocks a handler waiting for a slow request at once.
		stop := context.AfterFunc(s.ctx, func() { _ = st.SetReadDeadline(time.Now()) })
		defer stop()
		if err := fn(x); err != nil {
			s.log.Debug("stream reset", "protocol", id, "peer", remote, "err", err)
			_ = st.Reset()
			return
		}
		_ = st.Close()
	}
}

// respond writes the service's answer, or its error.
func (x *exchange) respond(resp proto.Message, err error) error {
	if err != nil {
		return x.writeError(err)
	}
	return x.write(resp)
}

func (s *Server) attest(x *exchange) error {
	var req p2ppb.AttestRequest
	if err := x.read(&req); err != nil {
		return err
	}
	if err := validateAttest(&req); err != nil {
		return x.writeError(err)
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.lim.HandlerTimeout)
	defer cancel()
	ev, err := s.cfg.Service.Attest(ctx, req.Nonce)
	if err != nil {
		return x.writeError(err)
	}
	if ev == nil || len(ev.EncryptionKey) != 32 {
		return x.writeError(fmt.Errorf("attest: service returned no evidence or a bad encryption key"))
	}
	return x.write(&p2ppb.AttestResponse{Kind: ev.Kind, Evidence: ev.Data, EnclaveSigner: ev.Signer.Bytes(), EncryptionKey: ev.EncryptionKey})
}

func validateAttest(req *p2ppb.AttestRequest) error {
	if n := len(req.GetNonce()); n < MinNonceLength || n > MaxNonceLength {
		return errorf(CodeInvalid, "nonce is %d bytes, want %d to %d", n, MinNonceLength, MaxNonceLength)
	}
	return nil
}

func (s *Server) quote(x *exchange) error {
	var req p2ppb.QuoteRequest
	if err := x.read(&req); err != nil {
		return err
	}
	q, err := validateQuote(&req)
	if err != nil {
		return x.writeError(err)
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.lim.HandlerTimeout)
	defer cancel()
	res, err := s.cfg.Service.Quote(ctx, q)
	if err != nil {
		return x.writeError(err)
	}
	if res == nil {
		return x.writeError(errors.New("quote: service returned nothing"))
	}
	resp, err := quoteToPB(res)
	return x.respond(resp, err)
}

func validateQuote(req *p2ppb.QuoteRequest) (QuoteRequest, error) {
	q := QuoteRequest{Resources: resourcesFromPB(req.GetResources())}
	if req.GetResources() == nil {
		return q, errorf(CodeInvalid, "quote request has no resources")
	}
	if len(req.GetToken()) > 0 {
		t, err := address(req.GetToken(), "token")
		if err != nil {
			return q, err
		}
		q.Token = t
	}
	return q, nil
}

// authorize verifies a signed request's authorization for op on pod and
// returns the verified publisher. Checks run cheapest first; the nonce is
// recorded last, so only requests by the channel's publisher consume one.
func (s *Server) authorize(ctx context.Context, sr *p2ppb.SignedRequest, op string, pod Pod) (common.Address, error) {
	a := sr.GetAuth()
	if a == nil {
		return common.Address{}, errorf(CodeUnauthorized, "request carries no authorization")
	}
	if a.GetOp() != op {
		return common.Address{}, errorf(CodeUnauthorized, "authorization is for op %q, request is %q", truncateUTF8(a.GetOp(), 32), op)
	}
	if a.GetProvider() != s.self {
		return common.Address{}, errorf(CodeWrongProvider, "authorization is for provider %q, this is %s", truncateUTF8(a.GetProvider(), 64), s.self)
	}
	if !bytes.Equal(a.GetPodId(), pod.PodID[:]) {
		return common.Address{}, errorf(CodeUnauthorized, "authorization is for another pod")
	}
	if h := crypto.Keccak256(sr.GetBody()); !bytes.Equal(a.GetPayloadHash(), h) {
		return common.Address{}, errorf(CodePayloadMismatch, "payload hash does not match the request body")
	}
	now := s.now()
	if limit := now.Add(s.lim.MaxAuthValidity + s.lim.ClockSkew).Unix(); limit < 0 || a.GetExpiry() > uint64(limit) {
		return common.Address{}, errorf(CodeInvalid, "authorization expiry %d is more than %s ahead", a.GetExpiry(), s.lim.MaxAuthValidity)
	}
	// Refused from the first instant after expiry, so a nonce store may
	// forget a nonce as soon as its expiry is in the past.
	expiry := time.Unix(int64(a.GetExpiry()), 0)
	if now.After(expiry) {
		return common.Address{}, errorf(CodeExpired, "authorization expired at %d, now %d", a.GetExpiry(), now.Unix())
	}
	nonce, err := bytes32(a.GetNonce(), "nonce")
	if err != nil {
		return common.Address{}, err
	}
	auth := Authorization{Provider: s.self, PodID: pod.PodID, Op: op, Expiry: a.GetExpiry(), Nonce: nonce}
	copy(auth.PayloadHash[:], a.GetPayloadHash())
	signer, err := RecoverSigner(auth.Digest(s.cfg.Domain), a.GetSignature())
	if err != nil {
		return common.Address{}, errorf(CodeUnauthorized, "%v", err)
	}
	publisher, err := s.cfg.Channels.ChannelPublisher(ctx, pod.ChannelID, pod.PodID)
	if err != nil {
		return common.Address{}, fmt.Errorf("channel %x: %w", pod.ChannelID, err)
	}
	if signer != publisher {
		return common.Address{}, errorf(CodeUnauthorized, "signed by %s, not by the channel's publisher %s", signer, publisher)
	}
	fresh, err := s.cfg.Nonces.UseNonce(ctx, nonce, expiry)
	if err != nil {
		return common.Address{}, fmt.Errorf("record nonce: %w: %w", err, ErrUnavailable)
	}
	if !fresh {
		return common.Address{}, errorf(CodeReplayed, "nonce %x was already used", nonce)
	}
	return signer, nil
}

// cancelWhenGone cancels a provision's or an update's work once the
// requester's connection is closed: nobody waits for the answer any more,
// and the bundle's source (the publisher's IPFS node, on that connection)
// is usually gone with it. The provider abandons the order and undoes its
// part; the publisher resumes. Without this the order would hold the pod
// busy until ProvisionTimeout. It returns the function that stops watching.
func (x *exchange) cancelWhenGone(cancel context.CancelFunc) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if x.st.Conn().IsClosed() {
					cancel()
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

func (s *Server) provision(x *exchange) error {
	var sr p2ppb.SignedRequest
	if err := x.read(&sr); err != nil {
		return err
	}
	req, err := decodeProvision(sr.GetBody())
	if err != nil {
		return x.writeError(err)
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.lim.ProvisionTimeout)
	defer cancel()
	defer x.cancelWhenGone(cancel)()
	if req.Pod.Publisher, err = s.authorize(ctx, &sr, OpProvision, req.Pod.Pod); err != nil {
		return x.writeError(err)
	}
	st, err := s.cfg.Service.Provision(ctx, req)
	if err == nil && st == nil {
		err = errors.New("provision: service returned no status")
	}
	if err != nil {
		return x.writeError(err)
	}
	return x.write(&p2ppb.ProvisionResponse{Status: statusToPB(st)})
}

func decodeProvision(body []byte) (ProvisionRequest, error) {
	var pr p2ppb.ProvisionRequest
	if err := proto.Unmarshal(body, &pr); err != nil {
		return ProvisionRequest{}, errorf(CodeInvalid, "provision request body: %v", err)
	}
	pod, err := decodePod(pr.GetChannelId(), pr.GetPodId())
	if err != nil {
		return ProvisionRequest{}, err
	}
	if err := checkCID(pr.GetBundleCid()); err != nil {
		return ProvisionRequest{}, err
	}
	return ProvisionRequest{Pod: PodRef{Pod: pod}, BundleCID: pr.GetBundleCid()}, nil
}

func decodePod(channelID, podID []byte) (Pod, error) {
	var p Pod
	var err error
	if p.ChannelID, err = bytes32(channelID, "channel id"); err != nil {
		return p, err
	}
	if p.PodID, err = bytes32(podID, "pod id"); err != nil {
		return p, err
	}
	return p, nil
}

// checkCID checks the shape of a CID; the provider parses it when it fetches.
func checkCID(c string) error {
	if c == "" {
		return errorf(CodeInvalid, "bundle CID is empty")
	}
	if err := checkText(c, MaxCIDLength, "bundle CID"); err != nil {
		return err
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return errorf(CodeInvalid, "bundle CID holds %q", r)
		}
	}
	return nil
}

// manageOp is a decoded ManageRequest.
type manageOp struct {
	op        string
	pod       Pod
	logs      LogOptions
	bundleCID string
	container string
	limit     int
}

func decodeManage(body []byte) (manageOp, error) {
	var mr p2ppb.ManageRequest
	if err := proto.Unmarshal(body, &mr); err != nil {
		return manageOp{}, errorf(CodeInvalid, "manage request body: %v", err)
	}
	pod, err := decodePod(mr.GetChannelId(), mr.GetPodId())
	if err != nil {
		return manageOp{}, err
	}
	m := manageOp{pod: pod}
	switch op := mr.GetOp().(type) {
	case *p2ppb.ManageRequest_Status:
		m.op = OpStatus
	case *p2ppb.ManageRequest_Logs:
		m.op = OpLogs
		l := op.Logs
		if err := checkText(l.GetContainer(), MaxNameLength, "container"); err != nil {
			return m, err
		}
		if l.GetSince() < 0 {
			return m, errorf(CodeInvalid, "logs since is negative")
		}
		m.logs = LogOptions{Container: l.GetContainer(), Follow: l.GetFollow(), TailLines: l.GetTailLines(), Since: fromUnixNano(l.GetSince())}
	case *p2ppb.ManageRequest_Update:
		m.op = OpUpdate
		if err := checkCID(op.Update.GetBundleCid()); err != nil {
			return m, err
		}
		m.bundleCID = op.Update.GetBundleCid()
	case *p2ppb.ManageRequest_Delete:
		m.op = OpDelete
	case *p2ppb.ManageRequest_Restart:
		m.op = OpRestart
		if err := checkText(op.Restart.GetContainer(), MaxNameLength, "container"); err != nil {
			return m, err
		}
		m.container = op.Restart.GetContainer()
	case *p2ppb.ManageRequest_Events:
		m.op = OpEvents
		m.limit = MaxEvents
		if l := op.Events.GetLimit(); l != 0 && l < MaxEvents {
			m.limit = int(l)
		}
	default:
		return m, errorf(CodeInvalid, "manage request names no operation")
	}
	return m, nil
}

func (s *Server) manage(x *exchange) error {
	var sr p2ppb.SignedRequest
	if err := x.read(&sr); err != nil {
		return err
	}
	m, err := decodeManage(sr.GetBody())
	if err != nil {
		return x.writeError(err)
	}
	timeout := s.lim.HandlerTimeout
	switch m.op {
	case OpUpdate:
		timeout = s.lim.ProvisionTimeout
	case OpLogs:
		timeout = s.lim.LogsTimeout
	}
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	if m.op == OpUpdate {
		defer x.cancelWhenGone(cancel)()
	}
	ref := PodRef{Pod: m.pod}
	if ref.Publisher, err = s.authorize(ctx, &sr, m.op, m.pod); err != nil {
		return x.writeError(err)
	}
	if m.op == OpLogs {
		return s.logs(ctx, x, ref, m.logs)
	}
	if m.op == OpEvents {
		evs, err := s.cfg.Service.Events(ctx, ref, m.limit)
		if err != nil {
			return x.writeError(err)
		}
		return x.write(eventsResponse(evs, m.limit))
	}
	var st *PodStatus
	switch m.op {
	case OpStatus:
		st, err = s.cfg.Service.Status(ctx, ref)
	case OpUpdate:
		st, err = s.cfg.Service.Update(ctx, ref, m.bundleCID)
	case OpDelete:
		st, err = s.cfg.Service.Delete(ctx, ref)
	case OpRestart:
		st, err = s.cfg.Service.Restart(ctx, ref, m.container)
	}
	if err == nil && st == nil {
		err = fmt.Errorf("%s: service returned no status", m.op)
	}
	if err != nil {
		return x.writeError(err)
	}
	return x.write(&p2ppb.ManageResponse{Status: statusToPB(st)})
}

// logs streams log entries until the service is done, the caller closes its
// side of the stream (or resets it), or the logs time limit passes.
func (s *Server) logs(ctx context.Context, x *exchange, ref PodRef, opts LogOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// While following, the caller keeps its write side open; any read result
	// (EOF, reset, or stray bytes) means it is done. Without follow, an EOF
	// is just the end of the request.
	if err := x.st.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	go func() {
		var stray p2ppb.ManageRequest
		if err := x.r.ReadMsg(&stray); errors.Is(err, io.EOF) && !opts.Follow {
			return
		}
		cancel()
	}()
	send := func(e LogEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := e.Line
		for first := true; first || len(line) > 0; first = false {
			chunk := line[:min(len(line), MaxLogLine)]
			line = line[len(chunk):]
			e.Line = chunk
			if err := x.write(&p2ppb.ManageResponse{Log: logToPB(e)}); err != nil {
				return err
			}
		}
		return nil
	}
	err := s.cfg.Service.Logs(ctx, ref, opts, send)
	if err != nil && ctx.Err() == nil {
		// Lines may have gone out already; the error says why the stream ends.
		return x.writeError(err)
	}
	switch {
	case s.ctx.Err() != nil:
		return x.writeError(errorf(CodeUnavailable, "provider is shutting down"))
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The caller went away; nothing more to say.
		return nil
	}
	return x.write(&p2ppb.ManageResponse{Done: true})
}

// eventsResponse carries the newest events, at most limit, that fit in a
// response (the oldest are left out first).
func eventsResponse(evs []PodEvent, limit int) *p2ppb.ManageResponse {
	if len(evs) > limit {
		evs = evs[len(evs)-limit:]
	}
	resp := &p2ppb.ManageResponse{}
	size := 0
	for i := len(evs) - 1; i >= 0; i-- {
		e := eventToPB(evs[i])
		// A repeated field costs its message plus a tag and a length.
		if size += proto.Size(e) + 4; size > MaxResponseSize-1024 {
			break
		}
		resp.Events = append(resp.Events, e)
	}
	slices.Reverse(resp.Events)
	return resp
}
