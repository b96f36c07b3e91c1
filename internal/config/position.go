package config

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// PositionError is a configuration error at a line of a file.
type PositionError struct {
	File string
	Line int    // 0 when unknown
	Path string // the setting, e.g. chain.rpc ("" when unknown)
	Msg  string
}

// Error is the message after the file, line and field path.
func (e *PositionError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *PositionError) Unwrap() error { return ErrInvalid }

var (
	syntaxLine  = regexp.MustCompile(`yaml: line (\d+): (.*)`)
	typeField   = regexp.MustCompile(`json: cannot unmarshal (\w+) into Go (?:struct field|value) [^ ]*?\.([\w.]*) of type (\S+)`)
	unknownName = regexp.MustCompile(`json: unknown field "([^"]*)"`)
	quoted      = regexp.MustCompile(`"([^"]*)"\s*$`)
)

// positioned turns a decode error of data (YAML decoded into v through its
// JSON form) into a PositionError naming the file, line and setting. The
// YAML→JSON conversion loses positions, so they are found again in the
// YAML tree: an unknown key by walking it along v's json tags, a bad value
// by its path or its text.
func positioned(file string, data []byte, v any, err error) error {
	msg := err.Error()
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &PositionError{File: file, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return &PositionError{File: file, Msg: cleanJSON(msg)}
	}
	doc := root.Content[0]
	if unknownName.MatchString(msg) {
		if line, path := unknownKey(doc, reflect.TypeOf(v), ""); line > 0 {
			return &PositionError{File: file, Line: line, Path: path, Msg: "unknown setting (a typo? docs list every setting)"}
		}
	}
	if m := typeField.FindStringSubmatch(msg); m != nil {
		n := find(doc, strings.Split(m[2], "."))
		pe := &PositionError{File: file, Path: m[2], Msg: fmt.Sprintf("want %s, got %s", kindName(m[3]), article(m[1]))}
		if n != nil {
			pe.Line = n.Line
			pe.Msg = fmt.Sprintf("want %s, got %q", kindName(m[3]), n.Value)
		}
		return pe
	}
	// A value a type's own parser refused (a duration, an address): find
	// the quoted value in the tree.
	if m := quoted.FindStringSubmatch(msg); m != nil {
		if n, path := findValue(doc, m[1], ""); n != nil {
			return &PositionError{File: file, Line: n.Line, Path: path, Msg: cleanJSON(msg)}
		}
	}
	return &PositionError{File: file, Msg: cleanJSON(msg)}
}

func cleanJSON(msg string) string {
	for _, p := range []string{"error unmarshaling JSON: ", "while decoding JSON: ", "json: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

func kindName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "int"):
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map"):
		return "a mapping"
	}
	return goType
}

func article(jsonKind string) string {
	switch jsonKind {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	}
	return "a " + jsonKind
}

// unknownKey returns the line and path of the first mapping key of n that
// t (a struct, through pointers, slices and maps) has no json field for.
func unknownKey(n *yaml.Node, t reflect.Type, path string) (int, string) {
	for t != nil && (t.Kind() == reflect.Pointer) {
		t = t.Elem()
	}
	if t == nil {
		return 0, ""
	}
	switch n.Kind {
	case yaml.MappingNode:
		switch t.Kind() {
		case reflect.Struct:
			if reflect.PointerTo(t).Implements(textUnmarshaler) {
				return 0, ""
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, val := n.Content[i], n.Content[i+1]
				f, ok := jsonField(t, k.Value)
				if !ok {
					return k.Line, join(path, k.Value)
				}
				if line, p := unknownKey(val, f.Type, join(path, k.Value)); line > 0 {
					return line, p
				}
			}
		case reflect.Map:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if line, p := unknownKey(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value)); line > 0 {
					return line, p
				}
			}
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, c := range n.Content {
				if line, p := unknownKey(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); line > 0 {
					return line, p
				}
			}
		}
	}
	return 0, ""
}

func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if sf, ok := jsonField(ft, name); ok {
					return sf, true
				}
			}
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// find follows keys from n.
func find(n *yaml.Node, keys []string) *yaml.Node {
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// findValue returns the first scalar whose value is v, with its path.
func findValue(n *yaml.Node, v, path string) (*yaml.Node, string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value == v {
			return n, path
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if m, p := findValue(n.Content[i+1], v, join(path, n.Content[i].Value)); m != nil {
				return m, p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if m, p := findValue(c, v, fmt.Sprintf("%s[%d]", path, i)); m != nil {
				return m, p
			}
		}
	}
	return nil, ""
}
