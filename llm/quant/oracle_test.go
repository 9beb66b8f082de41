package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// Two oracles, both made by llama.cpp's ggml at the same snapshot:
//
//   - testdata/quant/quant-vectors.gguf at the repository root (see its
//     README): 16 rows of 1024 weights, 4 activation columns, for Q4_0,
//     Q8_0, Q2_K..Q6_K and F16.
//   - testdata/extra-vectors.gguf here (see testdata/README.md): 17 rows of
//     512 weights chosen to stress the quantizers, 3 columns, for Q4_0, Q4_1,
//     Q5_0, Q5_1, Q8_0 and Q2_K..Q6_K, plus the reference Q8_0/Q8_1
//     quantizers on the activations.
//
// In both, a row of ne0 elements is contiguous, and the dot product of
// weight row r with activation column j is at index j*rows + r.
type vectors struct {
	name          string
	path          string
	n, rows, cols int
	types         []oracleType
	once          sync.Once
	file          *gguf.File
	err           error
}

type oracleType struct {
	name string // as in the tensor names: "q4_K"
	t    gguf.Type
	deq  bool // has deq.<name>
}

var (
	mainVectors = &vectors{name: "main", path: "../../testdata/quant/quant-vectors.gguf", n: 1024, rows: 16, cols: 4,
		types: []oracleType{{"q4_0", gguf.Q4_0, true}, {"q8_0", gguf.Q8_0, true}, {"q2_K", gguf.Q2_K, true},
			{"q3_K", gguf.Q3_K, true}, {"q4_K", gguf.Q4_K, true}, {"q5_K", gguf.Q5_K, true}, {"q6_K", gguf.Q6_K, true},
			{"f16", gguf.F16, true}}}
	extraVectors = &vectors{name: "extra", path: "testdata/extra-vectors.gguf", n: 512, rows: 17, cols: 3,
		types: []oracleType{{"q4_0", gguf.Q4_0, false}, {"q4_1", gguf.Q4_1, true}, {"q5_0", gguf.Q5_0, true},
			{"q5_1", gguf.Q5_1, true}, {"q8_0", gguf.Q8_0, false}, {"q2_K", gguf.Q2_K, false},
			{"q3_K", gguf.Q3_K, false}, {"q4_K", gguf.Q4_K, false}, {"q5_K", gguf.Q5_K, false},
			{"q6_K", gguf.Q6_K, false}}}
	allVectors = []*vectors{mainVectors, extraVectors}
)

func (v *vectors) open(t testing.TB) *gguf.File {
	t.Helper()
	v.once.Do(func() {
		v.file, v.err = gguf.Open(v.path)
		if v.err != nil {
			return
		}
		for key, want := range map[string]int{"oracle.ne0": v.n, "oracle.nrows": v.rows, "oracle.ncols_x": v.cols} {
			if got, ok := v.file.Uint(key); !ok || got != uint64(want) {
				v.err = fmt.Errorf("%s: %s is %d, the tests expect %d", v.path, key, got, want)
			}
		}
	})
	if v.err != nil {
		t.Fatal(v.err)
	}
	return v.file
}

// tensor returns the named tensor's bytes, checking its type.
func (v *vectors) tensor(t testing.TB, name string, typ gguf.Type) []byte {
	t.Helper()
	f := v.open(t)
	ti, ok := f.Tensor(name)
	if !ok {
		t.Fatalf("%s oracle has no tensor %s", v.name, name)
	}
	if ti.Type != typ {
		t.Fatalf("%s oracle tensor %s is %s, want %s", v.name, name, ti.Type, typ)
	}
	return f.Data(ti)
}

func (v *vectors) floats(t testing.TB, name string) []float32 {
	return floats(v.tensor(t, name, gguf.F32))
}

// weights returns the weight rows (rows × n), activations the columns.
func (v *vectors) weights(t testing.TB) []float32     { return v.floats(t, "w.f32") }
func (v *vectors) activations(t testing.TB) []float32 { return v.floats(t, "x.f32") }

