package quant

import (
	"math"
	"testing"
)

// TestF16ToF32 checks every one of the 65536 float16 values against the
// IEEE binary16 definition evaluated in float64.
func TestF16ToF32(t *testing.T) {
	for h := range 1 << 16 {
		sign, exp, mant := h>>15, h>>10&0x1f, h&0x3ff
		got := F16ToF32(uint16(h))
		if exp == 0x1f {
			// Infinity, or NaN with its payload kept in the top mantissa bits.
			want := uint32(sign)<<31 | 0x7f800000 | uint32(mant)<<13
			if math.Float32bits(got) != want {
				t.Errorf("F16ToF32(%#04x) = %#08x, want %#08x", h, math.Float32bits(got), want)
			}
			continue
		}
		var v float64
		if exp == 0 {
			v = math.Ldexp(float64(mant), -24)
		} else {
			v = math.Ldexp(float64(1024+mant), exp-25)
		}
		if sign == 1 {
			v = -v
		}
		if math.Float32bits(got) != math.Float32bits(float32(v)) {
			t.Errorf("F16ToF32(%#04x) = %g, want %g", h, got, v)
		}
	}
}

// TestF32ToF16 checks round-to-nearest-even (what F16C and ggml do) at every
// float16 value and at every midpoint between neighbours, both signs.
func TestF32ToF16(t *testing.T) {
	for h := uint16(0); h <= 0x7bff; h++ {
		v := F16ToF32(h)
		if got := F32ToF16(v); got != h {
			t.Fatalf("F32ToF16(%g) = %#04x, want %#04x", v, got, h)
		}
		if got := F32ToF16(-v); got != h|0x8000 {
			t.Fatalf("F32ToF16(%g) = %#04x, want %#04x", -v, got, h|0x8000)
		}
		next := float32(65536) // where the float16 after 65504 would be: rounds to infinity
		if h < 0x7bff {
			next = F16ToF32(h + 1)
		}
		mid := (v + next) / 2 // exact: 12 significant bits
		even := h
		if h&1 == 1 {
			even = h + 1
		}
		for _, c := range []struct {
			x    float32
			want uint16
		}{
			{mid, even},
			{math.Nextafter32(mid, 0), h},
			{math.Nextafter32(mid, math.MaxFloat32), h + 1},
		} {
			if got := F32ToF16(c.x); got != c.want {
				t.Fatalf("F32ToF16(%g) = %#04x, want %#04x (between %#04x and %#04x)", c.x, got, c.want, h, h+1)
			}
			if got := F32ToF16(-c.x); got != c.want|0x8000 {
				t.Fatalf("F32ToF16(%g) = %#04x, want %#04x", -c.x, got, c.want|0x8000)
			}
		}
	}
	for _, c := range []struct {
		x    float32
		want uint16
	}{
		{float32(math.Inf(1)), 0x7c00},
		{float32(math.Inf(-1)), 0xfc00},
		{math.MaxFloat32, 0x7c00},
		{1e-30, 0},                                 // far below the smallest subnormal
		{math.Float32frombits(1), 0},               // float32 subnormal
		{math.Float32frombits(0x80000000), 0x8000}, // -0 keeps its sign
	} {
		if got := F32ToF16(c.x); got != c.want {
			t.Errorf("F32ToF16(%g) = %#04x, want %#04x", c.x, got, c.want)
		}
	}
	for _, bits := range []uint32{0x7fc00000, 0xffc00000, 0x7f800001, 0x7fffffff} {
		h := F32ToF16(math.Float32frombits(bits))
		if h&0x7c00 != 0x7c00 || h&0x3ff == 0 || h>>15 != uint16(bits>>31) {
			t.Errorf("F32ToF16(NaN %#08x) = %#04x, not a NaN of the same sign", bits, h)
		}
	}
}

// TestBF16 checks BF16 conversions at every bfloat16 value and midpoint.
func TestBF16(t *testing.T) {
	for _, c := range []struct {
		h uint16
		v float32
	}{{0x3f80, 1}, {0xc000, -2}, {0x4049, 3.140625}, {0x0000, 0}, {0x7f80, float32(math.Inf(1))}} {
		if got := BF16ToF32(c.h); got != c.v {
			t.Errorf("BF16ToF32(%#04x) = %g, want %g", c.h, got, c.v)
		}
	}
	for h := uint16(0); h < 0x7f80; h++ { // every finite non-negative bfloat16
		v := BF16ToF32(h)
		bits := math.Float32bits(v)
		mid := math.Float32frombits(bits + 0x8000)
		even := h
		if h&1 == 1 {
			even = h + 1
		}
		for _, c := range []struct {
			x    float32
			want uint16
		}{
			{v, h}, // subnormals included: ggml does not flush them
			{mid, even},
			{math.Float32frombits(bits + 0x7fff), h},
			{math.Float32frombits(bits + 0x8001), h + 1},
		} {
			if got := F32ToBF16(c.x); got != c.want {
				t.Fatalf("F32ToBF16(%g) = %#04x, want %#04x", c.x, got, c.want)
			}
			if got := F32ToBF16(-c.x); got != c.want|0x8000 {
				t.Fatalf("F32ToBF16(%g) = %#04x, want %#04x", -c.x, got, c.want|0x8000)
			}
		}
	}
	if got := F32ToBF16(math.MaxFloat32); got != 0x7f80 {
		t.Errorf("F32ToBF16(MaxFloat32) = %#04x, want infinity 0x7f80", got)
	}
	if got := BF16ToF32(F32ToBF16(maxBF16)); got != maxBF16 {
		t.Errorf("maxBF16 %g does not round-trip: %g", float32(maxBF16), got)
	}
	for _, bits := range []uint32{0x7fc00000, 0xffc00001, 0x7f800001} {
		h := F32ToBF16(math.Float32frombits(bits))
		if h&0x7f80 != 0x7f80 || h&0x40 == 0 || h>>15 != uint16(bits>>31) {
			t.Errorf("F32ToBF16(NaN %#08x) = %#04x, not a quiet NaN of the same sign", bits, h)
		}
	}
}
