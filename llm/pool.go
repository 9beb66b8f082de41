package llm

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool is a model's persistent workers: threads-1 goroutines started at
// Load, plus the goroutine that calls run, which does a share of every job.
//
// A forward pass dispatches a few jobs per layer (Q/K/V, attention, the
// output projection, gate/up, down), a hundred or more per generated
// token, so a dispatch must cost about a microsecond: a new goroutine or a
// channel handshake per job would cost more than the arithmetic of a
// small model. So workers that finished a job spin on the job word for
// spinFor before they park on a channel; between the jobs of one token
// they are still spinning, while a model left idle parks them and uses no
// CPU at all.
//
// A job is split into chunks claimed one at a time, and run returns when
// every chunk is done, not when every worker has checked in: on a shared
// machine a worker whose thread the OS has set aside is simply overtaken
// by the others, and which worker runs a chunk never changes what it
// computes.
//
// The chunks are dealt in one contiguous region per worker, which claims
// its own region's chunks from the front, in order; a worker whose region
// is done steals from the back of the region with the most left. So
// while the work is even each worker streams through one contiguous run
// of weight rows, which the memory prefetchers follow from one chunk into
// the next (chunks claimed alternately from one shared counter made every
// chunk a new stream: token generation was 10% slower), and uneven work
// still ends with chunks moving to whoever is free.
//
// A worker that has run out of chunks first prefetches the weights the
// next matmul will give it (hints, prefetch.go), then spins.
//
// Most jobs claim one chunk at a time. A job run with stream (the matmuls
// of one token, which stream their weights from memory) has many small
// chunks, and a claim takes a run of them: three quarters of what is
// left of the worker's own region, or half of what is left of another's,
// so that a worker makes a few long calls while the work lasts and the
// last claims, which decide who waits for whom, are small. Measured: the
// two vCPUs here do not stream alike (one read 14–21 GB/s while the other
// read 26, whichever worker ran on it), and with two chunks per worker
// claimed one at a time the faster worker then waited 40–50 µs at the end
// of each 300 µs gate/up job. Halves of the own region made TinyLlama tg
// ~3% faster than that; three quarters another 1–2% (in-process,
// alternating blocks of 4 tokens, two runs of five rounds: 69.9–72.9
// against 70.5–74.6 t/s, 65.4–71.3 against 66.7–72.2; seven eighths the
// same as three quarters), as every call starts its streams anew (quant's
// one-column kernels stream 60% as fast in calls of 64 rows, 76 KiB, as
// in calls of 1024, ~75% with their prefetching).
type pool struct {
	mu      sync.Mutex // one job at a time: sessions of a model share its workers
	threads int        // workers + the caller
	workers []*worker

	// regions[r] is worker r's job word: job number (24 bits) | end
	// (20 bits) | next (20 bits), the chunks [next, end) of its region
	// not yet claimed. Its owner claims k chunks from next by swapping
	// g|end|next for g|end|next+k, a thief k from the end by swapping for
	// g|end-k|next; the job number g makes sure that a worker that slept
	// through a job never claims a chunk of another.
	regions []region
	gen     atomic.Uint64 // the job number
	job     job           // the current job: written before the regions, read after a claim
	runs    atomic.Bool   // claims take runs of chunks (stream); atomic: a claim that then fails may read the next job's
	total   atomic.Int64  // chunks of the current job
	done    atomic.Int64  // chunks of the current job finished

	// hints[w] is where worker w's first kernel call of the next
	// one-token stream job will read; next is what the caller publishes
	// there once the current job is out (see idle).
	hints []hint
	next  []hintAt
	pf    []prefetched // each worker's progress through its hint, touched by it alone

	waiting atomic.Bool   // the caller parked on wake
	wake    chan struct{} // wakes the parked caller
	quit    atomic.Bool
}

