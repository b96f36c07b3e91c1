package chain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Sentinel categories, checked with errors.Is.
var (
	// ErrUnavailable: the endpoint cannot be reached or keeps failing.
	ErrUnavailable = errors.New("chain unavailable")
	// ErrReverted: a call or transaction reverted; errors.As gives the *RevertError.
	ErrReverted = errors.New("reverted")
	// ErrTimeout: a transaction was not mined or confirmed in time.
	ErrTimeout = errors.New("timed out")
	// ErrReorgTooDeep: the chain reorganised deeper than the confirmation depth.
	ErrReorgTooDeep = errors.New("reorg deeper than the confirmation depth")
)

// Backend is what the client needs from a node. *ethclient.Client and the
// client of go-ethereum's simulated backend both satisfy it.
type Backend interface {
	ethereum.ChainReader
	ethereum.BlockNumberReader
	ethereum.ChainStateReader
	ethereum.ContractCaller
	ethereum.GasEstimator
	ethereum.GasPricer
	ethereum.GasPricer1559
	ethereum.LogFilterer
	ethereum.PendingStateReader
	ethereum.TransactionReader
	ethereum.TransactionSender
	ethereum.ChainIDReader
}

// Config tunes a Client. The zero value is usable.
type Config struct {
	// Confirmations is how many blocks, counting the one that includes a
	// transaction, must exist before Wait returns. 0 means 1.
	Confirmations uint64
	// PollInterval is how often receipts and heads are polled (default 50 ms).
	PollInterval time.Duration
	// WaitTimeout bounds Wait (default 5 minutes).
	WaitTimeout time.Duration
	// DialTimeout bounds Dial's first request (default 10 s).
	DialTimeout time.Duration
	// Retries is how many times a read (or the resend of the same signed
	// transaction) is retried after a transient network error (default 3).
	Retries int
	// Progress, if set, is told when a transaction is sent, mined and confirmed.
	Progress func(TxProgress)
	// Logger receives debug logs (default: discard).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Confirmations == 0 {
		c.Confirmations = 1
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 50 * time.Millisecond
	}
	if c.WaitTimeout <= 0 {
		c.WaitTimeout = 5 * time.Minute
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = 10 * time.Second
	}
	if c.Retries <= 0 {
		c.Retries = 3
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Client talks to one EVM chain. It is safe for concurrent use.
type Client struct {
	b        Backend
	closer   io.Closer
	chainID  *big.Int
	endpoint string // shown in errors
	raw      string // as dialed; may hold credentials, never shown
	conf     Config
	log      *slog.Logger
	nonces   nonceManager
	errs     *ErrorDecoder
}

// Dial connects to a JSON-RPC endpoint (http://, https://, ws://, wss:// or
// an IPC path) and checks that it answers.
func Dial(ctx context.Context, endpoint string, conf Config) (*Client, error) {
	conf = conf.withDefaults()
	shown := redactURL(endpoint)
	dctx, cancel := context.WithTimeout(ctx, conf.DialTimeout)
	defer cancel()
	rc, err := rpc.DialContext(dctx, endpoint)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w: %w", shown, ErrUnavailable, scrub(err, endpoint, shown))
	}
	ec := ethclient.NewClient(rc)
	c, err := newClient(dctx, ec, closerFunc(func() error { ec.Close(); return nil }), shown, conf)
	if c != nil {
		c.raw = endpoint
	}
	if err != nil {
		err = scrub(err, endpoint, shown)
	}
	if err != nil {
		rc.Close()
		return nil, err
	}
	return c, nil
}

// NewClient wraps an already connected backend, such as the client of
// go-ethereum's simulated backend. closer may be nil.
func NewClient(ctx context.Context, b Backend, closer io.Closer, name string, conf Config) (*Client, error) {
	return newClient(ctx, b, closer, name, conf.withDefaults())
}

