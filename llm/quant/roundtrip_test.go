package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// allTypes is every supported type, in Supported() order.
var allTypes = []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0,
	gguf.Q5_1, gguf.Q8_1, gguf.Q2_K, gguf.Q3_K, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K, gguf.Q8_K}

func normalRow(rng *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * scale)
	}
	return x
}

func roundTrip(t testing.TB, typ gguf.Type, x []float32) []float32 {
	t.Helper()
	f, err := Lookup(typ)
	if err != nil {
		t.Fatal(err)
	}
	q := make([]byte, f.RowBytes(len(x)))
	if err := QuantizeRow(typ, q, x); err != nil {
		t.Fatal(err)
	}
	y := make([]float32, len(x))
	if err := DequantizeRow(typ, y, q); err != nil {
		t.Fatal(err)
	}
	return y
}

func relRMS(x, y []float32) float64 {
	var num, den float64
	for i := range x {
		d := float64(y[i]) - float64(x[i])
		num += d * d
		den += float64(x[i]) * float64(x[i])
	}
	return math.Sqrt(num / den)
}

// maxRelRMS bounds ||dequantize(quantize(x)) - x|| / ||x|| for rows of
// normal(0, σ) values, σ from 1e-3 to 50. The F16/BF16 bounds are the
// worst relative rounding error (2^-11, 2^-8); the others are this
// package's measured worst (seeded rows below) plus about 10%, in line with
// llama.cpp's figures in testdata/quant/README.md (q2_K 0.32, q3_K 0.15,
// q4_0 0.084, q4_K 0.072, q5_K 0.037, q6_K 0.018, q8_0 0.0054).
var maxRelRMS = map[gguf.Type]float64{
	gguf.F32: 0, gguf.F16: 0x1p-11, gguf.BF16: 0x1p-8,
	gguf.Q8_0: 0.0062, gguf.Q8_1: 0.0062, gguf.Q8_K: 0.0082,
	gguf.Q4_0: 0.098, gguf.Q4_1: 0.09, gguf.Q5_0: 0.049, gguf.Q5_1: 0.043,
	gguf.Q2_K: 0.34, gguf.Q3_K: 0.17, gguf.Q4_K: 0.082, gguf.Q5_K: 0.042, gguf.Q6_K: 0.024,
}

func TestRoundTripError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, typ := range allTypes {
		t.Run(typ.String(), func(t *testing.T) {
			worst := 0.0
			for _, sigma := range []float64{1e-3, 0.02, 1, 50} {
				for range 8 {
					x := normalRow(rng, 4096, sigma)
					e := relRMS(x, roundTrip(t, typ, x))
					worst = max(worst, e)
					if e > maxRelRMS[typ] {
						t.Errorf("σ=%g: relative RMS error %.4g exceeds %.4g", sigma, e, maxRelRMS[typ])
					}
				}
			}
			t.Logf("worst relative RMS error %.4g", worst)
		})
	}
}

// TestRoundTripPerElement checks the types with one scale per block
// element by element: each value lands on the level nearest to it, so the
// error is at most half a step, plus what storing the scale d (and minimum
// m) as float16 costs: levels·δd + δm, where δ of a float16 is half its
// unit in the last place (relative 2^-11, absolute 2^-25 for subnormals).
// Q4_0 and Q5_0 are symmetric around the block's extreme, whose sign
// they take: the opposite side's top level is one short, so values there
// may be up to a whole step off.
func TestRoundTripPerElement(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f16ulp := func(v float32) float64 { return max(math.Abs(float64(v))*0x1p-11, 0x1p-25) }
	for _, c := range []struct {
		t      gguf.Type
		levels float64 // largest |q| the scale multiplies
		short  bool    // top level one short on one side
		scale  func(b []byte) (d, m float32, δd, δm float64)
	}{
		{gguf.Q4_0, 8, true, func(b []byte) (float32, float32, float64, float64) { return f16le(b), 0, f16ulp(f16le(b)), 0 }},
		{gguf.Q5_0, 16, true, func(b []byte) (float32, float32, float64, float64) { return f16le(b), 0, f16ulp(f16le(b)), 0 }},
		{gguf.Q8_0, 127, false, func(b []byte) (float32, float32, float64, float64) { return f16le(b), 0, f16ulp(f16le(b)), 0 }},
		{gguf.Q8_1, 127, false, func(b []byte) (float32, float32, float64, float64) { return f16le(b), 0, f16ulp(f16le(b)), 0 }},
		{gguf.Q4_1, 15, false, func(b []byte) (float32, float32, float64, float64) {
			return f16le(b), f16le(b[2:]), f16ulp(f16le(b)), f16ulp(f16le(b[2:]))
		}},
		{gguf.Q5_1, 31, false, func(b []byte) (float32, float32, float64, float64) {
			return f16le(b), f16le(b[2:]), f16ulp(f16le(b)), f16ulp(f16le(b[2:]))
		}},
		{gguf.Q8_K, 127, false, func(b []byte) (float32, float32, float64, float64) {
			return f32le(b), 0, math.Abs(float64(f32le(b))) * 0x1p-24, 0
		}},
	} {
		t.Run(c.t.String(), func(t *testing.T) {
			f, _ := Lookup(c.t)
			for _, sigma := range []float64{1e-3, 1, 30} {
				x := normalRow(rng, 1024, sigma)
				q := make([]byte, f.RowBytes(len(x)))
				f.Quantize(q, x)
				y := make([]float32, len(x))
				f.Dequantize(y, q)
				for i := range x {
					d, m, δd, δm := c.scale(q[i/f.BlockSize*f.BlockBytes:])
					step := math.Abs(float64(d)) + δd
					half := 0.5
					if c.short && math.Abs(float64(x[i])) > (c.levels-1)*step {
						half = 1
					}
					bound := half*step + c.levels*δd + δm + 1e-6*step
					if err := math.Abs(float64(y[i]) - float64(x[i])); err > bound {
						t.Fatalf("σ=%g element %d: %g became %g, error %.3g > %.3g (d=%g m=%g)",
							sigma, i, x[i], y[i], err, bound, d, m)
					}
				}
			}
		})
	}
}

