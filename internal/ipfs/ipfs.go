// Package ipfs stores and fetches bundles on IPFS: an embedded kubo node
// (whose libp2p host also carries the /tpod protocols) or an external kubo
// daemon over its RPC API, both behind Store.
package ipfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ipfs/boxo/files"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	iface "github.com/ipfs/kubo/core/coreiface"
	"github.com/ipfs/kubo/core/coreiface/options"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// ErrTooLarge means a fetched file is larger than the caller allows.
var ErrTooLarge = errors.New("exceeds size limit")

// Chunker is the UnixFS chunker used for adds: 1 MiB blocks, with raw
// leaves and CIDv1 (AddOptions); the DAG layout is kubo's default, 174
// links per node (docs/bundle.md § CIDs and kubo).
const Chunker = "size-1048576"

// AddOptions tune Add.
type AddOptions struct {
	Pin      bool          // pin the root recursively (name "tpod")
	Progress func(n int64) // bytes added so far
}

// GetOptions tune Get.
type GetOptions struct {
	MaxSize  int64         // refuse files larger than this; 0 means no limit
	Progress func(n int64) // bytes read so far
}

// Store is what the rest of tpod needs from IPFS.
type Store interface {
	// Add stores r as one UnixFS file and returns its CIDv1.
	Add(ctx context.Context, r io.Reader, opts AddOptions) (cid.Cid, error)
	// Get streams the UnixFS file c; it fails with ErrTooLarge before
	// reading when the file's size is over opts.MaxSize.
	Get(ctx context.Context, c cid.Cid, opts GetOptions) (io.ReadCloser, int64, error)
	// Pin pins c recursively.
	Pin(ctx context.Context, c cid.Cid) error
	// Unpin removes the recursive pin of c.
	Unpin(ctx context.Context, c cid.Cid) error
	// Connect dials a peer given as a /p2p multiaddr.
	Connect(ctx context.Context, addr ma.Multiaddr) error
}

// api implements Store over any kubo CoreAPI: the embedded node's or the
// RPC client's.
type api struct {
	core iface.CoreAPI
}

var _ Store = (*api)(nil)

func (a *api) Add(ctx context.Context, r io.Reader, opts AddOptions) (cid.Cid, error) {
	var pr io.Reader = r
	if opts.Progress != nil {
		pr = &progressReader{r: r, f: opts.Progress}
	}
	addOpts := []options.UnixfsAddOption{
		options.Unixfs.CidVersion(1),
		options.Unixfs.RawLeaves(true),
		options.Unixfs.Chunker(Chunker),
		options.Unixfs.Pin(opts.Pin, "tpod"),
	}
	p, err := a.core.Unixfs().Add(ctx, files.NewReaderFile(pr), addOpts...)
	if err != nil {
		return cid.Undef, fmt.Errorf("ipfs add: %w", err)
	}
	return p.RootCid(), nil
}

func (a *api) Get(ctx context.Context, c cid.Cid, opts GetOptions) (io.ReadCloser, int64, error) {
	n, err := a.core.Unixfs().Get(ctx, path.FromCid(c))
	if err != nil {
		return nil, 0, fmt.Errorf("ipfs get %s: %w", c, err)
	}
	f, ok := n.(files.File)
	if !ok {
		n.Close()
		return nil, 0, fmt.Errorf("ipfs get %s: not a file", c)
	}
	size, err := f.Size()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("ipfs get %s: %w", c, err)
	}
	if opts.MaxSize > 0 && size > opts.MaxSize {
		f.Close()
		return nil, 0, fmt.Errorf("ipfs get %s: %d bytes: %w (%d)", c, size, ErrTooLarge, opts.MaxSize)
	}
	rc := &limitedFile{f: f, left: size, c: c}
	if opts.Progress != nil {
		rc.progress = opts.Progress
	}
	return rc, size, nil
}

func (a *api) Pin(ctx context.Context, c cid.Cid) error {
	if err := a.core.Pin().Add(ctx, path.FromCid(c), options.Pin.Recursive(true), options.Pin.Name("tpod")); err != nil {
		return fmt.Errorf("ipfs pin %s: %w", c, err)
	}
	return nil
}

func (a *api) Unpin(ctx context.Context, c cid.Cid) error {
	if err := a.core.Pin().Rm(ctx, path.FromCid(c)); err != nil {
		return fmt.Errorf("ipfs unpin %s: %w", c, err)
	}
	return nil
}

func (a *api) Connect(ctx context.Context, addr ma.Multiaddr) error {
	ai, err := peer.AddrInfoFromP2pAddr(addr)
	if err != nil {
		return fmt.Errorf("ipfs connect %s: %w", addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.core.Swarm().Connect(ctx, *ai); err != nil {
		return fmt.Errorf("ipfs connect %s: %w", addr, err)
	}
	return nil
}

type progressReader struct {
	r io.Reader
	n int64
	f func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.n += int64(n)
		p.f(p.n)
	}
	return n, err
}

// limitedFile never returns more than the size announced up front, so a
// lying DAG cannot stream past the caller's limit.
type limitedFile struct {
	f        files.File
	c        cid.Cid
	left     int64
	n        int64
	progress func(int64)
}

func (l *limitedFile) Read(b []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.f.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("ipfs get %s: more data than its size: %w", l.c, ErrTooLarge)
		}
		return 0, io.EOF
	}
	if int64(len(b)) > l.left {
		b = b[:l.left]
	}
	n, err := l.f.Read(b)
	l.left -= int64(n)
	l.n += int64(n)
	if n > 0 && l.progress != nil {
		l.progress(l.n)
	}
	if err == io.EOF && l.left > 0 {
		return n, fmt.Errorf("ipfs get %s: %w", l.c, io.ErrUnexpectedEOF)
	}
	return n, err
}

func (l *limitedFile) Close() error { return l.f.Close() }
