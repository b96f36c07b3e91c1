// Package keylock is a mutex per key: the runtimes serialize the
// operations on one pod without making other pods wait.
package keylock

import "sync"

// Map holds one mutex per key. The zero Map is ready to use.
type Map struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

// Lock locks key's mutex and returns the function that unlocks it.
func (l *Map) Lock(key string) (unlock func()) {
	l.mu.Lock()
	m, ok := l.m[key]
	if !ok {
		if l.m == nil {
			l.m = map[string]*sync.Mutex{}
		}
		m = &sync.Mutex{}
		l.m[key] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// Forget drops key's mutex once what it guarded is gone; a holder keeps
// (and unlocks) the one it has.
func (l *Map) Forget(key string) {
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}
