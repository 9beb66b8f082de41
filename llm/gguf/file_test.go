package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const testdata = "../../testdata/"

func mustOpen(t testing.TB, path string) *File {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestOpenStories260K(t *testing.T) {
	f := mustOpen(t, testdata+"models/stories260K.gguf")
	if f.Version != 3 || f.Architecture() != "llama" {
		t.Fatalf("version %d arch %q", f.Version, f.Architecture())
	}
	for key, want := range map[string]uint64{
		"llama.embedding_length": 64, "llama.block_count": 5, "llama.feed_forward_length": 172,
		"llama.attention.head_count": 8, "llama.attention.head_count_kv": 4, "llama.context_length": 2048,
		"tokenizer.ggml.bos_token_id": 1, "tokenizer.ggml.eos_token_id": 2,
	} {
		if got, ok := f.Uint(key); !ok || got != want {
			t.Errorf("%s = %d, %v; want %d", key, got, ok, want)
		}
	}
	eps, _ := f.Float("llama.attention.layer_norm_rms_epsilon")
	if eps < 0.99e-5 || eps > 1.01e-5 {
		t.Errorf("rms eps = %g", eps)
	}
	tokens, ok := f.Array("tokenizer.ggml.tokens")
	if !ok {
		t.Fatal("no tokens")
	}
	strs, err := tokens.Strings()
	if err != nil || len(strs) != 512 || strs[1] != "<s>" || strs[2] != "</s>" || strs[3] != "<0x00>" {
		t.Fatalf("tokens: %v, %d, %q", err, len(strs), strs[:4])
	}
	scores, _ := f.Array("tokenizer.ggml.scores")
	if fs, err := scores.Float32s(); err != nil || len(fs) != 512 {
		t.Fatalf("scores: %v %d", err, len(fs))
	}
	types, _ := f.Array("tokenizer.ggml.token_type")
	if is, err := types.Ints(); err != nil || is[1] != 3 || is[3] != 6 {
		t.Fatalf("token types: %v %v", err, is[:4])
	}
	if _, err := types.Strings(); err == nil {
		t.Error("decoding an int32 array as strings must fail")
	}
	if len(f.Tensors) != 48 {
		t.Fatalf("%d tensors", len(f.Tensors))
	}
	emb, ok := f.Tensor("token_embd.weight")
	if !ok || emb.Type != F32 || emb.Dims[0] != 64 || emb.Dims[1] != 512 || emb.Size != 64*512*4 {
		t.Fatalf("token_embd: %+v", emb)
	}
	data, err := f.TensorData("token_embd.weight")
	if err != nil || len(data) != int(emb.Size) {
		t.Fatalf("data %d, %v", len(data), err)
	}
	if _, err := f.TensorData("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("missing tensor error: %v", err)
	}
}

func TestOpenQuantizedAndVocabFiles(t *testing.T) {
	f := mustOpen(t, testdata+"models/tiny-random-q4km.gguf")
	mix := map[Type]int{}
	for _, ti := range f.Tensors {
		mix[ti.Type]++
	}
	if mix[Q4_K] != 13 || mix[Q6_K] != 3 || mix[F32] != 5 {
		t.Errorf("quant mix %v, want 13 Q4_K, 3 Q6_K, 5 F32", mix)
	}
	v := mustOpen(t, testdata+"vocab/ggml-vocab-qwen2.gguf")
	if len(v.Tensors) != 0 {
		t.Errorf("vocab file has %d tensors", len(v.Tensors))
	}
	merges, ok := v.Array("tokenizer.ggml.merges")
	if !ok || merges.Len != 151387 {
		t.Fatalf("merges: %v", merges)
	}
	tmpl, _ := v.String("tokenizer.chat_template")
	if !strings.Contains(tmpl, "<|im_start|>") {
		t.Errorf("chat template %q", tmpl)
	}
}

// TestRoundTrip writes every reference file back through the Writer and
// expects the very same bytes.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"models/stories260K.gguf", "models/tiny-random-q4km.gguf",
		"models/llama-2-tiny-random.gguf", "quant/quant-vectors.gguf", "vocab/ggml-vocab-llama-spm.gguf"} {
		t.Run(name, func(t *testing.T) {
			orig, err := os.ReadFile(testdata + name)
			if err != nil {
				t.Fatal(err)
			}
			f := mustOpen(t, testdata+name)
			w := NewWriter()
			if err := w.CopyFrom(f); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := w.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			if len(f.Tensors) == 0 {
				// A file without tensors ends after its header; llama.cpp
				// does not pad it.
				got = got[:min(len(got), len(orig))]
			}
			if !bytes.Equal(got, orig) {
				i := 0
				for i < len(got) && i < len(orig) && got[i] == orig[i] {
					i++
				}
				t.Fatalf("round trip differs at byte %d (lengths %d, %d)", i, len(got), len(orig))
			}
		})
	}
}

