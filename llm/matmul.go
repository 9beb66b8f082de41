package llm

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/quant"
)

// This file is the one place where weights meet activations. Every
// matrix-vector product of the forward pass goes through matmul, so faster
// kernels, threading and batched tiles change this file and nothing else.

// matrix is a 2-D weight used in place in the mapped file, never copied.
//
// Layout (ggml's): rows rows of cols elements; row r is the bytes
// data[r*rowBytes : (r+1)*rowBytes], encoded in format.Type. For a linear
// layer y = W·x, cols is the input width and rows the output width.
type matrix struct {
	name       string
	format     *quant.Format // how rows are encoded
	dot        *quant.Format // VecDotType: how activations must be encoded to meet a row
	data       []byte
	rows, cols int
	rowBytes   int
}

func newMatrix(name string, t *gguf.TensorInfo, data []byte) (*matrix, error) {
	f, err := quant.Lookup(t.Type)
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", name, err)
	}
	dot, err := quant.Lookup(f.VecDotType)
	if err != nil || dot.Quantize == nil || f.VecDot == nil {
		return nil, fmt.Errorf("tensor %q: tensor type %s has no dot product with %s activations", name, t.Type, f.VecDotType)
	}
	if len(t.Dims) != 2 {
		return nil, fmt.Errorf("tensor %q has %d dimensions, want 2", name, len(t.Dims))
	}
	m := &matrix{name: name, format: f, dot: dot, data: data, cols: int(t.Dims[0]), rows: int(t.Dims[1])}
	if m.cols%f.BlockSize != 0 || m.cols%dot.BlockSize != 0 {
		return nil, fmt.Errorf("tensor %q: row of %d elements is not a whole number of %s/%s blocks", name, m.cols, f.Type, dot.Type)
	}
	m.rowBytes = f.RowBytes(m.cols)
	if len(data) != m.rows*m.rowBytes {
		return nil, fmt.Errorf("tensor %q: %d bytes of data, want %d", name, len(data), m.rows*m.rowBytes)
	}
	return m, nil
}

// row decodes row r into dst[:cols]: ggml's get_rows, used for the token
// embedding, so a quantized embedding table stays quantized in the map.
func (m *matrix) row(r int, dst []float32) {
	m.format.Dequantize(dst[:m.cols], m.data[r*m.rowBytes:(r+1)*m.rowBytes])
}

// acts is a batch of n activation vectors of width d, the input of one or
// more matmuls, together with its encodings in the vec-dot types of the
// matrices it meets. An encoding is made on first use and reused by every
// matrix sharing the input (Q, K and V; gate and up), as ggml quantizes its
// src1 once per type.
//
// Layout: x is [n][d] row-major; an encoding of type T is [n][rowBytes_T(d)].
type acts struct {
	x    []float32
	n, d int
	enc  []encoding
}

type encoding struct {
	t     gguf.Type
	buf   []byte
	valid bool
}

// set makes the batch n vectors of width d, reusing memory; it invalidates
// the encodings. The caller fills x afterwards.
func (a *acts) set(n, d int) {
	a.n, a.d = n, d
	if cap(a.x) < n*d {
		a.x = make([]float32, n*d)
	}
	a.x = a.x[:n*d]
	for i := range a.enc {
		a.enc[i].valid = false
	}
}

// changed invalidates the encodings after x was written in place.
func (a *acts) changed() {
	for i := range a.enc {
		a.enc[i].valid = false
	}
}

// encoded returns x encoded in format f, one row of f.RowBytes(d) per vector.
func (a *acts) encoded(f *quant.Format) []byte {
	var e *encoding
	for i := range a.enc {
		if a.enc[i].t == f.Type {
			e = &a.enc[i]
		}
	}
	if e == nil {
		a.enc = append(a.enc, encoding{t: f.Type})
		e = &a.enc[len(a.enc)-1]
	}
	if e.valid {
		return e.buf
	}
	rb := f.RowBytes(a.d)
	if cap(e.buf) < a.n*rb {
		e.buf = make([]byte, a.n*rb)
	}
	e.buf = e.buf[:a.n*rb]
	parallel(a.n, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			f.FromFloat(e.buf[i*rb:(i+1)*rb], a.x[i*a.d:(i+1)*a.d])
		}
	})
	e.valid = true
	return e.buf
}

// matmul computes out = W·x for every vector of the batch: out is [n][rows],
// out[i*rows+r] = dot(row r of W, x_i). The rows are split across cores;
// each weight row is read once for the whole batch.
func matmul(out []float32, w *matrix, in *acts) {
	if in.d != w.cols {
		panic(fmt.Sprintf("llm: matmul %s: input width %d, matrix has %d columns", w.name, in.d, w.cols))
	}
	xq := in.encoded(w.dot)
	xb := w.dot.RowBytes(w.cols)
	n, rows, cols := in.n, w.rows, w.cols
	vecDot := w.format.VecDot
	// About 64k multiply-adds per task keeps goroutine overhead small.
	minRows := max(1, (1<<16)/(cols*n))
	parallel(rows, minRows, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			wr := w.data[r*w.rowBytes : (r+1)*w.rowBytes]
			for i := 0; i < n; i++ {
				out[i*rows+r] = vecDot(cols, wr, xq[i*xb:(i+1)*xb])
			}
		}
	})
}

// threads is how many goroutines parallel uses: one per core. The
// threading work of the next issue replaces parallel with persistent workers.
var threads = runtime.NumCPU()

// parallel runs fn over [0, n) split into at most `threads` contiguous
// chunks of at least minChunk items, and waits for all of them.
func parallel(n, minChunk int, fn func(lo, hi int)) {
	parallelChunks(n, minChunk, func(_, lo, hi int) { fn(lo, hi) })
}

// parallelChunks is parallel that also tells fn which chunk (0 ≤ chunk <
// threads) it runs, so each can use its own scratch buffer.
func parallelChunks(n, minChunk int, fn func(chunk, lo, hi int)) {
	workers := min(threads, (n+minChunk-1)/max(minChunk, 1))
	if workers <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	size := (n + workers - 1) / workers
	for c, lo := 1, size; lo < n; c, lo = c+1, lo+size {
		wg.Add(1)
		go func(c, lo, hi int) {
			defer wg.Done()
			fn(c, lo, hi)
		}(c, lo, min(lo+size, n))
	}
	fn(0, 0, min(size, n))
	wg.Wait()
}
