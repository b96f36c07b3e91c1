package p2p

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-msgio/pbio"
	"github.com/multiformats/go-varint"
	"google.golang.org/protobuf/proto"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
)

// The fuzz targets drive a real handler (framing, size cap, decoding,
// validation, authorization, the test provider, response writing) over an
// in-memory stream, so each input costs microseconds instead of a libp2p
// round trip. The loopback tests cover the same handlers on real hosts.
//
//	go test -run '^$' -fuzz '^FuzzManageHandler$' -fuzzminimizetime 1s ./internal/p2p
//
// A short -fuzzminimizetime helps: each signed input costs a signature
// recovery, so minimizing a new input with the default 60 s stalls progress.

// memStream is the server's side of a stream whose client sent in. Reads
// past in return EOF (the client closed its write side), except once the
// handler cleared the read deadline to watch a logs stream: the client then
// keeps its side open until the handler ends the stream. Methods the handlers
// do not use are not implemented.
type memStream struct {
	network.Stream
	in   io.Reader
	mu   sync.Mutex
	out  bytes.Buffer
	rst  bool
	hold bool
	done chan struct{}
	end  sync.Once
}

func newMemStream(in []byte) *memStream {
	return &memStream{in: bytes.NewReader(in), done: make(chan struct{})}
}

func (m *memStream) Read(p []byte) (int, error) {
	n, err := m.in.Read(p)
	m.mu.Lock()
	hold := m.hold
	m.mu.Unlock()
	if err == io.EOF && hold {
		<-m.done
	}
	return n, err
}

func (m *memStream) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.out.Write(p)
}

func (m *memStream) SetReadDeadline(t time.Time) error {
	if t.IsZero() {
		m.mu.Lock()
		m.hold = true
		m.mu.Unlock()
	}
	return nil
}

func (m *memStream) SetDeadline(time.Time) error      { return nil }
func (m *memStream) SetWriteDeadline(time.Time) error { return nil }
func (m *memStream) Close() error                     { m.end.Do(func() { close(m.done) }); return nil }
func (m *memStream) Reset() error {
	m.mu.Lock()
	m.rst = true
	m.mu.Unlock()
	return m.Close()
}
func (m *memStream) Conn() network.Conn { return memConn{} }

type memConn struct{ network.Conn }

func (memConn) RemotePeer() peer.ID { return "fuzzer" }

const fuzzSelf = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"

var fuzzNow = time.Unix(1800000000, 0)

// fuzzKey is the publisher of the fuzz seeds; a fixed key keeps seeds stable.
var fuzzKey = func() *KeySigner {
	k, err := crypto.ToECDSA(bytes.Repeat([]byte{0x11}, 32))
	if err != nil {
		panic(err)
	}
	return NewKeySigner(k)
}()

// fuzzLimits end a following logs stream quickly.
var fuzzLimits = func() Limits {
	l := DefaultLimits
	l.LogsTimeout = 5 * time.Millisecond
	return l
}()

// bareServer is a Server without a host, for driving handlers directly.
func bareServer(prov *testProvider) *Server {
	ctx, stop := context.WithCancel(context.Background())
	_ = stop
	return &Server{
		self: fuzzSelf,
		cfg:  Config{Service: prov, Channels: prov, Nonces: NewMemoryNonces(func() time.Time { return fuzzNow }), Domain: prov.domain},
		lim:  fuzzLimits,
		log:  slog.New(slog.DiscardHandler),
		now:  func() time.Time { return fuzzNow },
		ctx:  ctx, stop: stop,
		peers: make(map[peer.ID]int),
	}
}

// fuzzProvider has one channel and pod of fuzzKey.
func fuzzProvider() (*testProvider, Pod) {
	prov := newTestProvider()
	pod := prov.openChannel(fuzzKey.Address(), pid(1), 1000)
	prov.openChannel(fuzzKey.Address(), pid(2), 1000) // no pod yet: provision it
	prov.pods[pod.PodID] = &PodStatus{PodID: pod.PodID, State: PodRunning}
	prov.logLines = []LogEntry{{Container: "web", Stream: "stdout", Line: []byte("hi")}}
	return prov, pod
}

func frame(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return append(varint.ToUvarint(uint64(len(b))), b...)
}

// signedFrame is a framed SignedRequest for body, valid at fuzzNow.
func signedFrame(op string, pod Pod, body proto.Message) []byte {
	return frame(signedRequest(op, pod, body, uint64(fuzzNow.Add(time.Minute).Unix())))
}