func TestWriterBuildsLoadableFile(t *testing.T) {
	w := NewWriter()
	w.Set("general.architecture", NewString("llama"))
	w.Set("general.alignment", NewUint32(64))
	w.Set("test.f", NewFloat32(0.5))
	w.Set("test.b", NewBool(true))
	w.Set("test.i", NewInt32(-7))
	w.Set("test.u64", NewUint64(1<<40))
	w.Set("test.strs", NewStringArray([]string{"a", "", "ü"}))
	inner := NewInt32Array([]int32{1, -2})
	nested, err := NewArray(TypeArray, []Value{inner, NewInt32Array(nil)})
	if err != nil {
		t.Fatal(err)
	}
	w.Set("test.nested", nested)
	if _, err := NewArray(TypeInt32, []Value{NewString("x")}); err == nil {
		t.Error("mixed array accepted")
	}
	data := make([]byte, 32*2*4)
	for i := range data {
		data[i] = byte(i)
	}
	if err := w.AddTensor("a", F32, []uint64{32, 2}, data); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("b", Q8_0, []uint64{64}, make([]byte, 68)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("a", F32, []uint64{1}, make([]byte, 4)); err == nil {
		t.Error("duplicate tensor accepted")
	}
	if err := w.AddTensor("c", Q4_K, []uint64{100}, nil); err == nil {
		t.Error("Q4_K row of 100 accepted")
	}
	if err := w.AddTensor("d", F16, []uint64{4}, make([]byte, 3)); err == nil {
		t.Error("wrong data size accepted")
	}
	path := filepath.Join(t.TempDir(), "w.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, path)
	if f.Alignment != 64 || f.DataOffset%64 != 0 {
		t.Errorf("alignment %d, data offset %d", f.Alignment, f.DataOffset)
	}
	if b, _ := f.Bool("test.b"); !b {
		t.Error("bool lost")
	}
	if v, _ := f.Get("test.i"); v.Interface() != int64(-7) {
		t.Errorf("int32 = %v", v.Interface())
	}
	if u, _ := f.Uint("test.u64"); u != 1<<40 {
		t.Errorf("u64 = %d", u)
	}
	if x, _ := f.Float("test.f"); x != 0.5 {
		t.Errorf("f32 = %v", x)
	}
	strs, _ := f.Array("test.strs")
	if ss, _ := strs.Strings(); len(ss) != 3 || ss[2] != "ü" {
		t.Errorf("strings %q", ss)
	}
	nv, _ := f.Get("test.nested")
	got := nv.Interface().([]any)
	if len(got) != 2 || got[0].([]any)[1] != int64(-2) || len(got[1].([]any)) != 0 {
		t.Errorf("nested = %v", got)
	}
	a, _ := f.TensorData("a")
	if !bytes.Equal(a, data) {
		t.Error("tensor data changed")
	}
	b, _ := f.Tensor("b")
	if b.Offset%64 != 0 {
		t.Errorf("tensor b offset %d not aligned", b.Offset)
	}
}

// header builds the start of a GGUF file by hand, for malformed inputs.
type header struct{ b []byte }

func (h *header) u32(v uint32) *header { h.b = binary.LittleEndian.AppendUint32(h.b, v); return h }
func (h *header) u64(v uint64) *header { h.b = binary.LittleEndian.AppendUint64(h.b, v); return h }
func (h *header) str(s string) *header { h.u64(uint64(len(s))); h.b = append(h.b, s...); return h }
func start(version uint32, tensors, kvs uint64) *header {
	h := &header{b: []byte("GGUF")}
	return h.u32(version).u64(tensors).u64(kvs)
}

func TestMalformed(t *testing.T) {
	valid, err := os.ReadFile(testdata + "models/stories260K.gguf")
	if err != nil {
		t.Fatal(err)
	}
	tensorHeader := func(typ uint32, dims []uint64, off uint64) *header {
		h := start(3, 1, 0).str("w").u32(uint32(len(dims)))
		for _, d := range dims {
			h.u64(d)
		}
		return h.u32(typ).u64(off)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a GGUF file"},
		{"bad magic", []byte("GGML\x03\x00\x00\x00"), "bad magic"},
		{"text file", []byte("#!/bin/sh\necho hello\n"), "bad magic"},
		{"version 1", start(1, 0, 0).b, "version 1 is obsolete"},
		{"version 99", start(99, 0, 0).b, "unsupported GGUF version 99"},
		{"header cut", []byte("GGUF\x03\x00\x00\x00\x00"), "file ends inside tensor count"},
		{"absurd tensor count", start(3, 1<<60, 0).b, "tensor count is 1152921504606846976"},
		{"absurd kv count", start(3, 0, 1<<62).b, "metadata count is"},
		{"key cut", start(3, 0, 1).u64(100).str("abc").b, "string length is 100"},
		{"unknown value type", start(3, 0, 1).str("k").u32(42).b, "unknown metadata value type 42"},
		{"absurd array", start(3, 0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeUint32)).u64(1 << 50).b, "array length is"},
		{"array of unknown", start(3, 0, 1).str("k").u32(uint32(TypeArray)).u32(77).u64(1).b, "array of unknown value type 77"},
		{"string array cut", start(3, 0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeString)).u64(2).str("a").u64(5).b, "string length is 5"},
		{"bad bool", start(3, 0, 1).str("k").u32(uint32(TypeBool)).b, "file ends inside bool"},
		{"duplicate key", start(3, 0, 2).str("k").u32(uint32(TypeUint8)).b, "duplicate metadata key"},
		{"bad alignment", start(3, 0, 1).str("general.alignment").u32(uint32(TypeUint32)).u32(3).b, "general.alignment must be a power of two"},
		{"zero dims", tensorHeader(0, nil, 0).b, "has 0 dimensions"},
		{"five dims", start(3, 1, 0).str("w").u32(5).u64(1).u64(1).u64(1).u64(1).u64(1).u32(0).u64(0).b, "has 5 dimensions"},
		{"zero dim", tensorHeader(0, []uint64{0}, 0).b, "dimension 0 is 0"},
		{"huge dims", tensorHeader(0, []uint64{1 << 30, 1 << 30}, 0).b, "out of range"},
		{"unknown tensor type", tensorHeader(99, []uint64{4}, 0).b, "unknown type 99"},
		{"partial block", tensorHeader(uint32(Q4_K), []uint64{100}, 0).b, "not a multiple of Q4_K's block size 256"},
		{"tensor past end", append(tensorHeader(0, []uint64{1024}, 0).b, make([]byte, 100)...), "past the end of the file"},
		{"misaligned tensor", append(tensorHeader(0, []uint64{1}, 4).b, make([]byte, 64)...), "not a multiple of the alignment"},
		{"truncated model", valid[:len(valid)-1], "past the end of the file"},
		{"truncated in tensor infos", valid[:14000], "tensor info 45: offset 13979: string length is 21, but only 13 bytes are left"},
	}
	// The duplicate-key case needs its second entry.
	cases[14].data = append(cases[14].data, 1)
	cases[14].data = append(cases[14].data, (&header{}).str("k").u32(uint32(TypeUint8)).b...)
	cases[14].data = append(cases[14].data, 2)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to say %q", err, c.want)
			}
		})
	}
}

