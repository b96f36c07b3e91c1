package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"sigs.k8s.io/yaml"
)

// User is the user's configuration file, ~/.config/tpod/config.yaml:
// named contexts, each a network and a wallet, and the current one
// (docs/publisher.md § Contexts). Flags and TPOD_* variables override a
// context's values.
type User struct {
	// Current names the context commands use when none is given.
	Current  string              `json:"current,omitempty"`
	Contexts map[string]*Context `json:"contexts,omitempty"`
}

// Context is one network and wallet. Paths are absolute once written by
// `tpod context set`.
type Context struct {
	// Network is a devnet file (RPC, contracts, dev accounts); RPC and the
	// contract addresses override or replace it.
	Network  string `json:"network,omitempty"`
	RPC      string `json:"rpc,omitempty"`
	Payment  string `json:"payment,omitempty"`
	Registry string `json:"registry,omitempty"`
	Token    string `json:"token,omitempty"`
	// The wallet: a dev account of the network file, a keystore (with a
	// passphrase file, or a prompt) or a key file. Never a key itself.
	Account        string `json:"account,omitempty"`
	Keystore       string `json:"keystore,omitempty"`
	PassphraseFile string `json:"passphraseFile,omitempty"`
	KeyFile        string `json:"keyFile,omitempty"`
	// StateDir holds this context's deployment records (default: the
	// user's deployments directory).
	StateDir string `json:"stateDir,omitempty"`
}

// HasWallet reports whether the context names a wallet.
func (c *Context) HasWallet() bool {
	return c != nil && (c.Account != "" || c.Keystore != "" || c.KeyFile != "")
}

// HasNetwork reports whether the context names a network.
func (c *Context) HasNetwork() bool {
	return c != nil && (c.Network != "" || c.RPC != "")
}

// UserFile is the user configuration file: $TPOD_CONFIG, else
// os.UserConfigDir()/tpod/config.yaml.
func UserFile() (string, error) {
	if f := os.Getenv("TPOD_CONFIG"); f != "" {
		return f, nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory (set TPOD_CONFIG): %w", err)
	}
	return filepath.Join(d, "tpod", "config.yaml"), nil
}

// LoadUser reads the user configuration; a missing file is an empty one.
// Errors name the file and line.
func LoadUser(path string) (*User, error) {
	u := &User{}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return u, nil
	}
	data, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	if err := yaml.UnmarshalStrict(data, u); err != nil {
		return nil, positioned(path, data, u, err)
	}
	for name, c := range u.Contexts {
		if c == nil {
			u.Contexts[name] = &Context{}
		}
	}
	if u.Current != "" && u.Contexts[u.Current] == nil {
		return nil, &PositionError{File: path, Path: "current", Msg: fmt.Sprintf("names context %q, which the file does not define", u.Current)}
	}
	return u, nil
}

// Save writes the file atomically, mode 0600 (it names key files).
func (u *User) Save(path string) error {
	b, err := yaml.Marshal(u)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Names returns the context names, sorted.
func (u *User) Names() []string {
	var out []string
	for n := range u.Contexts {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
