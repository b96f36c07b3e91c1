package core

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-msgio/pbio"

	corepb "github.com/trustedpods/tpod/api/proto/core"
	"github.com/trustedpods/tpod/internal/payment"
)

// Deadlines of the server: a connection with no request for idleTimeout is
// closed; a request must arrive whole, and its response leave, within
// callTimeout.
const (
	idleTimeout = 10 * time.Minute
	callTimeout = 30 * time.Second
)

// Server serves a core on a unix socket. Only processes of the core's own
// user may connect (the socket is 0600 in a 0700 directory, and the peer's
// credentials are checked).
type Server struct {
	core *Core
	ln   *net.UnixListener
	path string
	log  *slog.Logger

	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// Listen creates the socket at path: its directory is created (or made)
// 0700, a stale socket of a core that is gone is removed, and the socket
// is made 0600.
func Listen(c *Core, path string) (*Server, error) {
	if len(path) >= 108 {
		return nil, fmt.Errorf("signing core socket %s: a unix socket path must be shorter than 108 bytes", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("signing core socket: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("signing core socket: %w", err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("signing core socket %s exists and is not a socket", path)
		}
		if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
			conn.Close()
			return nil, fmt.Errorf("signing core socket %s: another core serves there", path)
		}
		os.Remove(path)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("signing core socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return &Server{core: c, ln: ln, path: path, log: c.log, conns: map[net.Conn]bool{}}, nil
}

// Path is the socket's path.
func (s *Server) Path() string { return s.path }

// Serve accepts connections until ctx is done or Close is called.
func (s *Server) Serve(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	for {
		conn, err := s.ln.AcceptUnix()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				s.wg.Wait()
				return nil
			}
			return err
		}
		if err := checkPeer(conn); err != nil {
			s.log.Warn("connection refused", "err", err)
			conn.Close()
			continue
		}
		s.mu.Lock()
		s.conns[conn] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(ctx, conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
		}()
	}
}

// Close stops accepting, closes every connection and removes the socket.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// checkPeer refuses a process of another user (root aside).
func checkPeer(conn *net.UnixConn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if me := uint32(os.Geteuid()); cred.Uid != me && cred.Uid != 0 {
		return fmt.Errorf("peer uid %d is not the core's (%d)", cred.Uid, me)
	}
	return nil
}

func (s *Server) serveConn(ctx context.Context, conn net.Conn) {
	defer conn.Close()
	r := pbio.NewDelimitedReader(conn, MaxRequestSize)
	w := pbio.NewDelimitedWriter(conn)
	for {
		conn.SetReadDeadline(time.Now().Add(idleTimeout))
		var req corepb.Request
		if err := r.ReadMsg(&req); err != nil {
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				s.log.Debug("read request", "err", err)
			}
			return
		}
		conn.SetDeadline(time.Now().Add(callTimeout))
		cctx, cancel := context.WithTimeout(ctx, callTimeout)
		resp := s.handle(cctx, &req)
		cancel()
		if err := w.WriteMsg(resp); err != nil {
			return
		}
	}
}

// handle answers one request.
func (s *Server) handle(ctx context.Context, req *corepb.Request) *corepb.Response {
	resp, err := s.dispatch(ctx, req)
	if err != nil {
		return &corepb.Response{Error: toPB(err)}
	}
	return resp
}