// job is work split into chunks: run(w, lo, hi) computes chunks [lo, hi)
// on worker w (0 is the caller, 1…threads-1 the pool's goroutines), so a
// job can give each worker its own scratch. Jobs are long-lived values
// (in a session's scratch) passed as interfaces holding pointers:
// dispatching allocates nothing.
type job interface {
	run(w, lo, hi int)
}

// region is one worker's job word, alone on its cache line.
type region struct {
	s atomic.Uint64
	_ [56]byte
}

// worker is one pool goroutine's parking place.
type worker struct {
	sleeping atomic.Bool
	wake     chan struct{} // capacity 1
	_        [48]byte      // keep workers' flags on separate cache lines
}

// spinFor is how long an idle worker (or a caller waiting for workers)
// polls before parking: longer than the serial work between two jobs of
// a token (a few microseconds), short enough that on a machine shared
// with other processes a worker waiting for a caller the OS has set aside
// gives its core up soon (measured with load average 3 on 2 cores:
// TinyLlama tg 23–27 t/s with 50–100 µs, 16–17 with 2 ms; no difference
// on a quiet machine). Waking a parked worker costs a few microseconds,
// once per token at most while generating.
const spinFor = 100 * time.Microsecond

const (
	chunkBits = 20
	chunkMask = 1<<chunkBits - 1
	maxChunks = chunkMask // chunks of one job
)

// newPool starts threads-1 workers (threads < 1 means one per core the Go
// runtime may use: GOMAXPROCS, which follows a container's CPU limit).
func newPool(threads int) *pool {
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &pool{threads: threads, wake: make(chan struct{}, 1), regions: make([]region, threads), hints: make([]hint, threads), pf: make([]prefetched, threads)}
	for i := 1; i < threads; i++ {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		go p.work(i, w)
	}
	return p
}

// close stops the workers; the pool must not be used after.
func (p *pool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.quit.Swap(true) {
		return
	}
	p.publish(0) // a new job number wakes everyone, who sees quit
	p.wakeWorkers()
}

func (p *pool) wakeWorkers() {
	for _, w := range p.workers {
		if w.sleeping.CompareAndSwap(true, false) {
			w.wake <- struct{}{}
		}
	}
}

// run computes every chunk of j, on all workers, claimed one at a time,
// and returns when all are done.
func (p *pool) run(j job, chunks int) { p.dispatch(j, chunks, false) }

// stream is run for jobs whose chunks are cheaper in contiguous runs
// (matmuls that stream weights from memory): a claim takes half of the
// chunks left in a region.
func (p *pool) stream(j job, chunks int) { p.dispatch(j, chunks, true) }

