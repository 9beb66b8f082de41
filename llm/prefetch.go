package llm

import (
	"sync/atomic"
	"unsafe"

	"github.com/llamashell/lsh/llm/quant"
)

// A worker with nothing to do between the jobs of a token (its chunks of
// one job done while the other's are not, the serial norms and encodings
// between jobs, the end of its attention heads, the time between tokens)
// fetches the first weights it will stream in the next matmul, so that
// its share of the memory bus does not idle while it waits: each
// one-token matmul job leaves every worker a hint, the starts of its
// first kernel call in the job after, which it prefetches a piece at a
// time while it has no job, checking for one between pieces.

// prefetchBudget is how many bytes of the next job's weights a worker
// with nothing to do asks for (pool.idle), split between the streams of
// its first kernel call: within a core's L2 (1 MiB on Zen 5). Measured
// in-process (TinyLlama tg, 2 threads, blocks of 96 tokens alternated
// with and without, eight to ten rounds a run): 256 KiB 1.00–1.06× (mean
// of eleven runs 1.024×; 64 and 128 KiB about as much, 512 and 768 KiB no
// more), the larger gains when the machine was busy; Qwen2.5-0.5B 0.99–
// 1.04×. A worker then prefetched ~7–8.5 MB a token, the caller 2–4 MB.
const prefetchBudget = 256 << 10

// following tells p's workers where their first kernel calls of the
// one-token job over ps (with glu, as matmul takes them) will read, the
// job after the next dispatch (no hint for jobs of n > 1 tokens), so that
// a worker left with nothing to do fetches those weights (pool.idle).
// Worker w's first claim is the front of its region (regionChunks,
// ownRun); the kernel call it makes reads one to four runs of rows side
// by side (quant.Format.Streams).
func following(p *pool, n int, glu bool, ps ...product) {
	p.next = p.next[:0]
	if n != 1 || p.threads == 1 {
		return
	}
	var j mmJob
	j.np = copy(j.ps[:], ps)
	j.first, j.span = chunkLayout(ps, glu, 1, p.threads)
	chunks := j.first[j.np]
	for w := range p.threads {
		lo, hi := regionChunks(chunks, p.threads, w)
		if hi <= lo {
			p.next = append(p.next, hintAt{})
			continue
		}
		i, r0, r1, _ := j.piece(lo, lo+int(ownRun(uint64(hi-lo))), false)
		m := j.ps[i].w
		starts, count := m.format.Streams(r1-r0, m.cols)
		h := hintAt{n: prefetchBudget / count}
		for s, r := range starts[:count] {
			h.a[s] = uintptr(unsafe.Pointer(&m.data[(r0+r)*m.rowBytes]))
			next := r1 - r0
			if s+1 < count {
				next = starts[s+1]
			}
			h.n = min(h.n, (next-r)*m.rowBytes)
		}
		p.next = append(p.next, h)
	}
}

// hint is a seqlock over the addresses a worker's first kernel call of
// the next stream job starts reading at (up to four streams, 0 for none:
// quant.Format.Streams) and how many bytes of each it may prefetch. seq
// is odd while it is being written.
type hint struct {
	seq atomic.Uint64
	a   [4]atomic.Uintptr
	n   atomic.Int64
	_   [16]byte
}

// hintAt is one worker's hint as the caller computes it.
type hintAt struct {
	a [4]uintptr
	n int
}

// prefetched is a worker's progress through its hint, alone on its cache
// line: each worker updates its own after every piece.
type prefetched struct {
	seq  uint64
	done int
	_    [48]byte
}

// prefetchPiece is how much of each stream an idle worker prefetches
// before it looks for a new job again.
const prefetchPiece = 1024

// idle prefetches worker w's hint, a piece at a time, until it is all
// asked for or stop reports true.
func (p *pool) idle(w int, stop func() bool) {
	for !stop() && p.prefetch(w, prefetchPiece) {
	}
}

// prefetch asks for up to size more bytes of each of worker w's hint's
// streams and reports whether it asked for any.
func (p *pool) prefetch(w, size int) bool {
	h, pf := &p.hints[w], &p.pf[w]
	s := h.seq.Load()
	var a [4]uintptr
	for i := range a {
		a[i] = h.a[i].Load()
	}
	n := int(h.n.Load())
	if s&1 != 0 || h.seq.Load() != s {
		return false
	}
	if s != pf.seq {
		pf.seq, pf.done = s, 0
	}
	if pf.done >= n {
		return false
	}
	k := min(size, n-pf.done)
	for _, x := range a {
		if x != 0 {
			quant.Prefetch(x+uintptr(pf.done), k)
		}
	}
	pf.done += k
	return true
}

// publishHints makes p.next the workers' hints.
func (p *pool) publishHints() {
	for w, x := range p.next {
		h := &p.hints[w]
		h.seq.Add(1)
		for i, a := range x.a {
			h.a[i].Store(a)
		}
		h.n.Store(int64(x.n))
		h.seq.Add(1)
	}
	p.next = p.next[:0]
}
