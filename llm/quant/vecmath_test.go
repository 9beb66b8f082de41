package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Expf stays within 2 ulp of e^x over the range softmax and SiLU use, and
// saturates like float32 exp outside it.
func TestExpf(t *testing.T) {
	worst := 0.0
	for x := float32(-87); x < 88.7; x += 0.00173 {
		want := math.Exp(float64(x))
		got := float64(Expf(x))
		ulp := float64(math.Nextafter32(float32(want), float32(math.Inf(1))) - float32(want))
		if d := math.Abs(got-want) / ulp; d > worst {
			worst = d
		}
	}
	if worst > 2 {
		t.Errorf("Expf is off by %.2f ulp", worst)
	}
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {1, float32(math.E)}, {-100, 0}, {100, float32(math.Inf(1))},
		{float32(math.Inf(-1)), 0}, {float32(math.Inf(1)), float32(math.Inf(1))},
	} {
		if got := Expf(c.x); got != c.want {
			t.Errorf("Expf(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if nan := float32(math.NaN()); !math.IsNaN(float64(Expf(nan))) {
		t.Error("Expf(NaN) is not NaN")
	}
}

// expInputs are values across Expf's whole domain: its range, both
// saturation bounds and their neighbours, infinities, NaN, zeros and
// subnormals, in a random order.
func expInputs(rng *rand.Rand, n int) []float32 {
	edges := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, -87.33654, -87.336536, -87.33655,
		88.72283, 88.722824, 88.72284, 88.7, -87.3, 100, -100, 1e30, -1e30,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	x := make([]float32, n)
	for i := range x {
		switch i % 4 {
		case 0:
			x[i] = edges[rng.IntN(len(edges))]
		default:
			x[i] = float32(rng.Float64()*180 - 90)
		}
	}
	return x
}

func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// The SiLU kernels give the portable loop's results bit for bit, at every
// level and length (the kernels do 16 at a time, the loop the rest).
func TestSIMDSwiGLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 15, 16, 17, 100, 5632} {
		gate, up := expInputs(rng, n), make([]float32, n)
		for i := range up {
			up[i] = float32(rng.NormFloat64())
		}
		want := make([]float32, n)
		swiGLU(levelGeneric, want, gate, up)
		for _, l := range testLevels()[1:] {
			got := make([]float32, n)
			swiGLU(l, got, gate, up)
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Errorf("%s n=%d: silu(%g)·%g = %g, portable %g", l, n, gate[i], up[i], got[i], want[i])
					break
				}
			}
		}
	}
}

// The softmax kernels: every exponential is Expf's, bit for bit; the
// float64 sum is added in another order, so the results agree with the
// portable loop to float32 rounding, and they sum to 1.
func TestSIMDSoftmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, l := range testLevels()[1:] {
		k := vecKernels[l]
		if k.expSum == nil {
			continue
		}
		x := expInputs(rng, 4096)
		got := append([]float32(nil), x...)
		k.expSum(&got[0], len(got), 0.5)
		for i, v := range x {
			if want := Expf(v - 0.5); !sameBits(got[i], want) {
				t.Errorf("%s: e^(%g - 0.5) = %g, Expf %g", l, v, got[i], want)
				break
			}
		}
		for _, n := range []int{1, 16, 17, 31, 64, 100, 2048} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 20)
			}
			want, got := append([]float32(nil), x...), append([]float32(nil), x...)
			softmax(levelGeneric, want, 0.125)
			softmax(l, got, 0.125)
			var sum float64
			for i := range got {
				sum += float64(got[i])
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-6*float64(want[i])+1e-30 {
					t.Errorf("%s n=%d: softmax[%d] = %g, portable %g", l, n, i, got[i], want[i])
					break
				}
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Errorf("%s n=%d: softmax sums to %g", l, n, sum)
			}
		}
	}
}

func BenchmarkExpf(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200-150) * 0.1
	}
	b.Run("Expf", func(b *testing.B) {
		var s float32
		for range b.N {
			for _, v := range x {
				s += Expf(v)
			}
		}
		_ = s
	})
	b.Run("math.Exp", func(b *testing.B) {
		var s float32
		for range b.N {
			for _, v := range x {
				s += float32(math.Exp(float64(v)))
			}
		}
		_ = s
	})
	out, up := make([]float32, len(x)), make([]float32, len(x))
	for _, l := range testLevels() {
		b.Run("SwiGLU/"+l.String(), func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for range b.N {
				swiGLU(l, out, x, up)
			}
		})
	}
}

// The exponential-sum kernels of every SIMD level add their float64
// lanes in the same order (expSumY stands four ymm for expSumZ's two
// zmm), so their sums agree bit for bit across levels: softmax (attention,
// sampling) is the same with or without AVX-512.
func TestSIMDExpSumLevelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{16, 48, 2048, 4096} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 20)
		}
		var want float64
		var wantLevel cpuLevel
		have := false
		for _, l := range testLevels()[1:] {
			k := vecKernels[l]
			if k.expSum == nil {
				continue
			}
			got := append([]float32(nil), x...)
			sum := k.expSum(&got[0], n, 30)
			if !have {
				want, wantLevel, have = sum, l, true
				continue
			}
			if math.Float64bits(sum) != math.Float64bits(want) {
				t.Errorf("n=%d: Σ e^(x-30) = %.17g at %s, %.17g at %s", n, sum, l, want, wantLevel)
			}
		}
	}
}

// LogSumExp matches the float64 sum of math.Exp at every level, over
// vocabulary-sized logits with masked (-Inf) tokens, and gives -Inf when
// every token is masked.
func TestLogSumExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	inf := float32(math.Inf(-1))
	for _, n := range []int{1, 15, 16, 33, 32000, 151936} {
		for _, masked := range []float64{0, 0.5, 0.999} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 4)
				if rng.Float64() < masked {
					x[i] = inf
				}
			}
			x[rng.IntN(n)] = 3 // at least one token allowed
			hi, sum := math.Inf(-1), 0.0
			for _, v := range x {
				hi = math.Max(hi, float64(v))
			}
			for _, v := range x {
				sum += math.Exp(float64(v) - hi)
			}
			want := hi + math.Log(sum)
			for _, l := range testLevels() {
				got := logSumExp(l, append([]float32(nil), x...))
				if math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
					t.Errorf("%s: n %d, %.1f%% masked: %v, want %v", l, n, 100*masked, got, want)
				}
			}
		}
	}
	for _, l := range testLevels() {
		if got := logSumExp(l, []float32{inf, inf, inf}); !math.IsInf(got, -1) {
			t.Errorf("%s: every token masked: %v, want -Inf", l, got)
		}
	}
}
