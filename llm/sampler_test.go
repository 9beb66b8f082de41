package llm

import (
	"math"
	"slices"
	"testing"
)

// logits of a 6-token vocabulary with probabilities (at temperature 1)
// about 0.55, 0.20, 0.12, 0.07, 0.04, 0.02.
var sampleLogits = []float32{3.0, 2.0, 1.5, 0.9, 0.4, -0.3}

func draw(cfg SamplerConfig, logits []float32, history []int32, n int) map[int32]int {
	s := NewSampler(cfg)
	seen := map[int32]int{}
	for range n {
		seen[s.Sample(logits, history)]++
	}
	return seen
}

func TestSamplerChain(t *testing.T) {
	cases := []struct {
		name    string
		cfg     SamplerConfig
		history []int32
		allowed []int32 // tokens that may be drawn; every one must be drawn
	}{
		{"greedy", SamplerConfig{}, nil, []int32{0}},
		{"greedy after repeat penalty", SamplerConfig{RepeatPenalty: 1.6}, []int32{0, 0, 5}, []int32{1}}, // 3/1.6 < 2
		{"top-k 1 at any temperature", SamplerConfig{Temperature: 5, TopK: 1}, nil, []int32{0}},
		{"top-k 3", SamplerConfig{Temperature: 1, TopK: 3}, nil, []int32{0, 1, 2}},
		{"top-p 0.7 keeps the two best (0.55+0.20)", SamplerConfig{Temperature: 1, TopP: 0.7}, nil, []int32{0, 1}},
		{"min-p 0.15 drops below 0.15×p(top)", SamplerConfig{Temperature: 1, MinP: 0.15}, nil, []int32{0, 1, 2}},
		{"min-p after top-k", SamplerConfig{Temperature: 1, TopK: 2, MinP: 0.01}, nil, []int32{0, 1}},
		{"no filters", SamplerConfig{Temperature: 1}, nil, []int32{0, 1, 2, 3, 4, 5}},
	}
	for _, c := range cases {
		seen := draw(c.cfg, sampleLogits, c.history, 4000)
		for _, id := range c.allowed {
			if seen[id] == 0 {
				t.Errorf("%s: token %d never drawn (%v)", c.name, id, seen)
			}
			delete(seen, id)
		}
		if len(seen) > 0 {
			t.Errorf("%s: drew tokens outside %v: %v", c.name, c.allowed, seen)
		}
	}
}

// At temperature 1 with no filters, draws follow the softmax.
func TestSamplerDistribution(t *testing.T) {
	const n = 20000
	seen := draw(SamplerConfig{Temperature: 1, Seed: 3}, sampleLogits, nil, n)
	var z float64
	for _, l := range sampleLogits {
		z += math.Exp(float64(l))
	}
	for id, l := range sampleLogits {
		p := math.Exp(float64(l)) / z
		got := float64(seen[int32(id)]) / n
		if sd := math.Sqrt(p * (1 - p) / n); math.Abs(got-p) > 5*sd {
			t.Errorf("token %d drawn %.4f of the time, softmax says %.4f", id, got, p)
		}
	}
	// Temperature sharpens: at 0.5 the top token's share grows.
	cold := draw(SamplerConfig{Temperature: 0.5, Seed: 3}, sampleLogits, nil, n)
	if cold[0] <= seen[0] {
		t.Errorf("temperature 0.5 drew the top token %d times, temperature 1 %d", cold[0], seen[0])
	}
}

func TestSamplerSeedAndMask(t *testing.T) {
	cfg := DefaultSampling
	cfg.Seed = 42
	a, b := NewSampler(cfg), NewSampler(cfg)
	cfg.Seed = 43
	c := NewSampler(cfg)
	var sa, sb, sc []int32
	for range 50 {
		sa = append(sa, a.Sample(sampleLogits, nil))
		sb = append(sb, b.Sample(sampleLogits, nil))
		sc = append(sc, c.Sample(sampleLogits, nil))
	}
	if !equal(sa, sb) {
		t.Error("the same seed drew different tokens")
	}
	if equal(sa, sc) {
		t.Error("different seeds drew the same 50 tokens")
	}
	// A -Inf logit is never drawn, even greedily when it was the best.
	masked := append([]float32(nil), sampleLogits...)
	masked[0] = float32(math.Inf(-1))
	for _, cfg := range []SamplerConfig{{}, {Temperature: 2}, {Temperature: 2, TopK: 3, TopP: 0.99, MinP: 0.001}} {
		if seen := draw(cfg, masked, nil, 500); seen[0] != 0 {
			t.Errorf("%+v drew a masked token", cfg)
		}
	}
}

// topK must agree with a full sort on a large vocabulary with ties.
func TestTopKSelection(t *testing.T) {
	logits := make([]float32, 5000)
	for i := range logits {
		logits[i] = float32((i * 7919) % 1000) // many ties
	}
	s := NewSampler(SamplerConfig{Temperature: 1, TopK: 37})
	s.cand = s.cand[:0]
	for i, l := range logits {
		s.cand = append(s.cand, candidate{id: int32(i), logit: l})
	}
	got := topK(s.cand, 37)
	// Each value appears 5 times: the top 37 are the 35 tokens of 993..999
	// and, of the five 992s, the two with the lowest ids.
	var low []int32
	for _, c := range got {
		switch {
		case c.logit == 992:
			low = append(low, c.id)
		case c.logit < 993:
			t.Fatalf("token %d with logit %g among the top 37", c.id, c.logit)
		}
	}
	var want []int32
	for i, l := range logits {
		if l == 992 && len(want) < 2 {
			want = append(want, int32(i))
		}
	}
	slices.Sort(low)
	if len(got) != 37 || !equal(low, want) {
		t.Fatalf("top-37: %d tokens, ties kept %v, want %v", len(got), low, want)
	}
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// LogProb is the log of a token's softmax probability over the allowed
// (finite) logits, as the float64 definition gives it.
func TestSamplerLogProb(t *testing.T) {
	inf := float32(math.Inf(-1))
	logits := make([]float32, 1000)
	for i := range logits {
		logits[i] = float32(math.Sin(float64(i)) * 5)
		if i%3 == 0 {
			logits[i] = inf // masked
		}
	}
	s := NewSampler(SamplerConfig{})
	for _, id := range []int32{1, 2, 500, 998} {
		hi, sum := math.Inf(-1), 0.0
		for _, l := range logits {
			hi = math.Max(hi, float64(l))
		}
		for _, l := range logits {
			sum += math.Exp(float64(l) - hi)
		}
		want := float64(logits[id]) - hi - math.Log(sum)
		if got := s.LogProb(slices.Clone(logits), id); math.Abs(got-want) > 1e-5 {
			t.Errorf("token %d: %v, want %v", id, got, want)
		}
	}
	if got := s.LogProb(slices.Clone(logits), 0); !math.IsInf(got, -1) {
		t.Errorf("a masked token: %v, want -Inf", got)
	}
}
