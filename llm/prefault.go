package llm

import (
	"cmp"
	"slices"
	"unsafe"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// A first forward pass over a freshly mapped model touches every page of
// the weights; on a virtual machine each page fault costs tens of
// microseconds (measured here: touching TinyLlama's 636 MiB page by page
// took 1.5–2 s, against 65–330 ms to populate the same mapping with
// MADV_POPULATE_READ). So Load starts a goroutine that populates the page
// tables of the matrices a token reads, in file order (which is layer
// order), and the first prompt finds them present. It reads nothing from
// disk that the first token would not read anyway.

// startPrefault begins populating the mapping in the background.
func (m *Model) startPrefault() {
	// The goroutine works on the mapped slices themselves, taken now: the
	// matrices' data may later be switched to the huge-page copy.
	var parts [][]byte
	for _, w := range m.streamed() {
		parts = append(parts, w.data)
	}
	start := func(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
	slices.SortFunc(parts, func(a, b []byte) int { return cmp.Compare(start(a), start(b)) })
	parts = slices.CompactFunc(parts, func(a, b []byte) bool { return start(a) == start(b) }) // a tied output
	m.prefault.Add(1)
	go func() {
		defer m.prefault.Done()
		const step = 8 << 20 // bytes per call, so that Close need not wait long
		for _, b := range parts {
			for off := 0; off < len(b); off += step {
				if m.huge.abort.Load() || !pages.PopulateRead(b[off:min(off+step, len(b))]) {
					return
				}
			}
		}
	}()
}
