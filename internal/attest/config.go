package attest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ConfigDocument is the provider's effective configuration, which evidence
// version 2 carries and its statement commits to (docs/attestation.md §2):
// what the image or the provider's own settings fix (TEE, runtime, sandbox,
// network isolation) and the operator's part without secrets. A verifier
// shows it and a policy can require values of it (Policy.Config).
type ConfigDocument struct {
	// Version is ConfigDocumentVersion.
	Version int `json:"version"`
	// TEE is the evidence kind the provider runs under.
	TEE Kind `json:"tee"`
	// Runtime is how pods run.
	Runtime RuntimeSettings `json:"runtime"`
	// Operator is the operator's configuration in the guest image (the
	// canonical form whose SHA-256 is OperatorSHA256: internal/guest,
	// docs/image.md §3), the payout wallet as its address; absent outside
	// the image.
	Operator json.RawMessage `json:"operator,omitempty"`
	// OperatorSHA256 is the SHA-256 of Operator.
	OperatorSHA256 HexBytes `json:"operator_sha256,omitempty"`
}

// ConfigDocumentVersion is the version of ConfigDocument.
const ConfigDocumentVersion = 1

// RuntimeSettings are the pod runtime's settings that decide isolation.
type RuntimeSettings struct {
	// Kind is containerd (pods on the provider's own machine: inside the
	// guest image, its VM) or kubernetes (pods on a cluster's nodes).
	Kind string `json:"kind"`
	// Sandbox is the containerd sandbox pods run in: runc or gvisor.
	Sandbox string `json:"sandbox,omitempty"`
	// Containerd is "private" (started by the provider, in its data
	// directory) or "external" (a socket the operator named).
	Containerd string `json:"containerd,omitempty"`
	// PodToHost and PodToPod say whether pods may open connections to the
	// provider's host and to each other (containerd; absent where the
	// provider does not decide it).
	PodToHost *bool `json:"pod_to_host,omitempty"`
	PodToPod  *bool `json:"pod_to_pod,omitempty"`
	// RuntimeClass is the Kubernetes RuntimeClass of pods (kubernetes).
	RuntimeClass string `json:"runtime_class,omitempty"`
	// Metering says where the usage in receipts comes from: "core" (the
	// signing core reads the pods' cgroups and network counters itself:
	// containerd) or "reported" (it integrates what the daemon reports
	// from the cluster: kubernetes, weaker; docs/attestation.md §10).
	Metering string `json:"metering,omitempty"`
}