func newClient(ctx context.Context, b Backend, closer io.Closer, name string, conf Config) (*Client, error) {
	c := &Client{b: b, closer: closer, endpoint: name, conf: conf, log: conf.Logger.With("component", "chain"), errs: NewErrorDecoder()}
	c.nonces.accts = map[common.Address]*nonceAccount{}
	var id *big.Int
	err := c.retry(ctx, func() (err error) { id, err = b.ChainID(ctx); return err })
	if err != nil {
		if ctx.Err() != nil || isTransient(err) {
			return nil, fmt.Errorf("connect to %s: %w: %w", name, ErrUnavailable, err)
		}
		return nil, fmt.Errorf("connect to %s: %w", name, err)
	}
	c.chainID = id
	return c, nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// Close closes the connection.
func (c *Client) Close() {
	if c.closer != nil {
		c.closer.Close()
	}
}

// ChainID is the chain's ID, read once at connection.
func (c *Client) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// Endpoint is the endpoint with any credentials, path or query removed.
func (c *Client) Endpoint() string { return c.endpoint }

// Backend gives direct access to the node, for what the client does not wrap.
func (c *Client) Backend() Backend { return c.b }

// Errors is the decoder used to name reverts; register further ABIs on it.
func (c *Client) Errors() *ErrorDecoder { return c.errs }

// Confirmations is the configured confirmation depth.
func (c *Client) Confirmations() uint64 { return c.conf.Confirmations }

// BlockNumber returns the current head.
func (c *Client) BlockNumber(ctx context.Context) (uint64, error) {
	var n uint64
	err := c.retry(ctx, func() (err error) { n, err = c.b.BlockNumber(ctx); return err })
	return n, c.wrapRead("block number", err)
}

// HeaderByNumber returns a header (nil: the head).
func (c *Client) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	var h *types.Header
	err := c.retry(ctx, func() (err error) { h, err = c.b.HeaderByNumber(ctx, n); return err })
	return h, c.wrapRead("header", err)
}

// BalanceAt returns the native balance of addr at the head.
func (c *Client) BalanceAt(ctx context.Context, addr common.Address) (*big.Int, error) {
	var v *big.Int
	err := c.retry(ctx, func() (err error) { v, err = c.b.BalanceAt(ctx, addr, nil); return err })
	return v, c.wrapRead("balance of "+addr.Hex(), err)
}

// CodeAt returns the code at addr at the head.
func (c *Client) CodeAt(ctx context.Context, addr common.Address) ([]byte, error) {
	var v []byte
	err := c.retry(ctx, func() (err error) { v, err = c.b.CodeAt(ctx, addr, nil); return err })
	return v, c.wrapRead("code at "+addr.Hex(), err)
}

// Call runs a read-only call at the head and returns its output; a revert
// comes back as a *RevertError naming the custom error.
func (c *Client) Call(ctx context.Context, from common.Address, to common.Address, data []byte) ([]byte, error) {
	msg := ethereum.CallMsg{From: from, To: &to, Data: data}
	var out []byte
	err := c.retry(ctx, func() (err error) { out, err = c.b.CallContract(ctx, msg, nil); return err })
	if err != nil {
		if re := c.errs.FromError(&to, err); re != nil {
			return nil, re
		}
		return nil, c.wrapRead("call "+to.Hex(), err)
	}
	return out, nil
}

// FilterLogs runs eth_getLogs.
func (c *Client) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	var logs []types.Log
	err := c.retry(ctx, func() (err error) { logs, err = c.b.FilterLogs(ctx, q); return err })
	return logs, c.wrapRead("get logs", err)
}

// scrubbed is an error whose message had the raw endpoint replaced.
type scrubbed struct {
	msg string
	err error
}

func (s scrubbed) Error() string { return s.msg }
func (s scrubbed) Unwrap() error { return s.err }

// scrub removes the raw endpoint (which may carry an API key) from err's text.
func scrub(err error, raw, shown string) error {
	if err == nil || raw == "" || raw == shown || !strings.Contains(err.Error(), raw) {
		return err
	}
	return scrubbed{strings.ReplaceAll(err.Error(), raw, shown), err}
}

func (c *Client) wrapRead(what string, err error) error {
	if err == nil {
		return nil
	}
	err = scrub(err, c.raw, c.endpoint)
	if isTransient(err) {
		return fmt.Errorf("%s from %s: %w: %w", what, c.endpoint, ErrUnavailable, err)
	}
	return fmt.Errorf("%s from %s: %w", what, c.endpoint, err)
}

// retry runs f again after transient network errors, with a short backoff.
// Only reads and the resend of an already signed transaction go through it.
func (c *Client) retry(ctx context.Context, f func() error) error {
	delay := 100 * time.Millisecond
	var err error
	for attempt := 0; ; attempt++ {
		err = f()
		if err == nil || !isTransient(err) || attempt >= c.conf.Retries || ctx.Err() != nil {
			return err
		}
		c.log.Debug("transient rpc error, retrying", "err", err, "attempt", attempt+1)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// isTransient reports whether err is a network failure worth retrying (as
// opposed to an answer from the node, which a retry would not change).
func isTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var he rpc.HTTPError
	if errors.As(err, &he) {
		return he.StatusCode >= 500 || he.StatusCode == 429
	}
	var rerr rpc.Error
	if errors.As(err, &rerr) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, rpc.ErrClientQuit) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "connection reset")
}

// redactURL keeps scheme and host: paths and queries of hosted endpoints
// often carry API keys.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		if strings.Contains(s, "://") {
			return "the endpoint"
		}
		return s // an IPC path
	}
	r := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		r += "/…"
	}
	return r
}
