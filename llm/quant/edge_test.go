package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// edgeRows are inputs that break careless quantizers: zero and constant
// groups (zero scales, zero ranges), one huge value among small ones,
// values at the type's limit, tiny and subnormal values whose scales
// underflow, negative zeros, and single-signed rows. limit is the type's
// MaxAbs (or a huge finite value when it has none).
func edgeRows(rng *rand.Rand, n int, limit float32) map[string][]float32 {
	fill := func(f func(i int) float32) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = f(i)
		}
		return x
	}
	negZero := math.Float32frombits(1 << 31)
	return map[string][]float32{
		"zeros":          fill(func(int) float32 { return 0 }),
		"negative zeros": fill(func(int) float32 { return negZero }),
		"constant 1":     fill(func(int) float32 { return 1 }),
		"constant -3.5":  fill(func(int) float32 { return -3.5 }),
		"one outlier": fill(func(i int) float32 {
			if i == n/3 {
				return limit
			}
			return float32(rng.NormFloat64() * 1e-3)
		}),
		"alternating ±limit": fill(func(i int) float32 {
			if i%2 == 0 {
				return limit
			}
			return -limit
		}),
		"random up to limit": fill(func(int) float32 { return limit * float32(2*rng.Float64()-1) }),
		"all -limit":         fill(func(int) float32 { return -limit }),
		"tiny 1e-6":          fill(func(int) float32 { return float32(rng.NormFloat64() * 1e-6) }),
		"tinier 1e-30":       fill(func(int) float32 { return float32(rng.NormFloat64() * 1e-30) }),
		"subnormal":          fill(func(i int) float32 { return math.Float32frombits(uint32(i%7 + 1)) }),
		"all negative":       fill(func(int) float32 { return float32(-0.5 - rng.Float64()) }),
		"zero groups": fill(func(i int) float32 { // every other group of 16 zero
			if i/16%2 == 0 {
				return 0
			}
			return float32(rng.NormFloat64())
		}),
		"zero blocks": fill(func(i int) float32 { // every other 256 zero
			if i/256%2 == 0 {
				return 0
			}
			return float32(rng.NormFloat64())
		}),
	}
}

func hasMin(t gguf.Type) bool {
	switch t {
	case gguf.Q4_1, gguf.Q5_1, gguf.Q2_K, gguf.Q4_K, gguf.Q5_K:
		return true
	}
	return false
}

func finite(x []float32) int {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}

// TestEdgeCases quantizes every edge row with every type: the output must
// be finite, zeros must stay zeros, and the dot product with activations
// must be finite too.
func TestEdgeCases(t *testing.T) {
	const n = 512
	rng := rand.New(rand.NewPCG(9, 10))
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		limit := f.MaxAbs
		if limit == 0 {
			limit = math.MaxFloat32
		}
		// Beyond this the true dot products themselves overflow float32.
		dotLimit := limit <= 1e30
		af, _ := Lookup(f.VecDotType)
		x := normalRow(rng, n, 1)
		xq := make([]byte, af.RowBytes(n))
		af.FromFloat(xq, x)
		for name, row := range edgeRows(rng, n, limit) {
			q := make([]byte, f.RowBytes(n))
			if err := QuantizeRow(typ, q, row); err != nil {
				t.Errorf("%s %s: %v", typ, name, err)
				continue
			}
			y := make([]float32, n)
			f.Dequantize(y, q)
			if i := finite(y); i >= 0 {
				t.Errorf("%s %s: element %d (%g) dequantizes to %g", typ, name, i, row[i], y[i])
				continue
			}
			if dot := f.VecDot(n, q, xq); (dotLimit || !strings.Contains(name, "limit")) &&
				(math.IsNaN(float64(dot)) || math.IsInf(float64(dot), 0)) {
				t.Errorf("%s %s: VecDot = %g", typ, name, dot)
			}
			// Zero is a level of every type, except the ones with a
			// minimum (Q4_1, Q5_1, Q2_K, Q4_K, Q5_K) unless the whole
			// block is zero.
			if strings.HasPrefix(name, "zero") || name == "negative zeros" {
				for i, v := range row {
					if v == 0 && y[i] != 0 && (name != "zero groups" || !hasMin(typ)) {
						t.Errorf("%s %s: element %d is zero but dequantizes to %g", typ, name, i, y[i])
						break
					}
				}
			}
			switch name {
			case "zeros", "negative zeros", "constant 1", "constant -3.5", "all -limit", "alternating ±limit", "all negative", "random up to limit":
				if e := relRMS(row, y); e > maxRelRMS[typ] {
					t.Errorf("%s %s: relative RMS error %.3g exceeds %.3g", typ, name, e, maxRelRMS[typ])
				}
			}
		}
	}
}

