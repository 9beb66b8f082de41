//go:build !linux

package llm

// idleThread: thread priorities are left alone elsewhere.
func idleThread() {}
