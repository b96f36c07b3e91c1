package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
)

var _ p2p.Service = (*Provider)(nil)

// Attest implements p2p.Service: fresh evidence from the signing core,
// binding the enclave keys to the caller's nonce, the provider's peer ID
// (relayed by another peer, it is refused: docs/attestation.md §2), its
// configuration document and, when the gateway serves TLS, its key.
func (p *Provider) Attest(ctx context.Context, nonce []byte) (*p2p.Evidence, error) {
	ev, err := p.cfg.Core.Evidence(ctx, nonce)
	if err != nil {
		return nil, fmt.Errorf("produce evidence: %w: %w", p2p.ErrUnavailable, err)
	}
	data, err := ev.Marshal()
	if err != nil {
		return nil, err
	}
	return &p2p.Evidence{Kind: string(ev.Kind), Data: data, Signer: ev.Signer, EncryptionKey: ev.X25519}, nil
}

// Quote implements p2p.Service: what the resources cost under each pricing
// table, and whether they fit now.
func (p *Provider) Quote(ctx context.Context, req p2p.QuoteRequest) (*p2p.Quote, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	res := req.Resources.WholeGPUMilli()
	p.mu.Lock()
	free := p.cfg.Capacity.Sub(p.used)
	p.mu.Unlock()
	q := &p2p.Quote{
		Fits:            res.Fits(free),
		Available:       free,
		MinRunway:       p.cfg.MinRunway,
		EnclaveSigner:   p.core.Signer,
		PaymentContract: p.domain.Contract,
		ChainID:         p.domain.ChainID.Uint64(),
		ValidUntil:      p.clock.Now().Add(5 * time.Minute),
	}
	if !q.Fits {
		q.CapacityReason = fmt.Sprintf("requested %s, free %s", res, free)
	}
	if err := p.diskRoom(); err != nil {
		q.Fits, q.CapacityReason = false, err.Error()
	}
	for _, t := range p.cfg.Pricing {
		if req.Token != (common.Address{}) && req.Token != t.Token {
			continue
		}
		rate := reservedRate(t.Prices, res)
		q.Tables = append(q.Tables, p2p.PriceQuote{
			Token:             t.Token,
			Prices:            t.Prices,
			MinDisputePeriod:  t.MinDisputePeriod,
			ReservedPerSecond: rate,
			MinDeposit:        minDeposit(rate, p.cfg.MinRunway),
		})
	}
	if len(q.Tables) == 0 {
		return nil, fmt.Errorf("this provider does not accept token %s: %w", req.Token, p2p.ErrTermsMismatch)
	}
	return q, nil
}

// Status implements p2p.Service.
func (p *Provider) Status(ctx context.Context, ref p2p.PodRef) (*p2p.PodStatus, error) {
	if err := p.waitRestored(ctx); err != nil {
		return nil, err
	}
	pd := p.pod(ref.ChannelID)
	if pd == nil {
		return nil, fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
	}
	return p.status(ctx, pd), nil
}

// status reports a pod: the runtime's view, the gateway's endpoints and the
// provider's warnings.
func (p *Provider) status(ctx context.Context, pd *pod) *p2p.PodStatus {
	p.mu.Lock()
	st := &p2p.PodStatus{PodID: pd.id, State: pd.state, Message: pd.message, BundleCID: pd.bundleCID,
		Warnings: append([]string(nil), pd.warnings...), UpdatedAt: p.cfg.Now()}
	if pd.routeErr != "" {
		st.Warnings = append(st.Warnings, pd.routeErr)
	}
	p.mu.Unlock()
	rs, err := p.cfg.Runtime.Status(ctx, pd.rtID)
	if err != nil {
		st.Warnings = append(st.Warnings, "runtime status unavailable: "+err.Error())
	} else {
		p.noteRestarts(pd, rs)
		for _, c := range rs.Containers {
			st.Containers = append(st.Containers, p2p.ContainerStatus{Name: c.Name, State: string(c.State), Restarts: uint32(c.Restarts), ExitCode: int32(c.ExitCode)})
		}
		if st.State == p2p.PodRunning && (rs.State == runtime.PodStopped || rs.State == runtime.PodFrozen) {
			st.State = p2p.PodStopped
			if pd.scale.toZero {
				st.State = p2p.PodScaledToZero
			}
		}
		if rs.Reason != "" && st.Message == "" {
			st.Message = rs.Reason
		}
	}
	st.Endpoints = p.endpoints(pd, rs.IP)
	return st
}

