package llm

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/quant"
)

// Generation reads every weight once per token, 630 MB for TinyLlama, and
// from a file mapping in 4 KiB pages that means 160 000 pages per token:
// the page walks of the TLB misses cost a third of the time (measured: tg
// 1.3–1.8× faster from the same bytes in 2 MiB pages). The mapping is in
// 2 MiB pages where the page cache can hold the file in 2 MiB folios
// (gguf.File.HugePages, llm/internal/pages); where it cannot (another
// filesystem, or small folios still mapped by another process), after its
// first forward pass a model copies the matrices a token streams into
// private anonymous memory advised for transparent huge pages, in the
// background, and switches to the copy between two forward passes.
// The first answer never waits for it, and the copy runs at the lowest
// priority so that it takes the cores only when generation leaves them
// (it costs about a second of CPU, mostly the kernel zeroing huge pages);
// the price is a second copy of the weights in RAM (the page cache's may
// be reclaimed). Options.MapOnly keeps the mapping alone.
//
// The copy is also where matrices change layout: a type whose kernels
// have a faster repacked form at this CPU level (quant.Format.Repacked:
// Q4_K's Q4_KR with avx512vnni, scales unpacked and quants in the
// kernels' order, 2.8% larger) is written repacked, so the switch also
// moves those matrices to the faster kernels. Repacked kernels give the
// same results bit for bit, so the switch never changes a logit. That is
// why a model mapped in 2 MiB pages still copies its repackable matrices
// (and only those): TinyLlama's Q4_K products streamed 51–52 GB/s from
// the mapping and 57–59 repacked, tg 74–76 against 80–83 t/s (in-process,
// alternating runs).

// hugeCopy is the state of that copy.
type hugeCopy struct {
	started atomic.Bool
	done    sync.WaitGroup // the copying goroutine
	abort   atomic.Bool    // Close stops it between matrices
	ready   atomic.Bool    // mem holds every matrix; not yet switched to
	mem     []byte         // the copy (nil when none)
	bytes   int64          // bytes in use after the switch
	release func()         // unmaps mem

	// swap guards the matrices' data slices: forward passes read them
	// under RLock, the switch rewrites them under Lock.
	swap     sync.RWMutex
	switched bool
	targets  []*matrix
	copies   [][]byte        // copies[i] replaces targets[i].data
	formats  []*quant.Format // and formats[i] its format (repacked or the same)
}

// streamed lists the matrices a token reads in full (the embedding table
// only when it is also the output).
func (m *Model) streamed() []*matrix {
	ms := []*matrix{m.output}
	for i := range m.layers {
		L := &m.layers[i]
		ms = append(ms, L.wq, L.wk, L.wv, L.wo, L.gate, L.up, L.down)
	}
	return ms
}

// startCopy begins the background copy, once, unless the model maps only
// or the copy would change nothing: when the mapping reads the weights in
// 2 MiB pages, only the matrices with a faster repacked layout are copied
// (the rest stay in the mapping), and none when there are none.
func (m *Model) startCopy() {
	if m.mapOnly {
		return
	}
	h := &m.huge
	if h.started.Load() || !h.started.CompareAndSwap(false, true) {
		return
	}
	{
		ms := m.streamed()
		if m.file.HugePages() {
			ms = slices.DeleteFunc(ms, func(w *matrix) bool { return copyFormat(w) == w.format })
			if len(ms) == 0 {
				return
			}
		}
		size := 0
		for _, w := range ms {
			size += (copyFormat(w).RowBytes(w.cols)*w.rows + 63) &^ 63
		}
		mem, release := pages.HugeAlloc(size)
		if mem == nil {
			return
		}
		h.mem, h.release = mem, release
		h.done.Add(1)
		go func() {
			defer h.done.Done()
			idleThread()
			off := 0
			for _, w := range ms {
				if h.abort.Load() {
					return
				}
				f := copyFormat(w)
				n := f.RowBytes(w.cols) * w.rows
				if f == w.format {
					copy(mem[off:off+n], w.data)
				} else {
					f.Repack(mem[off:off+n], w.data)
				}
				h.targets = append(h.targets, w)
				h.copies = append(h.copies, mem[off:off+n:off+n])
				h.formats = append(h.formats, f)
				off += (n + 63) &^ 63
			}
			h.ready.Store(true)
		}()
	}
}

// copyFormat is the layout w takes in the copy: its format's repacked
// one if the active kernels have one for the same activations and w's
// rows are whole blocks of it (Q5_0R and Q8_0R take Q5_0's and Q8_0's
// 32-element blocks in pairs), else its own.
func copyFormat(w *matrix) *quant.Format {
	if r := w.format.Repacked(); r != nil && r.Acts() == w.acts && w.cols%r.BlockSize == 0 {
		return r
	}
	return w.format
}

// readWeights is taken by a forward pass for its duration; it first
// switches to the copy if the copy is ready and no other pass is running.
func (m *Model) readWeights() {
	h := &m.huge
	if h.ready.Load() && h.swap.TryLock() {
		if !h.switched {
			for i, w := range h.targets {
				w.data, w.format, w.rowBytes = h.copies[i], h.formats[i], h.formats[i].RowBytes(w.cols)
				h.bytes += int64(len(w.data))
			}
			h.switched = true
		}
		h.swap.Unlock()
	}
	h.swap.RLock()
}

func (m *Model) doneWeights() { m.huge.swap.RUnlock() }

// WaitCopy waits for the background copy of the weights into huge pages
// (see Options.MapOnly) if one is running, so that measurements that
// follow see the steady state. The copy starts with the first forward
// pass; the pass after it switches to the copy.
func (m *Model) WaitCopy() { m.huge.done.Wait() }

// CopyBytes is how many bytes of weights the model reads from its private
// huge-page copy rather than from the file mapping: 0 before the switch,
// with MapOnly, or where transparent huge pages are unavailable.
func (m *Model) CopyBytes() int64 {
	m.huge.swap.RLock()
	defer m.huge.swap.RUnlock()
	return m.huge.bytes
}

// closeCopy stops the copy and releases its memory; the matrices must no
// longer be used.
func (m *Model) closeCopy() {
	h := &m.huge
	h.abort.Store(true)
	h.done.Wait()
	if h.mem != nil {
		h.release()
		h.mem = nil
	}
}
