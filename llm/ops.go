package llm

import "math"

// The element-wise steps of the forward pass, each written to round as
// ggml's CPU backend rounds: sums that ggml keeps in double (ggml_float) are
// float64 here, everything else float32. The ones that call the
// exponential, SiLU and softmax, are quant.SwiGLU and quant.Softmax (with
// kernels; quant.Expf is the float32 exponential).

// rmsnorm sets out = x / sqrt(mean(x²) + eps) ⊙ w (ggml_rms_norm then
// ggml_mul with the norm weight).
//
// The sum of squares is float64 like ggml's, in four running sums: one
// chain of dependent additions took ~3 µs for 2048 elements (four take
// ~1.5), serial work between two jobs of every layer while the other
// workers wait. The float64 result differs from ggml's in its last bits
// only, far below float32's rounding of the mean.
func rmsnorm(out, x, w []float32, eps float32) {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		s0 += float64(v[0] * v[0])
		s1 += float64(v[1] * v[1])
		s2 += float64(v[2] * v[2])
		s3 += float64(v[3] * v[3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i] * x[i])
	}
	sum := (s0 + s1) + (s2 + s3)
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	for i, v := range x {
		out[i] = v * scale * w[i]
	}
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
