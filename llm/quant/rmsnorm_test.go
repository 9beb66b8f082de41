package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// rmsNormRef is RMSNorm in float64 after the float32 squares (the part of
// ggml's arithmetic every order shares): the sum added one by one, the
// mean, square root and products unrounded.
func rmsNormRef(x, w []float32, eps float32) (sum float64, out []float64) {
	for _, v := range x {
		sum += float64(v * v)
	}
	scale := 1 / math.Sqrt(sum/float64(len(x))+float64(eps))
	out = make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v) * scale * float64(w[i])
	}
	return sum, out
}

// rmsInputs are the vectors RMSNorm is tested on: activations of ordinary
// size, all zeros (the norm is then eps alone), squares that underflow
// float32 (eps alone again), squares near float32's top, and mixed
// magnitudes.
var rmsInputs = []struct {
	name string
	gen  func(rng *rand.Rand, i int) float32
}{
	{"normal", func(rng *rand.Rand, _ int) float32 { return float32(rng.NormFloat64()) }},
	{"zeros", func(*rand.Rand, int) float32 { return 0 }},
	{"tiny", func(rng *rand.Rand, _ int) float32 { return float32(rng.NormFloat64() * 1e-25) }},
	{"large", func(rng *rand.Rand, _ int) float32 { return float32(rng.NormFloat64() * 1e17) }},
	{"mixed", func(rng *rand.Rand, i int) float32 { return float32(rng.NormFloat64() * math.Pow(10, float64(i%13-6))) }},
}

// rmsLengths are every length up to 70 (each tail past the kernels'
// 32- and 16-float steps) and the models' widths, with odd tails.
func rmsLengths() []int {
	var n []int
	for i := 1; i <= 70; i++ {
		n = append(n, i)
	}
	return append(n, 896, 2047, 2048, 2049, 4864, 4895, 5632, 5633)
}

// RMSNorm gives the same bits at every level, its sum of squares agrees
// with a sequential float64 sum to float64 rounding, and its outputs with
// a float64 computation to a few float32 roundings.
func TestRMSNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const eps = 1e-6
	for _, in := range rmsInputs {
		for _, n := range rmsLengths() {
			x, w := make([]float32, n), make([]float32, n)
			for i := range x {
				x[i] = in.gen(rng, i)
				w[i] = float32(0.5 + rng.Float64())
			}
			wantSum, want := rmsNormRef(x, w, eps)
			if head := n &^ 31; head > 0 && wantSum > 0 {
				tail := 0.0
				for _, v := range x[head:] {
					tail += float64(v * v)
				}
				if got := sumSquares32(x[:head]) + tail; math.Abs(got-wantSum) > 1e-13*wantSum {
					t.Errorf("%s n=%d: sum of squares %v, sequential float64 %v", in.name, n, got, wantSum)
				}
			}
			var portable []float32
			for _, l := range testLevels() {
				got := make([]float32, n)
				rmsNorm(l, got, x, w, eps)
				if l == levelGeneric {
					portable = got
					for i := range got {
						if d := math.Abs(float64(got[i]) - want[i]); d > 4e-7*math.Abs(want[i]) {
							t.Errorf("%s n=%d: out[%d] = %g, float64 %g (%.2g relative)", in.name, n, i, got[i], want[i], d/math.Abs(want[i]))
							break
						}
					}
					continue
				}
				for i := range got {
					if !sameBits(got[i], portable[i]) {
						t.Errorf("%s %s n=%d: out[%d] = %g, portable %g", l, in.name, n, i, got[i], portable[i])
						break
					}
				}
				inPlace := append([]float32(nil), x...)
				rmsNorm(l, inPlace, inPlace, w, eps)
				for i := range got {
					if !sameBits(inPlace[i], got[i]) {
						t.Errorf("%s %s n=%d: in place out[%d] = %g, not %g", l, in.name, n, i, inPlace[i], got[i])
						break
					}
				}
			}
		}
	}
}

// A vector of zeros is normalised by eps alone: it stays zeros; in one
// whose square overflows float32 the sum is +Inf and the scale 0, so
// every output is 0, as ggml's; an empty vector writes nothing.
func TestRMSNormEdges(t *testing.T) {
	for _, l := range testLevels() {
		for _, n := range []int{1, 31, 32, 33, 2048} {
			x, w := make([]float32, n), make([]float32, n)
			out := make([]float32, n)
			for i := range w {
				w[i], out[i] = 1, 7
			}
			rmsNorm(l, out, x, w, 1e-5)
			for i, v := range out {
				if v != 0 {
					t.Fatalf("%s n=%d: zeros normalised to out[%d] = %g", l, n, i, v)
				}
			}
			x[n-1] = 1e20 // its square is +Inf in float32
			rmsNorm(l, out, x, w, 1e-5)
			for i, v := range out {
				if math.Float32bits(v) != 0 {
					t.Fatalf("%s n=%d: with an overflowing square out[%d] = %g, want 0", l, n, i, v)
				}
			}
		}
		rmsNorm(l, nil, nil, nil, 1e-5) // must not panic
	}
}

func BenchmarkRMSNorm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2048, 5632} {
		x, w, out := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], w[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		for _, l := range testLevels() {
			b.Run(fmt.Sprintf("n=%d/%s", n, l), func(b *testing.B) {
				b.SetBytes(int64(4 * n))
				for range b.N {
					rmsNorm(l, out, x, w, 1e-6)
				}
			})
		}
	}
}
