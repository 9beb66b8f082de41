package classify

import "testing"

// BenchmarkClassify classifies every line of both tables once per
// iteration, with the fixture's lstat-backed Exists: the cost the TUI pays
// to hint, as the person types, how Enter will treat the line.
func BenchmarkClassify(b *testing.B) {
	ctx := fixture(b)
	lines := append(append([]string{}, englishLines...), shellLines...)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			Classify(l, ctx)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines))/1000, "µs/line")
}
