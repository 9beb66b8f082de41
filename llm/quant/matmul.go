package quant

import "fmt"

// MatMul multiplies a tile of weight rows by a batch of activation vectors:
//
//	dst[c*rows + r] = dot(row r of w, vector c of x)   r < rows, c < cols
//
// w holds rows rows of n elements of f's type, contiguous, each
// f.RowBytes(n) bytes (a slice of a ggml tensor: rows are the output
// dimension). x holds cols vectors of n elements already encoded with
// f.Acts(), contiguous, each XRowBytes(n) bytes (the VecDotType's FromFloat
// bytes, except where the level's tile kernels want another encoding).
// dst holds at least rows*cols floats; each element equals VecDot of the
// same row and vector (bit for bit at the generic level; SIMD levels round
// the float sums in their own order).
//
// cols = 1 is token generation; several columns (prompt processing) are
// faster per dot product because each weight block, once unpacked, meets
// every column while it is in registers. The caller splits rows across
// threads and may pass any rows and cols; one call does rows×cols×n
// multiply-adds without yielding to the scheduler, so a caller bounds its
// tiles (a few hundred microseconds: e.g. rows×cols×n ≤ 2^24) to keep
// garbage-collector pauses short. n must be a whole number of blocks of
// both f and its activations' encoding; short slices panic (before any
// kernel reads past their end).
func (f *Format) MatMul(dst []float32, w []byte, rows int, x []byte, cols, n int) {
	if n%f.BlockSize != 0 || n%f.acts.BlockSize != 0 {
		panic(fmt.Sprintf("quant: %s MatMul: %d elements are not a whole number of %d-element blocks",
			f.Type, n, max(f.BlockSize, f.acts.BlockSize)))
	}
	wb, xb := f.RowBytes(n), f.XRowBytes(n)
	if len(w) < rows*wb || len(x) < cols*xb || len(dst) < rows*cols {
		panic(fmt.Sprintf("quant: %s MatMul of %d rows × %d columns of %d elements: have %d weight bytes (want %d), %d activation bytes (want %d), %d results (want %d)",
			f.Type, rows, cols, n, len(w), rows*wb, len(x), cols*xb, len(dst), rows*cols))
	}
	dst, w, x = dst[:rows*cols], w[:rows*wb], x[:cols*xb]
	if f.matMul != nil {
		f.matMul(dst, w, rows, x, cols, n)
		return
	}
	matMulVecDot(f.VecDot, dst, w, wb, rows, x, xb, cols, n)
}

// Streams says where a one-column MatMul (token generation) over rows
// rows of n elements starts reading its weights: its first kernel call
// reads count runs of rows side by side, from rows starts[:count] (one
// from row 0; the pair kernels' two halves; the quad kernels' four
// quarters). A worker with time to spare can prefetch them.
func (f *Format) Streams(rows, n int) (starts [4]int, count int) {
	if f.streams == nil {
		return starts, 1
	}
	return f.streams(rows, n)
}

// XRowBytes is the encoded size of n activations in f.Acts(): the stride
// of MatMul's x.
func (f *Format) XRowBytes(n int) int { return f.acts.RowBytes(n) }

// matMulVecDot is MatMul over any VecDot: row by row, so a weight row
// stays in L1 while it meets every vector.
func matMulVecDot(vecDot func(n int, w, x []byte) float32, dst []float32, w []byte, wb, rows int, x []byte, xb, cols, n int) {
	for r := range rows {
		wr := w[r*wb : (r+1)*wb]
		for c := range cols {
			dst[c*rows+r] = vecDot(n, wr, x[c*xb:(c+1)*xb])
		}
	}
}
