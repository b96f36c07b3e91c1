package publisher

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/trustedpods/tpod/internal/gateway"
)

// ErrNoBinding: the deployment's verified attestation commits no gateway
// TLS key, so there is nothing a TLS endpoint can be checked against.
var ErrNoBinding = errors.New("no gateway TLS binding in the attestation")

// ErrUnreachable: the TLS endpoint did not answer, or not with TLS.
var ErrUnreachable = errors.New("TLS endpoint unreachable")

// ErrNoHTTPSEndpoint: no HTTPS URL is recorded for the pod and none was given.
var ErrNoHTTPSEndpoint = errors.New("no HTTPS endpoint known")

// TLSCheckOptions say where and how to check a pod's TLS endpoint.
type TLSCheckOptions struct {
	// URL is https://HOST[:PORT] (default port 443). Empty: the record's
	// first https endpoint.
	URL string
	// Connect, if set, is the HOST:PORT dialled instead of the URL's host
	// (the URL's host is still the TLS server name).
	Connect string
	// Fresh re-attests the provider (fresh nonce, the deploy's policy) and
	// checks against the new evidence's binding instead of the recorded one.
	Fresh bool
	// Policy and InsecureSimulated as for deploy ("" / false keep the
	// deploy's); only used with Fresh.
	Policy            string
	InsecureSimulated bool
	// Timeout bounds each connection attempt (default 10 s).
	Timeout time.Duration
}

// TLSCheck is what a passing check saw.
type TLSCheck struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	Address    string `json:"address"`              // the TCP address dialled
	ServerName string `json:"serverName,omitempty"` // SNI sent
	// Evidence is the kind of the evidence the binding comes from; Fresh
	// says whether it was fetched for this check or recorded at deploy.
	Evidence string `json:"evidence"`
	Fresh    bool   `json:"fresh"`
	// Binding is the attested key hash; the leaf certificate's key hash
	// equals it (the check passed).
	Binding     string    `json:"binding"`
	Subject     string    `json:"subject"`
	Issuer      string    `json:"issuer"`
	DNSNames    []string  `json:"dnsNames,omitempty"`
	IPAddresses []string  `json:"ipAddresses,omitempty"`
	NotAfter    time.Time `json:"notAfter"`
	TLSVersion  string    `json:"tlsVersion"`
	ALPN        string    `json:"alpn,omitempty"`
}

// VerifyTLS checks that the pod's HTTPS endpoint holds the attested
// enclave's gateway key. With opts.Fresh the provider is re-attested first
// (over libp2p, fresh nonce, the deploy's policy; the enclave must still be
// the one the channel pinned) and the new binding is recorded.
func (p *Publisher) VerifyTLS(ctx context.Context, id string, opts TLSCheckOptions) (*TLSCheck, error) {
	rec, _, err := p.pod(ctx, id)
	if err != nil {
		return nil, err
	}
	if !opts.Fresh {
		return CheckTLS(ctx, rec, opts)
	}
	policy := rec.Policy
	if opts.Policy != "" {
		policy = absPath(opts.Policy)
	}
	var att *Attested
	if err := p.step(rec.ID, "attest", "verifying the provider's attestation with a fresh nonce", func() error {
		s, err := p.dialRecord(ctx, rec)
		if err != nil {
			return err
		}
		defer s.Close()
		att, err = p.attest(ctx, s.client, s.peer, policy, opts.InsecureSimulated || rec.Insecure)
		return err
	}); err != nil {
		return nil, err
	}
	if rec.EnclaveSigner != (common.Address{}) && att.Signer != rec.EnclaveSigner {
		return nil, fmt.Errorf("the provider's enclave is now %s, the deployment's channel pinned %s: not the pod's enclave", att.Signer.Hex(), rec.EnclaveSigner)
	}
	rec.TEE, rec.TLSBinding = att.Kind, att.tlsBinding()
	if err := p.cfg.State.Save(rec); err != nil {
		return nil, err
	}
	out, err := checkTLS(ctx, rec, opts)
	if out != nil {
		out.Fresh = true
	}
	return out, err
}

// CheckTLS checks a pod's HTTPS endpoint against the binding recorded when
// its provider's attestation was verified. It needs no chain: only the
// record. The certificate chain is not trusted for the decision (gateway
// certificates are normally self-signed): the handshake passes only if the
// leaf certificate carries the attested key, and the handshake proves the
// peer holds its private key.
func CheckTLS(ctx context.Context, rec *Record, opts TLSCheckOptions) (*TLSCheck, error) {
	opts.Fresh = false
	return checkTLS(ctx, rec, opts)
}

