package usage

import "testing"

func TestSub(t *testing.T) {
	a := Vector{10, 20, 30, 40, 50, 60, 70}
	b := Vector{1, 2, 3, 4, 5, 6, 7}
	d, err := a.Sub(b)
	if err != nil {
		t.Fatal(err)
	}
	if d != (Vector{9, 18, 27, 36, 45, 54, 63}) {
		t.Fatalf("Sub = %v", d)
	}
	if _, err := b.Sub(a); err == nil {
		t.Fatal("Sub of a larger vector succeeded")
	}
	if !a.GreaterOrEqual(b) || b.GreaterOrEqual(a) || !a.GreaterOrEqual(a) {
		t.Fatal("GreaterOrEqual wrong")
	}
}
