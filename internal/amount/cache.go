package amount

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Lookup reads a token's symbol and decimals from the chain.
type Lookup func(ctx context.Context, address string) (Token, error)

// Cache remembers tokens by chain ID and address, in memory and in a small
// JSON file, so that formatting an amount costs no chain call after the
// first. A token's symbol and decimals never change once deployed, so
// entries never expire; a chain restarted with other contracts at the same
// addresses (a devnet) is told apart by its genesis in the key.
type Cache struct {
	// File is the cache file ("" keeps the cache in memory only).
	File string
	// Lookup reads a token the cache does not hold (nil: unknown tokens
	// format as base units).
	Lookup Lookup

	mu     sync.Mutex
	loaded bool
	m      map[string]Token
}

// DefaultCacheFile is os.UserCacheDir()/tpod/tokens.json ("" when there
// is no cache directory).
func DefaultCacheFile() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "tpod", "tokens.json")
}

// Key is the cache key of a token: chain ID, genesis (may be empty) and
// address, lower-case.
func Key(chainID uint64, genesis, address string) string {
	return strings.ToLower(fmt.Sprintf("%d/%s/%s", chainID, genesis, address))
}

func (c *Cache) load() {
	if c.loaded {
		return
	}
	c.loaded = true
	c.m = map[string]Token{}
	if c.File == "" {
		return
	}
	b, err := os.ReadFile(c.File)
	if err != nil || len(b) > 1<<20 {
		return
	}
	var m map[string]Token
	if json.Unmarshal(b, &m) == nil {
		for k, v := range m {
			if v.Known() && validSymbol(v.Symbol) && v.Decimals <= 77 {
				c.m[k] = v
			}
		}
	}
}

// Put records a token (e.g. from a devnet file) without a chain call.
func (c *Cache) Put(key string, t Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.load()
	if c.m[key] == t {
		return
	}
	c.m[key] = t
	c.save()
}

// Get returns the token of key, reading it through Lookup (with address)
// the first time. A token that cannot be read is returned unknown (zero):
// amounts then print in base units, which is never wrong.
func (c *Cache) Get(ctx context.Context, key, address string) Token {
	c.mu.Lock()
	c.load()
	t, ok := c.m[key]
	c.mu.Unlock()
	if ok || c.Lookup == nil {
		return t
	}
	t, err := c.Lookup(ctx, address)
	if err != nil || !t.Known() || !validSymbol(t.Symbol) || t.Decimals > 77 {
		return Token{}
	}
	c.Put(key, t)
	return t
}

// save writes the file atomically; failing to cache is not an error.
func (c *Cache) save() {
	if c.File == "" {
		return
	}
	b, err := json.MarshalIndent(c.m, "", "  ")
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(c.File), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.File), ".tokens-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return
	}
	if tmp.Close() == nil {
		os.Rename(tmp.Name(), c.File)
	}
}
