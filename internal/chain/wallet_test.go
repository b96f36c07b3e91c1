package chain_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	"github.com/trustedpods/tpod/internal/chain"
)

func TestLoadWallet(t *testing.T) {
	dir := t.TempDir()
	key, _ := crypto.GenerateKey()
	want := crypto.PubkeyToAddress(key.PublicKey)
	hexKey := "0x" + common2hex(crypto.FromECDSA(key))

	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: want, PrivateKey: key}, "s3cret", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ksFile := write("ks.json", string(ks), 0o600)
	passFile := write("pass", "s3cret\n", 0o600)
	keyFile := write("key", hexKey+"\n", 0o600)
	openKey := write("open-key", hexKey, 0o644)
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	for _, tc := range []struct {
		name    string
		src     chain.WalletSource
		wantErr string
	}{
		{"keystore+passphrase file", chain.WalletSource{KeystoreFile: ksFile, PassphraseFile: passFile, Getenv: env(nil)}, ""},
		{"keystore+env", chain.WalletSource{KeystoreFile: ksFile, Getenv: env(map[string]string{chain.EnvPassphrase: "s3cret"})}, ""},
		{"keystore+prompt", chain.WalletSource{KeystoreFile: ksFile, Getenv: env(nil), Prompt: func(string) (string, error) { return "s3cret", nil }}, ""},
		{"keystore wrong passphrase", chain.WalletSource{KeystoreFile: ksFile, Getenv: env(map[string]string{chain.EnvPassphrase: "nope"})}, "could not decrypt"},
		{"keystore no passphrase", chain.WalletSource{KeystoreFile: ksFile, Getenv: env(nil)}, "needs a passphrase"},
		{"key file", chain.WalletSource{KeyFile: keyFile, Getenv: env(nil)}, ""},
		{"key file too open", chain.WalletSource{KeyFile: openKey, Getenv: env(nil)}, "too open"},
		{"env key", chain.WalletSource{Getenv: env(map[string]string{chain.EnvPrivateKey: hexKey})}, ""},
		{"env garbage", chain.WalletSource{Getenv: env(map[string]string{chain.EnvPrivateKey: "0xnotakey-SECRET"})}, "not a hex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := chain.LoadWallet(tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), hexKey[2:]) || strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("error leaks a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w.Address() != want {
				t.Fatalf("address %s, want %s", w.Address(), want)
			}
		})
	}
	if _, err := chain.LoadWallet(chain.WalletSource{Getenv: env(nil)}); !errors.Is(err, chain.ErrNoWallet) {
		t.Fatalf("no source: %v", err)
	}
}

func common2hex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
