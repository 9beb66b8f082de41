package llm

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/quant"
)

// This file is the one place where weights meet activations. Every
// matrix product of the forward pass is a mmJob: its output rows are cut
// into chunks that the pool's workers claim, and each chunk is one
// quant.Format.MatMul tile that meets every token of the batch, so a
// weight block is read from memory once per batch however many tokens
// the batch holds (prompt processing) and the kernels unpack it once per
// tile. Each output element is computed by exactly one worker, so the
// result does not depend on the number of threads.

// matrix is a 2-D weight used in place in the mapped file, never copied.
//
// Layout (ggml's): rows rows of cols elements; row r is the bytes
// data[r*rowBytes : (r+1)*rowBytes], encoded in format.Type. For a linear
// layer y = W·x, cols is the input width and rows the output width.
type matrix struct {
	name       string
	format     *quant.Format   // how rows are encoded
	acts       *quant.Encoding // how activations must be encoded to meet the rows (format.Acts())
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
	m := &matrix{name: name, format: f, acts: f.Acts(), data: data, cols: int(t.Dims[0]), rows: int(t.Dims[1])}
	if m.cols%f.BlockSize != 0 || m.cols%dot.BlockSize != 0 || m.cols%m.acts.BlockSize != 0 {
		return nil, fmt.Errorf("tensor %q: row of %d elements is not a whole number of %s/%s blocks", name, m.cols, f.Type, m.acts.Name)
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
// matrices it meets. Encodings are made by prepare before a product and
// shared by every matrix with the same input (Q, K and V; gate and up), as
// ggml quantizes its src1 once per type.
//
// Layout: x is [n][d] row-major; an encoding of type T is [n][rowBytes_T(d)].
type acts struct {
	x    []float32
	n, d int
	enc  []encoding
	job  encodeJob
}

type encoding struct {
	e     *quant.Encoding
	buf   []byte
	valid bool
}

// set makes the batch n vectors of width d, reusing memory; it invalidates
// the encodings. The caller fills x afterwards.
func (a *acts) set(n, d int) {
	a.n, a.d = n, d
	if cap(a.x) < n*d {
		a.x = make([]float32, n*d)
		pages.Populate(a.x)
	}
	a.x = a.x[:n*d]
	for i := range a.enc {
		a.enc[i].valid = false
	}
}

// encoded returns x encoded as e; prepare must have made it.
func (a *acts) encoded(e *quant.Encoding) []byte {
	for i := range a.enc {
		if s := &a.enc[i]; s.e == e && s.valid {
			return s.buf
		}
	}
	panic(fmt.Sprintf("llm: activations not encoded as %s", e.Name))
}

// prepare makes x (first, when norm is set, x[t] = rmsnorm(src[t]) ⊙ norm
// for every token t) and its encodings for the matrices ms, one token per
// chunk of a pool job.
func (a *acts) prepare(p *pool, src, norm []float32, eps float32, ms ...*matrix) {
	j := &a.job
	j.a, j.src, j.norm, j.eps, j.nf = a, src, norm, eps, 0
	for _, m := range ms {
		e := a.encoding(m.acts)
		if e.valid {
			continue
		}
		a.size(e)
		e.valid = true
		j.encs[j.nf] = e
		j.nf++
	}
	if j.norm == nil && j.nf == 0 {
		return
	}
	p.run(j, a.n)
}

// size makes e's buffer hold the batch's encoding.
func (a *acts) size(e *encoding) {
	rb := e.e.RowBytes(a.d)
	if cap(e.buf) < a.n*rb {
		e.buf = make([]byte, a.n*rb)
		pages.Populate(e.buf)
	}
	e.buf = e.buf[:a.n*rb]
}

// encoding returns the slot of encoding e, adding one.
func (a *acts) encoding(e *quant.Encoding) *encoding {
	for i := range a.enc {
		if a.enc[i].e == e {
			return &a.enc[i]
		}
	}
	a.enc = append(a.enc, encoding{e: e})
	return &a.enc[len(a.enc)-1]
}

// encodeJob is acts.prepare's work: chunk t normalises (optionally) and
// encodes token t.
type encodeJob struct {
	a         *acts
	src, norm []float32
	eps       float32
	encs      [3]*encoding
	nf        int
}

func (j *encodeJob) run(_, lo, hi int) {
	for t := lo; t < hi; t++ {
		j.token(t)
	}
}

func (j *encodeJob) token(t int) {
	a := j.a
	x := a.x[t*a.d : (t+1)*a.d]
	if j.norm != nil {
		rmsnorm(x, j.src[t*a.d:(t+1)*a.d], j.norm, j.eps)
	}
	for _, e := range j.encs[:j.nf] {
		rb := len(e.buf) / a.n
		e.e.Encode(e.buf[t*rb:(t+1)*rb], x)
	}
}

// product is one matrix of a mmJob: out = W·x (+ bias), or out += W·x
// when add is set (a residual connection). out is [n][W.rows].
type product struct {
	w    *matrix
	out  []float32
	bias []float32 // [W.rows] added to every token's row; nil for none
	add  bool
}

// mmJob computes up to three products of one input batch in one dispatch
// (Q, K and V; gate and up), so the workers meet one barrier instead of
// three. With glu set, products 0 and 1 are gate and up: a chunk computes
// the same rows of both and writes silu(gate) ⊙ up into glu ([n][FFN]),
// so neither is ever stored whole.
type mmJob struct {
	in     *acts
	ps     [3]product
	np     int
	glu    []float32
	gluEnc *encoding // set by gluFor: the encoding of glu the chunks make
	// gluLeft[b] counts the rows of glu's block b of encodeAlign rows
	// not yet computed; the chunk that brings it to zero encodes the
	// block.
	gluLeft []atomic.Int32
	first   [4]int // chunk at which product i starts
	span    [3]int // rows per chunk of product i
	tiles   [][]float32
}

// encodeAlign is the rows of glu gluFor's chunks encode at a time: a
// multiple of every activation encoding's block (Q8_K's 256; Q8_0X's pairs
// of 32).
const encodeAlign = 256

// gluFor is matmul of gate and up into out.x that, for one token, also
// encodes out for next (out.prepare then finds it done), work that would
// otherwise run on one thread between two jobs while the other workers
// wait (~2 µs a layer for TinyLlama's 5632). A block of encodeAlign rows
// is encoded by the chunk that computes its last rows, whichever worker
// runs it, so chunks need not be whole blocks: TinyLlama's 22 blocks as
// 22 chunks left one worker idle for most of a chunk (~20 µs of a 300 µs
// job) at the end of each gate/up job. Timed in-process (TinyLlama tg,
// timers around each chunk), the workers' idle time at the ends of the
// gate/up jobs went from ~600 to ~270 µs a token.
func (j *mmJob) gluFor(p *pool, in, out *acts, next *matrix, gate, up product) {
	if in.n == 1 && out.d%encodeAlign == 0 {
		e := out.encoding(next.acts)
		if !e.valid {
			out.size(e)
			j.gluEnc = e
			blocks := out.d / encodeAlign
			if len(j.gluLeft) < blocks {
				j.gluLeft = make([]atomic.Int32, blocks)
			}
			for b := range j.gluLeft[:blocks] {
				j.gluLeft[b].Store(encodeAlign)
			}
		}
	}
	j.matmul(p, in, out.x, gate, up)
	if j.gluEnc != nil {
		j.gluEnc.valid = true
		j.gluEnc = nil
	}
}

// matmul runs the products of ps over the batch in, on pool p. When glu is
// non-nil, ps is gate and up and the result goes to glu.
func (j *mmJob) matmul(p *pool, in *acts, glu []float32, ps ...product) {
	j.in, j.np, j.glu = in, len(ps), glu
	for i, pr := range ps {
		if in.d != pr.w.cols || (glu != nil && pr.w.rows != ps[0].w.rows) {
			panic(fmt.Sprintf("llm: matmul %s: input width %d, matrix has %d columns", pr.w.name, in.d, pr.w.cols))
		}
		j.ps[i] = pr
	}
	j.first, j.span = chunkLayout(ps, glu != nil, in.n, p.threads)
	chunks := j.first[j.np]
	if len(j.tiles) < p.threads {
		j.tiles = make([][]float32, p.threads)
	}
	if in.n == 1 {
		p.stream(j, chunks)
	} else {
		p.run(j, chunks)
	}
}

// chunkLayout splits the products ps of a job over n tokens into chunks:
// product i's chunks start at first[i] (first[len(ps)] is their number)
// and have span[i] rows. With glu, ps is gate and up, whose chunks are
// the same rows of both.
func chunkLayout(ps []product, glu bool, n, threads int) (first [4]int, span [3]int) {
	bytes, chunks := 0, 0
	for _, pr := range ps {
		bytes += pr.w.rows * pr.w.rowBytes
	}
	for i, pr := range ps {
		first[i] = chunks
		share := float64(pr.w.rows*pr.w.rowBytes) / float64(bytes)
		if glu {
			share = 1 // up follows gate's chunks
		}
		span[i] = chunkRows(pr.w.rows, pr.w.cols, n, threads, share)
		chunks += (pr.w.rows + span[i] - 1) / span[i]
		if glu {
			first[1] = chunks
			break
		}
	}
	first[len(ps)] = chunks
	return first, span
}

// chunkRows is how many output rows one chunk of a product computes:
// enough chunks for every worker to take several (a worker slowed by
// another process on a shared machine is then overtaken, not waited for),
// a multiple of 16 rows (kernels work on groups of rows), and a
// tile of at most 2^24 multiply-adds, so that no kernel call runs long
// enough to delay the garbage collector.
//
// share is the product's part of the job's weight bytes: the products of
// one job get chunks of about the same bytes, so that the workers'
// regions (pool.publish) weigh about the same. Counted per product, Q's
// four chunks of 590 KB and K's and V's of 73 KB (TinyLlama) gave one
// region 2.5 MB of the 3 MB job; the other worker then waited for a
// whole Q chunk at the end. Measured in-process (TinyLlama tg, timers
// around each dispatch, two runs): the Q/K/V job 40.2 → 43.7 GB/s.
//
// A one-token product (generation) has sixteen chunks per worker, which
// the pool claims in runs (pool.stream): its rows are streamed from
// memory, two streams per kernel call in the row-pair kernels, and each
// call starts its streams anew, so a worker reads most of its region in
// one call and only the last claims, the ones that balance the workers,
// are small. Claimed one at a time, two chunks per worker were 3–6%
// faster than four and sixteen 3–11% slower than two; claimed in halves,
// sixteen per worker made TinyLlama tg ~3% faster than two one at a time
// (in-process, alternating blocks of 4 tokens, five rounds: 64.7 against
// 62.8 t/s), and 8, 16 and 32 did about the same (again with runs of
// three quarters and the kernels' prefetching: 32 the same as 16).
func chunkRows(rows, cols, n, threads int, share float64) int {
	per := 8
	if n == 1 {
		per = 16
	}
	k := max(1, int(math.Round(float64(per*threads)*share)))
	span := (rows + k - 1) / k
	if limit := (1 << 24) / (n * cols); span > limit {
		span = limit
		if span >= 16 {
			span &^= 15
		}
	} else if span >= 16 {
		span = (span + 15) &^ 15
	}
	return max(span, 1)
}

// tile returns worker w's scratch of at least size floats.
func (j *mmJob) tile(w, size int) []float32 {
	if cap(j.tiles[w]) < size {
		j.tiles[w] = make([]float32, size)
		pages.Populate(j.tiles[w])
	}
	return j.tiles[w][:size]
}

// run computes chunks [c0, c1): one kernel call per product for one token,
// whose chunks are claimed in runs (pool.stream), a tile per chunk for a
// batch.
func (j *mmJob) run(w, c0, c1 int) {
	for c0 < c1 {
		i, lo, hi, end := j.piece(c0, c1, j.in.n > 1)
		j.rows(w, i, lo, hi)
		c0 = end
	}
}

// piece is the first kernel call of chunks [c0, c1): rows [lo, hi) of
// product i, which are chunks [c0, end). A call covers the chunks of one
// product, and one chunk only for a batch.
func (j *mmJob) piece(c0, c1 int, batch bool) (i, lo, hi, end int) {
	for c0 >= j.first[i+1] {
		i++
	}
	end = min(c1, j.first[i+1])
	if batch {
		end = c0 + 1
	}
	lo = (c0 - j.first[i]) * j.span[i]
	hi = min((end-j.first[i])*j.span[i], j.ps[i].w.rows)
	return i, lo, hi, end
}

// rows computes rows [lo, hi) of product i (of gate and up with glu).
func (j *mmJob) rows(w, i, lo, hi int) {
	pr := &j.ps[i]
	m, n := pr.w, j.in.n
	k := hi - lo
	xq := j.in.encoded(m.acts)
	if j.glu != nil {
		up := j.ps[1].w
		t := j.tile(w, 2*k*n)
		g, u := t[:k*n], t[k*n:]
		m.format.MatMul(g, m.data[lo*m.rowBytes:hi*m.rowBytes], k, xq, n, m.cols)
		up.format.MatMul(u, up.data[lo*up.rowBytes:hi*up.rowBytes], k, j.in.encoded(up.acts), n, up.cols)
		for tok := range n {
			quant.SwiGLU(j.glu[tok*m.rows+lo:tok*m.rows+hi], g[tok*k:(tok+1)*k], u[tok*k:(tok+1)*k])
		}
		if e := j.gluEnc; e != nil { // one token
			rb := e.e.RowBytes(encodeAlign)
			for b := lo / encodeAlign; b*encodeAlign < hi; b++ {
				b0, b1 := b*encodeAlign, (b+1)*encodeAlign
				if j.gluLeft[b].Add(-int32(min(hi, b1)-max(lo, b0))) == 0 {
					e.e.Encode(e.buf[b*rb:(b+1)*rb], j.glu[b0:b1])
				}
			}
		}
		return
	}
	if n == 1 && pr.bias == nil && !pr.add {
		m.format.MatMul(pr.out[lo:hi], m.data[lo*m.rowBytes:hi*m.rowBytes], k, xq, 1, m.cols)
		return
	}
	t := j.tile(w, k*n)
	m.format.MatMul(t, m.data[lo*m.rowBytes:hi*m.rowBytes], k, xq, n, m.cols)
	for tok := range n {
		src, dst := t[tok*k:(tok+1)*k], pr.out[tok*m.rows+lo:tok*m.rows+hi]
		if pr.bias != nil {
			addInto(src, pr.bias[lo:hi])
		}
		if pr.add {
			addInto(dst, src)
		} else {
			copy(dst, src)
		}
	}
}
