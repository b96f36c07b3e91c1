package manifest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FieldError is one problem: where it is (file, line, column when known),
// the field in the user's own terms (services.web.ports[0],
// Deployment/api: containers[0].env[1]), the reason and, where one exists,
// a hint about what to change.
type FieldError struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Path   string `json:"path"`
	Reason string `json:"message"`
	Hint   string `json:"hint,omitempty"`
}

// Error is the field's path and what is wrong with it.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Warning is something a loader accepted but ignored or changed; same shape
// as a FieldError.
type Warning FieldError

// String is the warning as FieldError writes it.
func (w Warning) String() string { e := FieldError(w); return e.Error() }

// ValidationError lists every problem found; it matches ErrInvalid.
type ValidationError struct {
	Errors []*FieldError
}

// Error is the one field error, or every one on a line of its own.
func (e *ValidationError) Error() string {
	if len(e.Errors) == 1 {
		return "invalid manifest: " + e.Errors[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid manifest: %d problems:", len(e.Errors))
	for _, fe := range e.Errors {
		b.WriteString("\n  ")
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// fieldErr turns one problem into a ValidationError.
func fieldErr(path, format string, args ...any) error {
	return &ValidationError{Errors: []*FieldError{{Path: path, Reason: fmt.Sprintf(format, args...)}}}
}

// diag collects a loader's problems and warnings with their positions.
type diag struct {
	file string
	pos  posIndex
	// origin maps "container NAME" and "volume NAME" to where the loader
	// found them, so that model errors name the user's field.
	origin   map[string]origin
	errs     []*FieldError
	warnings []Warning
}

// bad records a problem at path (in the user's terms); doc selects the
// document of a multi-document file. Args may end with a hint(...).
func (d *diag) bad(doc int, path, format string, args ...any) {
	d.errs = append(d.errs, d.at(doc, path, format, args...))
}

// warn records a warning.
func (d *diag) warn(doc int, path, format string, args ...any) {
	d.warnings = append(d.warnings, Warning(*d.at(doc, path, format, args...)))
}

type origin struct {
	doc  int
	path string
}

// from records where a container or volume came from.
func (d *diag) from(what string, doc int, path string) {
	if d.origin == nil {
		d.origin = map[string]origin{}
	}
	if _, ok := d.origin[what]; !ok {
		d.origin[what] = origin{doc, path}
	}
}

// hint is the last argument of bad/warn when a hint exists.
type hint string

func (d *diag) at(doc int, path, format string, args ...any) *FieldError {
	fe := &FieldError{File: d.file, Path: path}
	if n := len(args); n > 0 {
		if h, ok := args[n-1].(hint); ok {
			fe.Hint, args = string(h), args[:n-1]
		}
	}
	fe.Reason = fmt.Sprintf(format, args...)
	fe.Line, fe.Column = d.pos.lookup(doc, path)
	return fe
}

// err returns the collected problems as one error (nil if none), sorted by
// position.
func (d *diag) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool {
		a, b := d.errs[i], d.errs[j]
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	return &ValidationError{Errors: d.errs}
}

// posIndex maps "doc/path" to a line and column.
type posIndex map[string][2]int

func posKey(doc int, path string) string { return strconv.Itoa(doc) + "/" + path }

// lookup finds path's position, or that of its closest indexed parent.
func (ix posIndex) lookup(doc int, path string) (int, int) {
	for p := path; ; {
		if lc, ok := ix[posKey(doc, p)]; ok {
			return lc[0], lc[1]
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			if lc, ok := ix[posKey(doc, "")]; ok {
				return lc[0], lc[1]
			}
			return 0, 0
		}
		p = p[:i]
	}
}

// indexYAML parses data's documents as YAML nodes (aliases are not expanded,
// so this is cheap even for an alias bomb) and records the position of
// every mapping key and sequence item. It returns the documents' roots.
func indexYAML(data []byte) (posIndex, []*yaml.Node, error) {
	ix := posIndex{}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var docs []*yaml.Node
	for i := 0; ; i++ {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err.Error() == "EOF" {
				return ix, docs, nil
			}
			return ix, docs, yamlError(err)
		}
		if i >= maxDocuments {
			return ix, docs, fmt.Errorf("more than %d documents", maxDocuments)
		}
		docs = append(docs, &n)
		ix.add(i, "", &n, 0)
	}
}

// maxDocuments bounds the documents of one file; maxDepth its nesting.
const (
	maxDocuments = 1000
	maxDepth     = 64
)

func (ix posIndex) add(doc int, path string, n *yaml.Node, depth int) {
	if depth > maxDepth {
		return
	}
	if _, ok := ix[posKey(doc, path)]; !ok {
		ix[posKey(doc, path)] = [2]int{n.Line, n.Column}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			ix.add(doc, path, c, depth+1)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			ix[posKey(doc, p)] = [2]int{k.Line, k.Column}
			ix.add(doc, p, n.Content[i+1], depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ix.add(doc, fmt.Sprintf("%s[%d]", path, i), c, depth+1)
		}
	}
}

// findKey returns the path of the first indexed key named name (for a
// decoder's "unknown field" that names no path).
func (ix posIndex) findKey(doc int, name string) string {
	best, bestLine := "", 0
	prefix := posKey(doc, "")
	for k, lc := range ix {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		p := k[len(prefix):]
		if (p == name || strings.HasSuffix(p, "."+name)) && (best == "" || lc[0] < bestLine) {
			best, bestLine = p, lc[0]
		}
	}
	return best
}

// depth returns the nesting depth of a node tree, stopping past limit.
func depth(n *yaml.Node, limit int) int {
	if limit < 0 {
		return 0
	}
	d := 0
	for _, c := range n.Content {
		d = max(d, depth(c, limit-1))
	}
	return d + 1
}

// yamlError rewrites a YAML library error without its package prefix.
func yamlError(err error) error {
	msg := err.Error()
	for _, p := range []string{"yaml: unmarshal errors:\n  ", "yaml: ", "error converting YAML to JSON: ", "json: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return fmt.Errorf("%s", msg)
}
