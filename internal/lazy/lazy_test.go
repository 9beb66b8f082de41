package lazy

import (
	"sync"
	"testing"
)

// Build runs once, on the first Get, however many goroutines ask at once,
// and every caller sees what it built.
func TestValueBuildsOnceOnFirstUse(t *testing.T) {
	builds := 0
	v := Value[map[string]int]{Build: func() map[string]int { builds++; return map[string]int{"a": 1} }}
	if builds != 0 {
		t.Fatal("declaring a Value built it")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if v.Get()["a"] != 1 {
				t.Error("a Get saw an unbuilt table")
			}
		})
	}
	wg.Wait()
	if builds != 1 {
		t.Errorf("Build ran %d times, want 1", builds)
	}
}
