package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// synthModel writes a small GGUF "model" (about 2.6 MB) whose tensor bytes
// are pseudo-random, so any misplaced or repeated byte in a download shows
// in the checksum and the comparison. seed varies the content.
func synthModel(t testing.TB, seed uint64) []byte {
	t.Helper()
	w := gguf.NewWriter()
	w.Set("general.architecture", gguf.NewString("llama"))
	w.Set("general.name", gguf.NewString("synthetic"))
	w.Set("general.file_type", gguf.NewUint32(7)) // Q8_0
	w.Set("llama.context_length", gguf.NewUint32(512))
	w.Set("llama.embedding_length", gguf.NewUint32(4096))
	w.Set("tokenizer.ggml.tokens", gguf.NewStringArray([]string{"<unk>", "<s>", "</s>", "hello"}))
	r := rand.New(rand.NewPCG(seed, 1))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	// Q8_0: 32 elements in 34 bytes.
	if err := w.AddTensor("token_embd.weight", gguf.Q8_0, []uint64{4096, 360}, random(4096/32*34*360)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("output_norm.weight", gguf.F32, []uint64{4096}, random(4096*4)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("output.weight", gguf.F32, []uint64{256, 1024}, random(256*1024*4)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	modelOnce  sync.Once
	modelBytes []byte
)

// testModel is synthModel(1), built once per test binary.
func testModel(t testing.TB) []byte {
	modelOnce.Do(func() { modelBytes = synthModel(t, 1) })
	return modelBytes
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// recorder keeps the Range headers a test server saw.
type recorder struct {
	mu     sync.Mutex
	ranges []string
	count  int
}

func (r *recorder) note(req *http.Request) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	r.ranges = append(r.ranges, req.Header.Get("Range"))
	return r.count
}

func (r *recorder) seen() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count, append([]string(nil), r.ranges...)
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
