package bench

import (
	"testing"
	"time"
)

// The median ratio is what the benchmark reports for a loaded machine: it
// must be the middle run, untouched by one slow outlier.
func TestMedian(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	tests := []struct {
		runs []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{ms(7), 7 * time.Millisecond},
		{ms(9, 7, 500), 9 * time.Millisecond},
		{ms(10, 6, 8, 400), 9 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := median(tc.runs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.runs, got, tc.want)
		}
	}
}
