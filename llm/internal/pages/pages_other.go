//go:build !linux

package pages

// PopulateRead reports false: MADV_POPULATE_READ is Linux's, and
// elsewhere the first reads fault the pages in.
func PopulateRead(b []byte) bool { return false }

// populateWrite does nothing: the first writes fault the pages in.
func populateWrite(b []byte) {}
