package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// Hand-built blocks: each case writes one block bit by bit from the layout
// documented next to the Go code, one element at a time (independently of
// the bulk loops under test), with power-of-two scales so every expected
// value is exact, then checks Dequantize. The oracle checks the same for
// the types llama.cpp's vectors cover; this also covers Q4_1, Q5_0, Q5_1,
// Q8_1 and Q8_K.

type layoutCase struct {
	t      gguf.Type
	levels int // quants are in [0, levels)
	// header writes the block's scales given the per-group scales sc and
	// minimums m; set writes quant q of element i; value is what element
	// i holding q must dequantize to.
	header func(b []byte, sc, m []int)
	set    func(b []byte, i, q int)
	value  func(i, q int, sc, m []int) float32
	groups int // groups with their own scale (1 for the 32-element types)
}

func putF16(b []byte, v float32) { binary.LittleEndian.PutUint16(b, F32ToF16(v)) }

func setBits(b []byte, byteIdx, shift, width, v int) {
	mask := (1<<width - 1) << shift
	b[byteIdx] = byte(int(b[byteIdx])&^mask | v<<shift&mask)
}

const (
	dTest    = 0.5  // super-scale used by every hand-built block
	dminTest = 0.25 // super-scale of the minimums
)

var layoutCases = []layoutCase{
	{t: gguf.Q4_0, levels: 16, groups: 1,
		header: func(b []byte, _, _ []int) { putF16(b[0:], dTest) },
		set:    func(b []byte, i, q int) { setBits(b, 2+i%16, 4*(i/16), 4, q) },
		value:  func(_, q int, _, _ []int) float32 { return float32(q-8) * dTest }},
	{t: gguf.Q4_1, levels: 16, groups: 1,
		header: func(b []byte, _, _ []int) { putF16(b[0:], dTest); putF16(b[2:], -3) },
		set:    func(b []byte, i, q int) { setBits(b, 4+i%16, 4*(i/16), 4, q) },
		value:  func(_, q int, _, _ []int) float32 { return float32(q)*dTest - 3 }},
	{t: gguf.Q5_0, levels: 32, groups: 1,
		header: func(b []byte, _, _ []int) { putF16(b[0:], dTest) },
		set: func(b []byte, i, q int) {
			setBits(b, 2+i/8, i%8, 1, q>>4) // qh: bit i of a little-endian uint32
			setBits(b, 6+i%16, 4*(i/16), 4, q&15)
		},
		value: func(_, q int, _, _ []int) float32 { return float32(q-16) * dTest }},
	{t: gguf.Q5_1, levels: 32, groups: 1,
		header: func(b []byte, _, _ []int) { putF16(b[0:], dTest); putF16(b[2:], 1.5) },
		set: func(b []byte, i, q int) {
			setBits(b, 4+i/8, i%8, 1, q>>4)
			setBits(b, 8+i%16, 4*(i/16), 4, q&15)
		},
		value: func(_, q int, _, _ []int) float32 { return float32(q)*dTest + 1.5 }},
	{t: gguf.Q8_0, levels: 256, groups: 1,
		header: func(b []byte, _, _ []int) { putF16(b[0:], dTest) },
		set:    func(b []byte, i, q int) { b[2+i] = byte(q - 128) },
		value:  func(_, q int, _, _ []int) float32 { return float32(q-128) * dTest }},
	{t: gguf.Q8_1, levels: 256, groups: 1,
		header: func(b []byte, _, _ []int) { putF16(b[0:], dTest); putF16(b[2:], 12345) },
		set:    func(b []byte, i, q int) { b[4+i] = byte(q - 128) },
		value:  func(_, q int, _, _ []int) float32 { return float32(q-128) * dTest }},
	{t: gguf.Q8_K, levels: 256, groups: 1,
		header: func(b []byte, _, _ []int) { binary.LittleEndian.PutUint32(b, math.Float32bits(dTest)) },
		set:    func(b []byte, i, q int) { b[4+i] = byte(q - 128) },
		value:  func(_, q int, _, _ []int) float32 { return float32(q-128) * dTest }},
	{t: gguf.Q2_K, levels: 4, groups: 16,
		header: func(b []byte, sc, m []int) {
			for g := range 16 {
				b[g] = byte(sc[g] | m[g]<<4)
			}
			putF16(b[80:], dTest)
			putF16(b[82:], dminTest)
		},
		set: func(b []byte, i, q int) { setBits(b, 16+32*(i/128)+i%32, 2*(i%128/32), 2, q) },
		value: func(i, q int, sc, m []int) float32 {
			return dTest*float32(sc[i/16]*q) - dminTest*float32(m[i/16])
		}},
	{t: gguf.Q3_K, levels: 8, groups: 16,
		header: func(b []byte, sc, _ []int) {
			for g := range 16 {
				s := sc[g] + 32 // stored with +32
				if g < 8 {
					setBits(b, 96+g, 0, 4, s&15)
				} else {
					setBits(b, 96+g-8, 4, 4, s&15)
				}
				setBits(b, 96+8+g%4, 2*(g/4), 2, s>>4)
			}
			putF16(b[108:], dTest)
		},
		set: func(b []byte, i, q int) {
			setBits(b, i%32, i/32, 1, q>>2)
			setBits(b, 32+32*(i/128)+i%32, 2*(i%128/32), 2, q&3)
		},
		value: func(i, q int, sc, _ []int) float32 { return dTest * float32(sc[i/16]*(q-4)) }},
	{t: gguf.Q4_K, levels: 16, groups: 8,
		header: func(b []byte, sc, m []int) { putKScalesBitwise(b, sc, m) },
		set:    func(b []byte, i, q int) { setBits(b, 16+32*(i/64)+i%32, 4*(i%64/32), 4, q) },
		value: func(i, q int, sc, m []int) float32 {
			return dTest*float32(sc[i/32]*q) - dminTest*float32(m[i/32])
		}},
	{t: gguf.Q5_K, levels: 32, groups: 8,
		header: func(b []byte, sc, m []int) { putKScalesBitwise(b, sc, m) },
		set: func(b []byte, i, q int) {
			setBits(b, 16+i%32, 2*(i/64)+i%64/32, 1, q>>4)
			setBits(b, 48+32*(i/64)+i%32, 4*(i%64/32), 4, q&15)
		},
		value: func(i, q int, sc, m []int) float32 {
			return dTest*float32(sc[i/32]*q) - dminTest*float32(m[i/32])
		}},
	{t: gguf.Q6_K, levels: 64, groups: 16,
		header: func(b []byte, sc, _ []int) {
			for g := range 16 {
				b[192+g] = byte(int8(sc[g]))
			}
			putF16(b[208:], dTest)
		},
		set: func(b []byte, i, q int) {
			h, k, l := i/128, i%128/32, i%32 // quarter k of half h
			setBits(b, 64*h+l+32*(k%2), 4*(k/2), 4, q&15)
			setBits(b, 128+32*h+l, 2*k, 2, q>>4)
		},
		value: func(i, q int, sc, _ []int) float32 { return dTest * float32(sc[i/16]*(q-32)) }},
}