// Marshal encodes the document as committed: compact JSON, fields in
// declaration order, no HTML escaping (so the operator part keeps its exact
// bytes, and with them OperatorSHA256).
func (d *ConfigDocument) Marshal() ([]byte, error) {
	if len(d.Operator) > 0 {
		h := sha256.Sum256(d.Operator)
		if len(d.OperatorSHA256) > 0 && !bytes.Equal(d.OperatorSHA256, h[:]) {
			return nil, fmt.Errorf("%w: configuration: operator_sha256 is not the operator part's SHA-256", ErrInvalid)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, d.Operator); err != nil || !bytes.Equal(c.Bytes(), d.Operator) {
			return nil, fmt.Errorf("%w: configuration: the operator part is not compact JSON", ErrInvalid)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > MaxConfigSize {
		return nil, fmt.Errorf("%w: configuration document is %d bytes, more than %d", ErrInvalid, len(b), MaxConfigSize)
	}
	return b, nil
}

// ConfigEntry is one value of a configuration document: its dotted path
// (arrays as [i]) and the value as text (JSON strings unquoted, numbers and
// booleans as written, null as "null").
type ConfigEntry struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// maxConfigEntries bounds how many values a document may have.
const maxConfigEntries = 4096

// FlattenConfig checks that a configuration document is a JSON object of a
// known version and lists its values in path order. Untrusted input: it is
// size-capped by the evidence and decoded once.
func FlattenConfig(doc []byte) ([]ConfigEntry, error) {
	if len(doc) > MaxConfigSize {
		return nil, fmt.Errorf("configuration document is %d bytes, more than %d", len(doc), MaxConfigSize)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("configuration document: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("configuration document: trailing data")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("configuration document is not a JSON object")
	}
	if n, _ := obj["version"].(json.Number); n.String() != strconv.Itoa(ConfigDocumentVersion) {
		return nil, fmt.Errorf("configuration document version %v is not supported (want %d)", obj["version"], ConfigDocumentVersion)
	}
	var out []ConfigEntry
	var walk func(path string, v any) error
	walk = func(path string, v any) error {
		if len(out) > maxConfigEntries {
			return fmt.Errorf("configuration document has more than %d values", maxConfigEntries)
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if err := walk(p, e); err != nil {
					return err
				}
			}
		case []any:
			for i, e := range x {
				if err := walk(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
					return err
				}
			}
		case string:
			out = append(out, ConfigEntry{path, x})
		case json.Number:
			out = append(out, ConfigEntry{path, x.String()})
		case bool:
			out = append(out, ConfigEntry{path, strconv.FormatBool(x)})
		case nil:
			out = append(out, ConfigEntry{path, "null"})
		}
		return nil
	}
	if err := walk("", obj); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// checkOperatorHash checks that the document's operator part hashes to its
// operator_sha256, so that the hash an operator sees at boot names exactly
// the settings shown.
func checkOperatorHash(doc []byte) error {
	var d struct {
		Operator       json.RawMessage `json:"operator"`
		OperatorSHA256 HexBytes        `json:"operator_sha256"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return fmt.Errorf("configuration document: %v", err)
	}
	switch {
	case len(d.Operator) == 0 && len(d.OperatorSHA256) == 0:
		return nil
	case len(d.Operator) == 0 || len(d.OperatorSHA256) == 0:
		return errors.New("configuration document has only one of operator and operator_sha256")
	}
	if h := sha256.Sum256(d.Operator); !bytes.Equal(h[:], d.OperatorSHA256) {
		return fmt.Errorf("the operator part hashes to %x, but operator_sha256 says %x", h, []byte(d.OperatorSHA256))
	}
	return nil
}

// ConfigValues are the values a policy accepts at one configuration path:
// written as one value or a list (strings, numbers or booleans, compared as
// text).
type ConfigValues []string

// UnmarshalJSON implements json.Unmarshaler.
func (c *ConfigValues) UnmarshalJSON(b []byte) error {
	var list []json.RawMessage
	if json.Unmarshal(b, &list) != nil {
		list = []json.RawMessage{b}
	}
	out := make(ConfigValues, 0, len(list))
	for _, r := range list {
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, strconv.FormatBool(x))
		default:
			return fmt.Errorf("config value %s is not a string, number or boolean", r)
		}
	}
	*c = out
	return nil
}

// MarshalJSON writes one value as itself and several as a list.
func (c ConfigValues) MarshalJSON() ([]byte, error) {
	if len(c) == 1 {
		return json.Marshal(c[0])
	}
	return json.Marshal([]string(c))
}

// configPath is a dotted path into a configuration document: object keys,
// [i] for array elements.
var configPath = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+|\[[0-9]+\])*$`)

// configTopLevel are ConfigDocument's top-level keys.
var configTopLevel = []string{"version", "tee", "runtime", "operator", "operator_sha256"}

// maxConfigRequirements bounds a policy's config section.
const maxConfigRequirements = 64

func validateConfigRequirements(req map[string]ConfigValues, bad badField) error {
	if len(req) > maxConfigRequirements {
		return bad("config", "%d requirements, more than %d", len(req), maxConfigRequirements)
	}
	for path, vals := range req {
		if !configPath.MatchString(path) {
			return bad("config."+path, "not a path such as runtime.kind or operator.region")
		}
		top, _, _ := strings.Cut(strings.SplitN(path, "[", 2)[0], ".")
		if !slices.Contains(configTopLevel, top) {
			return bad("config."+path, "the configuration document has no %q (its keys: %s)", top, strings.Join(configTopLevel, ", "))
		}
		if len(vals) == 0 {
			return bad("config."+path, "no accepted value")
		}
	}
	return nil
}

// checkConfig runs the config check: the document hashes to what the
// statement commits to, its operator part to operator_sha256, and it has
// every value the policy requires. It returns the document's entries when
// its hash matched.
func checkConfig(c *checker, ev *Evidence, req map[string]ConfigValues) []ConfigEntry {
	switch {
	case len(ev.Config) == 0 && len(ev.ConfigSHA256) > 0:
		c.fail(CheckConfig, "the statement commits to configuration %x, but the evidence carries no configuration document", ev.ConfigSHA256)
		return nil
	case len(ev.Config) == 0 && len(req) > 0:
		c.fail(CheckConfig, "the policy requires configuration values (%s), but the evidence (version %d) commits to no configuration", requirementList(req), ev.version())
		return nil
	case len(ev.Config) == 0:
		c.pass(CheckConfig, "no configuration committed (version %d evidence); none required", ev.version())
		return nil
	}
	if h := sha256.Sum256(ev.Config); !bytes.Equal(h[:], ev.ConfigSHA256) {
		c.fail(CheckConfig, "the configuration document hashes to %x, but the statement commits to %x", h, ev.ConfigSHA256)
		return nil
	}
	entries, err := FlattenConfig(ev.Config)
	if err == nil {
		err = checkOperatorHash(ev.Config)
	}
	if err != nil {
		c.fail(CheckConfig, "%v", err)
		return nil
	}
	var unmet []string
	for _, path := range sortedKeys(req) {
		want := req[path]
		got, found := "", false
		for _, e := range entries {
			if e.Path == path {
				got, found = e.Value, true
			}
		}
		switch {
		case !found:
			unmet = append(unmet, fmt.Sprintf("%s is not set, the policy requires %s", path, strings.Join(want, " or ")))
		case !slices.Contains(want, got):
			unmet = append(unmet, fmt.Sprintf("%s is %q, the policy requires %s", path, got, strings.Join(want, " or ")))
		}
	}
	if len(unmet) > 0 {
		c.fail(CheckConfig, "%s", strings.Join(unmet, "; "))
		return entries
	}
	if len(req) == 0 {
		c.pass(CheckConfig, "configuration %x… committed; the policy requires no values", ev.ConfigSHA256[:8])
	} else {
		c.pass(CheckConfig, "configuration %x… committed and has %s", ev.ConfigSHA256[:8], requirementList(req))
	}
	return entries
}

func requirementList(req map[string]ConfigValues) string {
	var parts []string
	for _, k := range sortedKeys(req) {
		parts = append(parts, k+"="+strings.Join(req[k], "|"))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ConfigSHA256Hex is the hex SHA-256 of a configuration document.
func ConfigSHA256Hex(doc []byte) string {
	h := sha256.Sum256(doc)
	return hex.EncodeToString(h[:])
}
