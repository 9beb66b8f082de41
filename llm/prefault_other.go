//go:build !linux

package llm

// populate: MADV_POPULATE_READ is Linux's; elsewhere the first pass faults
// the pages in.
func populate(b []byte) bool { return false }

// populateWrite: the first writes fault the pages in.
func populateWrite(b []byte) {}