// signedRequest is a SignedRequest for body signed by fuzzKey.
func signedRequest(op string, pod Pod, body proto.Message, expiry uint64) *p2ppb.SignedRequest {
	b, err := proto.Marshal(body)
	if err != nil {
		panic(err)
	}
	a := Authorization{Provider: fuzzSelf, PodID: pod.PodID, Op: op, PayloadHash: crypto.Keccak256Hash(b),
		Expiry: expiry, Nonce: [32]byte{byte(len(op))}}
	sig, err := fuzzKey.SignDigest(a.Digest(newTestProvider().domain))
	if err != nil {
		panic(err)
	}
	return &p2ppb.SignedRequest{Body: b, Auth: &p2ppb.Auth{Provider: a.Provider, PodId: a.PodID[:], Op: op,
		PayloadHash: a.PayloadHash[:], Expiry: a.Expiry, Nonce: a.Nonce[:], Signature: sig}}
}

// responseTypes make an empty response message of each protocol.
var responseTypes = map[protocol.ID]func() proto.Message{
	AttestID:    func() proto.Message { return new(p2ppb.AttestResponse) },
	QuoteID:     func() proto.Message { return new(p2ppb.QuoteResponse) },
	ProvisionID: func() proto.Message { return new(p2ppb.ProvisionResponse) },
	ManageID:    func() proto.Message { return new(p2ppb.ManageResponse) },
}

// runHandler feeds in to the handler of id and checks the outcome: either a
// reset (nil), or a sequence of well-formed responses within the size cap.
func runHandler(t testing.TB, id protocol.ID, in []byte) []proto.Message {
	prov, _ := fuzzProvider()
	s := bareServer(prov)
	defer s.stop()
	fns := map[protocol.ID]func(*exchange) error{AttestID: s.attest, QuoteID: s.quote, ProvisionID: s.provision, ManageID: s.manage}
	st := newMemStream(in)
	s.handler(id, fns[id])(st)
	if st.rst {
		return nil
	}
	r := pbio.NewDelimitedReader(bytes.NewReader(st.out.Bytes()), MaxResponseSize)
	var out []proto.Message
	for {
		resp := responseTypes[id]()
		err := r.ReadMsg(resp)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("response %d unreadable: %v", len(out), err)
		}
		out = append(out, resp)
	}
	if len(out) == 0 {
		t.Fatal("stream closed without a response or a reset")
	}
	return out
}

// TestFuzzSeedsServed checks the valid seeds pass authorization, so the
// fuzzers start from inputs that reach the service.
func TestFuzzSeedsServed(t *testing.T) {
	_, pod := fuzzProvider()
	newPod := Pod{ChannelID: channelID(fuzzKey.Address(), newTestProvider().address, pid(2)), PodID: pid(2)}
	cases := []struct {
		id protocol.ID
		in []byte
	}{
		{AttestID, frame(&p2ppb.AttestRequest{Nonce: make([]byte, 32)})},
		{QuoteID, frame(&p2ppb.QuoteRequest{Resources: &p2ppb.Resources{CpuMillis: 1}})},
		{ProvisionID, signedFrame(OpProvision, newPod, &p2ppb.ProvisionRequest{ChannelId: newPod.ChannelID[:], PodId: newPod.PodID[:], BundleCid: "bafkqaaa"})},
		{ManageID, signedFrame(OpStatus, pod, &p2ppb.ManageRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}})},
		{ManageID, signedFrame(OpLogs, pod, &p2ppb.ManageRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], Op: &p2ppb.ManageRequest_Logs{Logs: &p2ppb.LogsOp{}}})},
	}
	for _, c := range cases {
		out := runHandler(t, c.id, c.in)
		for _, m := range out {
			if e := m.(interface{ GetError() *p2ppb.Error }).GetError(); e != nil {
				t.Fatalf("%s: %v", c.id, e)
			}
		}
		if len(out) == 0 {
			t.Fatalf("%s: reset", c.id)
		}
	}
}

func FuzzAttestHandler(f *testing.F) {
	f.Add(frame(&p2ppb.AttestRequest{Nonce: make([]byte, 32)}))
	f.Add(frame(&p2ppb.AttestRequest{Nonce: make([]byte, 65)}))
	f.Add([]byte{0x00})
	f.Fuzz(func(t *testing.T, in []byte) { runHandler(t, AttestID, in) })
}