func (s *Server) dispatch(ctx context.Context, req *corepb.Request) (*corepb.Response, error) {
	if req.Version != ProtocolVersion {
		return nil, fmt.Errorf("%w: protocol version %d, this core speaks %d", ErrInvalid, req.Version, ProtocolVersion)
	}
	c := s.core
	switch call := req.Call.(type) {
	case *corepb.Request_Hello:
		h, err := parseHello(call.Hello)
		if err != nil {
			return nil, err
		}
		id, err := c.Hello(h)
		if err != nil {
			return nil, err
		}
		return &corepb.Response{Result: &corepb.Response_Hello{Hello: &corepb.HelloResponse{Kind: string(id.Kind), Signer: id.Signer.Bytes(),
			X25519: id.X25519, Sealing: id.Sealing, Metering: id.Metering}}}, nil
	case *corepb.Request_Evidence:
		ev, err := c.Evidence(ctx, call.Evidence.GetNonce())
		if err != nil {
			return nil, err
		}
		return &corepb.Response{Result: &corepb.Response_Evidence{Evidence: &corepb.EvidenceResponse{Evidence: ev}}}, nil
	case *corepb.Request_Open:
		o := call.Open
		id, err := toID(o.GetChannelId())
		if err != nil {
			return nil, err
		}
		pub, err := toAddr(o.GetPublisher())
		if err != nil {
			return nil, err
		}
		base, err := fromBaselinePB(o.GetBaseline())
		if err != nil {
			return nil, err
		}
		adopted, err := c.OpenChannel(id, pub, base, o.GetReset_())
		if err != nil {
			return nil, err
		}
		return &corepb.Response{Result: &corepb.Response_Open{Open: &corepb.OpenResponse{Adopted: adopted}}}, nil
	case *corepb.Request_Unwrap:
		id, err := toID(call.Unwrap.GetChannelId())
		if err != nil {
			return nil, err
		}
		dk, err := c.Unwrap(id, call.Unwrap.GetHeader())
		if err != nil {
			return nil, err
		}
		return &corepb.Response{Result: &corepb.Response_Unwrap{Unwrap: &corepb.UnwrapResponse{DataKey: dk}}}, nil
	case *corepb.Request_Commit:
		id, err := toID(call.Commit.GetChannelId())
		if err != nil {
			return nil, err
		}
		return &corepb.Response{}, c.Commit(id, call.Commit.GetIssuedAt())
	case *corepb.Request_Sign:
		rs := call.Sign.GetReceipts()
		if len(rs) == 0 || len(rs) > maxBatch {
			return nil, fmt.Errorf("%w: %d receipts", ErrInvalid, len(rs))
		}
		receipts := make([]payment.Receipt, len(rs))
		for i, r := range rs {
			var err error
			if receipts[i], err = fromReceiptPB(r); err != nil {
				return nil, fmt.Errorf("receipt %d: %w", i, err)
			}
		}
		sigs, errs, err := c.Sign(receipts)
		if err != nil {
			return nil, err
		}
		out := &corepb.SignResponse{Results: make([]*corepb.Signed, len(sigs))}
		for i := range sigs {
			out.Results[i] = &corepb.Signed{Signature: sigs[i], Error: toPB(errs[i])}
		}
		return &corepb.Response{Result: &corepb.Response_Sign{Sign: out}}, nil
	case *corepb.Request_Usage:
		raw := call.Usage.GetChannelIds()
		if len(raw) > maxBatch {
			return nil, fmt.Errorf("%w: %d channels", ErrInvalid, len(raw))
		}
		ids := make([][32]byte, len(raw))
		for i, b := range raw {
			var err error
			if ids[i], err = toID(b); err != nil {
				return nil, err
			}
		}
		us, err := c.Usage(ids, call.Usage.GetSampleNow())
		if err != nil {
			return nil, err
		}
		out := &corepb.UsageResponse{Channels: make([]*corepb.ChannelUsage, len(us))}
		for i, u := range us {
			out.Channels[i] = &corepb.ChannelUsage{ChannelId: u.Channel[:], Usage: vec(u.Usage), Running: u.Running,
				SampledAt: unixNano(u.SampledAt), LastSigned: baselinePB(u.LastSigned), IssuedAt: u.IssuedAt}
		}
		return &corepb.Response{Result: &corepb.Response_Usage{Usage: out}}, nil
	case *corepb.Request_Report:
		ss := call.Report.GetSamples()
		if len(ss) > maxBatch {
			return nil, fmt.Errorf("%w: %d samples", ErrInvalid, len(ss))
		}
		samples := make([]Sample, len(ss))
		for i, x := range ss {
			id, err := toID(x.GetChannelId())
			if err != nil {
				return nil, err
			}
			samples[i] = Sample{Channel: id, Running: x.GetRunning(), Since: fromUnixNano(x.GetSince()), CPUNanos: x.GetCpuNanos(),
				WorkingSet: x.GetMemoryWorkingSetBytes(), Egress: x.GetEgressBytes(), Replicas: x.GetReplicas()}
		}
		return &corepb.Response{}, c.Report(samples)
	case *corepb.Request_Close:
		id, err := toID(call.Close.GetChannelId())
		if err != nil {
			return nil, err
		}
		return &corepb.Response{}, c.CloseChannel(id)
	default:
		return nil, fmt.Errorf("%w: unknown call", ErrInvalid)
	}
}

func parseHello(h *corepb.HelloRequest) (Hello, error) {
	pay, err := toAddr(h.GetPayment())
	if err != nil {
		return Hello{}, err
	}
	pid, err := peer.Decode(h.GetPeerId())
	if err != nil {
		return Hello{}, fmt.Errorf("%w: peer ID: %w", ErrInvalid, err)
	}
	return Hello{Domain: payment.Domain{ChainID: newChainID(h.GetChainId()), Contract: pay}, Peer: pid, Extra: h.GetExtra()}, nil
}

func newChainID(id uint64) *big.Int { return new(big.Int).SetUint64(id) }
