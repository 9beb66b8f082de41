//go:build amd64 && !purego

package quant

// Driving the generated tile kernels (_asm/tile.go) from Go: VecDot is a
// 1×1 tile, MatMul walks a tile of rows × cols in pieces that keep weights
// in cache and each assembly call short.

// tileKernel is the signature of every generated tile kernel: rows
// weight rows of nb blocks (contiguous) times a fixed number of activation
// columns xStride bytes apart, into dst[c*dstStride + r].
type tileKernel func(dst *float32, dstStride int, w *byte, rows int, x *byte, xStride int, nb int)

// dotKernel is the signature of the generated dot products: nb blocks of
// weights with nb blocks of activations.
type dotKernel func(w, x *byte, nb int) float32

// tiles is one level's kernels for one weight type.
type tiles struct {
	dot            dotKernel
	k              [4]tileKernel // 1, 2, 4 and 8 columns; nil where absent
	block          int           // elements per block
	wBytes, xBytes int           // bytes per block of weights, of activations
	// acts, when set, is the encoding the tile kernels k read (Q8_KX, Q8_0X), whose
	// blocks are actsBytes long; dot still reads the VecDotType's.
	acts      int
	actsBytes int
	// tail, for kernels whose block is a multiple of the type's (32
	// elements of F16 and F32, pairs of Q8_0 and Q5_0 blocks), is the
	// portable VecDot, which adds the last n%block elements.
	tail func(n int, w, x []byte) float32
	// one, when set, are one-row kernels for calls of one row, which
	// the pair kernels k (_asm/q8xpair.go) would compute twice, paired
	// with itself: every call with a tail, whose rows are not whole
	// blocks apart. Their results are k's bit for bit.
	one [4]tileKernel
	// halves: the kernels pair row i of a call with row i + ⌈rows/2⌉
	// (_asm/pair.go, q8xpair.go), so one column streams two runs of rows.
	halves bool
	// quad, when set, is a one-column kernel that reads four runs of
	// rows side by side (a multiple of 4 rows: _asm/pair.go's quadTile,
	// q8xpair.go's q8xQuadTile), the pair kernel's results bit for bit:
	// token generation reads memory faster from four streams.
	quad tileKernel
}

const (
	// l2Rows bounds a row block to this many weight bytes, so that it is
	// still in L2 (1 MiB per core on Zen 5, 256 KiB on older cores) when
	// the next group of columns passes over it.
	l2Rows = 128 << 10
	// callMACs bounds the multiply-adds of one assembly call (a few tens
	// of microseconds): the goroutine cannot be preempted inside it.
	callMACs = 1 << 21
	// callMACs1 is callMACs for one column (generation), whose calls
	// stream weights from memory: each call starts its row pairs' two
	// streams anew, and fewer, longer calls streamed 3–5% faster (TinyLlama
	// tg, in-process timing per product: gate/up 47 → 49–50 GB/s, down
	// 47.5 → 48.5–51, the output matrix 54.5 → 57–59). A call then runs up
	// to ~0.2 ms, which a garbage collection waits for at most.
	callMACs1 = 1 << 23
)

func (t *tiles) vecDot(n int, w, x []byte) float32 {
	nb := n / t.block
	var sum float32
	if nb > 0 {
		_, _ = w[nb*t.wBytes-1], x[nb*t.xBytes-1] // the kernel reads this far
		sum = t.dot(&w[0], &x[0], nb)
	}
	if t.tail != nil && n%t.block != 0 {
		sum += t.tail(n%t.block, w[nb*t.wBytes:], x[nb*t.xBytes:])
	}
	return sum
}

