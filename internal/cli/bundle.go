package cli

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/ipfs/go-cid"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/payment"
)

func newBundleCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build, inspect and open encrypted pod bundles",
	}
	cmd.AddCommand(newBundleBuildCmd(g), newBundleInspectCmd(g), newBundleOpenCmd(g))
	return cmd
}

// bundleIPFSFlags choose the IPFS store: an external kubo RPC API or the
// repository of an embedded node.
type bundleIPFSFlags struct {
	api     string
	repo    string
	peers   []string
	timeout time.Duration
	// usedRepo is the embedded node's repository once opened.
	usedRepo string
}

func (f *bundleIPFSFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.api, "ipfs-api", "", "kubo RPC API (multiaddr or URL) instead of the embedded node")
	cmd.Flags().StringVar(&f.repo, "ipfs-repo", "", "repository of the embedded IPFS node (default $TPOD_IPFS_REPO or ~/.tpod/ipfs)")
	cmd.Flags().StringArrayVar(&f.peers, "ipfs-peer", nil, "peer to connect to first (/ip4/.../tcp/.../p2p/ID); repeatable")
	cmd.Flags().DurationVar(&f.timeout, "fetch-timeout", time.Minute, "give up fetching a CID when no data arrives for this long (naming the CID and the peers tried)")
}

// open returns a store and a function that closes it.
func (f *bundleIPFSFlags) open(ctx context.Context, online bool) (ipfs.Store, func(), error) {
	if f.api != "" {
		r, err := ipfs.NewRemote(f.api)
		if err != nil {
			return nil, nil, err
		}
		return r, func() {}, f.connect(ctx, r)
	}
	repo := f.repo
	if repo == "" {
		repo = os.Getenv("TPOD_IPFS_REPO")
	}
	if repo == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil, fmt.Errorf("ipfs: no --ipfs-repo and no home directory: %w", err)
		}
		repo = filepath.Join(home, ".tpod", "ipfs")
	}
	n, err := ipfs.NewNode(ctx, ipfs.Config{RepoPath: repo, Offline: !online && len(f.peers) == 0})
	if err != nil {
		if strings.Contains(err.Error(), "lock") {
			return nil, nil, fmt.Errorf("the IPFS repository %s is in use by a running node: go through its RPC API instead (--ipfs-api /ip4/127.0.0.1/tcp/5001, or what its config says): %w", repo, err)
		}
		return nil, nil, err
	}
	f.usedRepo = repo
	closeFn := func() { n.Close() }
	if err := f.connect(ctx, n); err != nil {
		closeFn()
		return nil, nil, err
	}
	return n, closeFn, nil
}

func (f *bundleIPFSFlags) connect(ctx context.Context, s ipfs.Store) error {
	for _, p := range f.peers {
		addr, err := ma.NewMultiaddr(p)
		if err != nil {
			return usagef("--ipfs-peer %q: %v", p, err)
		}
		if err := s.Connect(ctx, addr); err != nil {
			return err
		}
	}
	return nil
}

