package quant

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// The ceiling's reading loops read what they are given, every byte once:
// each level's loops (plain and prefetching, one stream and four) sum a
// buffer as the portable loop does, and a pass on 1, 2 and 3 threads, whose threads take pieces
// from each other's parts, reads every piece exactly once (its sum is the
// buffer's).
func TestStreamReadsEveryByteOnce(t *testing.T) {
	buf, per, _, release := streamBuffer(3, 6*streamPiece)
	defer release()
	var want uint64
	for i := 0; i < len(buf); i += 8 {
		want += binary.LittleEndian.Uint64(buf[i:])
	}
	for _, level := range testLevels() {
		for a, k := range streamKernels[level] {
			if k == nil {
				continue
			}
			if got := k(&buf[0], len(buf)); got != want {
				t.Errorf("%s loop %d: sum %d, want %d", level, a, got, want)
			}
		}
	}
	for _, threads := range []int{1, 2, 3} {
		for loop := range StreamLoops {
			t.Run(fmt.Sprintf("threads=%d/loop=%d", threads, loop), func(t *testing.T) {
				b, p := buf, per
				if threads != 3 {
					var release func()
					b, p, _, release = streamBuffer(threads, 6*streamPiece)
					defer release()
				}
				var w uint64
				for i := 0; i < len(b); i += 8 {
					w += binary.LittleEndian.Uint64(b[i:])
				}
				for range 20 {
					if bw, got := streamPass(b, p, threads, loop); got != w || bw <= 0 {
						t.Fatalf("pass: sum %d at %.0f B/s, want %d", got, bw, w)
					}
				}
			})
		}
	}
}