// endpoints lists how the publisher reaches the pod: through the gateway
// when there is one, else at the pod address.
func (p *Provider) endpoints(pd *pod, podIP string) []p2p.Endpoint {
	var out []p2p.Endpoint
	if g := p.gw; g != nil {
		if pd.expose.HTTPPort != 0 {
			if a := g.HTTPAddr(); a != nil {
				_, port, _ := net.SplitHostPort(a.String())
				for _, h := range g.Hostnames(pd.rtID) {
					out = append(out, p2p.Endpoint{Name: h, Protocol: "http", Address: "http://" + net.JoinHostPort(h, port)})
				}
			}
			if a := g.HTTPSAddr(); a != nil {
				_, port, _ := net.SplitHostPort(a.String())
				for _, h := range g.Hostnames(pd.rtID) {
					out = append(out, p2p.Endpoint{Name: h, Protocol: "https", Address: "https://" + net.JoinHostPort(h, port)})
				}
			}
		}
		for _, port := range pd.expose.TCP {
			if a, ok := g.TCPAddr(pd.rtID, port); ok {
				out = append(out, p2p.Endpoint{Name: strconv.Itoa(port), Protocol: "tcp", Address: a.String()})
			}
		}
		return out
	}
	if podIP == "" {
		return nil
	}
	if pd.expose.HTTPPort != 0 {
		out = append(out, p2p.Endpoint{Name: "http", Protocol: "http", Address: "http://" + net.JoinHostPort(podIP, strconv.Itoa(pd.expose.HTTPPort))})
	}
	for _, port := range pd.expose.TCP {
		out = append(out, p2p.Endpoint{Name: strconv.Itoa(port), Protocol: "tcp", Address: net.JoinHostPort(podIP, strconv.Itoa(port))})
	}
	return out
}

