package p2p

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-msgio/pbio"
	"github.com/multiformats/go-varint"
	"google.golang.org/protobuf/proto"

	p2ppb "github.com/trustedpods/tpod/api/proto/p2p"
)

var allProtocols = []protocol.ID{AttestID, QuoteID, ProvisionID, ManageID}

// rawExchange writes data on a new stream, optionally closes the write side,
// and reads until the stream ends. It returns what was read and how the read
// ended.
func rawExchange(t *testing.T, e *env, id protocol.ID, data []byte, closeWrite bool) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := e.cliHost.NewStream(ctx, e.srvHost.ID(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Reset()
	_ = st.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := st.Write(data); err != nil {
		return nil, err
	}
	if closeWrite {
		_ = st.CloseWrite()
	}
	out, err := io.ReadAll(st)
	return out, err
}

// alive checks the server still answers.
func alive(t *testing.T, e *env) {
	t.Helper()
	nonce := make([]byte, 32)
	if _, err := e.client.Attest(context.Background(), e.srvHost.ID(), nonce); err != nil {
		t.Fatalf("server no longer answers: %v", err)
	}
}

func TestMalformedMessagesReset(t *testing.T) {
	e := newEnv(t, Limits{ReadTimeout: 300 * time.Millisecond})
	frame := func(n uint64, payload []byte) []byte { return append(varint.ToUvarint(n), payload...) }
	cases := []struct {
		name       string
		data       []byte
		closeWrite bool
	}{
		{"bad varint", bytes.Repeat([]byte{0xff}, 12), true},
		{"non-minimal varint", []byte{0x81, 0x00, 0x01}, true},
		{"oversized", frame(MaxRequestSize+1, make([]byte, 64)), false},
		{"huge length", frame(1<<40, nil), false},
		{"bad protobuf", frame(5, []byte{0xff, 0xff, 0xff, 0xff, 0xff}), true},
		{"truncated", frame(100, make([]byte, 10)), true},
		{"empty stream", nil, true},
		{"slowloris", frame(100, make([]byte, 10)), false},
	}
	for _, id := range allProtocols {
		for _, c := range cases {
			t.Run(string(id)+"/"+c.name, func(t *testing.T) {
				start := time.Now()
				out, err := rawExchange(t, e, id, c.data, c.closeWrite)
				if err == nil || !errors.Is(err, network.ErrReset) {
					t.Fatalf("read %q, %v; want a reset", out, err)
				}
				if d := time.Since(start); d > 3*time.Second {
					t.Fatalf("reset after %v", d)
				}
			})
		}
	}
	alive(t, e)
}

// TestSlowlorisDeadline checks a request trickling in is cut at ReadTimeout.
func TestSlowlorisDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	e := newEnv(t, Limits{ReadTimeout: timeout})
	st, err := e.cliHost.NewStream(context.Background(), e.srvHost.ID(), ProvisionID)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Reset()
	start := time.Now()
	go func() { // a 1000-byte frame at one byte every 100 ms
		if _, err := st.Write(varint.ToUvarint(1000)); err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			if _, err := st.Write([]byte{0x0a}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	_, err = io.ReadAll(st)
	d := time.Since(start)
	if !errors.Is(err, network.ErrReset) {
		t.Fatalf("read: %v", err)
	}
	if d < timeout || d > timeout+2*time.Second {
		t.Fatalf("reset after %v, want about %v", d, timeout)
	}
	t.Logf("slow request reset after %v", d)
	alive(t, e)
}

// TestInvalidBodyAnswered checks that a well-framed request with a bad body
// gets an invalid error response rather than a reset.
func TestInvalidBodyAnswered(t *testing.T) {
	e := newEnv(t, Limits{})
	good := signedStatus(e, e.publisher, e.prov.openChannel(e.publisher.Address(), pid(1), 1), nil)
	cases := map[string]struct {
		id  protocol.ID
		req *p2ppb.SignedRequest
	}{
		"provision garbage body":   {ProvisionID, &p2ppb.SignedRequest{Body: []byte{0xff, 0xff}}},
		"manage garbage body":      {ManageID, &p2ppb.SignedRequest{Body: []byte{0xff, 0xff}}},
		"manage no op":             {ManageID, &p2ppb.SignedRequest{Body: mustMarshal(&p2ppb.ManageRequest{ChannelId: make([]byte, 32), PodId: make([]byte, 32)})}},
		"provision short pod id":   {ProvisionID, &p2ppb.SignedRequest{Body: mustMarshal(&p2ppb.ProvisionRequest{ChannelId: make([]byte, 32), PodId: make([]byte, 31), BundleCid: "bafkqaaa"})}},
		"provision bad cid":        {ProvisionID, &p2ppb.SignedRequest{Body: mustMarshal(&p2ppb.ProvisionRequest{ChannelId: make([]byte, 32), PodId: make([]byte, 32), BundleCid: "../etc/passwd"})}},
		"provision empty cid":      {ProvisionID, &p2ppb.SignedRequest{Body: mustMarshal(&p2ppb.ProvisionRequest{ChannelId: make([]byte, 32), PodId: make([]byte, 32)})}},
		"manage body on provision": {ProvisionID, good},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var resp p2ppb.ProvisionResponse
			err := e.client.roundTrip(context.Background(), e.srvHost.ID(), c.id, 5*time.Second, c.req, &resp)
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("got %v", err)
			}
		})
	}
	var resp p2ppb.QuoteResponse
	if err := e.client.roundTrip(context.Background(), e.srvHost.ID(), QuoteID, 5*time.Second, &p2ppb.QuoteRequest{}, &resp); !errors.Is(err, ErrInvalid) {
		t.Fatalf("quote without resources: %v", err)
	}
	if err := e.client.roundTrip(context.Background(), e.srvHost.ID(), QuoteID, 5*time.Second, &p2ppb.QuoteRequest{Resources: &p2ppb.Resources{}, Token: []byte{1}}, &resp); !errors.Is(err, ErrInvalid) {
		t.Fatalf("quote with short token: %v", err)
	}
}

func mustMarshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func TestConcurrencyLimits(t *testing.T) {
	e := newEnv(t, Limits{ReadTimeout: 2 * time.Second, MaxStreamsPerPeer: 2, MaxStreams: 3})
	inflight := func() int {
		e.server.mu.Lock()
		defer e.server.mu.Unlock()
		return e.server.total
	}
	hold := func(h host.Host) network.Stream {
		st, err := h.NewStream(context.Background(), e.srvHost.ID(), AttestID)
		if err != nil {
			t.Fatal(err)
		}
		st.Write([]byte{0x80}) // an unfinished varint: the handler waits
		t.Cleanup(func() { st.Reset() })
		return st
	}
	hold(e.cliHost)
	hold(e.cliHost)
	waitFor(t, func() bool { return inflight() == 2 })
	if _, err := e.client.Attest(context.Background(), e.srvHost.ID(), make([]byte, 32)); !errors.Is(err, ErrBusy) {
		t.Fatalf("third stream of one peer: %v", err)
	}
	// Another peer still gets in, up to the total.
	third := newHost(t)
	connect(t, third, e.srvHost)
	hold(third)
	waitFor(t, func() bool { return inflight() == 3 })
	fourth := newHost(t)
	connect(t, fourth, e.srvHost)
	if _, err := NewClient(fourth).Attest(context.Background(), e.srvHost.ID(), make([]byte, 32)); !errors.Is(err, ErrBusy) {
		t.Fatalf("stream over the total: %v", err)
	}
	// Slots free up when the held streams time out.
	waitFor(t, func() bool { return inflight() == 0 })
	alive(t, e)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHandlerTimeoutAndClose(t *testing.T) {
	e := newEnv(t, Limits{ProvisionTimeout: 200 * time.Millisecond})
	e.prov.provCtx = make(chan context.Context, 1)
	pod := e.prov.openChannel(e.publisher.Address(), pid(1), 1000)
	start := time.Now()
	_, err := e.client.Provision(context.Background(), e.srvHost.ID(), e.publisher, pod, "bafkqaaa")
	if !errors.Is(err, ErrUnavailable) || time.Since(start) > 3*time.Second {
		t.Fatalf("slow provision: %v after %v", err, time.Since(start))
	}
	<-e.prov.provCtx

	// Close ends a following logs stream and waits for its handler.
	e.prov.provCtx = nil
	if _, err := e.client.Provision(context.Background(), e.srvHost.ID(), e.publisher, pod, "bafkqaaa"); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		errc <- e.client.Logs(context.Background(), e.srvHost.ID(), e.publisher, pod, LogOptions{Follow: true}, func(LogEntry) error { return nil })
	}()
	<-e.prov.followed
	closed := make(chan struct{})
	go func() { e.server.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := <-errc; !errors.Is(err, ErrUnavailable) {
		t.Fatalf("logs after Close: %v", err)
	}
	if _, err := e.client.Attest(context.Background(), e.srvHost.ID(), make([]byte, 32)); err == nil {
		t.Fatal("closed server still answers")
	}
}

// TestClientCapsResponses checks the client refuses an oversized or garbage
// response from a rogue provider instead of allocating or hanging.
func TestClientCapsResponses(t *testing.T) {
	rogue, cli := newHost(t), newHost(t)
	connect(t, cli, rogue)
	rogue.SetStreamHandler(AttestID, func(s network.Stream) {
		defer s.Close()
		s.Write(varint.ToUvarint(MaxResponseSize + 1))
		s.Write(make([]byte, 1024))
	})
	rogue.SetStreamHandler(QuoteID, func(s network.Stream) {
		defer s.Close()
		w := pbio.NewDelimitedWriter(s)
		w.WriteMsg(&p2ppb.QuoteResponse{EnclaveSigner: []byte{1, 2}, PaymentContract: make([]byte, 20),
			Tables: []*p2ppb.PriceQuote{{Token: make([]byte, 20), Prices: [][]byte{make([]byte, 33)}}}})
	})
	rogue.SetStreamHandler(ManageID, func(s network.Stream) {
		time.Sleep(5 * time.Second)
		s.Reset()
	})
	c := NewClient(cli, WithDomain(Domain{}), WithTimeout(300*time.Millisecond))
	nonce := make([]byte, 32)
	rand.Read(nonce)
	if _, err := c.Attest(context.Background(), rogue.ID(), nonce); err == nil {
		t.Fatal("oversized response accepted")
	}
	if _, err := c.Quote(context.Background(), rogue.ID(), QuoteRequest{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad quote: %v", err)
	}
	start := time.Now()
	if _, err := c.Status(context.Background(), rogue.ID(), NewKeySigner(newKey(t)), Pod{}); err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("silent provider: %v after %v", err, time.Since(start))
	}
}

// TestCloseCutsSlowRequest checks Close does not wait for a stalled request's
// read deadline.
func TestCloseCutsSlowRequest(t *testing.T) {
	e := newEnv(t, Limits{ReadTimeout: 30 * time.Second})
	st, err := e.cliHost.NewStream(context.Background(), e.srvHost.ID(), QuoteID)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Reset()
	st.Write([]byte{0x80})
	waitFor(t, func() bool {
		e.server.mu.Lock()
		defer e.server.mu.Unlock()
		return e.server.total == 1
	})
	start := time.Now()
	e.server.Close()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Close took %v", d)
	}
	if _, err := io.ReadAll(st); !errors.Is(err, network.ErrReset) {
		t.Fatalf("stalled stream: %v", err)
	}
}

