// Package bad breaks every rule once (and keeps some cases that pass).
package bad

import (
	"errors"
	"fmt"
)

var errBase = errors.New("base")

type Undocumented struct{}

func Exported() {}

func (Undocumented) Method() {}

// Documented is fine.
type Documented struct{}

// Method is fine.
func (Documented) Method() {}

type hidden struct{}

func (hidden) Exported() {} // a method of an unexported type is not API

// Group documents its types.
type (
	InGroup struct{}
)

func wraps(err error, other string) error {
	_ = fmt.Errorf("a: %w: %v", errBase, err)
	_ = fmt.Errorf("b %s: %v: %w", other, err, errBase)
	_ = fmt.Errorf("c: %w (last: %s)", errBase, err)
	_ = fmt.Errorf("d: %w: %w", errBase, err)       // fine
	_ = fmt.Errorf("e: %v", err)                    // no %w: a message only
	_ = fmt.Errorf("f %v: %w", other, errBase)      // other is no error
	_ = fmt.Errorf("g: %w: %v", errBase, "literal") // the literal rule
	return nil
}
