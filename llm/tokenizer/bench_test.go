package tokenizer

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// benchSize is the size of the benchmark corpus.
const benchSize = 1 << 20

var (
	corpusOnce sync.Once
	corpus     string
)

// benchCorpus returns 1 MiB of mixed English and code from the Go
// installation running the benchmark (Go 1.26.8 for the recorded figures):
// package documentation that is mostly English prose (cmd/go's alldocs.go,
// fmt, text/template, net/http) interleaved with Go code carrying English
// comments, cycled until 1 MiB.
func benchCorpus(b *testing.B) string {
	corpusOnce.Do(func() {
		root := os.Getenv("GOROOT")
		if root == "" {
			out, err := exec.Command("go", "env", "GOROOT").Output()
			if err != nil {
				return
			}
			root = strings.TrimSpace(string(out))
		}
		var parts []string
		for _, p := range []string{
			"src/cmd/go/alldocs.go", "src/net/http/server.go", "src/fmt/doc.go", "src/strings/strings.go",
			"src/text/template/doc.go", "src/encoding/json/encode.go", "src/net/http/doc.go", "src/bufio/bufio.go",
			"src/sort/sort.go", "src/os/exec/exec.go",
		} {
			if data, err := os.ReadFile(filepath.Join(root, p)); err == nil {
				parts = append(parts, string(data))
			}
		}
		var sb strings.Builder
		for i := 0; sb.Len() < benchSize && len(parts) > 0; i++ {
			sb.WriteString(parts[i%len(parts)])
			sb.WriteByte('\n')
		}
		corpus = sb.String()
		if len(corpus) > benchSize {
			corpus = corpus[:benchSize]
		}
	})
	if len(corpus) < benchSize {
		b.Skip("no corpus: the Go installation's sources were not found")
	}
	return corpus
}

// BenchmarkEncode tokenizes 1 MiB of mixed English and code with each
// vocabulary (add_special, no parse_special).
func BenchmarkEncode(b *testing.B) {
	text := benchCorpus(b)
	for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
		b.Run(name, func(b *testing.B) {
			tok := vocab(b, name)
			b.SetBytes(int64(len(text)))
			var n int
			for b.Loop() {
				n = len(tok.Encode(text, true, false))
			}
			b.ReportMetric(float64(n), "tokens")
		})
	}
}

// BenchmarkEncodeCold is BenchmarkEncode with the word caches emptied before
// every run, as for the first prompt after loading.
func BenchmarkEncodeCold(b *testing.B) {
	text := benchCorpus(b)
	for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
		b.Run(name, func(b *testing.B) {
			tok := vocab(b, name)
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tok.states = sync.Pool{}
				tok.Encode(text, true, false)
			}
		})
	}
}

// BenchmarkEncodeLong encodes 100 KB inputs that defeat the word split: one
// long word and one run of spaces.
func BenchmarkEncodeLong(b *testing.B) {
	for _, in := range []struct{ name, text string }{
		{"word", strings.Repeat("abcdefghij", 10_000)},
		{"spaces", strings.Repeat(" ", 100_000)},
	} {
		for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
			b.Run(in.name+"/"+name, func(b *testing.B) {
				tok := vocab(b, name)
				b.SetBytes(int64(len(in.text)))
				for b.Loop() {
					tok.Encode(in.text, false, false)
				}
			})
		}
	}
}

// BenchmarkLoad builds each tokenizer from its (already opened) GGUF.
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
		b.Run(name, func(b *testing.B) {
			f, err := gguf.Open(filepath.Join(vocabDir, "ggml-vocab-"+name+".gguf"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := FromGGUF(f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode detokenizes the tokens of the corpus.
func BenchmarkDecode(b *testing.B) {
	text := benchCorpus(b)
	for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
		b.Run(name, func(b *testing.B) {
			tok := vocab(b, name)
			ids := tok.Encode(text, false, false)
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := tok.Decode(ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
