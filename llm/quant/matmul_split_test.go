package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMatMulSplit: a dot product's value does not depend on the tile it
// is computed in. The engine evaluates a prompt in batches of columns and
// generates one column at a time, splits rows across threads in chunks,
// and the pair kernels (avx512vnni Q4_K, Q4_KR, Q6_K for one and two
// columns; Q5_0, Q8_0, Q5_0R, Q8_0R for all, Q5_0 and Q8_0 with one-row
// kernels for calls of one row) share work between two rows; a prompt
// fed at once or token by token, on any number of threads, must still
// give the same logits bit for bit. So every
// element of a 13×13 MatMul (tiles of 8, 4 and 1 columns) must equal the
// same element computed one row at a time, one column at a time, and in
// two row ranges split at an odd row.
func TestMatMulSplit(t *testing.T) {
	const rows, cols = 13, 13
	formats := []*Format{q4KR, q5_0R, q8_0R}
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		formats = append(formats, f)
	}
	for _, f := range formats {
		src, _ := Lookup(f.Type) // a repacked layout's weights are its type's, repacked
		for _, level := range testLevels() {
			fl := f.atLevel(level)
			if f.Layout != "" && fl.matMul == nil {
				continue // no kernels of its own below avx512vnni
			}
			name := f.Type.String() + f.Layout + "/" + level.String()
			rng := rand.New(rand.NewPCG(uint64(f.Type), 7+uint64(level)))
			n := 7 * max(f.BlockSize, 256)
			var w []byte
			for range rows {
				w = append(w, weightCase(rng, src, n, "quantized")...)
			}
			if f.Layout != "" {
				r := make([]byte, rows*f.RowBytes(n))
				f.Repack(r, w)
				w = r
			}
			wb, xb := f.RowBytes(n), fl.XRowBytes(n)
			x := make([]byte, cols*xb)
			for c := range cols {
				fl.Acts().Encode(x[c*xb:(c+1)*xb], normalRow(rng, n, 1))
			}
			whole := make([]float32, rows*cols)
			fl.MatMul(whole, w, rows, x, cols, n)
			check := func(how string, r, c int, got float32) {
				t.Helper()
				if want := whole[c*rows+r]; math.Float32bits(got) != math.Float32bits(want) {
					t.Errorf("%s: [row %d, column %d] computed %s = %g, in one %d×%d tile %g", name, r, c, how, got, rows, cols, want)
				}
			}
			one := make([]float32, max(rows, cols))
			for r := range rows {
				fl.MatMul(one, w[r*wb:(r+1)*wb], 1, x, cols, n)
				for c := range cols {
					check("alone in its row", r, c, one[c])
				}
			}
			for c := range cols {
				fl.MatMul(one, w, rows, x[c*xb:(c+1)*xb], 1, n)
				for r := range rows {
					check("alone in its column", r, c, one[r])
				}
			}
			const split = 5
			for _, part := range [][2]int{{0, split}, {split, rows}} {
				lo, hi := part[0], part[1]
				dst := make([]float32, (hi-lo)*cols)
				fl.MatMul(dst, w[lo*wb:hi*wb], hi-lo, x, cols, n)
				for r := lo; r < hi; r++ {
					for c := range cols {
						check("in rows split at 5", r, c, dst[c*(hi-lo)+r-lo])
					}
				}
			}
		}
	}
}
