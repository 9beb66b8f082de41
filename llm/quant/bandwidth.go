package quant

import (
	"encoding/binary"
	"sync"
	"time"
)

// StreamBandwidth measures how fast threads goroutines (one per core, up
// to the core count) read memory together, in bytes per second: each
// reads its share of a buffer of about bytes bytes (rounded down to whole
// MiB per thread, at least 1 MiB each) with the widest loads the CPU
// level allows, five times over, and the fastest pass counts. Use a
// buffer well beyond the last-level cache (256 MiB or more) to measure
// DRAM; the figure is the ceiling of token generation, which must read
// every weight once per token. It allocates and fills the buffer, so it
// takes a fraction of a second per 100 MiB.
func StreamBandwidth(threads, bytes int) float64 {
	return NewStreamMeter(threads, bytes).Measure(StreamPasses)
}

// StreamPasses is how many passes StreamBandwidth reads, the fastest of
// which counts: enough for one of them to run undisturbed on a machine
// shared with other work.
const StreamPasses = 5

// A StreamMeter measures StreamBandwidth again and again over one buffer,
// allocated and filled once. On a machine shared with other work the
// bandwidth available moves by 2–3× within minutes, so a figure to compare
// a run with must be measured right next to that run: a StreamMeter costs
// only its passes (a few milliseconds per 256 MiB) each time.
type StreamMeter struct {
	buf     []byte
	per     int // bytes each thread reads
	threads int
}

// NewStreamMeter allocates and fills the buffer StreamBandwidth(threads,
// bytes) would read. It stays allocated as long as the meter is in use.
func NewStreamMeter(threads, bytes int) *StreamMeter {
	threads = max(1, threads)
	buf, per := streamBuffer(threads, bytes)
	return &StreamMeter{buf: buf, per: per, threads: threads}
}

// Measure reads the buffer passes times (at least once) and returns the
// fastest pass in bytes per second: the best the machine does at that
// moment.
func (m *StreamMeter) Measure(passes int) float64 {
	var best float64
	for range max(1, passes) {
		best = max(best, streamPass(m.buf, m.per, m.threads))
	}
	return best
}

// streamBuffer allocates and fills a buffer of about bytes bytes, per
// bytes (whole MiB, at least one) for each of threads readers.
func streamBuffer(threads, bytes int) (buf []byte, per int) {
	threads = max(1, threads)
	per = max(1<<20, bytes/threads&^(1<<20-1))
	buf = make([]byte, per*threads)
	// Write every page first: fresh pages all map the one zero page,
	// which reads from cache.
	run(threads, func(t int) {
		part := buf[t*per : (t+1)*per]
		for i := 0; i < len(part); i += 64 {
			binary.LittleEndian.PutUint64(part[i:], uint64(i))
		}
	})
	return buf, per
}

// streamPass reads buf once, its parts of per bytes on threads goroutines,
// and returns the bytes per second.
func streamPass(buf []byte, per, threads int) float64 {
	sums := make([]uint64, threads) // the results, so that the reading counts
	start := time.Now()
	run(threads, func(t int) {
		for off := t * per; off < (t+1)*per; off += 1 << 20 {
			sums[t] += streamRead(buf[off : off+1<<20])
		}
	})
	return float64(len(buf)) / time.Since(start).Seconds()
}

// run calls fn(0..threads-1) concurrently and waits.
func run(threads int, fn func(t int)) {
	var wg sync.WaitGroup
	for t := range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(t)
		}()
	}
	wg.Wait()
}

// streamRead sums p (a multiple of 256 bytes) as uint64s, the reading
// StreamBandwidth times.
func streamRead(p []byte) uint64 {
	if k := streamKernels[activeLevel]; k != nil {
		return k(&p[0], len(p))
	}
	var s uint64
	for i := 0; i < len(p); i += 8 {
		s += binary.LittleEndian.Uint64(p[i:])
	}
	return s
}
