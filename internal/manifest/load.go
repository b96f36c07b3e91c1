package manifest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Format is an input format Load recognizes.
type Format string

// Input formats.
const (
	FormatTpod       Format = "tpod"
	FormatKubernetes Format = "kubernetes"
	FormatCompose    Format = "compose"
)

// Options tune a load.
type Options struct {
	// Env is the environment Compose interpolation (${VAR}) reads; a .env
	// file beside the Compose file adds to it (Env wins). The CLI passes its
	// own environment; nil means none.
	Env map[string]string
	// Dir resolves relative paths in a Compose file (.env, env_file,
	// extends, include, secret and config files); the file's directory if
	// empty.
	Dir string
}

// Environ returns the process environment as a map (for Options.Env).
func Environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

// Load reads a manifest in any supported format, normalizes and validates
// it. filename names the file in messages and decides the format when the
// content does not (compose.yaml); a Compose file's relative paths are
// resolved beside it.
func Load(data []byte, filename string) (*Pod, error) {
	p, _, err := LoadWith(data, filename, Options{})
	return p, err
}

// LoadFormat is Load that also reports the detected format.
func LoadFormat(data []byte, filename string) (*Pod, Format, error) {
	return LoadWith(data, filename, Options{})
}

// LoadFile reads the manifest at path with opts.
func LoadFile(path string, opts Options) (*Pod, Format, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if fi.Size() > MaxSize {
		return nil, "", &ValidationError{Errors: []*FieldError{{File: path, Reason: fmt.Sprintf("larger than %d bytes", MaxSize)}}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	return LoadWith(data, path, opts)
}

// LoadWith reads a manifest with options. Every problem found is reported
// in one *ValidationError (matching ErrInvalid), each with its position
// and the user's own names; what was accepted with a change or ignored is in
// the pod's Warnings.
func LoadWith(data []byte, filename string, opts Options) (*Pod, Format, error) {
	d := &diag{file: displayName(filename), pos: posIndex{}}
	docs, err := d.parse(data)
	if err != nil {
		return nil, "", err
	}
	f, err := d.detect(docs, filename)
	if err != nil {
		return nil, "", err
	}
	var p *Pod
	switch f {
	case FormatTpod:
		p, err = loadTpod(d, data)
	case FormatKubernetes:
		p, err = loadKube(d, docs)
	case FormatCompose:
		p, err = loadCompose(d, data, filename, opts)
	}
	if err != nil || p == nil {
		return nil, f, err
	}
	// The model's own checks run even after the loader's problems, so that
	// one run reports everything; a problem inside a field the loader already
	// reported is not repeated.
	normalize(p)
	if verr := d.validate(p, f); verr != nil {
		ve := verr.(*ValidationError)
		for _, fe := range ve.Errors {
			if !d.reported(fe.Path) {
				d.errs = append(d.errs, fe)
			}
		}
	}
	if err := d.err(); err != nil {
		return nil, f, err
	}
	sort.SliceStable(d.warnings, func(i, j int) bool {
		a, b := d.warnings[i], d.warnings[j]
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	p.Warnings = d.warnings
	return p, f, nil
}

// reported tells whether a loader problem is at path or above it.
func (d *diag) reported(path string) bool {
	for _, e := range d.errs {
		if e.Path != "" && (path == e.Path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") || strings.HasPrefix(path, e.Path+":")) {
			return true
		}
	}
	return false
}

func displayName(filename string) string {
	if filename == "" {
		return "manifest"
	}
	return filename
}

// templateRe finds Go template actions ({{ .Values.x }}, {{- include ... }}).
var templateRe = regexp.MustCompile(`\{\{-?\s*(\.|include|if|range|with|define|template|toYaml|tpl|end|else|\$)`)

// parse checks size, template syntax, YAML syntax, nesting and aliases,
// and indexes the positions of every key.
func (d *diag) parse(data []byte) ([]*yaml.Node, error) {
	if len(data) > MaxSize {
		d.bad(0, "", "larger than %d bytes", MaxSize)
		return nil, d.err()
	}
	if loc := templateRe.FindIndex(data); loc != nil {
		line := bytes.Count(data[:loc[0]], []byte("\n")) + 1
		col := loc[0] - bytes.LastIndexByte(data[:loc[0]], '\n')
		d.errs = append(d.errs, &FieldError{File: d.file, Line: line, Column: col,
			Reason: "this is a Go template (a Helm chart?), not a manifest", Hint: "render it with helm template first, then deploy the output"})
		return nil, d.err()
	}
	ix, docs, err := indexYAML(data)
	d.pos = ix
	if err != nil {
		d.errs = append(d.errs, d.syntaxError(err))
		return nil, d.err()
	}
	for i, n := range docs {
		if depth(n, maxDepth+1) > maxDepth {
			d.bad(i, "", "nested deeper than %d levels", maxDepth)
		}
		if size := expandedSize(n, map[*yaml.Node]int{}); size > maxNodes {
			d.bad(i, "", "its aliases expand to more than %d values (an alias bomb?)", maxNodes)
		}
	}
	return docs, d.err()
}

// maxNodes bounds a document's size once aliases are expanded.
const maxNodes = 200_000

// expandedSize counts the nodes of n with aliases expanded, memoized per
// node so that counting itself stays cheap; it stops past maxNodes.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int) int {
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = maxNodes + 1 // a cycle counts as too large
	size := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		size += expandedSize(n.Alias, memo)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo)
		if size > maxNodes {
			break
		}
	}
	memo[n] = min(size, maxNodes+1)
	return memo[n]
}

var yamlLineRe = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (d *diag) syntaxError(err error) *FieldError {
	msg := err.Error()
	fe := &FieldError{File: d.file, Reason: msg}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &fe.Line)
		fe.Column = 1
		fe.Reason = m[2]
	}
	fe.Reason = "YAML: " + fe.Reason
	return fe
}

