package p2p

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha512"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"

	"google.golang.org/protobuf/proto"

	"github.com/trustedpods/tpod/internal/usage"
)

// newHost starts a plain libp2p host on loopback TCP: no relay, NAT port
// mapping or mDNS (none is on unless asked for), only TCP.
func newHost(t testing.TB) host.Host {
	t.Helper()
	h, err := libp2p.New(
		libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// connect connects a to b directly.
func connect(t testing.TB, a, b host.Host) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Connect(ctx, peer.AddrInfo{ID: b.ID(), Addrs: b.Addrs()}); err != nil {
		t.Fatal(err)
	}
}

// testProvider is a real in-process provider for tests: pods in a map, a
// pricing table, and simulated (clearly fake, not TEE) evidence. It is the
// Service and the Channels of the server.
type testProvider struct {
	address   common.Address // the provider's payout address in channels
	enclave   common.Address
	encKey    []byte
	domain    Domain
	prices    [usage.Len]*big.Int
	capacity  Resources
	minRunway time.Duration

	mu       sync.Mutex
	channels map[[32]byte]testChannel
	pods     map[[32]byte]*PodStatus
	logLines []LogEntry
	events   []PodEvent
	followed chan struct{} // closed when a following Logs call starts waiting
	follow1  sync.Once
	provCtx  chan context.Context
}

type testChannel struct {
	publisher common.Address
	podID     [32]byte
	balance   *big.Int
}

func newTestProvider() *testProvider {
	p := &testProvider{
		address:   common.HexToAddress("0x00000000000000000000000000000000000000aa"),
		enclave:   common.HexToAddress("0x00000000000000000000000000000000000000ee"),
		encKey:    make([]byte, 32),
		domain:    Domain{ChainID: 1337, PaymentContract: common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")},
		capacity:  Resources{CPUMilli: 4000, MemoryMiB: 8192, StorageMiB: 100000},
		minRunway: time.Hour,
		channels:  make(map[[32]byte]testChannel),
		pods:      make(map[[32]byte]*PodStatus),
		followed:  make(chan struct{}),
	}
	for i := range p.prices {
		p.prices[i] = big.NewInt(int64(i + 1))
	}
	p.encKey[0] = 7
	return p
}

// channelID is keccak256(abi.encode(publisher, provider, podId)).
func channelID(publisher, provider common.Address, podID [32]byte) [32]byte {
	return crypto.Keccak256Hash(common.LeftPadBytes(publisher[:], 32), common.LeftPadBytes(provider[:], 32), podID[:])
}

// openChannel records a channel as the Payment contract would hold it.
func (p *testProvider) openChannel(publisher common.Address, podID [32]byte, balance int64) Pod {
	id := channelID(publisher, p.address, podID)
	p.mu.Lock()
	p.channels[id] = testChannel{publisher: publisher, podID: podID, balance: big.NewInt(balance)}
	p.mu.Unlock()
	return Pod{ChannelID: id, PodID: podID}
}

func (p *testProvider) ChannelPublisher(_ context.Context, channelID, podID [32]byte) (common.Address, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch, ok := p.channels[channelID]
	if !ok || ch.podID != podID {
		return common.Address{}, fmt.Errorf("no channel %x for pod %x: %w", channelID, podID, ErrNotFound)
	}
	return ch.publisher, nil
}

func reportData(signer common.Address, key, nonce []byte) []byte {
	h := sha512.New()
	h.Write([]byte("tpod/attest/v1"))
	h.Write(signer[:])
	h.Write(key)
	h.Write(nonce)
	return h.Sum(nil)
}

func (p *testProvider) Attest(_ context.Context, nonce []byte) (*Evidence, error) {
	return &Evidence{Kind: "simulated", Data: reportData(p.enclave, p.encKey, nonce), Signer: p.enclave, EncryptionKey: p.encKey}, nil
}

func (p *testProvider) Quote(_ context.Context, req QuoteRequest) (*Quote, error) {
	r := req.Resources
	q := &Quote{
		Fits:            r.CPUMilli <= p.capacity.CPUMilli && r.MemoryMiB <= p.capacity.MemoryMiB && r.StorageMiB <= p.capacity.StorageMiB && r.GPUMilli <= p.capacity.GPUMilli,
		Available:       p.capacity,
		MinRunway:       p.minRunway,
		EnclaveSigner:   p.enclave,
		PaymentContract: p.domain.PaymentContract,
		ChainID:         p.domain.ChainID,
		ValidUntil:      time.Unix(2000000000, 0),
	}
	if !q.Fits {
		q.CapacityReason = "not enough free capacity"
	}
	token := common.HexToAddress("0x00000000000000000000000000000000000000c0")
	if req.Token != (common.Address{}) && req.Token != token {
		return q, nil
	}
	per := new(big.Int)
	for i, v := range []uint64{r.CPUMilli, r.MemoryMiB, r.StorageMiB, r.GPUMilli} {
		per.Add(per, new(big.Int).Mul(new(big.Int).SetUint64(v), p.prices[i]))
	}
	q.Tables = []PriceQuote{{
		Token: token, Prices: p.prices, MinDisputePeriod: 24 * time.Hour,
		ReservedPerSecond: per,
		MinDeposit:        new(big.Int).Mul(per, big.NewInt(int64(p.minRunway/time.Second))),
	}}
	return q, nil
}

func (p *testProvider) Provision(ctx context.Context, req ProvisionRequest) (*PodStatus, error) {
	if p.provCtx != nil {
		p.provCtx <- ctx
		<-ctx.Done()
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := p.channels[req.Pod.ChannelID]
	if ch.balance.Sign() <= 0 {
		return nil, fmt.Errorf("channel balance %s below runway: %w", ch.balance, ErrInsufficientFunds)
	}
	if _, ok := p.pods[req.Pod.PodID]; ok {
		return nil, fmt.Errorf("pod %x exists: %w", req.Pod.PodID, ErrConflict)
	}
	st := &PodStatus{
		PodID: req.Pod.PodID, State: PodRunning, BundleCID: req.BundleCID,
		Endpoints:  []Endpoint{{Name: "web", Protocol: "http", Address: fmt.Sprintf("https://%x.pods.example/", req.Pod.PodID[:4])}},
		Containers: []ContainerStatus{{Name: "web", State: "running"}},
		UpdatedAt:  time.Unix(1700000000, 5),
	}
	p.pods[req.Pod.PodID] = st
	return st, nil
}

func (p *testProvider) pod(id [32]byte) (*PodStatus, error) {
	st, ok := p.pods[id]
	if !ok {
		return nil, fmt.Errorf("pod %x: %w", id, ErrNotFound)
	}
	return st, nil
}

func (p *testProvider) Status(_ context.Context, pod PodRef) (*PodStatus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pod(pod.PodID)
}

func (p *testProvider) Logs(ctx context.Context, pod PodRef, opts LogOptions, send func(LogEntry) error) error {
	p.mu.Lock()
	_, err := p.pod(pod.PodID)
	lines := append([]LogEntry(nil), p.logLines...)
	p.mu.Unlock()
	if err != nil {
		return err
	}
	for _, l := range lines {
		if opts.Container != "" && l.Container != opts.Container {
			continue
		}
		if err := send(l); err != nil {
			return err
		}
	}
	if !opts.Follow {
		return nil
	}
	p.follow1.Do(func() { close(p.followed) })
	<-ctx.Done()
	return nil
}

func (p *testProvider) Events(_ context.Context, pod PodRef, limit int) ([]PodEvent, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.pod(pod.PodID); err != nil {
		return nil, err
	}
	evs := p.events
	if len(evs) > limit {
		evs = evs[len(evs)-limit:]
	}
	return append([]PodEvent(nil), evs...), nil
}

func (p *testProvider) Update(_ context.Context, pod PodRef, bundleCID string) (*PodStatus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, err := p.pod(pod.PodID)
	if err != nil {
		return nil, err
	}
	st.BundleCID = bundleCID
	return st, nil
}

func (p *testProvider) Delete(_ context.Context, pod PodRef) (*PodStatus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, err := p.pod(pod.PodID)
	if err != nil {
		return nil, err
	}
	delete(p.pods, pod.PodID)
	st.State, st.Endpoints = PodDeleted, nil
	return st, nil
}

func (p *testProvider) Restart(_ context.Context, pod PodRef, container string) (*PodStatus, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, err := p.pod(pod.PodID)
	if err != nil {
		return nil, err
	}
	for i := range st.Containers {
		if container == "" || st.Containers[i].Name == container {
			st.Containers[i].Restarts++
		}
	}
	return st, nil
}

// env is a provider host with a Server and a publisher host with a Client,
// connected on loopback.
type env struct {
	prov      *testProvider
	srvHost   host.Host
	cliHost   host.Host
	server    *Server
	client    *Client
	publisher *KeySigner
	now       time.Time
}

func newEnv(t testing.TB, limits Limits) *env {
	t.Helper()
	e := &env{prov: newTestProvider(), srvHost: newHost(t), cliHost: newHost(t)}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	e.publisher = NewKeySigner(key)
	e.server, err = NewServer(e.srvHost, Config{
		Service: e.prov, Channels: e.prov, Domain: e.prov.domain, Limits: limits,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.server.Close() })
	connect(t, e.cliHost, e.srvHost)
	e.client = NewClient(e.cliHost, WithDomain(e.prov.domain))
	return e
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func pid(b byte) [32]byte {
	var id [32]byte
	id[0], id[31] = b, b
	return id
}

func protoMarshal(m proto.Message) ([]byte, error) { return proto.Marshal(m) }