// putKScalesBitwise writes Q4_K/Q5_K's d, dmin and 6-bit scales and
// minimums field by field as the layout comment describes them.
func putKScalesBitwise(b []byte, sc, m []int) {
	putF16(b[0:], dTest)
	putF16(b[2:], dminTest)
	s := b[4:16]
	for g := range 8 {
		if g < 4 {
			setBits(s, g, 0, 6, sc[g])
			setBits(s, g+4, 0, 6, m[g])
		} else {
			setBits(s, g+4, 0, 4, sc[g]&15)
			setBits(s, g+4, 4, 4, m[g]&15)
			setBits(s, g-4, 6, 2, sc[g]>>4)
			setBits(s, g, 6, 2, m[g]>>4)
		}
	}
}

func TestLayoutHandBuilt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range layoutCases {
		t.Run(c.t.String(), func(t *testing.T) {
			f, err := Lookup(c.t)
			if err != nil {
				t.Fatal(err)
			}
			for trial := range 20 {
				sc, m := make([]int, c.groups), make([]int, c.groups)
				for g := range sc {
					switch c.t {
					case gguf.Q2_K:
						sc[g], m[g] = rng.IntN(16), rng.IntN(16)
					case gguf.Q3_K:
						sc[g] = rng.IntN(64) - 32
					case gguf.Q4_K, gguf.Q5_K:
						sc[g], m[g] = rng.IntN(64), rng.IntN(64)
					case gguf.Q6_K:
						sc[g] = rng.IntN(256) - 128
					}
				}
				b := make([]byte, f.BlockBytes)
				c.header(b, sc, m)
				qs := make([]int, f.BlockSize)
				for i := range qs {
					qs[i] = rng.IntN(c.levels)
					if trial == 0 {
						qs[i] = i % c.levels // every level at least once
					}
					c.set(b, i, qs[i])
				}
				got := make([]float32, f.BlockSize)
				f.Dequantize(got, b)
				for i, q := range qs {
					if want := c.value(i, q, sc, m); got[i] != want {
						t.Fatalf("trial %d: element %d (quant %d) dequantizes to %g, want %g\nblock %x",
							trial, i, q, got[i], want, b)
					}
				}
			}
		})
	}
}