// detect decides the format from the first document with an apiVersion or
// services key, then from the file name.
func (d *diag) detect(docs []*yaml.Node, filename string) (Format, error) {
	for i, n := range docs {
		var head struct {
			APIVersion string         `yaml:"apiVersion"`
			Kind       string         `yaml:"kind"`
			Services   map[string]any `yaml:"services"`
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			if n.Kind == yaml.DocumentNode && len(n.Content) > 0 && n.Content[0].Tag != "!!null" {
				d.bad(i, "", "a manifest is a mapping (key: value), not a %s", kindName(n.Content[0]))
				return "", d.err()
			}
			continue
		}
		_ = n.Content[0].Decode(&head)
		switch {
		case head.APIVersion == APIVersion:
			if head.Kind != Kind {
				d.bad(i, "kind", "%q is not %q", head.Kind, Kind)
				return "", d.err()
			}
			return FormatTpod, nil
		case head.APIVersion != "" || head.Kind != "":
			return FormatKubernetes, nil
		case head.Services != nil:
			return FormatCompose, nil
		}
	}
	base := filepath.Base(filename)
	if strings.Contains(base, "compose") {
		return FormatCompose, nil
	}
	d.bad(0, "", "unknown format: no apiVersion and kind (Kubernetes, %s) and no services (Compose)", APIVersion)
	return "", d.err()
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "plain value"
	}
	return "value"
}

// normalize fills defaults and canonical spellings before validation.
func normalize(p *Pod) {
	p.APIVersion, p.Kind = APIVersion, Kind
	for _, list := range [][]Container{p.InitContainers, p.Containers} {
		for i := range list {
			normalizeContainer(&list[i])
		}
	}
	if p.Scale.Max == 0 {
		p.Scale.Max = 1
	}
	if p.Scale.IdleTimeout == 0 {
		p.Scale.IdleTimeout = DefaultIdleTimeout
	}
	if p.Scale.Idle == IdleStop {
		p.Scale.Idle = "" // the default, left out of the canonical form
	}
}

