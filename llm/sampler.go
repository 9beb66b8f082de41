package llm

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/quant"
)

// SamplerConfig chooses how the next token is drawn from the logits. The
// zero value is greedy decoding; DefaultSampling is llama.cpp's defaults.
type SamplerConfig struct {
	// Temperature divides the logits; ≤ 0 means greedy (the most likely
	// token after the penalties, the lowest id on a tie).
	Temperature float32
	TopK        int     // keep the K most likely tokens; ≤ 0 keeps all
	TopP        float32 // keep the smallest set whose probability reaches P; ≥ 1 (or 0) keeps all
	MinP        float32 // drop tokens less likely than MinP × the top token's probability; ≤ 0 keeps all
	// RepeatPenalty divides positive logits (multiplies negative ones) of
	// tokens among the last RepeatLastN of the history, once per distinct
	// token, as llama.cpp does; 1 (or 0) is off.
	RepeatPenalty float32
	RepeatLastN   int // how much history the penalty sees; 0 means 64
	Seed          uint64
}

// DefaultSampling is llama.cpp's default sampling (common_params_sampling):
// temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repeat penalty
// over the last 64 tokens. Set Seed before use.
var DefaultSampling = SamplerConfig{Temperature: 0.8, TopK: 40, TopP: 0.95, MinP: 0.05, RepeatPenalty: 1, RepeatLastN: 64}

// Sampler draws tokens from logits through llama.cpp's default sampler
// chain, in its order:
//
//	repeat penalty → top-k → top-p → min-p → temperature → draw
//
// (llama.cpp's DRY, typical-p, XTC and top-n-σ stages are off by default
// and not implemented.) The draw is a weighted choice by a PCG generator
// seeded with Seed, so a seed reproduces a run of lsh, but not of
// llama.cpp, whose generator differs.
type Sampler struct {
	cfg  SamplerConfig
	rng  *rand.Rand
	cand []candidate
	seen map[int32]bool
}

type candidate struct {
	id    int32
	logit float32
	p     float32
}

// NewSampler returns a Sampler for cfg.
func NewSampler(cfg SamplerConfig) *Sampler {
	if cfg.RepeatLastN == 0 {
		cfg.RepeatLastN = 64
	}
	return &Sampler{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), seen: map[int32]bool{}}
}

// Config returns the sampler's configuration.
func (s *Sampler) Config() SamplerConfig { return s.cfg }

// LogProb is the natural log of token id's probability under the softmax
// of logits (-Inf entries, masked tokens, have none); it overwrites
// logits (grammar.LogProber).
func (s *Sampler) LogProb(logits []float32, id int32) float64 {
	l := float64(logits[id])
	return l - quant.LogSumExp(logits)
}

// Sample chooses the next token from logits ([Vocab], not modified) given
// the tokens so far (for the repeat penalty). Logits of -Inf (masked out by
// a constraint) are never chosen unless every logit is -Inf.
func (s *Sampler) Sample(logits []float32, history []int32) int32 {
	c := s.cfg
	if cap(s.cand) < len(logits) {
		// Once, whole: appending doubled it a dozen times over fresh pages.
		s.cand = make([]candidate, 0, len(logits))
		pages.Populate(s.cand[:len(logits)])
	}
	s.cand = s.cand[:0]
	for i, l := range logits {
		s.cand = append(s.cand, candidate{id: int32(i), logit: l})
	}
	s.penalize(history)
	if c.Temperature <= 0 {
		best := 0
		for i, cd := range s.cand {
			if cd.logit > s.cand[best].logit {
				best = i
			}
		}
		return s.cand[best].id
	}
	if c.TopK > 0 && c.TopK < len(s.cand) {
		s.cand = topK(s.cand, c.TopK)
	}
	if c.TopP > 0 && c.TopP < 1 {
		// Sort by logit, descending (ties: lower id first): top-p needs
		// the order, the other stages only the maximum.
		slices.SortFunc(s.cand, byLogit)
		s.softmax()
		var cum float32
		for i := range s.cand {
			cum += s.cand[i].p
			if cum >= c.TopP {
				s.cand = s.cand[:i+1]
				break
			}
		}
	}
	if c.MinP > 0 {
		// In logit space, as llama.cpp: keep logit ≥ max + ln(MinP).
		floor := s.maxLogit() + float32(math.Log(float64(c.MinP)))
		kept := s.cand[:0]
		for _, cd := range s.cand {
			if cd.logit >= floor {
				kept = append(kept, cd)
			}
		}
		s.cand = kept
	}
	for i := range s.cand {
		s.cand[i].logit /= c.Temperature
	}
	s.softmax()
	u := s.rng.Float32()
	var cum float32
	for _, cd := range s.cand {
		cum += cd.p
		if u < cum {
			return cd.id
		}
	}
	return s.cand[len(s.cand)-1].id
}

// penalize applies the repeat penalty to the candidates (still indexed by
// token id).
func (s *Sampler) penalize(history []int32) {
	pen := s.cfg.RepeatPenalty
	if pen == 0 || pen == 1 || len(history) == 0 {
		return
	}
	clear(s.seen)
	for _, t := range history[max(0, len(history)-s.cfg.RepeatLastN):] {
		if t < 0 || int(t) >= len(s.cand) || s.seen[t] {
			continue
		}
		s.seen[t] = true
		if l := &s.cand[t].logit; *l <= 0 {
			*l *= pen
		} else {
			*l /= pen
		}
	}
}

func (s *Sampler) maxLogit() float32 {
	hi := s.cand[0].logit
	for _, cd := range s.cand {
		hi = max(hi, cd.logit)
	}
	return hi
}

// softmax sets p of the candidates; a -Inf logit gets p = 0.
func (s *Sampler) softmax() {
	hi := s.maxLogit()
	var sum float64
	for i := range s.cand {
		e := float32(math.Exp(float64(s.cand[i].logit - hi)))
		s.cand[i].p = e
		sum += float64(e)
	}
	for i := range s.cand {
		s.cand[i].p = float32(float64(s.cand[i].p) / sum)
	}
}

// byLogit orders candidates by descending logit, then ascending id.
func byLogit(a, b candidate) int {
	switch {
	case a.logit > b.logit:
		return -1
	case a.logit < b.logit:
		return 1
	}
	return int(a.id - b.id)
}

// topK moves the k best candidates (by byLogit) to the front, unordered,
// in O(n log k) with a min-heap of the best so far, and returns them: a
// full sort of a 150k vocabulary per token would cost milliseconds.
func topK(c []candidate, k int) []candidate {
	h := c[:k]
	worse := func(i, j int) bool { return byLogit(h[i], h[j]) > 0 } // heap root is the worst kept
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= k {
				return
			}
			if r := l + 1; r < k && worse(r, l) {
				l = r
			}
			if !worse(l, i) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, cd := range c[k:] {
		if byLogit(cd, h[0]) < 0 {
			h[0] = cd
			down(0)
		}
	}
	return h
}
