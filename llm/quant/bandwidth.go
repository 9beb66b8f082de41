package quant

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// StreamBandwidth measures how fast threads goroutines (one per core, up
// to the core count) read memory together, in bytes per second: they read
// a buffer of about bytes bytes (rounded down to whole MiB per thread, at
// least 1 MiB each) in pieces of 1 MiB with the widest loads the CPU
// level allows, five times over with each of four reading loops (plain,
// and prefetching ahead as the one-column kernels do; each piece read as
// one stream, and as four streams side by side as the quad kernels read
// rows), and the fastest pass counts. Use a buffer well beyond the last-level cache (256 MiB or
// more) to measure DRAM; the figure is the ceiling of token generation,
// which must read every weight once per token. It allocates and fills
// the buffer, so it takes a fraction of a second per 100 MiB.
//
// The buffer is in 2 MiB pages where the kernel gives them
// (pages.HugeAlloc), as the engine's weights are (its copy, and model
// files mapped by pages.MapFile): read in 4 KiB pages the same loops were
// 14–20% slower on one core here and ~13% on two (28–30 against 34 GB/s,
// 56–58 against 64–66), a ceiling the engine's token generation, reading
// 2 MiB pages, exceeded on one core.
//
// Each thread reads its own part from the front and, when done, takes
// pieces from the back of the part with the most left, as the engine's
// workers share a matmul: the two vCPUs of the machine lsh is measured on
// often read at different speeds (one 14–21 GB/s while the other read
// 26), and fixed halves then measured the slower one twice, a ceiling the
// engine's token generation exceeded by up to 18%.
func StreamBandwidth(threads, bytes int) float64 {
	m := NewStreamMeter(threads, bytes)
	defer m.Close()
	return m.Measure(StreamPasses)
}

// StreamPasses is how many passes of each reading loop StreamBandwidth
// reads, the fastest of which counts: enough for one of them to run
// undisturbed on a machine shared with other work.
const StreamPasses = 5

// StreamLoops is how many reading loops a measurement tries (plain and
// prefetching, from one stream and from four): Measure(passes) reads the
// buffer passes·StreamLoops times.
const StreamLoops = 4

// A StreamMeter measures StreamBandwidth again and again over one buffer,
// allocated and filled once. On a machine shared with other work the
// bandwidth available moves by 2–3× within minutes, so a figure to compare
// a run with must be measured right next to that run: a StreamMeter costs
// only its passes (a few milliseconds per 256 MiB) each time.
type StreamMeter struct {
	buf     []byte
	per     int // bytes of each thread's part
	threads int
	huge    bool
	release func()
}

// NewStreamMeter allocates and fills the buffer StreamBandwidth(threads,
// bytes) would read. It stays allocated until Close.
func NewStreamMeter(threads, bytes int) *StreamMeter {
	threads = max(1, threads)
	buf, per, huge, release := streamBuffer(threads, bytes)
	return &StreamMeter{buf: buf, per: per, threads: threads, huge: huge, release: release}
}

// HugePages reports whether the buffer is advised for 2 MiB pages (the
// kernel backs it with them where it has them free), as opposed to the
// heap's 4 KiB pages.
func (m *StreamMeter) HugePages() bool { return m.huge }

// Close frees the meter's buffer; the meter must not be used after.
func (m *StreamMeter) Close() {
	if m.release != nil {
		m.release()
		m.release, m.buf = nil, nil
	}
}

// Measure reads the buffer passes times (at least once) with each reading
// loop and returns the fastest pass in bytes per second: the best the
// machine does at that moment.
func (m *StreamMeter) Measure(passes int) float64 {
	var best float64
	for range max(1, passes) {
		for loop := range StreamLoops {
			bw, _ := streamPass(m.buf, m.per, m.threads, loop)
			best = max(best, bw)
		}
	}
	return best
}

// streamPiece is the bytes a thread reads in one call.
const streamPiece = 1 << 20

// streamBuffer allocates and fills a buffer of about bytes bytes, per
// bytes (whole pieces, at least one) for each of threads readers, in 2 MiB
// pages where it can (huge); release frees it.
func streamBuffer(threads, bytes int) (buf []byte, per int, huge bool, release func()) {
	threads = max(1, threads)
	per = max(streamPiece, bytes/threads&^(streamPiece-1))
	buf, release = pages.HugeAlloc(per * threads)
	huge = buf != nil
	if !huge {
		buf, release = make([]byte, per*threads), func() {}
	}
	// Write every page first: fresh pages all map the one zero page,
	// which reads from cache.
	run(threads, func(t int) {
		part := buf[t*per : (t+1)*per]
		for i := 0; i < len(part); i += 64 {
			binary.LittleEndian.PutUint64(part[i:], uint64(i))
		}
	})
	return buf, per, huge, release
}

// streamPass reads buf once on threads goroutines, thread t from the
// front of its part of per bytes, then from the back of the part with
// the most left, with reading loop loop (streamRead), and returns the
// bytes per second and the wrapping sum of buf as uint64s (every piece
// read once).
func streamPass(buf []byte, per, threads, loop int) (bytesPerSec float64, sum uint64) {
	// parts[t] is part t's pieces not yet read: first << 32 | end.
	parts := make([]atomic.Uint64, threads)
	n := per / streamPiece
	for t := range parts {
		parts[t].Store(uint64(t*n)<<32 | uint64((t+1)*n))
	}
	take := func(t int, back bool) (int, bool) {
		for {
			s := parts[t].Load()
			first, end := s>>32, s&(1<<32-1)
			switch {
			case first >= end:
				return 0, false
			case back && parts[t].CompareAndSwap(s, s-1):
				return int(end - 1), true
			case !back && parts[t].CompareAndSwap(s, s+1<<32):
				return int(first), true
			}
		}
	}
	sums := make([]uint64, threads) // the results, so that the reading counts
	start := time.Now()
	run(threads, func(t int) {
		for {
			i, ok := take(t, false)
			for v := 0; !ok && v < threads; v++ {
				i, ok = take(mostLeft(parts), true)
			}
			if !ok {
				return
			}
			sums[t] += streamRead(buf[i*streamPiece:(i+1)*streamPiece], loop)
		}
	})
	bytesPerSec = float64(len(buf)) / time.Since(start).Seconds()
	for _, x := range sums {
		sum += x
	}
	return bytesPerSec, sum
}

// mostLeft returns the part with the most pieces left to read.
func mostLeft(parts []atomic.Uint64) int {
	best, most := 0, uint64(0)
	for t := range parts {
		s := parts[t].Load()
		if first, end := s>>32, s&(1<<32-1); end > first && end-first > most {
			best, most = t, end-first
		}
	}
	return best
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

// streamRead sums p (a multiple of 1024 bytes) as uint64s, the reading
// StreamBandwidth times, with the level's loop number loop: plain or
// prefetching (odd), from one stream or (2, 3) four.
func streamRead(p []byte, loop int) uint64 {
	if k := streamKernels[activeLevel][loop]; k != nil {
		return k(&p[0], len(p))
	}
	var s uint64
	for i := 0; i < len(p); i += 8 {
		s += binary.LittleEndian.Uint64(p[i:])
	}
	return s
}