// TestVecDotMatchesDequantized checks every type's VecDot against the
// float64 dot product of the dequantized weights and the dequantized
// activations: the same numbers, so they must agree to float32 rounding,
// |VecDot - dot| <= 1e-6 * |w||x|. Rows of 4096 (16 k-quant super-blocks,
// 128 blocks of 32).
func TestVecDotMatchesDequantized(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 4096
	for _, typ := range allTypes {
		t.Run(typ.String(), func(t *testing.T) {
			f, _ := Lookup(typ)
			af, _ := Lookup(f.VecDotType)
			for trial := range 10 {
				w := normalRow(rng, n, 0.05)
				x := normalRow(rng, n, 1+float64(trial))
				wq := make([]byte, f.RowBytes(n))
				f.Quantize(wq, w)
				xq := make([]byte, af.RowBytes(n))
				af.FromFloat(xq, x)
				wd, xd := make([]float32, n), make([]float32, n)
				f.Dequantize(wd, wq)
				af.Dequantize(xd, xq)
				var want float64
				for i := range wd {
					want += float64(wd[i]) * float64(xd[i])
				}
				got := f.VecDot(n, wq, xq)
				scale := norm(wd) * norm(xd)
				// Q4_1 and Q5_1 take the activation sums from Q8_1's s,
				// which is d·Σq rounded to float16, as ggml does: allow
				// for that rounding, times the weight block's minimum.
				var sErr float64
				if f.VecDotType == gguf.Q8_1 {
					for b := 0; b < n/32; b++ {
						m := f16le(wq[b*f.BlockBytes+2:])
						sErr += math.Abs(float64(m)) * math.Abs(float64(f16le(xq[b*36+2:]))) * 0x1p-11
					}
				}
				if d := math.Abs(float64(got) - want); d > 1e-6*scale+sErr {
					t.Errorf("trial %d: VecDot %.9g, dequantized dot %.9g: differ by %.3g of |w||x|",
						trial, got, want, d/scale)
				}
				// Quantizing the activations costs at most a few 1e-3.
				if d := math.Abs(float64(f.DotF32(wq, x)) - want); d > 5e-3*scale {
					t.Errorf("trial %d: DotF32 %.6g vs quantized-activation dot %.6g: %.3g of |w||x|",
						trial, f.DotF32(wq, x), want, d/scale)
				}
			}
		})
	}
}

// TestDotF32 checks the float32-activation dot product on rows that are
// not a whole number of 256-element chunks: it must equal the float64 dot
// of Dequantize's output, element for element in order.
func TestDotF32(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		for _, n := range []int{f.BlockSize, 5 * f.BlockSize, 256 + 3*f.BlockSize, 1024} {
			if n%f.BlockSize != 0 || (f.BlockSize == 1 && n == 5) {
				continue
			}
			w := make([]byte, f.RowBytes(n))
			f.Quantize(w, normalRow(rng, n, 1))
			x := normalRow(rng, n, 1)
			wd := make([]float32, n)
			f.Dequantize(wd, w)
			var want float64
			for i := range wd {
				want += float64(wd[i]) * float64(x[i])
			}
			if got, err := DotF32(typ, w, x); err != nil || got != float32(want) {
				t.Errorf("%s n=%d: DotF32 = %g, %v; want %g", typ, n, got, err, float32(want))
			}
		}
	}
}

// TestNoAllocations: the kernels run per row, per token; they must not
// allocate.
func TestNoAllocations(t *testing.T) {
	const n = 512
	rng := rand.New(rand.NewPCG(17, 18))
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		af, _ := Lookup(f.VecDotType)
		x := normalRow(rng, n, 1)
		w := make([]byte, f.RowBytes(n))
		xq := make([]byte, af.RowBytes(n))
		y := make([]float32, n)
		for name, fn := range map[string]func(){
			"Quantize":   func() { f.Quantize(w, x) },
			"FromFloat":  func() { af.FromFloat(xq, x) },
			"Dequantize": func() { f.Dequantize(y, w) },
			"VecDot":     func() { f.VecDot(n, w, xq) },
			"DotF32":     func() { f.DotF32(w, x) },
		} {
			if a := testing.AllocsPerRun(10, fn); a != 0 {
				t.Errorf("%s %s: %v allocations per call", typ, name, a)
			}
		}
	}
}
