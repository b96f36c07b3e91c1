package cli

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/config"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/hex32"
)

// chainFlags are the flags of every command that talks to the chain: where
// the chain and the contracts are (a devnet file, or explicit flags) and,
// for transactions, which wallet signs. Keys never come from flags: only
// files, the environment or a devnet file's dev accounts.
//
// Each setting comes from its flag, else its TPOD_* variable, else the
// context (tpod context), else its default. The context's network is used
// only when neither --network nor TPOD_NETWORK is given, and its wallet
// only when no wallet flag or variable is.
type chainFlags struct {
	network        string
	rpc            string
	payment        string
	registry       string
	token          string
	confirmations  uint64
	keystore       string
	passphraseFile string
	keyFile        string
	account        string
	waitTimeout    time.Duration

	g        *globals
	cmd      *cobra.Command
	resolved bool
	ctxName  string          // the context in use ("" for none)
	ctx      *config.Context // its settings
	info     *devnet.Info    // loaded from the network file
}

func (f *chainFlags) register(g *globals, cmd *cobra.Command, wallet bool) {
	f.g, f.cmd = g, cmd
	fl := cmd.Flags()
	fl.StringVar(&f.network, "network", "", "devnet JSON file with RPC URLs, contract addresses and dev accounts, or a name such as devnet for ./devnet.json (env TPOD_NETWORK; default: the context's)")
	fl.StringVar(&f.rpc, "rpc", "", "JSON-RPC endpoint, http(s):// or ws(s):// (env TPOD_RPC; default: from the network file)")
	fl.StringVar(&f.payment, "payment", "", "Payment contract address (default: from the network file or context)")
	fl.StringVar(&f.registry, "registry", "", "Registry contract address (default: from the network file or context)")
	fl.StringVar(&f.token, "token", "", "ERC-20 token address (default: the devnet's test token)")
	fl.Uint64Var(&f.confirmations, "confirmations", 1, "blocks (including the transaction's) to wait for")
	fl.DurationVar(&f.waitTimeout, "wait-timeout", 2*time.Minute, "how long to wait for a transaction, or for a chain that does not answer, before giving up (a resume picks up from there)")
	if wallet {
		fl.StringVar(&f.keystore, "keystore", "", "Ethereum keystore file of the signing wallet (env TPOD_KEYSTORE; passphrase: env "+chain.EnvPassphrase+", --passphrase-file or prompt)")
		fl.StringVar(&f.passphraseFile, "passphrase-file", "", "file holding the keystore passphrase")
		fl.StringVar(&f.keyFile, "key-file", "", "file holding a hex private key, mode 0600 (env TPOD_KEY_FILE, or the key itself in env "+chain.EnvPrivateKey+")")
		fl.StringVar(&f.account, "account", "", "dev account of the network file to sign with: publisher, provider, deployer, ... (development only)")
	}
}

// changed reports whether a flag was given on the command line.
func (f *chainFlags) changed(name string) bool {
	if f.cmd == nil {
		return false
	}
	fl := f.cmd.Flags().Lookup(name)
	return fl != nil && fl.Changed
}

// setting resolves one setting: the flag if given, else the environment
// variable, else the context's value (when useCtx).
func (f *chainFlags) setting(dst *string, flag, env, ctxVal string, useCtx bool) {
	if f.changed(flag) {
		return
	}
	if v := os.Getenv(env); env != "" && v != "" {
		*dst = v
		return
	}
	if useCtx && *dst == "" {
		*dst = ctxVal
	}
}

// resolve fills the settings from the environment and the context, once.
func (f *chainFlags) resolve() error {
	if f.resolved {
		return nil
	}
	f.resolved = true
	if f.g != nil {
		name, c, err := f.g.currentContext()
		if err != nil {
			return err
		}
		f.ctxName, f.ctx = name, c
	}
	c := f.ctx
	if c == nil {
		c = &config.Context{}
	}
	netGiven := f.changed("network") || os.Getenv("TPOD_NETWORK") != ""
	useNet := !netGiven
	f.setting(&f.network, "network", "TPOD_NETWORK", c.Network, useNet)
	f.setting(&f.rpc, "rpc", "TPOD_RPC", c.RPC, useNet)
	f.setting(&f.payment, "payment", "", c.Payment, useNet)
	f.setting(&f.registry, "registry", "", c.Registry, useNet)
	f.setting(&f.token, "token", "", c.Token, useNet)
	walletGiven := f.changed("account") || f.changed("keystore") || f.changed("key-file") ||
		os.Getenv("TPOD_KEYSTORE") != "" || os.Getenv("TPOD_KEY_FILE") != "" || os.Getenv(chain.EnvPrivateKey) != ""
	useWallet := !walletGiven
	f.setting(&f.account, "account", "", c.Account, useWallet)
	f.setting(&f.keystore, "keystore", "TPOD_KEYSTORE", c.Keystore, useWallet)
	f.setting(&f.keyFile, "key-file", "TPOD_KEY_FILE", c.KeyFile, useWallet)
	f.setting(&f.passphraseFile, "passphrase-file", "", c.PassphraseFile, useWallet)
	return nil
}