// TestZeroActivations: a zero activation vector gives a zero dot product.
func TestZeroActivations(t *testing.T) {
	const n = 512
	rng := rand.New(rand.NewPCG(11, 12))
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		af, _ := Lookup(f.VecDotType)
		w := make([]byte, f.RowBytes(n))
		f.Quantize(w, normalRow(rng, n, 1))
		xq := make([]byte, af.RowBytes(n))
		af.FromFloat(xq, make([]float32, n))
		if got := f.VecDot(n, w, xq); got != 0 {
			t.Errorf("%s: dot with zero activations = %g", typ, got)
		}
	}
}

// TestQ8ActivationRounding pins down where the x86 activation quantizer
// (FromFloat) and the reference quantizer (Quantize) differ for Q8_0 and
// Q8_1: ties (127·x/amax exactly k+0.5: the reference rounds away from
// zero, x86 to even) and the scale (1/(amax/127) vs 127/amax, which can
// put x·scale on either side of k+0.5).
func TestQ8ActivationRounding(t *testing.T) {
	tieBlock := make([]float32, 32)
	copy(tieBlock, []float32{127, 0.5, 2.5, -0.5, -1.5, 3.5})
	scaleBlock := make([]float32, 32)
	scaleBlock[0] = math.Float32frombits(0x3f80177d) // 1.0007168: 1/(a/127) != 127/a
	scaleBlock[1] = math.Float32frombits(0x3f00177d) // ·(1/d) = 63.500004, ·127/a = 63.499996
	for _, c := range []struct {
		name      string
		x         []float32
		ref, x86_ []int8 // first quants
	}{
		{"ties", tieBlock, []int8{127, 1, 3, -1, -2, 4}, []int8{127, 0, 2, 0, -2, 4}},
		{"scale", scaleBlock, []int8{127, 64}, []int8{127, 63}},
	} {
		for _, typ := range []gguf.Type{gguf.Q8_0, gguf.Q8_1} {
			f, _ := Lookup(typ)
			qs := f.BlockBytes - 32 // offset of the quants
			ref, x86 := make([]byte, f.BlockBytes), make([]byte, f.BlockBytes)
			f.Quantize(ref, c.x)
			f.FromFloat(x86, c.x)
			for i := range c.ref {
				if int8(ref[qs+i]) != c.ref[i] {
					t.Errorf("%s %s Quantize: quant %d = %d, want %d (round half away from zero)", typ, c.name, i, int8(ref[qs+i]), c.ref[i])
				}
				if int8(x86[qs+i]) != c.x86_[i] {
					t.Errorf("%s %s FromFloat: quant %d = %d, want %d (round half to even)", typ, c.name, i, int8(x86[qs+i]), c.x86_[i])
				}
			}
			if typ == gguf.Q8_1 {
				// s is d times the sum of the quants as stored.
				for _, b := range [][]byte{ref, x86} {
					var sum int32
					for _, q := range b[4:] {
						sum += int32(int8(q))
					}
					d := float32(c.x[0] / 127)
					if s := binary.LittleEndian.Uint16(b[2:]); s != F32ToF16(float32(sum)*d) {
						t.Errorf("Q8_1 %s: s = %g, want %g", c.name, F16ToF32(s), float32(sum)*d)
					}
				}
			}
		}
	}
}

func TestQ8_KBsums(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	f, _ := Lookup(gguf.Q8_K)
	b := make([]byte, f.BlockBytes)
	x := normalRow(rng, 256, 3)
	f.Quantize(b, x)
	for g := range 16 {
		var sum int32
		for _, q := range b[4+16*g : 4+16*g+16] {
			sum += int32(int8(q))
		}
		if got := int16(binary.LittleEndian.Uint16(b[260+2*g:])); int32(got) != sum {
			t.Errorf("bsums[%d] = %d, quants sum to %d", g, got, sum)
		}
	}
	// The element of largest magnitude becomes -127 and d = -x/127 (so d
	// has the opposite sign of that element).
	imax := 0
	for i, v := range x {
		if abs32(v) > abs32(x[imax]) {
			imax = i
		}
	}
	if q, d := int8(b[4+imax]), f32le(b); q != -127 || d != -x[imax]/127 {
		t.Errorf("largest element %g: quant %d, d %g; want -127, %g", x[imax], q, d, -x[imax]/127)
	}
}

