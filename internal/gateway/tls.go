package gateway

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// BindingPrefix starts the binding's extra-data encoding (docs/gateway.md).
const BindingPrefix = "tpod/gateway-tls/v1\x00"

// BindingLen is the length of Binding.ExtraData.
const BindingLen = len(BindingPrefix) + sha256.Size

// ErrBinding marks a TLS peer whose key is not the attested one.
var ErrBinding = errors.New("tls key does not match the attested binding")

// Binding commits the gateway's TLS key: the SHA-256 of the DER
// SubjectPublicKeyInfo of the key every gateway certificate carries. The
// provider puts ExtraData into its attestation evidence; a client that has
// verified the evidence accepts only a TLS peer whose certificate has that key.
type Binding struct {
	KeySHA256 [sha256.Size]byte
}

// ExtraData encodes the binding for attestation evidence:
// BindingPrefix ‖ KeySHA256.
func (b Binding) ExtraData() []byte {
	out := make([]byte, 0, BindingLen)
	out = append(out, BindingPrefix...)
	return append(out, b.KeySHA256[:]...)
}

// String is the hex of the key hash.
func (b Binding) String() string { return hex.EncodeToString(b.KeySHA256[:]) }

// ParseBinding decodes ExtraData taken from verified evidence.
func ParseBinding(extra []byte) (Binding, error) {
	var b Binding
	if len(extra) != BindingLen || !bytes.HasPrefix(extra, []byte(BindingPrefix)) {
		return b, fmt.Errorf("gateway tls binding: %d bytes, want %d with prefix %q: %w", len(extra), BindingLen, strings.TrimSuffix(BindingPrefix, "\x00"), ErrInvalid)
	}
	copy(b.KeySHA256[:], extra[len(BindingPrefix):])
	return b, nil
}

// KeyHash returns the SHA-256 of a certificate's SubjectPublicKeyInfo.
func KeyHash(cert *x509.Certificate) [sha256.Size]byte {
	return sha256.Sum256(cert.RawSubjectPublicKeyInfo)
}

// VerifyConnection checks that the TLS peer's leaf certificate carries the
// bound key. Use it as tls.Config.VerifyConnection. The handshake has proved
// that the peer holds the private key of that certificate.
func (b Binding) VerifyConnection(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("no peer certificate: %w", ErrBinding)
	}
	got := KeyHash(cs.PeerCertificates[0])
	if subtle.ConstantTimeCompare(got[:], b.KeySHA256[:]) != 1 {
		return fmt.Errorf("peer key %x, attested %x: %w", got, b.KeySHA256, ErrBinding)
	}
	return nil
}

// ClientTLSConfig returns a client configuration that accepts only the
// attested gateway key. With roots nil the key pin is the whole trust (the
// self-signed case); with roots the chain and name are verified too.
func (b Binding) ClientTLSConfig(serverName string, roots *x509.CertPool) *tls.Config {
	return &tls.Config{
		ServerName:         serverName,
		RootCAs:            roots,
		InsecureSkipVerify: roots == nil, // replaced by the key pin below
		VerifyConnection:   b.VerifyConnection,
		MinVersion:         tls.VersionTLS12,
		NextProtos:         []string{"h2", "http/1.1"},
	}
}

// TLSOptions configure a TLSIdentity.
type TLSOptions struct {
	// Domain: the default certificate names Domain and *.Domain.
	Domain string
	// CACert and CAKey, if set, sign the certificates; otherwise they are
	// self-signed. Either way their key is the identity's own.
	CACert *x509.Certificate
	CAKey  crypto.Signer
	// Validity of issued certificates (default 90 days).
	Validity time.Duration
	// Now is the clock for certificate validity (default time.Now).
	Now func() time.Time
}

// TLSIdentity is the gateway's TLS key, generated in process (inside the
// enclave) and never written anywhere, and the certificates it issues for
// that key: one for the gateway domain and one per custom hostname.
type TLSIdentity struct {
	key  *ecdsa.PrivateKey
	hash [sha256.Size]byte
	opts TLSOptions

	mu    sync.Mutex
	certs map[string]*tls.Certificate
}

const maxCachedCerts = 10000

// NewTLSIdentity generates a fresh P-256 key.
func NewTLSIdentity(opts TLSOptions) (*TLSIdentity, error) {
	if (opts.CACert == nil) != (opts.CAKey == nil) {
		return nil, fmt.Errorf("gateway tls: CA certificate and key go together: %w", ErrInvalid)
	}
	if opts.Validity <= 0 {
		opts.Validity = 90 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Domain = NormalizeHost(opts.Domain)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("gateway tls key: %w", err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("gateway tls key: %w", err)
	}
	return &TLSIdentity{key: key, hash: sha256.Sum256(spki), opts: opts, certs: map[string]*tls.Certificate{}}, nil
}

// TLSKeyHash is the SHA-256 of the key's DER SubjectPublicKeyInfo.
func (id *TLSIdentity) TLSKeyHash() [sha256.Size]byte { return id.hash }

// Binding is what the provider commits in its attestation evidence.
func (id *TLSIdentity) Binding() Binding { return Binding{KeySHA256: id.hash} }

// Certificate returns a certificate for name ("" or a name the domain
// certificate covers: the domain certificate), issuing it on first use.
func (id *TLSIdentity) Certificate(name string) (*tls.Certificate, error) {
	name = NormalizeHost(name)
	if name == "" || id.covers(name) {
		name = ""
	}
	id.mu.Lock()
	defer id.mu.Unlock()
	if c := id.certs[name]; c != nil && id.opts.Now().Before(c.Leaf.NotAfter.Add(-24*time.Hour)) {
		return c, nil
	}
	var names []string
	switch {
	case name != "":
		names = []string{name}
	case id.opts.Domain != "":
		names = []string{id.opts.Domain, "*." + id.opts.Domain}
	default:
		names = []string{"tpod-gateway"}
	}
	c, err := id.issue(names)
	if err != nil {
		return nil, err
	}
	if len(id.certs) >= maxCachedCerts {
		clear(id.certs)
	}
	id.certs[name] = c
	return c, nil
}

func (id *TLSIdentity) covers(name string) bool {
	d := id.opts.Domain
	if d == "" {
		return false
	}
	if name == d {
		return true
	}
	rest, ok := strings.CutSuffix(name, "."+d)
	return ok && rest != "" && !strings.Contains(rest, ".")
}

func (id *TLSIdentity) issue(names []string) (*tls.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	now := id.opts.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"Trusted Pods gateway"}},
		DNSNames:              names,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(id.opts.Validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	parent, signer := tmpl, crypto.Signer(id.key)
	if id.opts.CACert != nil {
		parent, signer = id.opts.CACert, id.opts.CAKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &id.key.PublicKey, signer)
	if err != nil {
		return nil, fmt.Errorf("gateway tls certificate for %v: %w", names, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	chain := [][]byte{der}
	if id.opts.CACert != nil {
		chain = append(chain, id.opts.CACert.Raw)
	}
	return &tls.Certificate{Certificate: chain, PrivateKey: id.key, Leaf: leaf}, nil
}

// getCertificate serves the domain certificate, or a certificate for a
// routed custom hostname.
func (g *Gateway) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := NormalizeHost(hello.ServerName)
	g.mu.RLock()
	_, routed := g.hosts[name]
	g.mu.RUnlock()
	if !routed {
		name = ""
	}
	return g.cfg.TLS.Certificate(name)
}