func normalizeContainer(c *Container) {
	if c.Resources.CPUMilli == 0 {
		c.Resources.CPUMilli = DefaultCPUMilli
	}
	if c.Resources.MemoryMiB == 0 {
		c.Resources.MemoryMiB = DefaultMemoryMiB
	}
	for j := range c.Ports {
		pt := &c.Ports[j]
		pt.Protocol = strings.ToUpper(pt.Protocol)
		if pt.Protocol == "" {
			pt.Protocol = "TCP"
		}
		pt.Expose = strings.ToLower(pt.Expose)
		for k, h := range pt.Hostnames {
			pt.Hostnames[k] = strings.ToLower(strings.TrimSuffix(h, "."))
		}
	}
}

// validate checks the normalized pod and names, for an input that was not
// the tpod format, the user's container or volume instead of the model's
// index (spec.containers[2] → the service or container of that name).
func (d *diag) validate(p *Pod, f Format) error {
	err := p.Validate()
	ve, ok := err.(*ValidationError)
	if !ok {
		return err
	}
	for _, fe := range ve.Errors {
		fe.File = d.file
		doc := 0
		if f != FormatTpod {
			what, rest := userPath(p, fe.Path)
			if o, ok := d.origin[what]; ok {
				if f == FormatCompose {
					rest = d.composeField(p, fe.Path, o.path, rest)
				}
				doc, fe.Path = o.doc, joinPath(o.path, rest)
			} else if what != "" {
				fe.Path = what
				if rest != "" {
					fe.Path += ": " + rest
				}
			}
		}
		fe.Line, fe.Column = d.pos.lookup(doc, fe.Path)
	}
	return ve
}

// composeFields names the model's container fields as Compose does.
var composeFields = map[string]string{
	"env": "environment", "volumeMounts": "volumes", "command": "entrypoint", "args": "command",
	"workingDir": "working_dir", "readinessProbe": "healthcheck", "capDrop": "cap_drop", "shmSizeMiB": "shm_size",
}

var envIndexRe = regexp.MustCompile(`^env\[(\d+)\]`)

// composeField rewrites a model field under a service ("env[0].name") as
// the Compose key ("environment.NAME" when the file has that key).
func (d *diag) composeField(p *Pod, modelPath, service, rest string) string {
	if m := envIndexRe.FindStringSubmatch(rest); m != nil {
		var i int
		fmt.Sscan(m[1], &i)
		for _, c := range p.AllContainers() {
			if "services."+c.Name == service && i < len(c.Env) {
				key := "environment." + c.Env[i].Name
				if _, ok := d.pos[posKey(0, service+"."+key)]; ok {
					return key
				}
				return "environment"
			}
		}
	}
	head, tail, _ := strings.Cut(rest, ".")
	name, idx, _ := strings.Cut(head, "[")
	if c, ok := composeFields[name]; ok {
		head = c
		if idx != "" {
			head += "[" + idx
		}
	}
	return joinPath(head, tail)
}

var modelIndexRe = regexp.MustCompile(`^spec\.(containers|initContainers|volumes)\[(\d+)\]`)

func joinPath(a, b string) string {
	if b == "" {
		return a
	}
	return a + "." + b
}

// userPath splits "spec.containers[1].env[0]" into "container web" and
// "env[0]".
func userPath(p *Pod, path string) (string, string) {
	m := modelIndexRe.FindStringSubmatch(path)
	if m == nil {
		return "", path
	}
	var i int
	fmt.Sscan(m[2], &i)
	rest := strings.TrimPrefix(path[len(m[0]):], ".")
	name := ""
	switch {
	case m[1] == "containers" && i < len(p.Containers):
		name = "container " + p.Containers[i].Name
	case m[1] == "initContainers" && i < len(p.InitContainers):
		name = "container " + p.InitContainers[i].Name
	case m[1] == "volumes" && i < len(p.Volumes):
		name = "volume " + p.Volumes[i].Name
	default:
		return "", path
	}
	return name, rest
}
