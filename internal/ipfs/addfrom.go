package ipfs

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/ipfs/go-cid"
)

// AddFrom adds what write writes to s as one file, streaming: nothing is
// held in memory or on disk on the way. A write error fails the add.
func AddFrom(ctx context.Context, s Store, write func(io.Writer) error, opts AddOptions) (cid.Cid, error) {
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pw.CloseWithError(write(pw))
	}()
	c, err := s.Add(ctx, pr, opts)
	pr.CloseWithError(errors.New("add stopped")) // unblocks the writer if the add stopped early
	wg.Wait()
	return c, err
}
