package quant

import "math"

// RMSNorm sets out[i] = x[i] / sqrt(mean(x²) + eps) · w[i] for i < len(x)
// (out and w at least as long): ggml_rms_norm followed by ggml_mul with
// the norm's weight. As in ggml the squares are float32 products summed in
// float64 (ggml_float), the mean and the scale float32.
//
// The sum is added in one order on every CPU level (sumSquares32's), so a
// level's kernels give the portable code's results bit for bit; that
// order differs from ggml's sequential sum only in the last bits of a
// float64, far below the float32 rounding of the mean.
func RMSNorm(out, x, w []float32, eps float32) { rmsNorm(activeLevel, out, x, w, eps) }

func rmsNorm(l cpuLevel, out, x, w []float32, eps float32) {
	if len(x) == 0 {
		return
	}
	out, w = out[:len(x)], w[:len(x)]
	k := &vecKernels[l]
	sum := 0.0
	head := len(x) &^ 31
	if head > 0 {
		if k.sumSquares != nil {
			sum = k.sumSquares(&x[0], head)
		} else {
			sum = sumSquares32(x[:head])
		}
	}
	for _, v := range x[head:] {
		sum += float64(v * v)
	}
	mean := float32(sum / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	head = 0
	if k.scaleMul != nil {
		head = len(x) &^ 15
		if head > 0 {
			k.scaleMul(&out[0], &x[0], &w[0], head, scale)
		}
	}
	for i := head; i < len(x); i++ {
		out[i] = x[i] * scale * w[i]
	}
}

// sumSquares32 returns Σ float64(x[i]·x[i]) over a multiple of 32 floats
// in the order the kernels add them: element i into float64 lane i mod 32
// (32 independent sums, as wide as two AVX-512 registers of float32
// squares), then the lanes folded pairwise down to one.
func sumSquares32(x []float32) float64 {
	var s [32]float64
	for ; len(x) >= 32; x = x[32:] {
		for j, v := range x[:32] {
			s[j] += float64(v * v)
		}
	}
	var t [8]float64
	for j := range t {
		t[j] = (s[j] + s[8+j]) + (s[16+j] + s[24+j])
	}
	v0, v1 := (t[0]+t[4])+(t[2]+t[6]), (t[1]+t[5])+(t[3]+t[7])
	return v0 + v1
}
