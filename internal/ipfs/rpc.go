package ipfs

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ipfs/kubo/client/rpc"
	ma "github.com/multiformats/go-multiaddr"
)

// Remote is an external kubo daemon used through its RPC API.
type Remote struct {
	api
}

var _ Store = (*Remote)(nil)

// NewRemote connects to a kubo RPC API given as a multiaddr
// ("/ip4/127.0.0.1/tcp/5001") or a URL ("http://127.0.0.1:5001").
func NewRemote(addr string) (*Remote, error) {
	var (
		c   *rpc.HttpApi
		err error
	)
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		c, err = rpc.NewURLApiWithClient(addr, &http.Client{})
	} else {
		var m ma.Multiaddr
		m, err = ma.NewMultiaddr(addr)
		if err == nil {
			c, err = rpc.NewApiWithClient(m, &http.Client{})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("ipfs rpc %s: %w", addr, err)
	}
	return &Remote{api{core: c}}, nil
}