// resolveNetwork turns a --network value into a file: a path as given, or a
// bare name such as "devnet" as NAME.json in the current directory (where
// `tpod devnet up` writes it by default) or in the user config dir's tpod/.
func resolveNetwork(v string) string {
	if _, err := os.Stat(v); err == nil || strings.ContainsRune(v, os.PathSeparator) || strings.HasSuffix(v, ".json") {
		return v
	}
	candidates := []string{v + ".json"}
	if dir, err := os.UserConfigDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "tpod", v+".json"))
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return v
}

// load reads the network file once.
func (f *chainFlags) load() error {
	if err := f.resolve(); err != nil {
		return err
	}
	if f.network == "" || f.info != nil {
		return nil
	}
	file := resolveNetwork(f.network)
	info, err := devnet.ReadInfo(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("network file %s does not exist%s: is the devnet running (tpod devnet up)? Give --network FILE, or pick a context (tpod context list)", file, f.fromContext())
		}
		return fmt.Errorf("read network file%s: %w", f.fromContext(), err)
	}
	f.info = info
	return nil
}

// fromContext names the context a setting came from, for messages.
func (f *chainFlags) fromContext() string {
	if f.ctxName == "" {
		return ""
	}
	return " (from context " + f.ctxName + ")"
}

// dial connects to the chain, reporting transaction progress on stderr and
// noting the chain's clock for error messages.
func (f *chainFlags) dial(cmd *cobra.Command) (*chain.Client, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	url := f.rpc
	if url == "" && f.info != nil {
		url = f.info.RPC.HTTP
	}
	if url == "" {
		return nil, usagef("no chain: give --network FILE (a devnet file) or --rpc URL, or use a context (tpod context set NAME --network FILE; tpod context use NAME)")
	}
	errw := cmd.ErrOrStderr()
	conf := chain.Config{
		Confirmations: f.confirmations,
		WaitTimeout:   f.waitTimeout,
		Progress: func(p chain.TxProgress) {
			switch p.Stage {
			case chain.TxSent:
				fmt.Fprintf(errw, "  tx %s sent, waiting for %d confirmation(s)…\n", short(p.Hash.Hex()), p.Want)
			case chain.TxMined:
				if p.Want > 1 {
					fmt.Fprintf(errw, "  tx %s mined in block %d (1/%d)\n", short(p.Hash.Hex()), p.Block, p.Want)
				}
			case chain.TxConfirmed:
				fmt.Fprintf(errw, "  tx %s confirmed in block %d\n", short(p.Hash.Hex()), p.Block)
			case chain.TxWaiting:
				fmt.Fprintf(errw, "  … tx %s: the chain does not answer (%v); still waiting after %s (gives up after --wait-timeout %s)\n",
					short(p.Hash.Hex()), p.Err, p.Waited.Round(time.Second), f.waitTimeout)
			}
		},
	}
	c, err := chain.Dial(cmd.Context(), url, conf)
	if err != nil {
		return nil, err
	}
	if f.g != nil {
		if h, err := c.HeaderByNumber(cmd.Context(), nil); err == nil {
			f.g.headTime, f.g.headAt = time.Unix(int64(h.Time), 0), time.Now()
		}
		if f.info != nil && f.info.Token.Symbol != "" {
			f.g.tokenCache().Put(f.tokenKey(cmd.Context(), c, f.info.Token.Address), amount.Token{Symbol: f.info.Token.Symbol, Decimals: f.info.Token.Decimals})
		}
	}
	return c, nil
}

func short(h string) string {
	if len(h) > 14 {
		return h[:10] + "…" + h[len(h)-4:]
	}
	return h
}

