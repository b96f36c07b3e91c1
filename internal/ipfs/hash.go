package ipfs

import (
	"context"
	"fmt"
	"io"

	"github.com/ipfs/boxo/files"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dsync "github.com/ipfs/go-datastore/sync"
	"github.com/ipfs/kubo/core"
	"github.com/ipfs/kubo/core/coreapi"
	"github.com/ipfs/kubo/core/coreiface/options"
	"github.com/ipfs/kubo/repo"
)

// ComputeCID returns the CID Add would give r (same UnixFS parameters),
// without storing anything: it runs an offline in-memory kubo node in
// hash-only mode. The same file added later by `tpod bundle build --ipfs`, or
// by `ipfs add --cid-version 1 --raw-leaves --chunker size-1048576`, gets
// this CID.
func ComputeCID(ctx context.Context, r io.Reader) (cid.Cid, error) {
	kc, err := nodeConfig(Config{})
	if err != nil {
		return cid.Undef, err
	}
	node, err := core.NewNode(context.WithoutCancel(ctx), &core.BuildCfg{
		Online: false,
		Repo:   &repo.Mock{C: *kc, D: dsync.MutexWrap(ds.NewMapDatastore())},
	})
	if err != nil {
		return cid.Undef, fmt.Errorf("ipfs: hash-only node: %w", err)
	}
	defer node.Close()
	capi, err := coreapi.NewCoreAPI(node)
	if err != nil {
		return cid.Undef, err
	}
	p, err := capi.Unixfs().Add(ctx, files.NewReaderFile(r),
		options.Unixfs.CidVersion(1), options.Unixfs.RawLeaves(true), options.Unixfs.Chunker(Chunker),
		options.Unixfs.HashOnly(true), options.Unixfs.Pin(false, ""))
	if err != nil {
		return cid.Undef, fmt.Errorf("ipfs: compute cid: %w", err)
	}
	return p.RootCid(), nil
}
