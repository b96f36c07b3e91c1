package publisher

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/hex32"
	"github.com/trustedpods/tpod/internal/usage"
)

// RecordVersion is the version of the deployment record format (docs/publisher.md).
const RecordVersion = 1

// Deployment steps, in order. A record's Step is the last one completed.
const (
	StepNew         = "new"         // record created, pod ID chosen; nothing sent
	StepAttested    = "attested"    // evidence verified, enclave keys known
	StepQuoted      = "quoted"      // prices and terms fixed
	StepUploaded    = "uploaded"    // bundle encrypted and added to IPFS
	StepApproved    = "approved"    // token allowance raised
	StepChannel     = "channel"     // channel created on-chain: funds are locked in it
	StepProvisioned = "provisioned" // the provider runs the pod
	StepDeleted     = "deleted"     // pod deleted at the provider, channel closed
	StepCancelled   = "cancelled"   // deploy abandoned; channel (if any) closed
)

var stepOrder = map[string]int{StepNew: 0, StepAttested: 1, StepQuoted: 2, StepUploaded: 3, StepApproved: 4, StepChannel: 5, StepProvisioned: 6, StepDeleted: 7, StepCancelled: 7}

// Reached reports whether the record got to step s.
func (r *Record) Reached(s string) bool { return stepOrder[r.Step] >= stepOrder[s] }

// ProviderRef is how a deployment reaches its provider.
type ProviderRef struct {
	Address common.Address `json:"address"`
	PeerID  string         `json:"peerId"`
	Addrs   []string       `json:"addrs"`
	TEE     string         `json:"tee"`
	Region  string         `json:"region,omitempty"`
	// Pinned is set when the addresses were given (--peer): they are used
	// alone, the Registry's are not added.
	Pinned bool `json:"pinned,omitempty"`
}

// Record is the local state of one deployment, saved after every step
// (os.UserConfigDir()/tpod/deployments/ID.json, mode 0600).
type Record struct {
	Version   int       `json:"version"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Step      string    `json:"step"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	LastError string    `json:"lastError,omitempty"`

	// Network the deployment lives on: chain, its genesis block (absent in
	// records before it was kept) and contracts.
	ChainID  uint64         `json:"chainId"`
	Genesis  string         `json:"genesis,omitempty"`
	Payment  common.Address `json:"payment"`
	Registry common.Address `json:"registry,omitzero"`

	Publisher common.Address `json:"publisher"`
	Provider  ProviderRef    `json:"provider"`

	// Inputs, kept so a resume rebuilds the same bundle (paths, never secret values).
	Manifest     string            `json:"manifest"`
	ManifestHash string            `json:"manifestHash"`
	Images       map[string]string `json:"images,omitempty"`
	Secrets      map[string]string `json:"secrets,omitempty"`
	Policy       string            `json:"policy,omitempty"`
	Insecure     bool              `json:"insecureSimulated,omitempty"`
	NoApprove    bool              `json:"noApprove,omitempty"`
	Totals       Resources         `json:"resources"`

	// Attestation.
	EnclaveSigner common.Address `json:"enclaveSigner,omitzero"`
	X25519        string         `json:"x25519,omitempty"`
	Measurement   string         `json:"measurement,omitempty"`
	TEE           string         `json:"tee,omitempty"`
	// PolicyUsed names the policy the evidence was verified against (the
	// release policy, a file, or the development default).
	PolicyUsed string `json:"policyUsed,omitempty"`
	// ConfigSHA256 and Config are the provider's configuration document
	// the verified evidence commits to (docs/attestation.md §2), as
	// path = value entries.
	ConfigSHA256 string               `json:"configSha256,omitempty"`
	Config       []attest.ConfigEntry `json:"config,omitempty"`
	// TLSBinding is the gateway TLS key binding from the verified
	// evidence's extra data (hex SHA-256 of the key's DER
	// SubjectPublicKeyInfo, docs/gateway.md); empty when the evidence
	// carries none (a provider without HTTPS, or older records).
	TLSBinding string `json:"tlsBinding,omitempty"`

	// Terms.
	Token        common.Address `json:"token"`
	Prices       []amount.Units `json:"prices,omitempty"`
	MaxPerSecond amount.Units   `json:"maxPerSecond,omitzero"`
	// MaxPerSecondNote says how the cap was chosen (one line).
	MaxPerSecondNote string       `json:"maxPerSecondNote,omitempty"`
	DisputePeriod    uint64       `json:"disputePeriod,omitempty"`
	Funds            amount.Units `json:"funds,omitzero"`

	PodID     hex32.Bytes `json:"podId"`
	ChannelID hex32.Bytes `json:"channelId,omitzero"`
	BundleCID string      `json:"bundleCid,omitempty"`
	ApproveTx string      `json:"approveTx,omitempty"`
	ChannelTx string      `json:"channelTx,omitempty"`

	// ChannelClosed is set once delete or cancel found the channel on-chain
	// and closed it (or found it closed): its rest is withdrawable after the
	// dispute period.
	ChannelClosed bool `json:"channelClosed,omitempty"`

	Endpoints []Endpoint `json:"endpoints,omitempty"`
	// ProvisionedAt is when the pod first ran.
	ProvisionedAt time.Time `json:"provisionedAt,omitempty"`
}

