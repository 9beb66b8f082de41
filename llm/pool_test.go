package llm

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/llamashell/lsh/llm/quant"
)

// countJob records which chunks ran and on which workers.
type countJob struct {
	runs    []atomic.Int32
	badW    atomic.Int32
	threads int
}

func (j *countJob) run(w, lo, hi int) {
	if w < 0 || w >= j.threads {
		j.badW.Add(1)
	}
	for c := lo; c < hi; c++ {
		j.runs[c].Add(1)
	}
}

// Every chunk of every job runs exactly once, on a valid worker index, for
// any number of threads and chunks, job after job, whether chunks are
// claimed one at a time (run) or in runs (stream), the two mixed.
func TestPoolRunsEveryChunkOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 5} {
		p := newPool(threads)
		for _, chunks := range []int{0, 1, 2, 3, 7, 64, 1000} {
			for i := range 20 {
				j := &countJob{runs: make([]atomic.Int32, chunks), threads: threads}
				if i%2 == 0 {
					p.run(j, chunks)
				} else {
					p.stream(j, chunks)
				}
				for c := range j.runs {
					if n := j.runs[c].Load(); n != 1 {
						t.Fatalf("threads %d, %d chunks, stream %v: chunk %d ran %d times", threads, chunks, i%2 == 1, c, n)
					}
				}
				if j.badW.Load() != 0 {
					t.Fatalf("threads %d: a chunk ran with a worker index outside [0, %d)", threads, threads)
				}
			}
		}
		p.close()
	}
}

// After a generation, the workers park: a process holding a loaded model
// uses no CPU while nobody asks it anything.
func TestIdleWorkersUseNoCPU(t *testing.T) {
	m, err := LoadWith(testdata+"models/tiny-random-q4km.gguf", Options{Threads: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := newSession(t, m, 128)
	prompt := []int32{1, 403, 407, 261, 378, 432, 383, 286}
	if err := s.Feed(context.Background(), prompt...); err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		if err := s.Feed(context.Background(), int32(300+i)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(max(50*time.Millisecond, 4*spinFor)) // the workers' spinning ends
	before := cpuTime(t)
	time.Sleep(200 * time.Millisecond)
	used := cpuTime(t) - before
	// Two spinning workers would burn 400 ms; the runtime's own
	// housekeeping takes well under 20.
	if used > 20*time.Millisecond {
		t.Errorf("the process used %v of CPU in 200 ms of idleness", used)
	}
	for i, w := range m.pool.workers {
		if !w.sleeping.Load() {
			t.Errorf("worker %d is not parked", i+1)
		}
	}
}

func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Skip("getrusage:", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Generating a token allocates nothing once the session is warm: no
// goroutine, job or buffer is made per token.
func TestNoAllocationsPerToken(t *testing.T) {
	for _, name := range []string{"tiny-random-q4km.gguf", "stories260K.gguf"} {
		m, err := LoadWith(testdata+"models/"+name, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		s := newSession(t, m, 256)
		ctx := context.Background()
		if err := s.Feed(ctx, 1, 403, 407, 261); err != nil {
			t.Fatal(err)
		}
		m.WaitCopy() // the background copy allocates as it starts
		tok := int32(300)
		allocs := testing.AllocsPerRun(50, func() {
			tok++
			if err := s.Feed(ctx, tok); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 0 {
			t.Errorf("%s: %.1f allocations per generated token, want 0", name, allocs)
		}
		m.Close()
	}
}

// The logits do not depend on the number of threads, bit for bit: each
// output element is computed by one worker, whatever the split.
func TestThreadsGiveIdenticalLogits(t *testing.T) {
	for _, name := range []string{"stories260K.gguf", "tiny-random-q4km.gguf", "llama-2-tiny-random.gguf"} {
		var want []float32
		for _, threads := range []int{1, 2, 3, 4} {
			m, err := LoadWith(testdata+"models/"+name, Options{Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			if m.Threads() != threads {
				t.Errorf("Threads() = %d, want %d", m.Threads(), threads)
			}
			s := newSession(t, m, 256)
			prompt := make([]int32, 100)
			for i := range prompt {
				prompt[i] = int32(1 + (i*37)%250)
			}
			rows, err := s.FeedAll(context.Background(), prompt...)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 5 { // and generation steps
				if err := s.Feed(context.Background(), int32(7+i)); err != nil {
					t.Fatal(err)
				}
				rows = append(rows, s.Logits()...)
			}
			m.Close()
			if want == nil {
				want = rows
			} else if !slices.Equal(rows, want) {
				t.Errorf("%s: %d threads give different logits from 1 thread (max diff %g)", name, threads, maxAbsDiff(rows, want))
			}
		}
	}
}

func TestLoadThreadsOption(t *testing.T) {
	if _, err := LoadWith(testdata+"models/stories260K.gguf", Options{Threads: -1}); err == nil {
		t.Error("Threads: -1 was accepted")
	}
	m, err := LoadWith(testdata+"models/stories260K.gguf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Threads() < 1 {
		t.Errorf("default Threads() = %d", m.Threads())
	}
}

// After the first forward pass the model switches to a private copy of its
// weights in huge pages (where the kernel offers them): the logits stay
// the same bit for bit, and MapOnly keeps the mapping.
func TestHugePageCopy(t *testing.T) {
	ctx := context.Background()
	run := func(o Options) ([]float32, *Model) {
		m, err := LoadWith(testdata+"models/tiny-random-q4km.gguf", o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		s := newSession(t, m, 64)
		var rows []float32
		for i, tok := range []int32{1, 403, 407, 261, 378} {
			if err := s.Feed(ctx, tok); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, s.Logits()...)
			if i == 0 {
				m.WaitCopy()
			}
		}
		return rows, m
	}
	mapped, mm := run(Options{MapOnly: true})
	copied, mc := run(Options{})
	if !slices.Equal(mapped, copied) {
		t.Errorf("logits from the huge-page copy differ from the mapping's (max diff %g)", maxAbsDiff(mapped, copied))
	}
	if mm.CopyBytes() != 0 {
		t.Errorf("MapOnly model reads %d bytes from a copy", mm.CopyBytes())
	}
	if mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(mode), "[never]") {
		t.Skip("no transparent huge pages here")
	}
	// Every streamed matrix is in the copy, the ones with a repacked
	// layout at this CPU level (Q4_K's Q4_KR with avx512vnni) repacked.
	var want int64
	repacked := 0
	for _, w := range mc.streamed() {
		want += int64(w.rowBytes * w.rows)
		if w.format.Layout != "" {
			repacked++
		}
		if f, _ := quant.Lookup(w.format.Type); f.Repacked() != nil && w.format.Layout == "" {
			t.Errorf("%s: %s has a repacked layout, the copy kept %s", w.name, w.format.Type, w.format.Type)
		}
	}
	if got := mc.CopyBytes(); got != want || got < mc.StreamedBytes() {
		t.Errorf("CopyBytes() = %d after the switch, want %d (StreamedBytes %d)", got, want, mc.StreamedBytes())
	}
	t.Logf("%d matrices repacked, copy %d bytes for %d in the file", repacked, want, mc.StreamedBytes())
}
