// Package lazy holds tables built on first use.
//
// Go initialises every package linked into lsh before main, on every
// `lsh -c`, so a package-level table must cost nothing until a command
// needs it (docs/performance.md, "shell"). A Value whose Build is a
// function literal or a function is laid out by the compiler: declaring
// one runs no code at start-up, unlike a map literal or a sync.OnceValue
// call.
package lazy

import "sync"

// A Value is a table built by Build on the first Get.
type Value[T any] struct {
	once  sync.Once
	Build func() T
	v     T
}

// Get returns the table, building it on the first call; safe for
// concurrent use.
func (l *Value[T]) Get() T {
	l.once.Do(func() { l.v = l.Build() })
	return l.v
}
