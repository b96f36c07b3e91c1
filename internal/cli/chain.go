package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
)

// chainFlags are the flags of every command that talks to the chain: where
// the chain and the contracts are (a devnet file, or explicit flags) and,
// for transactions, which wallet signs. Keys never come from flags: only
// files, the environment or a devnet file's dev accounts.
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

	info *devnet.Info // loaded from --network
}

func (f *chainFlags) register(cmd *cobra.Command, wallet bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.network, "network", os.Getenv("TPOD_NETWORK"), "devnet JSON file with RPC URLs, contract addresses and dev accounts, or a name such as devnet for ./devnet.json (env TPOD_NETWORK)")
	fl.StringVar(&f.rpc, "rpc", os.Getenv("TPOD_RPC"), "JSON-RPC endpoint, http(s):// or ws(s):// (env TPOD_RPC; default: from --network)")
	fl.StringVar(&f.payment, "payment", "", "Payment contract address (default: from --network)")
	fl.StringVar(&f.registry, "registry", "", "Registry contract address (default: from --network)")
	fl.StringVar(&f.token, "token", "", "ERC-20 token address (default: the devnet's test token)")
	fl.Uint64Var(&f.confirmations, "confirmations", 1, "blocks (including the transaction's) to wait for")
	if wallet {
		fl.StringVar(&f.keystore, "keystore", os.Getenv("TPOD_KEYSTORE"), "Ethereum keystore file of the signing wallet (passphrase: env "+chain.EnvPassphrase+", --passphrase-file or prompt)")
		fl.StringVar(&f.passphraseFile, "passphrase-file", "", "file holding the keystore passphrase")
		fl.StringVar(&f.keyFile, "key-file", os.Getenv("TPOD_KEY_FILE"), "file holding a hex private key, mode 0600 (or env "+chain.EnvPrivateKey+")")
		fl.StringVar(&f.account, "account", "", "dev account of the --network file to sign with: publisher, provider, deployer, ...")
	}
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

// load reads the --network file once.
func (f *chainFlags) load() error {
	if f.network == "" || f.info != nil {
		return nil
	}
	info, err := devnet.ReadInfo(resolveNetwork(f.network))
	if err != nil {
		return fmt.Errorf("read network file: %w", err)
	}
	f.info = info
	return nil
}

// dial connects to the chain, reporting transaction progress on stderr.
func (f *chainFlags) dial(cmd *cobra.Command) (*chain.Client, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	url := f.rpc
	if url == "" && f.info != nil {
		url = f.info.RPC.HTTP
	}
	if url == "" {
		return nil, usagef("no chain: give --rpc URL or --network FILE")
	}
	errw := cmd.ErrOrStderr()
	conf := chain.Config{
		Confirmations: f.confirmations,
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
			}
		},
	}
	return chain.Dial(cmd.Context(), url, conf)
}

func short(h string) string {
	if len(h) > 14 {
		return h[:10] + "…" + h[len(h)-4:]
	}
	return h
}

// wallet loads the signing wallet.
func (f *chainFlags) wallet() (*chain.Wallet, error) {
	if err := f.load(); err != nil {
		return nil, err
	}
	if f.account != "" {
		if f.info == nil {
			return nil, usagef("--account needs --network")
		}
		return f.info.Wallet(f.account)
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
	w, err := chain.LoadWallet(src)
	if err != nil {
		return nil, fmt.Errorf("load wallet: %w", err)
	}
	return w, nil
}

// address resolves an address flag: hex, or a dev account label of --network.
func (f *chainFlags) address(name, v string) (common.Address, error) {
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
	}
	if v == "" {
		return common.Address{}, usagef("%s is required", name)
	}
	return common.Address{}, usagef("%s: %q is neither an address nor a dev account of --network", name, v)
}

// contract resolves a contract address from its flag or the network file.
func (f *chainFlags) contract(name, flagVal string) (common.Address, error) {
	if flagVal != "" {
		if !common.IsHexAddress(flagVal) {
			return common.Address{}, usagef("--%s: %q is not an address", name, flagVal)
		}
		return common.HexToAddress(flagVal), nil
	}
	if err := f.load(); err != nil {
		return common.Address{}, err
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
	return common.Address{}, usagef("no %s contract: give --%s ADDRESS or --network FILE", name, name)
}

// parseAmount parses a non-negative integer amount of base units: digits,
// optionally with an exponent ("5e18").
func parseAmount(s string) (*big.Int, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	v, ok := new(big.Int).SetString(mant, 10)
	if !ok || v.Sign() < 0 {
		return nil, fmt.Errorf("%q is not a non-negative integer amount", s)
	}
	if hasExp {
		e, err := strconv.ParseUint(exp, 10, 8)
		if err != nil || e > 77 {
			return nil, fmt.Errorf("%q: bad exponent", s)
		}
		v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	}
	if v.BitLen() > 256 {
		return nil, fmt.Errorf("%q is too large", s)
	}
	return v, nil
}

// parseBytes32 parses a 0x-prefixed 32-byte hex value.
func parseBytes32(name, s string) ([32]byte, error) {
	var out [32]byte
	b, err := hexDecode(s)
	if err != nil || len(b) != 32 {
		return out, usagef("%s: want 32 bytes of hex (0x + 64 digits), got %q", name, s)
	}
	copy(out[:], b)
	return out, nil
}

func hexDecode(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	return hex.DecodeString(s)
}

func chainWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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
