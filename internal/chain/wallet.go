package chain

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// Environment variables a wallet may come from. Keys and passphrases are
// never accepted as command-line flags.
const (
	EnvPrivateKey = "TPOD_PRIVATE_KEY" // hex private key
	EnvPassphrase = "TPOD_PASSPHRASE"  // passphrase of a keystore file
)

// ErrNoWallet: no key source was given.
var ErrNoWallet = errors.New("no wallet: give a keystore file, a key file or set " + EnvPrivateKey)

// Wallet holds one secp256k1 key. It signs transactions and 32-byte digests
// (so it also satisfies payment.Signer).
type Wallet struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

// NewWallet wraps a private key.
func NewWallet(key *ecdsa.PrivateKey) *Wallet {
	return &Wallet{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// Address is the wallet's account.
func (w *Wallet) Address() common.Address { return w.addr }

// SignTx signs tx for chainID with the latest signer.
func (w *Wallet) SignTx(tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
	return types.SignTx(tx, types.LatestSignerForChainID(chainID), w.key)
}

// SignDigest signs a 32-byte digest and returns [R || S || V] with V 27 or 28,
// as Solidity's ecrecover and OpenZeppelin's ECDSA expect.
func (w *Wallet) SignDigest(d [32]byte) ([]byte, error) {
	sig, err := crypto.Sign(d[:], w.key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	return sig, nil
}

// PrivateKeyHex returns the key as 0x-prefixed hex, for writing dev key files.
func (w *Wallet) PrivateKeyHex() string { return "0x" + common.Bytes2Hex(crypto.FromECDSA(w.key)) }

// WalletSource says where to load a wallet from. Exactly one of KeystoreFile,
// KeyFile or the EnvPrivateKey variable is used, in that order.
type WalletSource struct {
	// KeystoreFile is an Ethereum keystore (Web3 Secret Storage) JSON file.
	KeystoreFile string
	// PassphraseFile holds the keystore passphrase (first line). Without it the
	// passphrase comes from EnvPassphrase, then from Prompt.
	PassphraseFile string
	// KeyFile holds a hex private key; it must not be readable by group or others.
	KeyFile string
	// Getenv reads the environment (default os.Getenv).
	Getenv func(string) string
	// Prompt asks for the passphrase interactively; nil means no terminal.
	Prompt func(prompt string) (string, error)
}

// LoadWallet loads the wallet the source describes.
func LoadWallet(src WalletSource) (*Wallet, error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	switch {
	case src.KeystoreFile != "":
		blob, err := readSecretFile(src.KeystoreFile, false)
		if err != nil {
			return nil, fmt.Errorf("read keystore: %w", err)
		}
		pass, err := passphrase(src, getenv)
		if err != nil {
			return nil, err
		}
		k, err := keystore.DecryptKey(blob, pass)
		if err != nil {
			return nil, fmt.Errorf("decrypt keystore %s: %w", src.KeystoreFile, err)
		}
		return NewWallet(k.PrivateKey), nil
	case src.KeyFile != "":
		blob, err := readSecretFile(src.KeyFile, true)
		if err != nil {
			return nil, fmt.Errorf("read key file: %w", err)
		}
		w, err := ParsePrivateKey(string(blob))
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", src.KeyFile, err)
		}
		return w, nil
	case getenv(EnvPrivateKey) != "":
		w, err := ParsePrivateKey(getenv(EnvPrivateKey))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvPrivateKey, err)
		}
		return w, nil
	}
	return nil, ErrNoWallet
}

// ParsePrivateKey parses a hex private key (with or without 0x). The error
// never contains the input.
func ParsePrivateKey(s string) (*Wallet, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	k, err := crypto.HexToECDSA(s)
	if err != nil {
		return nil, errors.New("not a hex secp256k1 private key")
	}
	return NewWallet(k), nil
}

// WriteKeyFile writes the wallet's key as hex to path with mode 0600.
func WriteKeyFile(path string, w *Wallet) error {
	return os.WriteFile(path, []byte(w.PrivateKeyHex()+"\n"), 0o600)
}

func passphrase(src WalletSource, getenv func(string) string) (string, error) {
	if src.PassphraseFile != "" {
		b, err := readSecretFile(src.PassphraseFile, false)
		if err != nil {
			return "", fmt.Errorf("read passphrase file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	if p := getenv(EnvPassphrase); p != "" {
		return p, nil
	}
	if src.Prompt != nil {
		return src.Prompt("Passphrase for " + src.KeystoreFile + ": ")
	}
	return "", fmt.Errorf("keystore %s needs a passphrase: set %s, give a passphrase file or run in a terminal", src.KeystoreFile, EnvPassphrase)
}

// readSecretFile reads a small file; strict refuses files readable by group
// or others, as ssh does for private keys.
func readSecretFile(path string, strict bool) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > 1<<20 {
		return nil, fmt.Errorf("%s: too large for a key file", path)
	}
	if strict && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: permissions %04o are too open; chmod 600 it", path, st.Mode().Perm())
	}
	return io.ReadAll(io.LimitReader(f, 1<<20))
}