func newBundleBuildCmd(g *globals) *cobra.Command {
	var (
		file       string
		recipients []string
		images     []string
		secrets    []string
		out        string
		toIPFS     bool
		chunk      int
		ipf        bundleIPFSFlags
		bindTo     string
		podStr     string
		cf         chainFlags
	)
	cmd := &cobra.Command{
		Use:   "build -f POD.yaml --recipient KEY [--image REF=PATH]... [--secret NAME=FILE]... [--bind-provider ADDR --pod-id HEX] (--out FILE | --ipfs)",
		Short: "Encrypt a pod, its images and secrets into a bundle; print the root CID with --ipfs",
		Long: `Build an encrypted bundle (docs/bundle.md).

Every image reference the manifest's containers use needs --image REF=PATH,
where PATH is an OCI layout directory, an OCI layout tar or a docker save
archive, or containerd:///path/to/containerd.sock[?namespace=NS][&ref=NAME]
for an image of a local containerd store (NAME defaults to REF). Every secret a secret volume names needs --secret NAME=FILE; the
value is read from FILE, never from the command line. --recipient takes a
recipient key (tpod-x25519:..., 64 hex digits) or a file holding one; repeat
it to encrypt to several recipients.

A provider deploys a bundle only for the order it is bound to (docs/bundle.md,
"Binding"): --bind-provider ADDR binds it to the channel of the signing
wallet (the publisher: --account, --key-file, --keystore or the
environment) with that provider for pod --pod-id (random when not given) on
the network of --network (or --rpc and --payment), and the wallet signs it.
Without --bind-provider the bundle is unbound: it opens with a recipient's
key, for local inspection and tests, but no provider deploys it. tpod deploy
builds bound bundles itself.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return usagef("-f is required")
			}
			if len(recipients) == 0 {
				return usagef("at least one --recipient is required")
			}
			if (out == "") == !toIPFS {
				return usagef("give exactly one of --out FILE and --ipfs")
			}
			pod, _, err := manifestLoadFile(file)
			if err != nil {
				return err
			}
			opts := bundle.BuildOptions{ChunkSize: chunk}
			for _, r := range recipients {
				k, err := bundleParseRecipient(r)
				if err != nil {
					return err
				}
				opts.Recipients = append(opts.Recipients, k)
			}
			var closeImages func()
			if opts.Images, closeImages, err = bundleLoadImages(cmd.Context(), images); err != nil {
				return err
			}
			defer closeImages()
			if opts.Secrets, err = bundleReadSecrets(secrets); err != nil {
				return err
			}
			if bindTo != "" {
				if opts.Binding, opts.Signer, err = bundleBinding(cmd, &cf, bindTo, podStr); err != nil {
					return err
				}
			} else if podStr != "" {
				return usagef("--pod-id needs --bind-provider")
			}
			prog := bundleProgress(cmd, g, "encrypt")
			opts.Progress = prog.update
			plan, err := bundle.NewPlan(pod, opts)
			if err != nil {
				return err
			}
			res := bundleBuildResult{Size: plan.Header().TotalSize(), Recipients: recipientsOf(plan.Header()), Binding: plan.Header().Core.Binding}
			h := plan.Pod().Hash()
			res.PodHash = hex.EncodeToString(h[:])
			if out != "" {
				c, err := bundleWriteFile(cmd.Context(), out, plan)
				if err != nil {
					return err
				}
				res.File, res.CID = out, c.String()
			} else {
				ctx := cmd.Context()
				store, closeStore, err := ipf.open(ctx, false)
				if err != nil {
					return err
				}
				defer closeStore()
				c, err := ipfs.AddFrom(ctx, store, func(w io.Writer) error {
					_, err := plan.Write(w)
					return err
				}, ipfs.AddOptions{Pin: true})
				if err != nil {
					return err
				}
				res.CID = c.String()
			}
			prog.done()
			if g.output == "json" {
				return bundleWriteJSON(cmd.OutOrStdout(), res)
			}
			printBundleBuild(cmd, &ipf, res)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "pod manifest (tpod, Kubernetes Pod/Deployment or Compose)")
	fl.StringArrayVar(&recipients, "recipient", nil, "recipient public key or a file holding one; repeatable")
	fl.StringArrayVar(&images, "image", nil, "REF=PATH: image for a container image reference; repeatable")
	fl.StringArrayVar(&secrets, "secret", nil, "NAME=FILE: value of a secret; repeatable")
	fl.StringVar(&out, "out", "", "write the bundle to FILE")
	fl.BoolVar(&toIPFS, "ipfs", false, "add the bundle to IPFS (pinned) and print its root CID")
	fl.IntVar(&chunk, "chunk-size", bundle.DefaultChunkSize, "AEAD chunk size in bytes (power of two)")
	fl.StringVar(&bindTo, "bind-provider", "", "bind the bundle to the signing wallet's channel with this provider (address or dev account label)")
	fl.StringVar(&podStr, "pod-id", "", "with --bind-provider: the channel's pod ID, 0x + 64 hex digits (default: random)")
	ipf.register(cmd)
	cf.register(g, cmd, true)
	return cmd
}

// bundleBinding resolves the binding of a bundle to the signing wallet's
// channel with provider for pod podStr, on the network of cf.
func bundleBinding(cmd *cobra.Command, cf *chainFlags, provider, podStr string) (*bundle.Binding, payment.Signer, error) {
	prov, err := cf.address("--bind-provider", provider)
	if err != nil {
		return nil, nil, err
	}
	var podID [32]byte
	if podStr == "" {
		rand.Read(podID[:])
	} else if podID, err = parseBytes32("--pod-id", podStr); err != nil {
		return nil, nil, err
	}
	pay, err := cf.contract("payment")
	if err != nil {
		return nil, nil, err
	}
	var chainID uint64
	if cf.info != nil && cf.rpc == "" {
		chainID = cf.info.ChainID
	} else {
		c, err := cf.dial(cmd)
		if err != nil {
			return nil, nil, err
		}
		chainID = c.ChainID().Uint64()
		c.Close()
	}
	w, err := cf.wallet()
	if err != nil {
		return nil, nil, err
	}
	return &bundle.Binding{ChainID: chainID, Payment: pay, Publisher: w.Address(), Provider: prov, PodID: podID}, w, nil
}

type bundleBuildResult struct {
	CID        string          `json:"cid,omitempty"`
	File       string          `json:"file,omitempty"`
	Size       int64           `json:"size"`
	PodHash    string          `json:"podHash"`
	Recipients []string        `json:"recipients"`
	Binding    *bundle.Binding `json:"binding"` // null: unbound
}

func recipientsOf(h *bundle.Header) []string {
	var out []string
	for _, r := range h.Recipients {
		k, err := ecdh.X25519().NewPublicKey(r.PublicKey[:])
		if err != nil {
			out = append(out, "invalid:"+hex.EncodeToString(r.PublicKey[:]))
			continue
		}
		out = append(out, bundle.FormatRecipient(k))
	}
	return out
}

// bundleLoadImages opens the --image REF=PATH sources: an OCI layout or
// archive (its only image, else the one named REF) or a containerd store.
// The returned func closes the containerd connections.
func bundleLoadImages(ctx context.Context, images []string) (_ map[string]v1.Image, _ func(), err error) {
	out := map[string]v1.Image{}
	var closers []io.Closer
	closeAll := func() {
		for _, c := range closers {
			c.Close()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	for _, s := range images {
		ref, src, ok := strings.Cut(s, "=")
		if !ok || ref == "" || src == "" {
			return nil, nil, usagef("--image %q: want REF=PATH", s)
		}
		if cs, ok, err := oci.ParseContainerdSource(src, ref); ok {
			if err != nil {
				return nil, nil, usagef("--image %s: %v", ref, err)
			}
			img, closer, err := oci.LoadContainerd(ctx, cs)
			if err != nil {
				return nil, nil, err
			}
			closers = append(closers, closer)
			out[ref] = img
			continue
		}
		// The only image of the source, else the one named REF.
		img, err := oci.Load(src, "")
		if err != nil {
			if byRef, err2 := oci.Load(src, ref); err2 == nil {
				img, err = byRef, nil
			}
		}
		if err != nil {
			return nil, nil, err
		}
		out[ref] = img
	}
	return out, closeAll, nil
}

// bundleReadSecrets reads the --secret NAME=FILE values.
func bundleReadSecrets(secrets []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, s := range secrets {
		name, src, ok := strings.Cut(s, "=")
		if !ok || name == "" || src == "" {
			return nil, usagef("--secret %q: want NAME=FILE", s)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return nil, fmt.Errorf("secret %s: %w", name, err)
		}
		if fi.Size() > bundle.MaxSecretSize {
			return nil, fmt.Errorf("secret %s: larger than %d bytes", name, bundle.MaxSecretSize)
		}
		v, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("secret %s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

// printBundleBuild says what bundle build made, where it is and what it is
// bound to.
func printBundleBuild(cmd *cobra.Command, ipf *bundleIPFSFlags, res bundleBuildResult) {
	w, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if res.File == "" {
		fmt.Fprintln(w, res.CID)
		if ipf.api != "" {
			fmt.Fprintf(errw, "added to the IPFS node at %s (pinned): it serves the bundle while it runs\n", ipf.api)
		} else {
			fmt.Fprintf(errw, "added to the embedded node's repository %s (pinned); nothing serves it once this command exits.\n"+
				"  To serve it: run a kubo node on that repository (IPFS_PATH=%s ipfs daemon), or add it to a running node instead (--ipfs-api /ip4/127.0.0.1/tcp/5001).\n"+
				"  (tpod deploy needs neither: it serves the bundles it builds until the provider has them.)\n", ipf.usedRepo, ipf.usedRepo)
		}
	} else {
		fmt.Fprintf(w, "%s: %d bytes, pod %s, cid %s\n", res.File, res.Size, res.PodHash, res.CID)
	}
	if b := res.Binding; b != nil {
		fmt.Fprintf(errw, "bound to channel %s (publisher %s, provider %s, pod %s, chain %d, Payment %s)\n",
			b.ChannelID.Hex(), b.Publisher.Hex(), b.Provider.Hex(), b.PodID.Hex(), b.ChainID, b.Payment.Hex())
	} else {
		fmt.Fprintln(errw, "unbound: for local inspection only; no provider deploys it (--bind-provider to bind it)")
	}
}

// bundleWriteFile writes the bundle to path (through a temporary file) and
// returns the CID it will have on IPFS, computed on the way.
func bundleWriteFile(ctx context.Context, path string, plan *bundle.Plan) (cid.Cid, error) {
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return cid.Undef, err
	}
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		_, err := plan.Write(io.MultiWriter(f, pw))
		pw.CloseWithError(err)
		errc <- err
	}()
	c, err := ipfs.ComputeCID(ctx, pr)
	pr.CloseWithError(io.ErrClosedPipe) // unblocks the writer if hashing stopped early
	if werr := <-errc; werr != nil && err == nil {
		err = werr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return cid.Undef, err
	}
	return c, nil
}

func bundleParseRecipient(s string) (*ecdh.PublicKey, error) {
	if k, err := bundle.ParseRecipient(s); err == nil {
		return k, nil
	}
	data, err := os.ReadFile(s)
	if err != nil {
		return nil, usagef("--recipient %q: not a key and not a readable file", s)
	}
	// A file may hold the recipient line, or be an identity file whose
	// "# recipient:" comment names it.
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "# recipient:"))
		if k, err := bundle.ParseRecipient(line); err == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("--recipient %s: no recipient key in the file", s)
}

func bundleReadIdentity(path string) (*ecdh.PrivateKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > 64<<10 {
		return nil, fmt.Errorf("identity %s: too large", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := bundle.ParseIdentity(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// bundleSource opens a bundle given as a file path or a CID.
func bundleSource(ctx context.Context, src string, ipf *bundleIPFSFlags, maxSize int64) (io.ReadCloser, func(), error) {
	if f, err := os.Open(src); err == nil {
		return f, func() {}, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, err
	}
	c, err := cid.Decode(src)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: no such file, and not a CID", src)
	}
	store, closeStore, err := ipf.open(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	rc, _, err := ipfs.GetWithin(ctx, store, c, ipfs.GetOptions{MaxSize: maxSize}, ipf.timeout)
	if err != nil {
		closeStore()
		return nil, nil, err
	}
	return rc, closeStore, nil
}

type bundleHeaderView struct {
	Version    int               `json:"version"`
	Size       int64             `json:"size"`
	HeaderSize int64             `json:"headerSize"`
	ChunkSize  int               `json:"chunkSize"`
	Resources  bundle.Resources  `json:"resources"`
	Scale      bundle.ScaleRange `json:"scale"`
	Binding    *bundle.Binding   `json:"binding"` // null: unbound
	// Signature says whether the binding's signature is its publisher's
	// ("valid"), "invalid", or "none" (unbound). Whether the binding's
	// channel exists on-chain is not checked.
	Signature  string            `json:"signature"`
	Blobs      []bundle.BlobInfo `json:"blobs"`
	Recipients []string          `json:"recipients"`
	CoreHash   string            `json:"coreHash"`
}

func newBundleInspectCmd(g *globals) *cobra.Command {
	var ipf bundleIPFSFlags
	cmd := &cobra.Command{
		Use:   "inspect FILE|CID",
		Short: "Show a bundle's unencrypted header (no key needed; not authenticated)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rc, closeSrc, err := bundleSource(cmd.Context(), args[0], &ipf, 0)
			if err != nil {
				return err
			}
			defer closeSrc()
			defer rc.Close()
			h, err := bundle.ReadHeader(rc)
			if err != nil {
				return err
			}
			v := bundleHeaderView{
				Version: h.Core.Version, Size: h.TotalSize(), HeaderSize: h.Size(), ChunkSize: h.Core.ChunkSize,
				Resources: h.Core.Resources, Scale: h.Core.Scale, Blobs: h.Core.Blobs, Recipients: recipientsOf(h),
				CoreHash: base64.RawURLEncoding.EncodeToString(h.CoreHash[:]), Binding: h.Core.Binding, Signature: "none",
			}
			if b := h.Core.Binding; b != nil {
				// The signature against the binding's own claims: the
				// chain is not read, so the channel is not checked.
				v.Signature = "valid"
				if h.CheckBinding(b.ChainID, b.Payment, b.ChannelID, b.Publisher) != nil {
					v.Signature = "invalid"
				}
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				return bundleWriteJSON(w, v)
			}
			fmt.Fprintf(w, "format:     tpod bundle v%d, %d bytes (header %d), chunks of %d\n", v.Version, v.Size, v.HeaderSize, v.ChunkSize)
			r := v.Resources
			fmt.Fprintf(w, "resources:  cpu %dm, memory %d MiB, storage %d MiB (persistent %d), gpu %dm; scale %d..%d\n",
				r.CPUMilli, r.MemoryMiB, r.StorageMiB, r.PersistentMiB, r.GPUMilli, v.Scale.Min, v.Scale.Max)
			if b := v.Binding; b != nil {
				fmt.Fprintf(w, "binding:    channel %s on chain %d, Payment %s\n", b.ChannelID.Hex(), b.ChainID, b.Payment.Hex())
				fmt.Fprintf(w, "            publisher %s, provider %s, pod %s, issued %s\n", b.Publisher.Hex(), b.Provider.Hex(), b.PodID.Hex(),
					time.Unix(int64(b.IssuedAt), 0).UTC().Format(time.RFC3339))
				fmt.Fprintf(w, "signature:  %s (by the publisher it names; the channel itself is not checked here)\n", v.Signature)
			} else {
				fmt.Fprintln(w, "binding:    none (unbound: no provider deploys it)")
			}
			for i, b := range v.Blobs {
				fmt.Fprintf(w, "blob %d:     %s, %d bytes\n", i, b.Kind, b.Size)
			}
			for _, rc := range v.Recipients {
				fmt.Fprintf(w, "recipient:  %s\n", rc)
			}
			return nil
		},
	}
	ipf.register(cmd)
	return cmd
}

func newBundleOpenCmd(g *globals) *cobra.Command {
	var (
		identity string
		dir      string
		maxSize  int64
		ipf      bundleIPFSFlags
	)
	cmd := &cobra.Command{
		Use:   "open FILE|CID --identity FILE --dir DIR",
		Short: "Decrypt a bundle with an identity (debugging and tests)",
		Long: `Decrypt and verify a bundle. DIR receives pod.json (the canonical pod),
image-N.tar (OCI layout tars) and secrets/NAME (mode 0600).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if identity == "" || dir == "" {
				return usagef("--identity and --dir are required")
			}
			k, err := bundleReadIdentity(identity)
			if err != nil {
				return err
			}
			rc, closeSrc, err := bundleSource(cmd.Context(), args[0], &ipf, maxSize)
			if err != nil {
				return err
			}
			defer closeSrc()
			defer rc.Close()
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
			prog := bundleProgress(cmd, g, "decrypt")
			c, err := bundle.Extract(rc, k, dir, bundle.OpenOptions{MaxSize: maxSize, Progress: prog.update})
			if err != nil {
				return err
			}
			prog.done()
			if err := os.WriteFile(filepath.Join(dir, "pod.json"), c.Pod.Canonical(), 0o600); err != nil {
				return err
			}
			sdir := filepath.Join(dir, "secrets")
			if len(c.Secrets) > 0 {
				if err := os.MkdirAll(sdir, 0o700); err != nil {
					return err
				}
			}
			var names []string
			for _, name := range c.Pod.Secrets() {
				if err := os.WriteFile(filepath.Join(sdir, name), c.Secrets[name], 0o600); err != nil {
					return err
				}
				names = append(names, name)
			}
			h := c.Pod.Hash()
			type img struct {
				Ref    string `json:"ref"`
				Digest string `json:"digest"`
				Path   string `json:"path"`
			}
			res := struct {
				Pod     string   `json:"pod"`
				PodHash string   `json:"podHash"`
				Images  []img    `json:"images"`
				Secrets []string `json:"secrets"`
			}{Pod: c.Pod.Name, PodHash: hex.EncodeToString(h[:]), Secrets: names}
			for _, im := range c.Images {
				res.Images = append(res.Images, img{im.Ref, im.Digest, im.Path})
			}
			w := cmd.OutOrStdout()
			if g.output == "json" {
				return bundleWriteJSON(w, res)
			}
			fmt.Fprintf(w, "pod %s (hash %s)\n", res.Pod, res.PodHash)
			for _, im := range res.Images {
				fmt.Fprintf(w, "image %s %s -> %s\n", im.Ref, im.Digest, im.Path)
			}
			for _, s := range res.Secrets {
				fmt.Fprintf(w, "secret %s -> %s\n", s, filepath.Join(sdir, s))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&identity, "identity", "", "identity file (from tpod key gen)")
	cmd.Flags().StringVar(&dir, "dir", "", "directory to write the decrypted pod, images and secrets to")
	cmd.Flags().Int64Var(&maxSize, "max-size", 16<<30, "refuse bundles larger than this many bytes")
	ipf.register(cmd)
	return cmd
}

func bundleWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// bundleProgressPrinter reports long work on stderr, at most once a second.
type bundleProgressPrinter struct {
	cmd   *cobra.Command
	what  string
	on    bool
	last  time.Time
	start time.Time
	n, t  int64
}

func bundleProgress(cmd *cobra.Command, g *globals, what string) *bundleProgressPrinter {
	return &bundleProgressPrinter{cmd: cmd, what: what, on: g.output != "json", start: time.Now()}
}

func (p *bundleProgressPrinter) update(done, total int64) {
	p.n, p.t = done, total
	if !p.on || time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.cmd.ErrOrStderr(), "%s: %.1f / %.1f MB\n", p.what, float64(done)/1e6, float64(total)/1e6)
}

func (p *bundleProgressPrinter) done() {
	if !p.on || time.Since(p.start) < time.Second {
		return
	}
	el := time.Since(p.start).Seconds()
	fmt.Fprintf(p.cmd.ErrOrStderr(), "%s: %.1f MB in %.1fs (%.0f MB/s)\n", p.what, float64(p.n)/1e6, el, float64(p.n)/1e6/el)
}