func TestFormatErrorNamesOffset(t *testing.T) {
	_, err := Parse(start(3, 0, 1).str("k").u32(42).b)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Offset != 24+9+4 {
		t.Fatalf("error %v: want a FormatError at offset 37", err)
	}
	if !strings.Contains(err.Error(), "offset 37") || !strings.Contains(err.Error(), `"k"`) {
		t.Errorf("message %q should name the key and the offset", err)
	}
}

// TestEveryTruncationFails cuts a real model at many lengths: every prefix is
// refused with an error, none panics.
func TestEveryTruncationFails(t *testing.T) {
	valid, err := os.ReadFile(testdata + "models/stories260K.gguf")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(valid)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < int(f.DataOffset)+64; n += 7 {
		if _, err := Parse(valid[:n]); err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.gguf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	p := filepath.Join(dir, "x.gguf")
	os.WriteFile(p, []byte("GGUF\x03\x00"), 0o644)
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v should name the file", err)
	}
}

// TestOpenLargeModelIsCheap opens a sparse 640 MB model: the tensor data is
// mapped, not read, so the heap grows by a few kilobytes, not megabytes.
func TestOpenLargeModelIsCheap(t *testing.T) {
	const rows, cols = 17408, 1 << 16 // 612 MiB of Q4_K
	size := uint64(rows * cols / 256 * 144)
	var hdr bytes.Buffer
	h := start(3, 1, 1).str("general.architecture").u32(uint32(TypeString)).str("llama").
		str("big").u32(2).u64(cols).u64(rows).u32(uint32(Q4_K)).u64(0)
	hdr.Write(h.b)
	for hdr.Len()%32 != 0 {
		hdr.WriteByte(0)
	}
	path := filepath.Join(t.TempDir(), "big.gguf")
	fd, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fd.Write(hdr.Bytes())
	if err := fd.Truncate(int64(hdr.Len()) + int64(size)); err != nil {
		t.Fatal(err)
	}
	fd.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := Open(path)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Size < 600<<20 {
		t.Fatalf("file is only %d bytes", f.Size)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("opening a %d MB model allocated %d bytes", f.Size>>20, grew)
	}
}

func TestSummarize(t *testing.T) {
	f := mustOpen(t, testdata+"models/tiny-random-q4km.gguf")
	s := Summarize(f)
	if s.Architecture != "llama" || s.FileType != "Q4_K_M" || s.Layers != 2 || s.Embedding != 256 ||
		s.HeadsKV != 2 || s.VocabType != "llama" || s.VocabSize != 512 || s.Tensors != 21 {
		t.Fatalf("summary %+v", s)
	}
	var params, bytes uint64
	for _, ti := range f.Tensors {
		params += ti.Elements()
		bytes += ti.Size
	}
	if s.Parameters != params || s.TensorBytes != bytes {
		t.Errorf("params %d bytes %d, want %d %d", s.Parameters, s.TensorBytes, params, bytes)
	}
	if s.QuantMix[0].Type != "Q4_K" || s.QuantMix[0].Tensors != 13 {
		t.Errorf("largest share %+v, want the 13 Q4_K tensors", s.QuantMix[0])
	}
	if ft, ok := FileTypeByName("q4_k_m"); !ok || ft != 15 {
		t.Errorf("FileTypeByName(q4_k_m) = %d, %v", ft, ok)
	}
}
