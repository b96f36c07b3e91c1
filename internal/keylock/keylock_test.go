package keylock

import (
	"sync"
	"testing"
	"time"
)

func TestMap(t *testing.T) {
	var l Map
	unlock := l.Lock("a")
	// Another key does not wait.
	done := make(chan struct{})
	go func() { l.Lock("b")(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("key b waited for key a")
	}
	// The same key waits until the holder unlocks.
	got := make(chan struct{})
	go func() { l.Lock("a")(); close(got) }()
	select {
	case <-got:
		t.Fatal("key a locked twice")
	case <-time.After(50 * time.Millisecond):
	}
	unlock()
	<-got
	l.Forget("a")
	l.Lock("a")()

	// Many lockers of one key run one at a time.
	var wg sync.WaitGroup
	n, in := 0, 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer l.Lock("c")()
			in++
			if in != 1 {
				t.Error("two holders at once")
			}
			n++
			in--
		}()
	}
	wg.Wait()
	if n != 50 {
		t.Fatalf("n = %d", n)
	}
}
