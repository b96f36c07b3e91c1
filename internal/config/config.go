// Package config loads tpod's YAML configuration files. Values come, in
// increasing precedence, from the file, from TPOD_* environment variables and
// from command-line flags (applied by the caller).
package config

import (
	"encoding"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/trustedpods/tpod/internal/duration"
)

// ErrInvalid marks a configuration that cannot be used.
var ErrInvalid = errors.New("invalid configuration")

// MaxFileSize caps a configuration file; anything larger is a mistake.
const MaxFileSize = 1 << 20

// Load reads the YAML file at path (if path is not empty) into v, a pointer
// to a struct with json tags, then applies environment overrides with the
// given prefix (see ApplyEnv). Unknown fields in the file are errors, so a
// typo never silently falls back to a default.
func Load(path, envPrefix string, v any) error {
	if path != "" {
		data, err := readCapped(path)
		if err != nil {
			return err
		}
		if err := yaml.UnmarshalStrict(data, v); err != nil {
			return fmt.Errorf("config %w", positioned(path, data, v, err))
		}
	}
	return ApplyEnv(envPrefix, os.LookupEnv, v)
}

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("config %s: %w: larger than %d bytes", path, ErrInvalid, MaxFileSize)
	}
	data := make([]byte, fi.Size())
	if _, err := f.ReadAt(data, 0); err != nil && fi.Size() > 0 {
		return nil, fmt.Errorf("config: %w", err)
	}
	return data, nil
}

// ApplyEnv overrides scalar fields of the struct v points to from environment
// variables named PREFIX_PATH, where PATH is the field's json names joined by
// "_" and upper-cased: chain.rpc → TPOD_CHAIN_RPC. Slices, maps and fields
// tagged `env:"-"` are not overridable (secrets are never read this way
// unless a field is explicitly meant for it).
func ApplyEnv(prefix string, lookup func(string) (string, bool), v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("config: ApplyEnv needs a pointer to a struct, got %T", v)
	}
	return applyEnv(prefix, lookup, rv.Elem())
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func applyEnv(name string, lookup func(string) (string, bool), v reflect.Value) error {
	if v.Kind() == reflect.Struct && !reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("env") == "-" {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "-" {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			if err := applyEnv(name+"_"+strings.ToUpper(tag), lookup, v.Field(i)); err != nil {
				return err
			}
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return nil
	}
	s, ok := lookup(name)
	if !ok {
		return nil
	}
	if err := setScalar(v, s); err != nil {
		return fmt.Errorf("environment %s: %w: %w", name, ErrInvalid, err)
	}
	return nil
}

func setScalar(v reflect.Value, s string) error {
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	if v.Type() == reflect.TypeFor[time.Duration]() {
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 0, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 0, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetFloat(n)
	default:
		return fmt.Errorf("a %s cannot be set from the environment", v.Type())
	}
	return nil
}

// Duration is a time.Duration that reads and writes as "90s", "10m" in YAML
// and JSON (the project's one duration type).
type Duration = duration.Duration
