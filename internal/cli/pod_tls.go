package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/publisher"
)

func newPodVerifyTLSCmd(g *globals) *cobra.Command {
	var (
		f               pubFlags
		rawURL, connect string
		fresh, insecure bool
		policy          string
		timeout         time.Duration
	)
	cmd := &cobra.Command{
		Use:   "verify-tls ID [--url https://HOST[:PORT]] [--fresh]",
		Short: "Check that a pod's HTTPS endpoint holds the attested enclave's TLS key",
		Long: `Connects to the pod's HTTPS URL and completes a TLS handshake that succeeds only
if the server's leaf certificate carries the key the provider's verified
attestation evidence commits (docs/gateway.md). The certificate chain is not
trusted for this decision (gateway certificates are normally self-signed):
the attested key is. By default the binding recorded at deploy (or at the last
update) is used; --fresh re-attests the provider over libp2p with a fresh
nonce and the deploy's policy, and records the new binding (the gateway's key
changes when the provider restarts).

The URL defaults to the pod's first https endpoint (as 'tpod pod status'
shows it); when its hostname does not resolve, the provider's own addresses
are tried at the same port. --connect dials another HOST:PORT while keeping
the URL's host as the TLS server name.

It proves that the TLS endpoint holds the attested enclave's gateway key. It
does not by itself prove which pod answers behind it: routing is the
gateway's, inside the attested enclave.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if rawURL != "" && !strings.HasPrefix(rawURL, "https://") {
				return usagef("--url %q: want https://HOST[:PORT]", rawURL)
			}
			if !fresh && (policy != "" || insecure) {
				return usagef("--policy and --insecure-allow-simulated apply to --fresh only")
			}
			opts := publisher.TLSCheckOptions{URL: rawURL, Connect: connect, Fresh: fresh, Policy: policy, InsecureSimulated: insecure, Timeout: timeout}
			var (
				res *publisher.TLSCheck
				err error
			)
			if fresh {
				p, closeFn, oerr := f.open(cmd, g, false)
				if oerr != nil {
					return oerr
				}
				defer closeFn()
				res, err = p.VerifyTLS(cmd.Context(), args[0], opts)
			} else {
				// The recorded binding needs no chain: only the record.
				dir := f.stateDir
				if dir == "" {
					if dir, err = publisher.DefaultStateDir(); err != nil {
						return err
					}
				}
				var rec *publisher.Record
				if rec, err = (&publisher.State{Dir: dir}).Load(args[0]); err != nil {
					return err
				}
				res, err = publisher.CheckTLS(cmd.Context(), rec, opts)
			}
			if errors.Is(err, publisher.ErrNoHTTPSEndpoint) {
				return usagef("%v: pass --url https://HOST[:PORT]", err)
			}
			if err != nil {
				return fmt.Errorf("verify TLS: %w", err)
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				return writeJSON(w, res)
			}
			src := "recorded at deploy"
			if res.Fresh {
				src = "fresh (new nonce)"
			}
			fmt.Fprintf(w, "OK: %s holds the attested enclave's gateway TLS key\n", res.URL)
			if res.Evidence == "simulated" {
				fmt.Fprintln(w, "  WARNING: the evidence is simulated (development only): anyone can forge it, so this proves nothing about a TEE")
			}
			fmt.Fprintf(w, "  deployment   %s\n", res.ID)
			fmt.Fprintf(w, "  evidence     %s, %s\n", res.Evidence, src)
			fmt.Fprintf(w, "  binding      sha256(key) %s = the leaf certificate's key\n", res.Binding)
			fmt.Fprintf(w, "  connected    %s (server name %q)\n", res.Address, res.ServerName)
			fmt.Fprintf(w, "  tls          %s, ALPN %q\n", res.TLSVersion, res.ALPN)
			fmt.Fprintf(w, "  certificate  subject %q, issuer %q, expires %s\n", res.Subject, res.Issuer, res.NotAfter.Format(time.RFC3339))
			if len(res.DNSNames)+len(res.IPAddresses) > 0 {
				fmt.Fprintf(w, "  names        %s\n", strings.Join(append(append([]string(nil), res.DNSNames...), res.IPAddresses...), ", "))
			}
			fmt.Fprintln(w, "  (the certificate chain was not used: the attested key decides; which pod answers is the gateway's routing)")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&rawURL, "url", "", "the pod's HTTPS URL, https://HOST[:PORT] (default: its first https endpoint)")
	fl.StringVar(&connect, "connect", "", "HOST:PORT to dial instead of the URL's host (the URL's host stays the TLS server name)")
	fl.BoolVar(&fresh, "fresh", false, "re-attest the provider now (fresh nonce, the deploy's policy) and check against its new binding")
	fl.StringVar(&policy, "policy", "", "with --fresh: attestation policy file (default: the deploy's)")
	fl.BoolVar(&insecure, "insecure-allow-simulated", false, "with --fresh: INSECURE: accept simulated TEE evidence (development only; default: what the deploy accepted)")
	fl.DurationVar(&timeout, "timeout", 10*time.Second, "bound on each connection attempt")
	f.register(g, cmd, false)
	return cmd
}