// noWallet is the error of a command that signs but was given no wallet.
func noWallet(ctxName string) error {
	where := "give --account LABEL (a dev account of the network file, e.g. publisher), --key-file FILE, --keystore FILE or " + chain.EnvPrivateKey
	if ctxName != "" {
		return usagef("no wallet to sign with: context %s names none; %s, or add one: tpod context set %s --account publisher", ctxName, where, ctxName)
	}
	return usagef("no wallet to sign with: %s, or use a context with a wallet: tpod context set NAME --network FILE --account LABEL", where)
}

// wallet loads the signing wallet.
func (f *chainFlags) wallet() (*chain.Wallet, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	var w *chain.Wallet
	var err error
	if f.account != "" {
		if f.info == nil {
			return nil, usagef("--account %s needs a network file (--network FILE, or a context with one): dev accounts live there", f.account)
		}
		if w, err = f.info.Wallet(f.account); err != nil {
			var labels []string
			for _, a := range f.info.Accounts {
				labels = append(labels, a.Label)
			}
			return nil, usagef("--account %s%s: the network file's accounts are %s", f.account, f.fromContext(), strings.Join(labels, ", "))
		}
	} else {
		if f.keystore == "" && f.keyFile == "" && os.Getenv(chain.EnvPrivateKey) == "" {
			return nil, noWallet(f.ctxName)
		}
		src := chain.WalletSource{KeystoreFile: f.keystore, PassphraseFile: f.passphraseFile, KeyFile: f.keyFile}
		if f.keystore != "" && term.IsTerminal(int(os.Stdin.Fd())) {
			src.Prompt = func(prompt string) (string, error) {
				fmt.Fprint(os.Stderr, prompt)
				b, err := term.ReadPassword(int(os.Stdin.Fd()))
				fmt.Fprintln(os.Stderr)
				return string(b), err
			}
		}
		if w, err = chain.LoadWallet(src); err != nil {
			return nil, fmt.Errorf("load wallet%s: %w", f.fromContext(), err)
		}
	}
	if f.g != nil {
		f.g.sender = w.Address().Hex()
	}
	return w, nil
}

// tokenKey is the token cache key of addr on c's chain: chain ID, genesis
// hash (a restarted devnet reuses addresses) and address.
func (f *chainFlags) tokenKey(ctx context.Context, c *chain.Client, addr common.Address) string {
	gen := ""
	if h, err := c.HeaderByNumber(ctx, big.NewInt(0)); err == nil {
		gen = h.Hash().Hex()
	}
	return amount.Key(c.ChainID().Uint64(), gen, addr.Hex())
}

// tokenInfo returns the symbol and decimals of a token (cached), and makes
// it the token the command's amounts are shown in.
func (f *chainFlags) tokenInfo(ctx context.Context, c *chain.Client, addr common.Address) amount.Token {
	if f.g == nil || addr == (common.Address{}) {
		return amount.Token{}
	}
	t := f.g.tokenCache().Get(ctx, f.tokenKey(ctx, c, addr), addr.Hex())
	if t.Known() {
		f.g.token = t
	}
	return t
}

// tokenCache is the process's token cache, backed by the user cache file;
// it reads unknown tokens from the chain the command dialled.
func (g *globals) tokenCache() *amount.Cache {
	if g.tokens == nil {
		g.tokens = &amount.Cache{File: amount.DefaultCacheFile()}
	}
	return g.tokens
}

// lookupWith lets the token cache read tokens through c.
func (g *globals) lookupWith(c *chain.Client) {
	g.tokenCache().Lookup = func(ctx context.Context, address string) (amount.Token, error) {
		tok := chain.NewToken(c, common.HexToAddress(address))
		sym, err := tok.Symbol(ctx)
		if err != nil {
			return amount.Token{}, err
		}
		dec, err := tok.Decimals(ctx)
		return amount.Token{Symbol: sym, Decimals: dec}, err
	}
}

