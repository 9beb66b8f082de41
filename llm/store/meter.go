package store

import "time"

// Progress is a download's state, reported to Options.Progress.
type Progress struct {
	Done  int64 // bytes in the part file
	Total int64 // the file's full size; -1 while unknown
	// Resumed is where this transfer started: > 0 when it continued an
	// earlier one, 0 when it started (or had to start over) from scratch.
	Resumed int64
	// Rate is the recent speed in bytes per second (0 until measured).
	Rate float64
	// Finished is set on the last report, when every byte has arrived.
	Finished bool
}

// meter turns byte counts into throttled progress reports with a rate
// measured over the last few seconds (a lifetime average would hide a
// connection that just slowed down).
type meter struct {
	report  func(Progress)
	now     func() time.Time
	every   time.Duration // at most one report per interval
	window  time.Duration // the rate is measured over about this long
	last    time.Time     // of the last report
	samples []sample
	p       Progress
}

type sample struct {
	t    time.Time
	done int64
}

func newMeter(report func(Progress), now func() time.Time) *meter {
	if now == nil {
		now = time.Now
	}
	return &meter{report: report, now: now, every: 100 * time.Millisecond, window: 3 * time.Second}
}

// start begins a transfer at done bytes of total.
func (m *meter) start(done, total int64) {
	m.p = Progress{Done: done, Total: total, Resumed: done}
	m.samples = append(m.samples[:0], sample{m.now(), done})
	m.emit(true)
}

// add counts n more bytes.
func (m *meter) add(n int) {
	m.p.Done += int64(n)
	t := m.now()
	if t.Sub(m.samples[len(m.samples)-1].t) >= m.every {
		m.samples = append(m.samples, sample{t, m.p.Done})
		// Drop samples older than the window, keeping one at or before
		// its start as the rate's base.
		i := 0
		for i+1 < len(m.samples) && t.Sub(m.samples[i+1].t) >= m.window {
			i++
		}
		m.samples = m.samples[i:]
		if base := m.samples[0]; t.After(base.t) {
			m.p.Rate = float64(m.p.Done-base.done) / t.Sub(base.t).Seconds()
		}
	}
	m.emit(false)
}

// finish reports the end of a complete download of size bytes.
func (m *meter) finish(size int64) {
	m.p.Done, m.p.Total, m.p.Finished = size, size, true
	m.emit(true)
}

func (m *meter) emit(force bool) {
	if m.report == nil {
		return
	}
	t := m.now()
	if !force && t.Sub(m.last) < m.every {
		return
	}
	m.last = t
	m.report(m.p)
}