func FuzzQuoteHandler(f *testing.F) {
	f.Add(frame(&p2ppb.QuoteRequest{Resources: &p2ppb.Resources{CpuMillis: 500, MemoryMib: 512}}))
	f.Add(frame(&p2ppb.QuoteRequest{Resources: &p2ppb.Resources{}, Token: make([]byte, 20)}))
	f.Add(frame(&p2ppb.QuoteRequest{Resources: &p2ppb.Resources{}, Token: make([]byte, 3)}))
	f.Fuzz(func(t *testing.T, in []byte) { runHandler(t, QuoteID, in) })
}

func FuzzProvisionHandler(f *testing.F) {
	_, pod := fuzzProvider()
	newPod := Pod{ChannelID: channelID(fuzzKey.Address(), newTestProvider().address, pid(2)), PodID: pid(2)}
	f.Add(signedFrame(OpProvision, pod, &p2ppb.ProvisionRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], BundleCid: "bafkqaaa"}))
	f.Add(signedFrame(OpProvision, newPod, &p2ppb.ProvisionRequest{ChannelId: newPod.ChannelID[:], PodId: newPod.PodID[:], BundleCid: "bafkqaaa"}))
	f.Add(signedFrame(OpStatus, pod, &p2ppb.ProvisionRequest{ChannelId: pod.ChannelID[:], PodId: pod.PodID[:], BundleCid: "bafkqaaa"}))
	f.Add(frame(&p2ppb.SignedRequest{Body: []byte{0x0a, 0x01}}))
	f.Fuzz(func(t *testing.T, in []byte) { runHandler(t, ProvisionID, in) })
}

func FuzzManageHandler(f *testing.F) {
	_, pod := fuzzProvider()
	mr := func(m *p2ppb.ManageRequest) *p2ppb.ManageRequest {
		m.ChannelId, m.PodId = pod.ChannelID[:], pod.PodID[:]
		return m
	}
	f.Add(signedFrame(OpStatus, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}})))
	f.Add(signedFrame(OpLogs, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Logs{Logs: &p2ppb.LogsOp{Container: "web", TailLines: 10}}})))
	f.Add(signedFrame(OpLogs, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Logs{Logs: &p2ppb.LogsOp{Follow: true}}})))
	f.Add(signedFrame(OpUpdate, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Update{Update: &p2ppb.UpdateOp{BundleCid: "bafkqaaa"}}})))
	f.Add(signedFrame(OpDelete, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Delete{Delete: &p2ppb.DeleteOp{}}})))
	f.Add(signedFrame(OpRestart, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Restart{Restart: &p2ppb.RestartOp{Container: "web"}}})))
	f.Add(signedFrame(OpEvents, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Events{Events: &p2ppb.EventsOp{Limit: 3}}})))
	f.Add(signedFrame(OpDelete, pod, mr(&p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Status{Status: &p2ppb.StatusOp{}}})))
	f.Fuzz(func(t *testing.T, in []byte) { runHandler(t, ManageID, in) })
}

// FuzzClientResponses feeds provider responses to the client's decoding.
func FuzzClientResponses(f *testing.F) {
	prov := newTestProvider()
	q, _ := prov.Quote(context.Background(), QuoteRequest{Resources: Resources{CPUMilli: 1}})
	qp, _ := quoteToPB(q)
	b, _ := proto.Marshal(qp)
	f.Add(b)
	b, _ = proto.Marshal(&p2ppb.ManageResponse{Status: statusToPB(&PodStatus{PodID: pid(1), Endpoints: []Endpoint{{Name: "a"}}})})
	f.Add(b)
	b, _ = proto.Marshal(eventsResponse([]PodEvent{{Time: time.Unix(1, 0), Kind: "restarted", Container: "web", ExitCode: 137, Reason: "OOMKilled"}}, MaxEvents))
	f.Add(b)
	f.Fuzz(func(t *testing.T, in []byte) {
		var qr p2ppb.QuoteResponse
		if proto.Unmarshal(in, &qr) == nil {
			_, _ = quoteFromPB(&qr)
		}
		var mr p2ppb.ManageResponse
		if proto.Unmarshal(in, &mr) == nil {
			_, _ = statusFromPB(mr.GetStatus())
			if e := mr.GetError(); e != nil {
				_ = fromWire(e).Error()
			}
			_ = logFromPB(mr.GetLog())
			for _, e := range mr.GetEvents() {
				_, _ = eventFromPB(e)
			}
		}
	})
}
