package llm

import "math"

// The element-wise steps of the forward pass, each written to round as
// ggml's CPU backend rounds: sums that ggml keeps in double (ggml_float) are
// float64 here, everything else float32.

// rmsnorm sets out = x / sqrt(mean(x²) + eps) ⊙ w (ggml_rms_norm then
// ggml_mul with the norm weight).
func rmsnorm(out, x, w []float32, eps float32) {
	var sum float64
	for _, v := range x {
		sum += float64(v * v)
	}
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	for i, v := range x {
		out[i] = v * scale * w[i]
	}
}

// softmax replaces x by exp(x·scale - max) / Σ exp(x·scale - max), with
// max the largest x·scale (ggml_soft_max_ext without a mask: the scale is
// applied first, and the sum is kept in double as ggml_float is).
func softmax(x []float32, scale float32) {
	hi := float32(math.Inf(-1))
	for i, v := range x {
		v *= scale
		x[i] = v
		hi = max(hi, v)
	}
	var sum float64
	for i, v := range x {
		e := expf(v - hi)
		x[i] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for i := range x {
		x[i] *= inv
	}
}

// expf is e^x in float32, within 2 ulp of the exact value for x in
// [-87.3, 88.7] (and 0 below, +Inf above): the exponential of softmax and
// SiLU, which a forward pass evaluates a few hundred thousand times per
// token, at a third of the cost of math.Exp. The usual reduction: x =
// k·ln2 + r with |r| ≤ ln2/2, e^x = 2^k · e^r, e^r a polynomial.
func expf(x float32) float32 {
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

// ropeAngles fills cos[i], sin[i] with the rotation of dimension pair i
// (0 ≤ i < RopeDims/2) at position pos, as ggml_rope_cache_init computes
// them: theta_i = pos · base^(-2i/RopeDims) / freqs[i] · RopeScale, the
// power built by repeated float32 multiplication like ggml's, so angles at
// long positions round the same way.
func (c *Config) ropeAngles(pos int, freqs, cos, sin []float32) {
	thetaScale := float32(math.Pow(float64(c.RopeBase), float64(float32(-2)/float32(c.RopeDims))))
	theta := float32(pos)
	for i := range c.RopeDims / 2 {
		t := theta
		if freqs != nil {
			t /= freqs[i]
		}
		t *= c.RopeScale
		cos[i] = float32(math.Cos(float64(t)))
		sin[i] = float32(math.Sin(float64(t)))
		theta *= thetaScale
	}
}

// rope rotates the first RopeDims dimensions of one head vector x by the
// angles of its position. Normal (llama) ordering rotates adjacent pairs
// (x[2i], x[2i+1]); NeoX (qwen2) rotates (x[i], x[i+RopeDims/2]).
// Dimensions past RopeDims are left as they are.
func (c *Config) rope(x, cos, sin []float32) {
	half := c.RopeDims / 2
	for i := range half {
		a, b := 2*i, 2*i+1
		if c.RopeNeoX {
			a, b = i, i+half
		}
		x0, x1 := x[a], x[b]
		x[a] = x0*cos[i] - x1*sin[i]
		x[b] = x0*sin[i] + x1*cos[i]
	}
}
