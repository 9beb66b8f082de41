package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// One 4096-element row per operation (a typical hidden size), throughput
// in bytes of encoded weights (b.SetBytes), so MB/s compare across types.
// VecDot and FromFloat run at every CPU level (kernel_bench_test.go has the
// matrix shapes); Dequantize and Quantize have only portable code.

const benchN = 4096

func benchRow(b *testing.B, f *Format) (w []byte, xq []byte, x []float32) {
	rng := rand.New(rand.NewPCG(1, 1))
	x = normalRow(rng, benchN, 1)
	w = make([]byte, f.RowBytes(benchN))
	f.Quantize(w, normalRow(rng, benchN, 0.05))
	af, err := Lookup(f.VecDotType)
	if err != nil {
		b.Fatal(err)
	}
	xq = make([]byte, af.RowBytes(benchN))
	af.FromFloat(xq, x)
	return w, xq, x
}

func BenchmarkDequantize(b *testing.B) {
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		b.Run(typ.String(), func(b *testing.B) {
			w, _, _ := benchRow(b, f)
			dst := make([]float32, benchN)
			b.SetBytes(int64(len(w)))
			for b.Loop() {
				f.Dequantize(dst, w)
			}
		})
	}
}

func BenchmarkVecDot(b *testing.B) {
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		for _, level := range testLevels() {
			fl := f.atLevel(level)
			b.Run(typ.String()+"/"+level.String(), func(b *testing.B) {
				w, xq, _ := benchRow(b, f)
				b.SetBytes(int64(len(w)))
				for b.Loop() {
					fl.VecDot(benchN, w, xq)
				}
			})
		}
	}
}

// BenchmarkFromFloat measures preparing one activation row for each
// activation type (bytes are float32 input bytes).
func BenchmarkFromFloat(b *testing.B) {
	for _, typ := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q8_1, gguf.Q8_K} {
		f, _ := Lookup(typ)
		for _, level := range testLevels() {
			fl := f.atLevel(level)
			b.Run(typ.String()+"/"+level.String(), func(b *testing.B) {
				x := normalRow(rand.New(rand.NewPCG(1, 1)), benchN, 1)
				dst := make([]byte, f.RowBytes(benchN))
				b.SetBytes(4 * benchN)
				for b.Loop() {
					fl.FromFloat(dst, x)
				}
			})
		}
	}
}

// BenchmarkQuantize measures the reference quantizers (model writing, not
// inference; bytes are float32 input bytes).
func BenchmarkQuantize(b *testing.B) {
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		b.Run(typ.String(), func(b *testing.B) {
			_, _, x := benchRow(b, f)
			dst := make([]byte, f.RowBytes(benchN))
			b.SetBytes(4 * benchN)
			for b.Loop() {
				f.Quantize(dst, x)
			}
		})
	}
}
