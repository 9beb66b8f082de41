package llm

import (
	"math"

	"github.com/llamashell/lsh/llm/quant"
)

// The element-wise steps of the forward pass, each written to round as
// ggml's CPU backend rounds: sums that ggml keeps in double (ggml_float) are
// float64 here, everything else float32. The ones that call the
// exponential, SiLU and softmax, are quant.SwiGLU and quant.Softmax (with
// kernels; quant.Expf is the float32 exponential).

// rmsnorm sets out = x / sqrt(mean(x²) + eps) ⊙ w (ggml_rms_norm then
// ggml_mul with the norm weight): quant.RMSNorm, whose kernels sum the
// squares in float64 like ggml, in an order of their own that changes
// only a float64's last bits (1.4 µs → 0.16 µs for 2048 floats, serial
// work between two jobs of every layer while the other workers wait).
func rmsnorm(out, x, w []float32, eps float32) {
	quant.RMSNorm(out, x, w, eps)
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
