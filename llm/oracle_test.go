package llm

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"
)

const testdata = "../testdata/"

// trace is a greedy decoding oracle recorded with llama.cpp
// (testdata/traces/README.md).
type trace struct {
	NVocab int `json:"n_vocab"`
	Runs   []struct {
		Prompt       string         `json:"prompt"`
		PromptIDs    []int32        `json:"prompt_ids"`
		GeneratedIDs []int32        `json:"generated_ids"`
		RowOffset    int            `json:"logits_row_offset"`
		FirstEOG     int            `json:"first_eog_index"`
		GenStepTop10 [][][2]float64 `json:"gen_step_top10"`
	} `json:"runs"`
	logits []float32 // every row of the .logits.f32 file
}

func loadTrace(t testing.TB, name string) *trace {
	t.Helper()
	data, err := os.ReadFile(testdata + "traces/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	tr := &trace{}
	if err := json.Unmarshal(data, tr); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(testdata + "traces/" + name + ".logits.f32")
	if err != nil {
		t.Fatal(err)
	}
	tr.logits = make([]float32, len(raw)/4)
	for i := range tr.logits {
		tr.logits[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return tr
}

// row returns logits row r of the trace.
func (tr *trace) row(r int) []float32 { return tr.logits[r*tr.NVocab : (r+1)*tr.NVocab] }

func mustLoad(t testing.TB, name string) *Model {
	t.Helper()
	return mustLoadThreads(t, name, 0)
}

func mustLoadThreads(t testing.TB, name string, threads int) *Model {
	t.Helper()
	m, err := LoadWith(testdata+"models/"+name, Options{Threads: threads})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func maxAbsDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

// stories260KTolerance bounds |our logit − llama.cpp's| for stories260K
// (docs/engine.md explains the figure).
const stories260KTolerance = 1e-4

// oracleThreads are the thread counts the oracles run with: one, and
// splits of the rows into even and odd numbers of parts.
var oracleThreads = []int{1, 2, 3}

// TestStories260KGreedy decodes every oracle prompt greedily and requires
// the same 64 tokens as llama.cpp, with every logit (prompt positions and
// generation steps) within stories260KTolerance of the F32-KV trace, with
// 1, 2 and 3 threads.
func TestStories260KGreedy(t *testing.T) {
	for _, threads := range oracleThreads {
		t.Run(fmt.Sprintf("threads=%d", threads), func(t *testing.T) { testStories260KGreedy(t, threads) })
	}
}

func testStories260KGreedy(t *testing.T, threads int) {
	m := mustLoadThreads(t, "stories260K.gguf", threads)
	tr := loadTrace(t, "stories260K-greedy-f32kv")
	ctx := context.Background()
	worst := 0.0
	for _, run := range tr.Runs {
		s, err := m.NewSession(512)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.FeedAll(ctx, run.PromptIDs...)
		if err != nil {
			t.Fatal(err)
		}
		V := m.Config.Vocab
		for i := range run.PromptIDs {
			d := maxAbsDiff(rows[i*V:(i+1)*V], tr.row(run.RowOffset+i))
			worst = max(worst, d)
			if d > stories260KTolerance {
				t.Errorf("%q: prompt position %d: logits differ by %g", run.Prompt, i, d)
			}
		}
		var got []int32
		for step := 0; step < len(run.GeneratedIDs); step++ {
			next := argmax(s.Logits())
			got = append(got, next)
			if next != run.GeneratedIDs[step] {
				t.Fatalf("%q: step %d: generated %d, llama.cpp %d (so far %v)", run.Prompt, step, next, run.GeneratedIDs[step], got)
			}
			if step == len(run.GeneratedIDs)-1 {
				break
			}
			if err := s.Feed(ctx, next); err != nil {
				t.Fatal(err)
			}
			d := maxAbsDiff(s.Logits(), tr.row(run.RowOffset+len(run.PromptIDs)+step))
			worst = max(worst, d)
			if d > stories260KTolerance {
				t.Errorf("%q: generation step %d: logits differ by %g", run.Prompt, step, d)
			}
		}
	}
	t.Logf("largest logit difference from llama.cpp (F32 KV): %.3g", worst)
}

// TestTinyRandomQ4KMTeacherForced feeds llama.cpp's own tokens (prompt then
// its greedy continuation) to the random Q4_K_M model and compares the
// logits at every step. The network is chaotic: where a float32 sum rounds
// differently from ggml's SIMD order, one int8 of a Q8_K activation can
// land on the other side of a rounding boundary and the logits move by
// ~0.1 from then on, as llama.cpp's own F16-KV and F32-KV runs differ by
// up to 0.23. So: every row within q4kmTolerance, and at least half the
// rows within q4kmExact (float rounding only). A wrong RMS epsilon (1e-6
// for 1e-5) already moves the median row by 0.12; a rope ordering or base
// mistake by several units. With 1, 2 and 3 threads.
func TestTinyRandomQ4KMTeacherForced(t *testing.T) {
	for _, threads := range oracleThreads {
		t.Run(fmt.Sprintf("threads=%d", threads), func(t *testing.T) { testTinyRandomQ4KMTeacherForced(t, threads) })
	}
}

func testTinyRandomQ4KMTeacherForced(t *testing.T, threads int) {
	m := mustLoadThreads(t, "tiny-random-q4km.gguf", threads)
	tr := loadTrace(t, "tiny-random-q4km-greedy-f32kv")
	ctx := context.Background()
	V := m.Config.Vocab
	var diffs []float64
	for _, run := range tr.Runs {
		s, err := m.NewSession(512)
		if err != nil {
			t.Fatal(err)
		}
		forced := append(append([]int32(nil), run.PromptIDs...), run.GeneratedIDs[:len(run.GeneratedIDs)-1]...)
		rows, err := s.FeedAll(ctx, forced...)
		if err != nil {
			t.Fatal(err)
		}
		agree := true
		for r := range forced {
			ours, want := rows[r*V:(r+1)*V], tr.row(run.RowOffset+r)
			d := maxAbsDiff(ours, want)
			diffs = append(diffs, d)
			if d > q4kmTolerance {
				t.Errorf("%q: row %d: logits differ by %g", run.Prompt, r, d)
			}
			// Row r chose generated_ids[g]; while the oracle's top-2 gap is
			// wider than twice our error bound the choice must be the same.
			if g := r - len(run.PromptIDs) + 1; g >= 0 && agree {
				if top2Gap(want) <= 2*q4kmTolerance {
					agree = false
				} else if argmax(ours) != run.GeneratedIDs[g] {
					t.Errorf("%q: step %d: greedy %d, llama.cpp %d", run.Prompt, g, argmax(ours), run.GeneratedIDs[g])
				}
			}
		}
	}
	sort.Float64s(diffs)
	median := diffs[len(diffs)/2]
	if median > q4kmExact {
		t.Errorf("median row differs from llama.cpp by %g, want ≤ %g", median, q4kmExact)
	}
	t.Logf("logit difference from llama.cpp (F32 KV) over %d rows: median %.3g, max %.3g", len(diffs), median, diffs[len(diffs)-1])
}

// Tolerances for tiny-random-q4km (docs/engine.md explains them).
const (
	q4kmTolerance = 0.3
	q4kmExact     = 1e-3
)

func top2Gap(x []float32) float64 {
	a, b := math.Inf(-1), math.Inf(-1)
	for _, v := range x {
		f := float64(v)
		if f > a {
			a, b = f, a
		} else if f > b {
			b = f
		}
	}
	return a - b
}

// TestStories260KF16KVTokens: llama.cpp's default configuration (F16 KV
// cache, flash attention) chooses the same greedy tokens; so must we.
func TestStories260KF16KVTokens(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	tr := loadTrace(t, "stories260K-greedy")
	for _, run := range tr.Runs {
		s, err := m.NewSession(512)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Feed(context.Background(), run.PromptIDs...); err != nil {
			t.Fatal(err)
		}
		for step, want := range run.GeneratedIDs {
			got := argmax(s.Logits())
			if got != want {
				t.Fatalf("%q: step %d: %d, llama.cpp %d", run.Prompt, step, got, want)
			}
			if err := s.Feed(context.Background(), got); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}