// UnmarshalJSON reads a record. An empty string stands for an absent
// field: records written before addresses, amounts and IDs had types kept
// them as strings, and an empty one then meant "not set".
func (r *Record) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		if string(v) == `""` {
			delete(m, k)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	type plain Record // without this method
	return json.Unmarshal(b, (*plain)(r))
}

// Resources are the totals a manifest reserves.
type Resources = usage.Resources

// Endpoint is a way to reach an exposed port of a pod.
type Endpoint struct {
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
	Address  string `json:"address"`
}

// State is the directory of deployment records.
type State struct{ Dir string }

// DefaultStateDir is os.UserConfigDir()/tpod/deployments, or
// $TPOD_STATE_DIR when set.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("TPOD_STATE_DIR"); d != "" {
		return d, nil
	}
	c, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory for deployment state (set TPOD_STATE_DIR): %w", err)
	}
	return filepath.Join(c, "tpod", "deployments"), nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Save writes rec atomically with mode 0600.
func (s *State) Save(rec *Record) error {
	if !validID(rec.ID) {
		return fmt.Errorf("deployment ID %q: %w", rec.ID, ErrInvalid)
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("state dir: %w", err)
	}
	rec.Version = RecordVersion
	rec.UpdatedAt = time.Now().UTC()
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(s.Dir, ".rec-*")
	if err != nil {
		return fmt.Errorf("save deployment %s: %w", rec.ID, err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("save deployment %s: %w", rec.ID, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(s.Dir, rec.ID+".json"))
}

// Load reads a record by ID or unique ID prefix.
func (s *State) Load(id string) (*Record, error) {
	id = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(id), "0x"))
	if !validID(id) {
		return nil, fmt.Errorf("deployment ID %q: want hex digits: %w", id, ErrInvalid)
	}
	ents, err := os.ReadDir(s.Dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var match []string
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && strings.HasPrefix(n, id) {
			match = append(match, n)
		}
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("deployment %s: no record in %s: %w", id, s.Dir, ErrNotFound)
	case 1:
	default:
		return nil, fmt.Errorf("deployment %s is ambiguous (%s): %w", id, strings.Join(match, ", "), ErrInvalid)
	}
	return s.read(filepath.Join(s.Dir, match[0]+".json"))
}

func (s *State) read(path string) (*Record, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > 1<<20 {
		return nil, fmt.Errorf("%s: larger than 1 MiB: %w", path, ErrInvalid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", path, err, ErrInvalid)
	}
	if rec.Version != RecordVersion {
		return nil, fmt.Errorf("%s: record version %d, want %d: %w", path, rec.Version, RecordVersion, ErrInvalid)
	}
	return &rec, nil
}

// List returns every readable record, oldest first. A file that cannot be
// read as a record does not hide the others: it is reported in bad (file
// name → error).
func (s *State) List() (out []*Record, bad map[string]error, err error) {
	ents, err := os.ReadDir(s.Dir)
	if os.IsNotExist(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		rec, err := s.read(filepath.Join(s.Dir, e.Name()))
		if err != nil {
			if bad == nil {
				bad = map[string]error{}
			}
			bad[e.Name()] = err
			continue
		}
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, bad, nil
}

// Remove deletes a record's file.
func (s *State) Remove(id string) error {
	if !validID(id) {
		return fmt.Errorf("deployment ID %q: %w", id, ErrInvalid)
	}
	err := os.Remove(filepath.Join(s.Dir, id+".json"))
	if os.IsNotExist(err) {
		return fmt.Errorf("deployment %s: no record in %s: %w", id, s.Dir, ErrNotFound)
	}
	return err
}

func absolute(p string) (string, error) { return filepath.Abs(p) }