// matMul is Format.MatMul (which has checked the lengths).
func (t *tiles) matMul(dst []float32, w []byte, rows int, x []byte, cols, n int) {
	if rows == 0 || cols == 0 {
		return
	}
	nb := n / t.block
	xBytes := t.xBytes
	if t.actsBytes != 0 {
		xBytes = t.actsBytes
	}
	// Row strides. The kernels step from one row to the next, so they
	// take several rows per call only when rows are whole blocks.
	wb, xb := nb*t.wBytes, nb*xBytes
	maxRows := rows
	if t.tail != nil && n%t.block != 0 {
		wb, xb = len(w)/rows, len(x)/cols
		maxRows = 1
		defer t.matMulTail(dst, w, wb, rows, x, xb, cols, n)
	}
	if nb == 0 {
		clear(dst[:rows*cols])
		return
	}
	rowBlock := max(1, l2Rows/wb)
	if cols == 1 {
		// No column comes back to the rows: nothing to keep in L2, and
		// the pair kernels (_asm/pair.go) stream their two halves of
		// rows longest in one call (one column from DRAM ran 20-30%
		// slower cut into 128 KiB blocks, BenchmarkKernels' tgRAM).
		rowBlock = rows
	}
	for r0 := 0; r0 < rows; r0 += rowBlock {
		r1 := min(rows, r0+rowBlock)
		for c := 0; c < cols; {
			i := 3 // widest kernel that fits the remaining columns
			for i > 0 && (t.k[i] == nil || 1<<i > cols-c) {
				i--
			}
			width := 1 << i
			step := min(maxRows, callRows(cols, width, n))
			for r := r0; r < r1; r += step {
				at, m := r, min(step, r1-r)
				if width == 1 && t.quad != nil && m >= 4 {
					q := m &^ 3
					t.quad(&dst[c*rows+at], rows, &w[at*wb], q, &x[c*xb], xb, nb)
					at, m = at+q, m-q
				}
				if m > 0 {
					t.call(i, dst[c*rows+at:], rows, w[at*wb:], m, x[c*xb:], xb, nb)
				}
			}
			c += width
		}
	}
}

// call runs kernel k[i] (one[i] for one row) over m rows.
func (t *tiles) call(i int, dst []float32, rows int, w []byte, m int, x []byte, xb, nb int) {
	k := t.k[i]
	if m == 1 && t.one[i] != nil {
		k = t.one[i]
	}
	k(&dst[0], rows, &w[0], m, &x[0], xb, nb)
}

// matMulTail adds the last n%block elements of every dot product.
func (t *tiles) matMulTail(dst []float32, w []byte, wb, rows int, x []byte, xb, cols, n int) {
	nb, k := n/t.block, n%t.block
	xBytes := t.xBytes
	if t.actsBytes != 0 {
		xBytes = t.actsBytes // the encoding keeps the tail in the VecDotType's bytes (Q8_0X)
	}
	for r := range rows {
		wt := w[r*wb+nb*t.wBytes : (r+1)*wb]
		for c := range cols {
			dst[c*rows+r] += t.tail(k, wt, x[c*xb+nb*xBytes:(c+1)*xb])
		}
	}
}

// callRows is how many rows one kernel call of width columns takes in a
// matMul of cols columns of n elements (at most, where rows are whole
// blocks apart).
func callRows(cols, width, n int) int {
	macs := callMACs
	if cols == 1 {
		macs = callMACs1
	}
	return max(1, macs/(n*width))
}

// streamStarts is Format.Streams: where matMul's first kernel call of
// one column starts its streams.
func (t *tiles) streamStarts(rows, n int) (starts [4]int, count int) {
	if t.tail != nil && n%t.block != 0 {
		return starts, 1
	}
	m := min(rows, callRows(1, 1, n))
	switch {
	case t.quad != nil && m >= 4:
		q := m / 4
		return [4]int{0, q, 2 * q, 3 * q}, 4
	case t.halves && m > 1:
		return [4]int{0, (m + 1) / 2}, 2
	}
	return starts, 1
}

// set returns the kernel set of t.
func (t *tiles) set() kernelSet {
	k := kernelSet{matMul: t.matMul, streams: t.streamStarts, acts: t.acts, actsX: t.actsBytes != 0}
	if t.dot != nil { // else VecDot stays the level below's
		k.vecDot = t.vecDot
	}
	return k
}
