// Package lint holds the checks that keep the source the way
// shared/STYLE.md describes it; its test runs them over the whole module
// (go test ./internal/lint). The checks are small and syntactic: they read
// the files with go/parser and need no build.
package lint

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Finding is one place that breaks a rule.
type Finding struct {
	Pos  token.Position
	Rule string // "doc" or "wrap"
	Msg  string
}

// String is "file:line:col: rule: message".
func (f Finding) String() string { return fmt.Sprintf("%s: %s: %s", f.Pos, f.Rule, f.Msg) }

// Check parses every non-test Go file under root (skipping testdata,
// hidden directories and generated files) and returns what breaks the
// rules:
//   - doc: an exported type, function or method of an exported type
//     without a doc comment;
//   - wrap: an fmt.Errorf that wraps with %w but formats an error with %v
//     or %s, or whose format holds "%w: %v" (the cause then drops out of
//     the chain, and errors.Is on it fails; Go allows several %w).
func Check(root string) ([]Finding, error) {
	var out []Finding
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (n == "testdata" || n == "node_modules" || strings.HasPrefix(n, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		out = append(out, docs(fset, f)...)
		out = append(out, wraps(fset, f)...)
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Line < b.Line
	})
	return out, err
}

// docs finds exported declarations without a doc comment. A type or
// constant inside a documented group is documented by the group.
func docs(fset *token.FileSet, f *ast.File) []Finding {
	var out []Finding
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || d.Doc != nil {
				continue
			}
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) == 1 {
				recv := receiverName(d.Recv.List[0].Type)
				if !ast.IsExported(recv) {
					continue // a method of an unexported type is not API
				}
				name = recv + "." + name
			}
			out = append(out, Finding{fset.Position(d.Pos()), "doc", "exported " + kind(d) + " " + name + " has no doc comment"})
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				ts := s.(*ast.TypeSpec)
				if ts.Name.IsExported() && ts.Doc == nil && d.Doc == nil {
					out = append(out, Finding{fset.Position(ts.Pos()), "doc", "exported type " + ts.Name.Name + " has no doc comment"})
				}
			}
		}
	}
	return out
}

func kind(d *ast.FuncDecl) string {
	if d.Recv != nil {
		return "method"
	}
	return "function"
}

func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

var verb = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z%]`)

// wraps finds fmt.Errorf calls that wrap with %w and format an error
// value (an identifier named err or ending in Err/err) with %v or %s.
func wraps(fset *token.FileSet, f *ast.File) []Finding {
	var out []Finding
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Errorf" {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "fmt" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		format, err := strconv.Unquote(lit.Value)
		if err != nil || !strings.Contains(format, "%w") {
			return true
		}
		if strings.Contains(format, "%w: %v") {
			out = append(out, Finding{fset.Position(lit.Pos()), "wrap", fmt.Sprintf("%q: %%w: %%v drops the second cause from the chain: use %%w for both", format)})
			return true
		}
		args := call.Args[1:]
		i := 0
		for _, v := range verb.FindAllString(format, -1) {
			if v == "%%" {
				continue
			}
			if i < len(args) && (strings.HasSuffix(v, "v") || strings.HasSuffix(v, "s")) && isErrorName(args[i]) {
				out = append(out, Finding{fset.Position(args[i].Pos()), "wrap", fmt.Sprintf("%s formats an error with %s beside %%w: wrap it with %%w too", format, v)})
			}
			i++
		}
		return true
	})
	return out
}

func isErrorName(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	n := id.Name
	return n == "err" || strings.HasSuffix(n, "Err") || (strings.HasSuffix(n, "err") && len(n) <= 5)
}