// Logs implements p2p.Service: the pod's containers' output, line by line.
func (p *Provider) Logs(ctx context.Context, ref p2p.PodRef, opts p2p.LogOptions, send func(p2p.LogEntry) error) error {
	if err := p.waitRestored(ctx); err != nil {
		return err
	}
	pd := p.pod(ref.ChannelID)
	if pd == nil {
		return fmt.Errorf("no pod for this channel: %w", p2p.ErrNotFound)
	}
	rs, err := p.cfg.Runtime.Status(ctx, pd.rtID)
	if err != nil {
		return runtimeErr("pod status", err)
	}
	var names []string
	for _, c := range rs.Containers {
		if opts.Container == "" || opts.Container == c.Name {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("pod has no container %q: %w", opts.Container, p2p.ErrNotFound)
	}
	var mu sync.Mutex // send is not safe for concurrent use
	lineSend := func(container string, line []byte) error {
		mu.Lock()
		defer mu.Unlock()
		// The runtime stamps each line with when it was written (or "-").
		t, line := splitStamp(line)
		return send(p2p.LogEntry{Container: container, Stream: "combined", Time: t, Line: line})
	}
	copyLogs := func(name string) error {
		logs := func(ctx context.Context, o runtime.LogOptions, w io.Writer) error {
			o.Timestamps = true
			return p.cfg.Runtime.Logs(ctx, pd.rtID, name, o, w)
		}
		err := copyLogLines(ctx, logs, opts.Follow, int(opts.TailLines), func(l []byte) error { return lineSend(name, l) })
		if err != nil && ctx.Err() != nil {
			return nil // the caller went away or the stream's time ran out
		}
		return err
	}
	if !opts.Follow || len(names) == 1 {
		for _, n := range names {
			if err := copyLogs(n); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make(chan error, len(names))
	for _, n := range names {
		go func() { errs <- copyLogs(n) }()
	}
	var first error
	for range names {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// copyLogLines sends a container's log line by line: its last tail lines
// (all with tail ≤ 0), then, with follow, what is written next. Runtimes
// have no tail of their own, so a followed tail reads the log twice: once
// to its current end, keeping the last tail lines, which are sent at once;
// then following, skipping as many lines as the first read saw (a log only
// grows, but for a cut of an oversized containerd log or a new Kubernetes
// replica in between, where lines may repeat or be skipped).
func copyLogLines(ctx context.Context, logs func(context.Context, runtime.LogOptions, io.Writer) error, follow bool, tail int, emit func([]byte) error) error {
	skip := 0
	if follow && tail > 0 {
		w := &lineWriter{tail: tail, emit: emit}
		err := logs(ctx, runtime.LogOptions{}, w)
		if ferr := w.complete(); err == nil {
			err = ferr
		}
		if err != nil {
			return err
		}
		skip, tail = w.lines, 0
	}
	w := &lineWriter{tail: tail, skip: skip, emit: emit}
	err := logs(ctx, runtime.LogOptions{Follow: follow}, w)
	if ferr := w.flush(); err == nil {
		err = ferr
	}
	return err
}

// lineWriter splits a byte stream into lines. With tail > 0 it keeps only
// the last tail lines and emits them at flush; otherwise it emits as it goes.
type lineWriter struct {
	tail    int
	skip    int // lines to drop first (already sent)
	lines   int // complete lines seen
	emit    func([]byte) error
	partial []byte
	kept    [][]byte
}

// maxLogLine caps one log line; longer lines are split.
const maxLogLine = 8 << 10

func (w *lineWriter) Write(b []byte) (int, error) {
	n := len(b)
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 && len(w.partial) < maxLogLine {
			break
		}
		end, next := i, i+1
		if i < 0 || i > maxLogLine {
			end, next = maxLogLine, maxLogLine
		}
		line := bytes.Clone(w.partial[:end])
		w.partial = w.partial[next:]
		if err := w.line(line); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func (w *lineWriter) line(l []byte) error {
	w.lines++
	if w.lines <= w.skip {
		return nil
	}
	if w.tail <= 0 {
		return w.emit(l)
	}
	w.kept = append(w.kept, l)
	if len(w.kept) > w.tail {
		w.kept = w.kept[1:]
	}
	return nil
}

// complete sends the kept lines, leaving an unfinished last line out: the
// follow that comes next reads it whole.
func (w *lineWriter) complete() error {
	w.partial = nil
	return w.flush()
}

func (w *lineWriter) flush() error {
	if len(w.partial) > 0 {
		if err := w.line(w.partial); err != nil {
			return err
		}
		w.partial = nil
	}
	for _, l := range w.kept {
		if err := w.emit(l); err != nil {
			return err
		}
	}
	w.kept = nil
	return nil
}

// minDeposit is what rate costs over d.
func minDeposit(rate *big.Int, d time.Duration) *big.Int {
	return new(big.Int).Mul(rate, big.NewInt(int64(d/time.Second)))
}

func secondsDuration(s uint64) time.Duration {
	if s > uint64(1<<63-1)/uint64(time.Second) {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(s) * time.Second
}

// splitStamp takes the time off a line the runtime stamped (Timestamps):
// zero when it is "-" or not a time (then the line is returned whole).
func splitStamp(l []byte) (time.Time, []byte) {
	stamp, rest, ok := bytes.Cut(l, []byte(" "))
	if !ok {
		return time.Time{}, l
	}
	if string(stamp) == runtime.NoTimestamp {
		return time.Time{}, rest
	}
	t, err := time.Parse(time.RFC3339Nano, string(stamp))
	if err != nil {
		return time.Time{}, l
	}
	return t, rest
}