// address resolves an address argument: hex, a dev account label of the
// network file, or an unambiguous prefix of a dev account's address (as
// printed: "0xE59c", "0xE59c…802d"). candidates, if given, are more
// addresses a prefix may name (the Registry's providers).
func (f *chainFlags) address(name, v string, candidates ...common.Address) (common.Address, error) {
	if common.IsHexAddress(v) {
		return common.HexToAddress(v), nil
	}
	if err := f.load(); err != nil {
		return common.Address{}, err
	}
	if f.info != nil {
		if a, ok := f.info.Account(v); ok {
			return a.Address, nil
		}
		for _, a := range f.info.Accounts {
			candidates = append(candidates, a.Address)
		}
	}
	if v == "" {
		return common.Address{}, usagef("%s is required", name)
	}
	if isHexPrefix(v) {
		a, err := matchAddress(v, candidates)
		if err != nil {
			return common.Address{}, usagef("%s: %v", name, err)
		}
		return a, nil
	}
	return common.Address{}, usagef("%s: %q is neither an address, a prefix of one, nor a dev account of the network file", name, v)
}

// isHexPrefix reports whether v looks like an abbreviated address or ID:
// 0x and hex digits, optionally "…" (or "...") and more hex digits.
func isHexPrefix(v string) bool {
	if !strings.HasPrefix(strings.ToLower(v), "0x") || len(v) < 4 {
		return false
	}
	head, tail := splitEllipsis(v[2:])
	_, err1 := hex.DecodeString(evenHex(head))
	_, err2 := hex.DecodeString(evenHex(tail))
	return err1 == nil && err2 == nil
}

func evenHex(s string) string {
	if len(s)%2 == 1 {
		return s + "0"
	}
	return s
}

func splitEllipsis(s string) (string, string) {
	for _, sep := range []string{"…", "..."} {
		if h, t, ok := strings.Cut(s, sep); ok {
			return h, t
		}
	}
	return s, ""
}

// matchAddress picks the one candidate that starts (and ends, for the
// "0xE59c…802d" form) with v.
func matchAddress(v string, candidates []common.Address) (common.Address, error) {
	head, tail := splitEllipsis(strings.ToLower(v[2:]))
	seen := map[common.Address]bool{}
	var match []common.Address
	for _, c := range candidates {
		h := strings.ToLower(c.Hex()[2:])
		if !seen[c] && strings.HasPrefix(h, head) && strings.HasSuffix(h, tail) {
			match = append(match, c)
		}
		seen[c] = true
	}
	switch len(match) {
	case 0:
		return common.Address{}, fmt.Errorf("no known address starts with %s", v)
	case 1:
		return match[0], nil
	}
	var names []string
	for _, m := range match {
		names = append(names, m.Hex())
	}
	return common.Address{}, fmt.Errorf("%s is ambiguous: %s; give more digits", v, strings.Join(names, ", "))
}

// contract resolves a contract address from its flag, the context or the
// network file.
func (f *chainFlags) contract(name string) (common.Address, error) {
	if err := f.load(); err != nil {
		return common.Address{}, err
	}
	var v string
	switch name {
	case "payment":
		v = f.payment
	case "registry":
		v = f.registry
	case "token":
		v = f.token
	}
	if v != "" {
		if !common.IsHexAddress(v) {
			return common.Address{}, usagef("--%s: %q is not an address%s", name, v, f.fromContext())
		}
		return common.HexToAddress(v), nil
	}
	if f.info != nil {
		switch name {
		case "payment":
			return f.info.Contracts.Payment, nil
		case "registry":
			return f.info.Contracts.Registry, nil
		case "token":
			return f.info.Contracts.Token, nil
		}
	}
	return common.Address{}, usagef("no %s contract: give --%s ADDRESS or --network FILE, or use a context that has them (tpod context list)", name, name)
}

// parseBytes32 parses the 32-byte hex value of flag name (a usage error
// when it is not one).
func parseBytes32(name, s string) ([32]byte, error) {
	v, err := hex32.Parse(s)
	if err != nil {
		return v, usagef("%s: want 32 bytes of hex (0x + 64 digits), got %q", name, s)
	}
	return v, nil
}

// chainWaitFile waits for a file to appear (used by scripts through `devnet wait`).
func chainWaitFile(ctx context.Context, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not appear within %s", path, timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// hexAddr parses an address as records keep them.
func hexAddr(s string) common.Address { return common.HexToAddress(s) }

// parseBigString parses a decimal string of base units.
func parseBigString(s string) (*big.Int, bool) { return new(big.Int).SetString(s, 10) }

// amountPerHour formats a rate per second as per hour in tok (base units
// per second with --raw).
func amountPerHour(g *globals, perSecond *big.Int, tok amount.Token) string {
	if perSecond == nil {
		return "-"
	}
	if g.raw {
		return perSecond.String() + "/s"
	}
	return amount.PerHour(perSecond, tok)
}
