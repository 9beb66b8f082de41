package llm

import (
	"syscall"
	"testing"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// resident is pages.Resident, skipping the test where mincore is refused.
func resident(t *testing.T, x []float32) []bool {
	t.Helper()
	r, err := pages.Resident(x)
	if err != nil {
		t.Skipf("mincore: %v", err)
	}
	return r
}

// TestKVReservePopulatesOnlyUsedPositions: reserve maps the pages of the
// positions a batch is about to write (so the pass does not take a page
// fault per page, ~17 µs each on a VM), and only those, rounded up to a
// block: a session's memory still grows with the positions it uses, not
// with its context size.
func TestKVReservePopulatesOnlyUsedPositions(t *testing.T) {
	const layers, ctx, heads, hd = 2, 4096, 2, 64 // 1 MiB per head and array
	c := newKVCache(layers, ctx, heads, hd, false)
	head := func(x []float32, lh int) []float32 { return x[lh*c.span*hd : (lh+1)*c.span*hd] }
	before := map[int][2][]bool{}
	for lh := range layers * heads {
		before[lh] = [2][]bool{resident(t, head(c.k, lh)), resident(t, head(c.v, lh))}
	}
	const end = 200 // positions [0, 256) after rounding to kvBlock
	c.reserve(end)
	if c.ready != 256 {
		t.Fatalf("reserve(%d): %d positions ready, want 256", end, c.ready)
	}
	posPerPage := syscall.Getpagesize() / (4 * hd)
	for lh := range layers * heads {
		for i, x := range [][]float32{head(c.k, lh), head(c.v, lh)} {
			after := resident(t, x)
			for p, in := range after {
				// Pages wholly inside [0, 256) positions must be resident;
				// pages past it must be as they were (the heap may have
				// mapped them before).
				switch {
				case (p+1)*posPerPage <= 256 && p > 0 && !in:
					t.Errorf("layer·head %d, %s: page %d (positions %d…) not populated", lh, "KV"[i:i+1], p, p*posPerPage)
				case p*posPerPage >= 256+posPerPage && in && !before[lh][i][p]:
					t.Errorf("layer·head %d, %s: page %d (positions %d…) populated past the reserved positions", lh, "KV"[i:i+1], p, p*posPerPage)
				}
			}
		}
	}
	c.reserve(end) // nothing more to do
	if c.ready != 256 {
		t.Errorf("second reserve(%d): %d positions ready, want 256", end, c.ready)
	}
	c.reserve(ctx + 1000)
	if c.ready != c.span {
		t.Errorf("reserve past the end: %d positions ready, want the span %d", c.ready, c.span)
	}
}