func checkTLS(ctx context.Context, rec *Record, opts TLSCheckOptions) (*TLSCheck, error) {
	if rec.TLSBinding == "" {
		return nil, fmt.Errorf("deployment %s: the provider's verified evidence commits no gateway TLS key (it serves no HTTPS, or the record predates the binding; try --fresh), so no TLS endpoint can be checked: %w", rec.ID, ErrNoBinding)
	}
	raw, err := hex.DecodeString(rec.TLSBinding)
	if err != nil || len(raw) != len(gateway.Binding{}.KeySHA256) {
		return nil, fmt.Errorf("deployment %s: recorded tlsBinding %q is not a 32-byte hex hash: %w", rec.ID, rec.TLSBinding, ErrInvalid)
	}
	var b gateway.Binding
	copy(b.KeySHA256[:], raw)

	rawURL, fromRecord := opts.URL, false
	if rawURL == "" {
		for _, e := range rec.Endpoints {
			if e.Protocol == "https" {
				rawURL, fromRecord = e.Address, true
				break
			}
		}
		if rawURL == "" {
			return nil, fmt.Errorf("deployment %s has no HTTPS endpoint recorded: give its URL (https://HOST[:PORT]): %w", rec.ID, ErrNoHTTPSEndpoint)
		}
	}
	host, port, err := httpsTarget(rawURL)
	if err != nil {
		return nil, err
	}
	// Where to dial: --connect, else the URL's host, then (for a recorded
	// endpoint whose host does not resolve or answer) the provider's own IP
	// addresses at the gateway's port.
	var targets []string
	if opts.Connect != "" {
		if _, _, err := net.SplitHostPort(opts.Connect); err != nil {
			return nil, fmt.Errorf("connect address %q: want HOST:PORT: %w", opts.Connect, ErrInvalid)
		}
		targets = []string{opts.Connect}
	} else {
		targets = []string{net.JoinHostPort(host, port)}
		if fromRecord {
			for _, ip := range providerIPs(rec.Provider.Addrs) {
				if t := net.JoinHostPort(ip, port); t != targets[0] {
					targets = append(targets, t)
				}
			}
		}
	}
	serverName := host
	if net.ParseIP(host) != nil {
		serverName = "" // no SNI for an IP address
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	cfg := b.ClientTLSConfig(serverName, nil)

	var dialErrs []string
	for _, t := range targets {
		dctx, cancel := context.WithTimeout(ctx, timeout)
		conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", t)
		if err != nil {
			cancel()
			dialErrs = append(dialErrs, err.Error())
			continue
		}
		tc := tls.Client(conn, cfg)
		err = tc.HandshakeContext(dctx)
		cancel()
		if err != nil {
			conn.Close()
			if errors.Is(err, gateway.ErrBinding) {
				return nil, fmt.Errorf("%s (%s): the TLS key is not the attested enclave's gateway key: this may not be the attested enclave (or the provider restarted and has a new key: retry with --fresh): %w", rawURL, t, err)
			}
			return nil, fmt.Errorf("TLS handshake with %s (%s): %w (does it serve HTTPS?): %w", rawURL, t, err, ErrUnreachable)
		}
		cs := tc.ConnectionState()
		tc.Close()
		leaf := cs.PeerCertificates[0]
		out := &TLSCheck{
			ID: rec.ID, URL: rawURL, Address: t, ServerName: serverName, Evidence: rec.TEE,
			Binding: b.String(), Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String(),
			DNSNames: leaf.DNSNames, NotAfter: leaf.NotAfter.UTC(),
			TLSVersion: tls.VersionName(cs.Version), ALPN: cs.NegotiatedProtocol,
		}
		for _, ip := range leaf.IPAddresses {
			out.IPAddresses = append(out.IPAddresses, ip.String())
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot reach %s (tried %s): %s: %w", rawURL, strings.Join(targets, ", "), strings.Join(dialErrs, "; "), ErrUnreachable)
}

// httpsTarget parses https://HOST[:PORT] into host and port.
func httpsTarget(raw string) (host, port string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("URL %q: want https://HOST[:PORT]: %w", raw, ErrInvalid)
	}
	if u.Scheme != "https" {
		return "", "", fmt.Errorf("URL %q is not https: only an HTTPS endpoint can prove it holds the attested key: %w", raw, ErrInvalid)
	}
	host, port = u.Hostname(), u.Port()
	if port == "" {
		port = "443"
	}
	return host, port, nil
}

// providerIPs are the specific IP addresses in a provider's libp2p
// multiaddrs, in order, each once.
func providerIPs(addrs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range addrs {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			continue
		}
		for _, code := range []int{ma.P_IP4, ma.P_IP6} {
			if v, err := a.ValueForProtocol(code); err == nil && !seen[v] && !net.ParseIP(v).IsUnspecified() {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}
