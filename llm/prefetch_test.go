package llm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/llamashell/lsh/llm/gguf"
)

// firstCalls is a job that records, per worker, where the first kernel
// call of its first claim of a one-token mmJob would read, and computes
// nothing.
type firstCalls struct {
	j   *mmJob
	got map[int]hintAt
}

func (f *firstCalls) run(w, lo, hi int) {
	if _, ok := f.got[w]; ok {
		return
	}
	i, r0, r1, _ := f.j.piece(lo, hi, false)
	m := f.j.ps[i].w
	var h hintAt
	starts, count := m.format.Streams(r1-r0, m.cols)
	for s, r := range starts[:count] {
		h.a[s] = uintptr(unsafe.Pointer(&m.data[(r0+r)*m.rowBytes]))
	}
	f.got[w] = h
}

// The hints name the weights each worker's first kernel call of the next
// job reads, as the pool really deals the chunks: each worker, running
// first, claims from the front of its region (regionChunks, ownRun, the
// products' chunk layout), for plain, fused Q/K/V-like and gate/up jobs at
// 2 and 3 threads.
func TestFollowingNamesFirstCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	q, k, v := randomMatrix(t, rng, gguf.Q4_K, 512, 256), randomMatrix(t, rng, gguf.Q4_K, 128, 256), randomMatrix(t, rng, gguf.Q6_K, 128, 256)
	gate, up := randomMatrix(t, rng, gguf.Q4_K, 688, 256), randomMatrix(t, rng, gguf.Q4_K, 688, 256)
	out := randomMatrix(t, rng, gguf.Q8_0, 3000, 256)
	for _, c := range []struct {
		name string
		glu  bool
		ps   []product
	}{
		{"one", false, []product{{w: out}}},
		{"qkv", false, []product{{w: q}, {w: k}, {w: v}}},
		{"glu", true, []product{{w: gate}, {w: up}}},
	} {
		for _, threads := range []int{2, 3} {
			name := fmt.Sprintf("%s/threads=%d", c.name, threads)
			// A pool without goroutines: the test claims as each worker.
			p := &pool{threads: threads, regions: make([]region, threads), hints: make([]hint, threads), pf: make([]prefetched, threads)}
			following(p, 1, c.glu, c.ps...)
			hints := slices.Clone(p.next)
			if len(hints) != threads {
				t.Fatalf("%s: %d hints, want one per worker", name, len(hints))
			}
			j := &mmJob{in: &acts{n: 1}}
			j.np = copy(j.ps[:], c.ps)
			j.first, j.span = chunkLayout(c.ps, c.glu, 1, threads)
			rec := &firstCalls{j: j, got: map[int]hintAt{}}
			p.job = rec
			p.runs.Store(true)
			for w := range threads {
				p.done.Store(0)
				p.claim(w, p.publish(j.first[j.np]))
			}
			for w, h := range hints {
				got := rec.got[w]
				if h.a != got.a {
					t.Errorf("%s: worker %d's hint reads at %#x; its first call reads at %#x", name, w, h.a, got.a)
				}
				if h.n <= 0 || h.n > prefetchBudget {
					t.Errorf("%s: worker %d's hint asks for %d bytes, want 1…%d", name, w, h.n, prefetchBudget)
				}
			}
		}
	}
}

// A worker prefetches its hint a piece at a time until all of it is asked
// for, starts again on a new hint, and stops when told to.
func TestIdleWorkerPrefetchesItsHint(t *testing.T) {
	buf := make([]byte, 64<<10)
	addr := uintptr(unsafe.Pointer(&buf[0]))
	p := &pool{threads: 2, hints: make([]hint, 2), pf: make([]prefetched, 2)}
	p.next = append(p.next, hintAt{a: [4]uintptr{addr}, n: 10 << 10}, hintAt{a: [4]uintptr{addr, addr + 32<<10}, n: 3000})
	p.publishHints()
	pieces := func(w int) int {
		k := 0
		for p.prefetch(w, prefetchPiece) {
			k++
		}
		return k
	}
	if got := pieces(0); got != 10 {
		t.Errorf("worker 0 prefetched %d pieces of its 10 KiB hint, want 10", got)
	}
	if got := pieces(1); got != 3 {
		t.Errorf("worker 1 prefetched %d pieces of its 3000-byte hint, want 3", got)
	}
	if p.prefetch(0, prefetchPiece) {
		t.Error("a worker prefetched more of a hint it had asked for whole")
	}
	p.next = append(p.next, hintAt{a: [4]uintptr{addr}, n: 2 << 10}, hintAt{})
	p.publishHints()
	if got := pieces(0); got != 2 {
		t.Errorf("after a new hint worker 0 prefetched %d pieces of 2 KiB, want 2", got)
	}
	if got := pieces(1); got != 0 {
		t.Errorf("worker 1 prefetched %d pieces of an empty hint", got)
	}
	p.next = append(p.next, hintAt{a: [4]uintptr{addr}, n: 4 << 10}, hintAt{})
	p.publishHints()
	p.idle(0, func() bool { return true })
	if got := pieces(0); got != 4 {
		t.Errorf("idle told to stop still prefetched: %d of 4 pieces left, want 4", got)
	}
}