func (p *pool) dispatch(j job, chunks int, runs bool) {
	if chunks <= 0 {
		return
	}
	if chunks > maxChunks {
		panic(fmt.Sprintf("llm: a job of %d chunks (at most %d)", chunks, maxChunks))
	}
	if p.threads == 1 || chunks == 1 || p.quit.Load() {
		j.run(0, 0, chunks)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.job = j
	p.runs.Store(runs)
	p.done.Store(0)
	g := p.publish(chunks)
	p.wakeWorkers()
	if len(p.next) > 0 {
		p.publishHints()
	}
	p.claim(0, g)
	finished := func() bool { return p.done.Load() == int64(chunks) }
	p.idle(0, finished)
	if !spinUntil(finished) {
		// Park; the worker finishing the last chunk wakes us, unless
		// it already has.
		p.waiting.Store(true)
		if p.done.Load() != int64(chunks) || !p.waiting.CompareAndSwap(true, false) {
			<-p.wake
		}
	}
	p.job = nil
}

// publish starts job number gen+1 of chunks chunks: region r gets
// chunks [r·chunks/threads, (r+1)·chunks/threads). It returns the job
// number.
func (p *pool) publish(chunks int) uint64 {
	g := (p.gen.Load() + 1) & (1<<(64-2*chunkBits) - 1)
	p.total.Store(int64(chunks))
	for r := range p.regions {
		lo, hi := regionChunks(chunks, p.threads, r)
		p.regions[r].s.Store(g<<(2*chunkBits) | uint64(hi)<<chunkBits | uint64(lo))
	}
	p.gen.Store(g) // last: a worker that sees g finds every region set
	return g
}

// claim runs chunks of job g on worker w until none is left to claim:
// its own region's from the front, then other regions' from the back.
func (p *pool) claim(w int, g uint64) {
	for {
		lo, hi, ok := p.take(&p.regions[w], g, false)
		if !ok {
			// Steal from the region with the most chunks left.
			victim, most := -1, uint64(0)
			for r := range p.regions {
				s := p.regions[r].s.Load()
				end, next := s>>chunkBits&chunkMask, s&chunkMask
				if s>>(2*chunkBits) == g && end > next && end-next > most {
					victim, most = r, end-next
				}
			}
			if victim < 0 {
				return
			}
			if lo, hi, ok = p.take(&p.regions[victim], g, true); !ok {
				continue
			}
		}
		p.job.run(w, lo, hi)
		if p.done.Add(int64(hi-lo)) == p.total.Load() && w != 0 && p.waiting.CompareAndSwap(true, false) {
			p.wake <- struct{}{}
		}
	}
}

// regionChunks is worker r's chunks of a job of chunks chunks: [lo, hi).
func regionChunks(chunks, threads, r int) (lo, hi int) {
	return r * chunks / threads, (r + 1) * chunks / threads
}

// ownRun is how many of the left chunks of its own region a worker claims
// at once in a job of runs.
func ownRun(left uint64) uint64 { return max(1, left*3/4) }

// take claims chunks [lo, hi) of job g from region r, from its front (or,
// for a thief, its back): one chunk, or when the job claims runs three
// quarters of those left (a thief: half). It reports whether there was
// one.
func (p *pool) take(r *region, g uint64, back bool) (lo, hi int, ok bool) {
	for {
		s := r.s.Load()
		end, next := s>>chunkBits&chunkMask, s&chunkMask
		if s>>(2*chunkBits) != g || next >= end {
			return 0, 0, false
		}
		k := uint64(1)
		switch {
		case p.runs.Load() && back:
			k = (end - next + 1) / 2
		case p.runs.Load():
			k = ownRun(end - next)
		}
		if back {
			if r.s.CompareAndSwap(s, s-k<<chunkBits) {
				return int(end - k), int(end), true
			}
		} else if r.s.CompareAndSwap(s, s+k) {
			return int(next), int(next + k), true
		}
	}
}

// work is worker i's loop: wait for a job number it has not worked on,
// claim chunks, repeat.
func (p *pool) work(i int, w *worker) {
	var seen uint64 // job 0 is none
	newJob := func() bool { return p.gen.Load() != seen }
	for {
		p.idle(i, newJob)
		if !newJob() && !spinUntil(newJob) {
			// Park. Either the recheck sees the new job or run's
			// CompareAndSwap sees sleeping and sends a wake-up.
			w.sleeping.Store(true)
			if newJob() {
				if !w.sleeping.CompareAndSwap(true, false) {
					<-w.wake // run is sending it: drain
				}
			} else {
				<-w.wake
			}
		}
		if p.quit.Load() {
			return
		}
		seen = p.gen.Load()
		p.claim(i, seen)
	}
}

// spinUntil polls cond for up to spinFor and reports whether it became
// true. It reads the clock only every few hundred polls and yields to the
// Go scheduler only every few thousand: a yield costs more than a poll
// (it takes the scheduler's lock and may wake an idle thread), but a
// spinning worker must not keep a goroutine with real work, or the
// garbage collector, off its processor for long.
func spinUntil(cond func() bool) bool {
	start := time.Now()
	for i := 1; ; i++ {
		if cond() {
			return true
		}
		if i&255 == 0 {
			if time.Since(start) > spinFor {
				return false
			}
			if i&8191 == 0 {
				runtime.Gosched()
			}
		}
	}
}
