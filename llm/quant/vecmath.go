package quant

import "math"

// The element-wise functions of a forward pass that call the exponential:
// SiLU (SwiGLU) and softmax. Each has a portable loop over Expf, the
// reference, and at every SIMD level a kernel (_asm/vecmath.go) that
// computes Expf's very results 16 (AVX2: 8) at a time; softmax's float64
// sum is added in the kernels' lane order, the same at every level, which
// differs from the portable loop's in the last bits. At the AVX2 level the
// portable loops had been 8–9% of prompt processing (TinyLlama and
// Qwen2.5-0.5B pp512, pprof).

// vecMath is one level's element-wise kernels (these and RMSNorm's,
// rmsnorm.go), each over a multiple of 16 floats (sumSquares 32); nil
// means the portable loop.
type vecMath struct {
	swiglu   func(out, gate, up *float32, n int)
	scaleMax func(x *float32, n int, scale float32) float32
	expSum   func(x *float32, n int, hi float32) float64
	scale    func(x *float32, n int, s float32)

	sumSquares func(x *float32, n int) float64
	scaleMul   func(out, x, w *float32, n int, s float32)

	matMulAdd  func(dst, a *float32, lda int, b *float32, m, k, w int) // matmuladd.go
	matMulAddH func(dst, a *float32, lda int, b *uint16, m, k, w int)
}

// Expf is e^x in float32, within 2 ulp of the exact value for x in
// [-87.3, 88.7] (and 0 below, +Inf above, NaN for NaN): three times faster
// than math.Exp. The usual reduction: x = k·ln2 + r with |r| ≤ ln2/2,
// e^x = 2^k · e^r, e^r a polynomial.
func Expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693145751953125      // ln 2 to 16 bits: k·ln2hi is exact
		ln2lo = 1.42860682030941723e-6 // ln 2 − ln2hi
		round = 12582912               // 1.5·2^23: adding it rounds to an integer
	)
	if !(x >= -87.33654) { // or NaN
		if x != x {
			return x
		}
		return 0
	}
	if x > 88.72283 {
		return float32(math.Inf(1))
	}
	kr := x*log2e + round
	k := kr - round
	r := x - k*ln2hi - k*ln2lo
	// Taylor coefficients 1/n!; on |r| ≤ 0.347 the remainder is < 2^-27.
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	// The biased exponent of 2^k; 2^128 is not a float32, so it is made
	// in two steps.
	e := int32(math.Float32bits(kr)-math.Float32bits(round)) + 127
	if e > 254 {
		return p * 2 * math.Float32frombits(uint32(e-1)<<23)
	}
	return p * math.Float32frombits(uint32(e)<<23)
}

// SwiGLU sets out[i] = silu(gate[i])·up[i], silu(g) = g / (1 + e^-g), for
// i < len(gate) (out and up at least as long).
func SwiGLU(out, gate, up []float32) { swiGLU(activeLevel, out, gate, up) }

func swiGLU(l cpuLevel, out, gate, up []float32) {
	up, out = up[:len(gate)], out[:len(gate)]
	head := 0
	if k := vecKernels[l].swiglu; k != nil && len(gate) >= 16 {
		head = len(gate) &^ 15
		k(&out[0], &gate[0], &up[0], head)
	}
	for i := head; i < len(gate); i++ {
		g := gate[i]
		out[i] = g / (1 + Expf(-g)) * up[i]
	}
}

// Softmax replaces x by exp(x·scale - max) / Σ exp(x·scale - max), with
// max the largest x·scale: ggml_soft_max_ext without a mask (the scale
// applied first, the sum kept in float64 as ggml_float is).
func Softmax(x []float32, scale float32) { softmax(activeLevel, x, scale) }

// LogSumExp returns log Σ exp(x_i) (-Inf when every x_i is -Inf: entries
// of -Inf, masked tokens, add nothing), as max + log Σ exp(x_i - max) with
// float32 exponentials summed in float64, and leaves exp(x_i - max) in x.
// A sampled token's log-probability is its logit minus this: over
// Qwen2.5's 151 936 logits, float64 math.Exp took ~2 ms a token.
func LogSumExp(x []float32) float64 { return logSumExp(activeLevel, x) }

func logSumExp(l cpuLevel, x []float32) float64 {
	hi, sum := expShifted(l, x, 1)
	if math.IsInf(float64(hi), -1) {
		return math.Inf(-1)
	}
	return float64(hi) + math.Log(sum)
}

// expShifted sets x[i] = exp(x[i]·scale - max) and returns max (the
// largest x[i]·scale) and the sum of the new x in float64.
func expShifted(l cpuLevel, x []float32, scale float32) (float32, float64) {
	k := &vecKernels[l]
	head := 0
	if k.scaleMax != nil && len(x) >= 16 {
		head = len(x) &^ 15
	}
	hi := float32(math.Inf(-1))
	if head > 0 {
		hi = k.scaleMax(&x[0], head, scale)
	}
	for i := head; i < len(x); i++ {
		v := x[i] * scale
		x[i] = v
		hi = max(hi, v)
	}
	if math.IsInf(float64(hi), -1) {
		return hi, 0 // every entry -Inf: nothing to exponentiate
	}
	var sum float64
	if head > 0 {
		sum = k.expSum(&x[0], head, hi)
	}
	for i := head; i < len(x); i++ {
		e := Expf(x[i] - hi)
		x[i] = e
		sum += float64(e)
	}
	return hi, sum
}

func softmax(l cpuLevel, x []float32, scale float32) {
	k := &vecKernels[l]
	head := 0
	if k.scale != nil && len(x) >= 16 {
		head = len(x) &^ 15
	}
	_, sum := expShifted(l, x, scale)
	inv := float32(1 / sum)
	if head > 0 {
		k.scale(&x[0], head, inv)
	}
	for i := head; i < len(x); i++ {
		x[i] *= inv
	}
}