func floats(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// forEach runs test for every type of every oracle, as subtests
// "main/q4_K", "extra/q5_1"...
func forEach(t *testing.T, test func(t *testing.T, v *vectors, ot oracleType, f *Format)) {
	for _, v := range allVectors {
		for _, ot := range v.types {
			t.Run(v.name+"/"+ot.name, func(t *testing.T) {
				f, err := Lookup(ot.t)
				if err != nil {
					t.Fatal(err)
				}
				test(t, v, ot, f)
			})
		}
	}
}

// compareBlocks reports the blocks of got that differ from llama.cpp's.
func compareBlocks(t *testing.T, what string, f *Format, n int, got, want []byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bytes, llama.cpp has %d", what, len(got), len(want))
	}
	bad := 0
	for blk := 0; blk < len(want)/f.BlockBytes; blk++ {
		g := got[blk*f.BlockBytes : (blk+1)*f.BlockBytes]
		o := want[blk*f.BlockBytes : (blk+1)*f.BlockBytes]
		if string(g) != string(o) {
			if bad < 3 {
				e := blk * f.BlockSize
				t.Errorf("%s block %d (row %d, elements %d..%d) differs:\n got  %x\n want %x", what, blk, e/n,
					e%n, e%n+f.BlockSize-1, g, o)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d blocks differ from llama.cpp's", what, bad, len(want)/f.BlockBytes)
	}
}

func TestOracleDequantize(t *testing.T) {
	forEach(t, func(t *testing.T, v *vectors, ot oracleType, f *Format) {
		if !ot.deq {
			t.Skip("no dequantized tensor in this oracle")
		}
		w := v.tensor(t, "w."+ot.name, ot.t)
		want := v.floats(t, "deq."+ot.name)
		got := make([]float32, len(want))
		f.Dequantize(got, w)
		bad := 0
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				if bad < 5 {
					t.Errorf("row %d element %d: got %g (%#08x), llama.cpp %g (%#08x)", i/v.n, i%v.n,
						got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d elements differ from llama.cpp", bad, len(want))
		}
	})
}

func TestOracleQuantize(t *testing.T) {
	forEach(t, func(t *testing.T, v *vectors, ot oracleType, f *Format) {
		want := v.tensor(t, "w."+ot.name, ot.t)
		got := make([]byte, len(want))
		f.Quantize(got, v.weights(t))
		compareBlocks(t, "w."+ot.name, f, v.n, got, want)
	})
}

// vdtName is the name the oracle gives to the activation type of ot,
// checked against what ggml reported using.
func (v *vectors) vdtName(t *testing.T, ot oracleType, f *Format) string {
	t.Helper()
	s, ok := v.open(t).String("vec_dot_type." + ot.name)
	if !ok {
		t.Fatalf("oracle lacks vec_dot_type.%s", ot.name)
	}
	vt, err := gguf.ParseType(s)
	if err != nil || vt != f.VecDotType {
		t.Fatalf("ggml used %s activations for %s, Format says %s", s, ot.name, f.VecDotType)
	}
	return s
}

// quantizedActivations converts the oracle's activation columns for f with
// FromFloat at CPU level l, one column (row of x) at a time as ggml does.
func (v *vectors) quantizedActivations(t *testing.T, f *Format, l cpuLevel) []byte {
	x := v.activations(t)
	af, err := Lookup(f.VecDotType)
	if err != nil {
		t.Fatal(err)
	}
	af = af.atLevel(l)
	rb := af.RowBytes(v.n)
	out := make([]byte, v.cols*rb)
	for j := range v.cols {
		af.FromFloat(out[j*rb:(j+1)*rb], x[j*v.n:(j+1)*v.n])
	}
	return out
}

// TestOracleActivations checks FromFloat at every CPU level.
func TestOracleActivations(t *testing.T) {
	forEach(t, func(t *testing.T, v *vectors, ot oracleType, f *Format) {
		vdt := v.vdtName(t, ot, f)
		af, _ := Lookup(f.VecDotType)
		want := v.tensor(t, "xq."+vdt+".for."+ot.name, f.VecDotType)
		for _, l := range testLevels() {
			compareBlocks(t, l.String()+" "+vdt+" activations", af, v.n, v.quantizedActivations(t, f, l), want)
		}
	})
}

// TestOracleReferenceQ8 checks Quantize (the reference quantizer, not the
// x86 activation one) for Q8_0 and Q8_1 against ggml's
// quantize_row_q8_0_ref and quantize_row_q8_1_ref on the activations.
func TestOracleReferenceQ8(t *testing.T) {
	v := extraVectors
	x := v.activations(t)
	for _, typ := range []gguf.Type{gguf.Q8_0, gguf.Q8_1} {
		f, _ := Lookup(typ)
		got := make([]byte, f.RowBytes(len(x)))
		f.Quantize(got, x)
		compareBlocks(t, "reference "+typ.String(), f, v.n, got, v.tensor(t, "ref."+strings.ToLower(typ.String()), typ))
	}
}

func norm(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

// vecDotTol bounds |VecDot - ggml| / (|w||x|) (w dequantized) against
// ggml_mul_mat's results made by its x86 SIMD kernels: the integer parts
// are exact, so the results differ only by float32 rounding in another
// summation order (measured worst: 2.4e-8).
const vecDotTol = 1e-7

// TestOracleVecDot compares VecDot and MatMul, at every CPU level, on our
// quantized activations with ggml's mm.T (all columns) and mm1.T (column 0
// alone, main oracle only).
func TestOracleVecDot(t *testing.T) {
	forEach(t, func(t *testing.T, v *vectors, ot oracleType, f *Format) {
		wq := v.tensor(t, "w."+ot.name, ot.t)
		deq := make([]float32, v.rows*v.n)
		f.Dequantize(deq, wq)
		x := v.activations(t)
		af, _ := Lookup(f.VecDotType)
		mm := v.floats(t, "mm."+ot.name)
		var mm1 []float32
		if v == mainVectors {
			mm1 = v.floats(t, "mm1."+ot.name)
		}
		wrb, xrb := f.RowBytes(v.n), af.RowBytes(v.n)
		for _, level := range testLevels() {
			fl := f.atLevel(level)
			xq := v.quantizedActivations(t, f, level)
			tile := make([]float32, v.rows*v.cols)
			fl.MatMul(tile, wq, v.rows, reencode(fl.Acts(), af, xq, v.n), v.cols, v.n)
			var worst float64
			for r := range v.rows {
				for j := range v.cols {
					got := fl.VecDot(v.n, wq[r*wrb:(r+1)*wrb], xq[j*xrb:(j+1)*xrb])
					scale := norm(deq[r*v.n:(r+1)*v.n]) * norm(x[j*v.n:(j+1)*v.n])
					check := func(what string, got, want float32) {
						diff := math.Abs(float64(got) - float64(want))
						if scale == 0 {
							if got != want {
								t.Errorf("%s %s row %d col %d: got %g, ggml %g", level, what, r, j, got, want)
							}
							return
						}
						worst = max(worst, diff/scale)
						if diff > vecDotTol*scale {
							t.Errorf("%s %s row %d col %d: got %.9g, ggml %.9g: differ by %.3g of |w||x|",
								level, what, r, j, got, want, diff/scale)
						}
					}
					check("VecDot/mm", got, mm[j*v.rows+r])
					check("MatMul/mm", tile[j*v.rows+r], mm[j*v.rows+r])
					if j == 0 && mm1 != nil {
						check("VecDot/mm1", got, mm1[r])
					}
				}
			}
			t.Logf("%s: worst |VecDot - ggml| / (|w||x|) = %.3g", level, worst)
		}
	})
}

// TestOracleDotF32 compares the float32-activation dot product with the
// float64 dot of llama.cpp's dequantized rows (dot_deq_f64.T, main oracle):
// both sum the same exact products, so they must round to the same float32.
func TestOracleDotF32(t *testing.T) {
	v := mainVectors
	x := v.activations(t)
	for _, ot := range v.types {
		t.Run(ot.name, func(t *testing.T) {
			wq := v.tensor(t, "w."+ot.name, ot.t)
			want := v.floats(t, "dot_deq_f64."+ot.name)
			f, _ := Lookup(ot.t)
			rb := f.RowBytes(v.n)
			for r := range v.rows {
				for j := range v.cols {
					got, err := DotF32(ot.t, wq[r*rb:(r+1)*rb], x[j*v.n:(j+1)*v.n])
					if err != nil {
						t.Fatal(err)
					}
					if w := want[j*v.rows+r]; got != w {
						t.Errorf("row %d col %d: got %.9g, float64 dot of llama.cpp's floats %.9g", r, j, got, w)
					}
				}
			}
		})
	}
}