// TestLogsWithoutFollowToleratesCloseWrite checks a client that closes its
// write side after a non-following logs request still gets every line.
func TestLogsWithoutFollowToleratesCloseWrite(t *testing.T) {
	e := newEnv(t, Limits{})
	pod := e.prov.openChannel(e.publisher.Address(), pid(1), 1000)
	if _, err := e.client.Provision(context.Background(), e.srvHost.ID(), e.publisher, pod, "bafkqaaa"); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		e.prov.logLines = append(e.prov.logLines, LogEntry{Container: "web", Line: []byte(fmt.Sprint(i))})
	}
	sr, err := e.client.manageRequest(e.srvHost.ID(), e.publisher, OpLogs, pod, &p2ppb.ManageRequest{Op: &p2ppb.ManageRequest_Logs{Logs: &p2ppb.LogsOp{}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	k, err := e.client.open(ctx, e.srvHost.ID(), ManageID)
	if err != nil {
		t.Fatal(err)
	}
	defer k.end(true)
	if err := k.send(sr, false); err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		var resp p2ppb.ManageResponse
		if err := k.recv(ctx, &resp); err != nil {
			t.Fatalf("after %d lines: %v", n, err)
		}
		if resp.GetDone() {
			break
		}
		n++
	}
	if n != 200 {
		t.Fatalf("got %d lines", n)
	}
}
