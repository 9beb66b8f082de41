package llm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/quant"
)

// randomMatrix quantizes a rows×cols matrix of N(0, 1/cols) weights to t.
func randomMatrix(t *testing.T, rng *rand.Rand, typ gguf.Type, rows, cols int) *matrix {
	t.Helper()
	f, err := quant.Lookup(typ)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, rows*f.RowBytes(cols))
	row := make([]float32, cols)
	for r := range rows {
		for i := range row {
			row[i] = float32(rng.NormFloat64() / math.Sqrt(float64(cols)))
		}
		if err := quant.QuantizeRow(typ, data[r*f.RowBytes(cols):(r+1)*f.RowBytes(cols)], row); err != nil {
			t.Fatal(err)
		}
	}
	m, err := newMatrix(fmt.Sprintf("%s[%d×%d]", typ, rows, cols), &gguf.TensorInfo{Type: typ, Dims: []uint64{uint64(cols), uint64(rows)}}, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A threaded product equals the single-threaded one bit for bit, for row
// counts that do not divide into chunks evenly and for every mode (plain,
// bias, residual add, fused gate/up), and agrees with the format's VecDot
// per element.
func TestMatmulThreads(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range []struct {
		typ        gguf.Type
		rows, cols int
		n          int
	}{
		{gguf.Q4_K, 300, 512, 1},
		{gguf.Q4_K, 37, 256, 5},
		{gguf.Q6_K, 129, 512, 3},
		{gguf.Q8_0, 70, 96, 64},
		{gguf.Q5_0, 33, 64, 2},
		{gguf.F16, 50, 64, 7},
		{gguf.F32, 17, 40, 1},
	} {
		name := fmt.Sprintf("%s/%dx%d/n=%d", c.typ, c.rows, c.cols, c.n)
		w := randomMatrix(t, rng, c.typ, c.rows, c.cols)
		up := randomMatrix(t, rng, c.typ, c.rows, c.cols)
		x := make([]float32, c.n*c.cols)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		bias := make([]float32, c.rows)
		resid := make([]float32, c.n*c.rows)
		for i := range bias {
			bias[i] = float32(rng.NormFloat64())
		}
		for i := range resid {
			resid[i] = float32(rng.NormFloat64())
		}
		type result struct{ plain, biased, added, glu []float32 }
		compute := func(threads int) result {
			p := newPool(threads)
			defer p.close()
			var in acts
			in.set(c.n, c.cols)
			copy(in.x, x)
			in.prepare(p, nil, nil, 0, w, up)
			var j mmJob
			r := result{make([]float32, c.n*c.rows), make([]float32, c.n*c.rows), slices.Clone(resid), make([]float32, c.n*c.rows)}
			j.matmul(p, &in, nil, product{w: w, out: r.plain}, product{w: up, out: r.biased, bias: bias})
			j.matmul(p, &in, nil, product{w: w, out: r.added, add: true})
			j.matmul(p, &in, r.glu, product{w: w}, product{w: up})
			return r
		}
		one := compute(1)
		for _, threads := range []int{2, 3, 4} {
			got := compute(threads)
			if !slices.Equal(got.plain, one.plain) || !slices.Equal(got.biased, one.biased) ||
				!slices.Equal(got.added, one.added) || !slices.Equal(got.glu, one.glu) {
				t.Errorf("%s: %d threads differ from 1", name, threads)
			}
		}
		// Against VecDot, element by element.
		dot, _ := quant.Lookup(w.format.VecDotType)
		xq := make([]byte, dot.RowBytes(c.cols))
		for tok := range c.n {
			dot.FromFloat(xq, x[tok*c.cols:(tok+1)*c.cols])
			for r := range c.rows {
				g := w.format.VecDot(c.cols, w.data[r*w.rowBytes:(r+1)*w.rowBytes], xq)
				u := up.format.VecDot(c.cols, up.data[r*up.rowBytes:(r+1)*up.rowBytes], xq)
				i := tok*c.rows + r
				tol := 1e-4 * (1 + math.Abs(float64(g)))
				check := func(what string, got, want float32) {
					if math.Abs(float64(got-want)) > tol*(1+math.Abs(float64(want))) {
						t.Errorf("%s: %s token %d row %d: %g, want %g", name, what, tok, r, got, want)
					}
				}
				check("plain", one.plain[i], g)
				check("bias", one.biased[i], u+bias[r])
				check("add", one.added[i], resid[i]+g)
				check("glu", one.glu[i], g/(1+float32(math.Exp(float64(-g))))*u)
			}
		}
	}
}

// A job's chunks cover every row of its products once, and the workers'
// regions (chunks split evenly by count, pool.publish) carry about the
// same weight bytes, so that no worker is left with most of a job.
func TestChunkLayoutBalancesRegions(t *testing.T) {
	mat := func(rows, cols, rowBytes int) product {
		return product{w: &matrix{rows: rows, cols: cols, rowBytes: rowBytes}}
	}
	// TinyLlama's shapes: Q4_K rows of 2048 are 1152 bytes, Q6_K 1680.
	q, k, v := mat(2048, 2048, 1152), mat(256, 2048, 1152), mat(256, 2048, 1680)
	gate, up, down := mat(5632, 2048, 1152), mat(5632, 2048, 1152), mat(2048, 5632, 4620)
	for _, c := range []struct {
		name    string
		ps      []product
		glu     bool
		n       int
		threads int
	}{
		{"qkv, one token", []product{q, k, v}, false, 1, 2},
		{"qkv, a batch", []product{q, k, v}, false, 64, 2},
		{"qkv, four threads", []product{q, k, v}, false, 1, 4},
		{"gate+up", []product{gate, up}, true, 1, 2},
		{"down", []product{down}, false, 1, 2},
		{"down, a batch", []product{down}, false, 64, 3},
	} {
		first, span := chunkLayout(c.ps, c.glu, c.n, c.threads)
		chunks := first[len(c.ps)]
		bytes := make([]int, chunks) // each chunk's weight bytes
		np := len(c.ps)
		if c.glu {
			np = 1 // a chunk computes the same rows of gate and up
		}
		for i := range np {
			w := c.ps[i].w
			covered := 0
			for ch := first[i]; ch < first[i+1]; ch++ {
				lo := (ch - first[i]) * span[i]
				hi := min(lo+span[i], w.rows)
				if lo >= hi {
					t.Fatalf("%s: product %d chunk %d is empty", c.name, i, ch)
				}
				covered += hi - lo
				bytes[ch] = (hi - lo) * w.rowBytes
			}
			if covered != w.rows {
				t.Errorf("%s: product %d: chunks cover %d rows of %d", c.name, i, covered, w.rows)
			}
		}
		lo, hi := math.MaxInt, 0
		for r := range c.threads {
			sum := 0
			for _, b := range bytes[r*chunks/c.threads : (r+1)*chunks/c.threads] {
				sum += b
			}
			lo, hi = min(lo, sum), max(hi, sum)
		}
		if float64(hi) > 1.35*float64(lo) {
			t.Errorf("%s: %d chunks, regions of %d to %d bytes", c.name, chunks, lo, hi)
		}
	}
}

// For one token, gate/up (gluFor) also encodes its result for the next
// matrix chunk by chunk: the encoding equals what prepare would make of
// the result, bit for bit, and the result equals the plain glu product,
// at any thread count; a width that is no whole number of encoded blocks
// is left to prepare.
func TestGLUEncodesForNext(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct {
		typ, next gguf.Type
		ffn, cols int
	}{
		{gguf.Q4_K, gguf.Q4_K, 768, 256},
		{gguf.Q4_K, gguf.Q6_K, 1280, 512},
		{gguf.Q8_0, gguf.Q5_0, 512, 64},
		{gguf.Q8_0, gguf.Q8_0, 320, 96}, // 320 = 256 + 64: prepare encodes it
	} {
		gate, up := randomMatrix(t, rng, c.typ, c.ffn, c.cols), randomMatrix(t, rng, c.typ, c.ffn, c.cols)
		next := randomMatrix(t, rng, c.next, 8, c.ffn)
		x := make([]float32, c.cols)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		for _, threads := range []int{1, 2, 3} {
			name := fmt.Sprintf("%s→%s, FFN %d, %d threads", c.typ, c.next, c.ffn, threads)
			p := newPool(threads)
			var in, out acts
			in.set(1, c.cols)
			copy(in.x, x)
			in.prepare(p, nil, nil, 0, gate, up)
			var plain []float32 = make([]float32, c.ffn)
			var j mmJob
			j.matmul(p, &in, plain, product{w: gate}, product{w: up})
			out.set(1, c.ffn)
			j.gluFor(p, &in, &out, next, product{w: gate}, product{w: up})
			if !slices.Equal(out.x, plain) {
				t.Errorf("%s: gluFor's product differs from matmul's", name)
			}
			slot := out.encoding(next.acts)
			if fused := slot.valid; fused != (c.ffn%encodeAlign == 0) {
				t.Errorf("%s: encoded in the job %v, want %v", name, fused, c.ffn%encodeAlign == 0)
			}
			out.prepare(p, nil, nil, 0, next)
			want := make([]byte, next.acts.RowBytes(c.ffn))
			next.acts.Encode(want, plain)
			if !slices.Equal(out.encoded(next.acts), want) {
				t.Errorf("%s: the encoding for the next matrix differs from Encode's", name)
			}
			p.close()
		}
	}
}
