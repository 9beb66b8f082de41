package gguf

import (
	"os"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the reader: it may refuse them, but must
// never panic, hang or allocate without bound, and whatever it accepts must be
// safe to read in full. CI runs it for a fixed time (.ci/run); crashers found
// are kept under testdata/fuzz/FuzzParse and replayed by every `go test`.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"models/stories260K.gguf", "models/tiny-random-q4km.gguf", "quant/quant-vectors.gguf"} {
		data, err := os.ReadFile(testdata + name)
		if err != nil {
			f.Fatal(err)
		}
		// The header and the first tensor bytes: mutations of the structure
		// matter, megabytes of weights do not.
		if parsed, err := Parse(data); err == nil {
			data = data[:min(len(data), int(parsed.DataOffset)+256)]
		}
		f.Add(data)
	}
	f.Add(start(3, 0, 1).str("k").u32(uint32(TypeArray)).u32(uint32(TypeArray)).u64(1).u32(uint32(TypeString)).u64(1).str("x").b)
	f.Add(start(2, 1, 0).str("w").u32(1).u64(32).u32(uint32(Q8_0)).u64(0).b)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		for _, kv := range file.KV {
			_ = kv.Value.Interface()
			if a, ok := kv.Value.Array(); ok {
				a.Strings()
				a.Float32s()
				a.Ints()
			}
		}
		for i := range file.Tensors {
			ti := &file.Tensors[i]
			if got := len(file.Data(ti)); uint64(got) != ti.Size {
				t.Fatalf("tensor %q: %d bytes of data, info says %d", ti.Name, got, ti.Size)
			}
		}
		Summarize(file)
	})
}
