//go:build !linux

package llm

// hugeAlloc: transparent huge pages are a Linux feature; elsewhere the
// weights stay in the file mapping.
func hugeAlloc(size int) ([]byte, func([]byte)) { return nil, nil }

// idleThread: thread priorities are left alone elsewhere.
func idleThread() {}