func TestLookup(t *testing.T) {
	supported := map[gguf.Type]bool{}
	for _, typ := range allTypes {
		supported[typ] = true
		f, err := Lookup(typ)
		if err != nil {
			t.Errorf("Lookup(%s): %v", typ, err)
			continue
		}
		if f.Type != typ || f.BlockSize != typ.BlockSize() || f.BlockBytes != typ.TypeSize() {
			t.Errorf("%s: Format says %s, %d elements in %d bytes; gguf says %d in %d",
				typ, f.Type, f.BlockSize, f.BlockBytes, typ.BlockSize(), typ.TypeSize())
		}
		if f.Dequantize == nil || f.Quantize == nil || f.VecDot == nil || f.FromFloat == nil {
			t.Errorf("%s: Format has a nil function", typ)
		}
		if _, err := Lookup(f.VecDotType); err != nil {
			t.Errorf("%s: activation type %s: %v", typ, f.VecDotType, err)
		}
	}
	var names []string
	for _, typ := range allTypes {
		names = append(names, typ.String())
	}
	if got, want := Supported(), strings.Join(names, ", "); got != want {
		t.Errorf("Supported() = %q, want %q", got, want)
	}
	for typ := gguf.Type(0); typ < 64; typ++ {
		if supported[typ] {
			continue
		}
		_, err := Lookup(typ)
		if err == nil {
			t.Errorf("Lookup(%s) succeeded for a type lsh does not implement", typ)
			continue
		}
		want := typ.String()
		if !typ.Known() {
			want = "unknown tensor type " + want[len("type("):len(want)-1]
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup(%d) error %q does not name %q", uint32(typ), err, want)
		}
	}
}

func TestRowErrors(t *testing.T) {
	ok := make([]float32, 64)
	for _, c := range []struct {
		name string
		err  error
		want []string // substrings the message must hold
	}{
		{"partial block", DequantizeRow(gguf.Q4_0, make([]float32, 40), make([]byte, 18)),
			[]string{"Q4_0", "40 elements", "32-element", "8 left over"}},
		{"short source", DequantizeRow(gguf.Q6_K, make([]float32, 256), make([]byte, 209)),
			[]string{"Q6_K", "256 elements take 210 bytes, got 209"}},
		{"long destination", QuantizeRow(gguf.Q8_0, make([]byte, 70), ok),
			[]string{"quantize Q8_0", "64 elements take 68 bytes, got 70"}},
		{"partial k-block", QuantizeRow(gguf.Q4_K, make([]byte, 144), make([]float32, 300)),
			[]string{"Q4_K", "300 elements", "256-element", "44 left over"}},
		{"NaN", QuantizeRow(gguf.Q4_0, make([]byte, 36), append(make([]float32, 37), float32(math.NaN()), 0)[:64]),
			[]string{"Q4_0", "element 37 is NaN"}},
		{"Inf", QuantizeRow(gguf.F16, make([]byte, 128), append(make([]float32, 5), float32(math.Inf(-1)))[:6]),
			[]string{"F16"}},
		{"too large", QuantizeRow(gguf.F16, make([]byte, 4), []float32{1, 70000}),
			[]string{"F16", "element 1 is 70000", "±65504"}},
		{"Q8_1 limit", QuantizeRow(gguf.Q8_1, make([]byte, 36), append([]float32{3000}, make([]float32, 31)...)),
			[]string{"Q8_1", "element 0 is 3000", "±2047"}},
		{"unsupported type", DequantizeRow(gguf.IQ2_XXS, make([]float32, 256), make([]byte, 66)),
			[]string{"IQ2_XXS", "not supported"}},
		{"unsupported dot", func() error { _, err := DotF32(gguf.TQ1_0, make([]byte, 54), make([]float32, 256)); return err }(),
			[]string{"TQ1_0"}},
		{"dot length", func() error { _, err := DotF32(gguf.Q5_K, make([]byte, 176), make([]float32, 512)); return err }(),
			[]string{"dot Q5_K", "512 elements take 352 bytes, got 176"}},
	} {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", c.name, c.err, w)
			}
		}
	}
	// The Inf case above is for a 6-element row but 128 bytes: fix the
	// length so that the value itself is what gets refused.
	if err := QuantizeRow(gguf.F16, make([]byte, 12), append(make([]float32, 5), float32(math.Inf(-1)))); err == nil ||
		!strings.Contains(err.Error(), "element 5 is -Inf") {
		t.Errorf("Inf input: %v", err)
	}
	// Within the limits, QuantizeRow takes everything.
	if err := QuantizeRow(gguf.F16, make([]byte, 4), []float32{65504, -65504}); err != nil {
		t.Errorf("F16 at its limit: %v", err)
	}
}
