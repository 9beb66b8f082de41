package sysinfo

import (
	"context"
	"testing"
)

// BenchmarkCollect measures what diagnose costs beyond its sample: one
// reading of every counter and process (sample 0).
func BenchmarkCollect(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := Collect(ctx, 0); err != nil {
			b.Fatal(err)
		}
	}
}
