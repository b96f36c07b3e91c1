package bundle

import (
	"bufio"
	"bytes"
	"crypto/ecdh"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Text forms of recipient keys and identities (docs/bundle.md).
const (
	RecipientPrefix = "tpod-x25519:"
	IdentityPrefix  = "TPOD-X25519-SECRET-KEY:"
)

var b64 = base64.RawURLEncoding

// FormatRecipient writes a public key as "tpod-x25519:<base64url>".
func FormatRecipient(pub *ecdh.PublicKey) string {
	return RecipientPrefix + b64.EncodeToString(pub.Bytes())
}

// ParseRecipient reads a public key written by FormatRecipient, or 64 hex
// digits (the raw key, as attestation evidence carries it).
func ParseRecipient(s string) (*ecdh.PublicKey, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	var err error
	switch {
	case strings.HasPrefix(s, RecipientPrefix):
		raw, err = b64.DecodeString(s[len(RecipientPrefix):])
	case len(s) == 64:
		raw, err = hex.DecodeString(s)
	default:
		return nil, fmt.Errorf("recipient: want %s<base64url> or 64 hex digits", RecipientPrefix)
	}
	if err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("recipient: not a 32-byte X25519 key")
	}
	return ecdh.X25519().NewPublicKey(raw)
}

// GenerateIdentity makes a new X25519 key pair.
func GenerateIdentity() (*ecdh.PrivateKey, error) {
	return ecdh.X25519().GenerateKey(nil)
}

// FormatIdentity writes the identity file: comment lines with the public
// key, then the private key line. Store it with mode 0600.
func FormatIdentity(k *ecdh.PrivateKey) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# tpod bundle identity (X25519). Keep this file secret.\n")
	fmt.Fprintf(&b, "# recipient: %s\n", FormatRecipient(k.PublicKey()))
	fmt.Fprintf(&b, "%s%s\n", IdentityPrefix, b64.EncodeToString(k.Bytes()))
	return b.Bytes()
}

// ParseIdentity reads an identity file; '#' lines and blank lines are skipped.
// Errors never include key material.
func ParseIdentity(data []byte) (*ecdh.PrivateKey, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(line, IdentityPrefix) {
			return nil, fmt.Errorf("identity: unexpected line (want %s...)", IdentityPrefix)
		}
		raw, err := b64.DecodeString(line[len(IdentityPrefix):])
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("identity: malformed key")
		}
		return ecdh.X25519().NewPrivateKey(raw)
	}
	return nil, fmt.Errorf("identity: no key found")
}
