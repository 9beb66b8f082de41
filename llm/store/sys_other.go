//go:build !(linux || darwin || freebsd)

package store

import "os"

// lockPart cannot lock on this system; concurrent pulls of one model are
// then the person's to avoid.
func lockPart(f *os.File) (busy bool, err error) { return false, nil }

// freeSpace cannot be told on this system.
var freeSpace = func(dir string) int64 { return -1 }
