package grammar

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// fakeSession is a model that answers with random logits: what Generate
// does with them is the grammar's business.
type fakeSession struct {
	ctx     int
	tokens  []int32
	logits  []float32
	rng     *rand.Rand
	batches []int // sizes of the Feed calls
}

func (s *fakeSession) Prefill(ctx context.Context, prompt []int32) (int, error) {
	s.tokens = s.tokens[:0]
	return 0, s.Feed(ctx, prompt...)
}

func (s *fakeSession) Feed(ctx context.Context, tokens ...int32) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.batches = append(s.batches, len(tokens))
	s.tokens = append(s.tokens, tokens...)
	for i := range s.logits {
		s.logits[i] = float32(s.rng.NormFloat64() * 3)
	}
	return nil
}

func (s *fakeSession) Logits() []float32 { return s.logits }
func (s *fakeSession) Tokens() []int32   { return s.tokens }
func (s *fakeSession) ContextSize() int  { return s.ctx }

// softmaxSampler draws from the softmax of the logits.
type softmaxSampler struct{ rng *rand.Rand }

func (s softmaxSampler) Sample(logits []float32, _ []int32) int32 {
	hi := float32(math.Inf(-1))
	for _, l := range logits {
		hi = max(hi, l)
	}
	sum := 0.0
	for _, l := range logits {
		sum += math.Exp(float64(l - hi))
	}
	r := s.rng.Float64() * sum
	for i, l := range logits {
		if r -= math.Exp(float64(l - hi)); r <= 0 {
			return int32(i)
		}
	}
	return int32(len(logits) - 1)
}

// scoringSampler is softmaxSampler scoring every choice with a set value,
// to see Generate ask it (LogProber) rather than compute it.
type scoringSampler struct {
	softmaxSampler
	score float64
}

func (s scoringSampler) LogProb([]float32, int32) float64 { return s.score }

// A Sampler that scores its choices is asked for their log-probabilities.
func TestGenerateAsksLogProber(t *testing.T) {
	g, err := New(mustProgram(t, testSchema), loadVocab(t, stories))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 1))
	s := &fakeSession{ctx: 400, logits: make([]float32, g.vocab.size), rng: rng}
	res, err := Generate(context.Background(), s, []int32{1, 2, 3}, g, GenerateOptions{Sampler: scoringSampler{softmaxSampler{rng}, -0.25}})
	if err != nil {
		t.Fatal(err)
	}
	if want := -0.25 * float64(res.Sampled); math.Abs(res.LogProb-want) > 1e-9 {
		t.Errorf("log-probability %v after %d sampled tokens scored -0.25 each, want %v", res.LogProb, res.Sampled, want)
	}
}

// Generate feeds forced text in batches, stops as soon as the text is
// complete, keeps within MaxTokens, and stops when asked to.
func TestGenerate(t *testing.T) {
	g, err := New(mustProgram(t, testSchema), loadVocab(t, stories))
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 1))
		s := &fakeSession{ctx: 400, logits: make([]float32, g.vocab.size), rng: rng}
		maxTokens := 0
		if seed%2 == 1 {
			maxTokens = 40 + int(seed)
		}
		prompt := []int32{1, 2, 3}
		res, err := Generate(context.Background(), s, prompt, g, GenerateOptions{Sampler: softmaxSampler{rng}, MaxTokens: maxTokens})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		var spelled []byte
		for _, id := range res.Tokens {
			spelled = append(spelled, g.vocab.Piece(id)...)
		}
		if string(spelled) != string(res.Text) || checkIntent(res.Text) != "" {
			t.Fatalf("seed %d: tokens spell %q, text %q (%s)", seed, spelled, res.Text, checkIntent(res.Text))
		}
		if maxTokens > 0 && len(res.Tokens) > maxTokens {
			t.Errorf("seed %d: %d tokens, over %d", seed, len(res.Tokens), maxTokens)
		}
		// The prompt went with the forced opening, and the last batch
		// (which completed the text) was never fed.
		if res.PromptTokens != len(prompt)+len(g.vocab.tokenize([]byte(`{"kind":"`))) || s.batches[0] != res.PromptTokens {
			t.Errorf("seed %d: prompt of %d tokens, first batch %d", seed, res.PromptTokens, s.batches[0])
		}
		if fed := len(s.tokens); fed >= len(prompt)+len(res.Tokens) {
			t.Errorf("seed %d: %d tokens fed for %d generated: the complete text was fed on", seed, fed, len(res.Tokens))
		}
		if res.Sampled >= len(res.Tokens) || res.LogProb > 0 {
			t.Errorf("seed %d: %d sampled of %d, log-probability %v", seed, res.Sampled, len(res.Tokens), res.LogProb)
		}
	}

	// A callback's error stops generation and is returned.
	stop := errors.New("enough")
	s := &fakeSession{ctx: 400, logits: make([]float32, g.vocab.size), rng: rand.New(rand.NewPCG(1, 2))}
	calls := 0
	res, err := Generate(context.Background(), s, []int32{1}, g, GenerateOptions{Sampler: softmaxSampler{s.rng}, OnToken: func(p Progress) error {
		calls++
		if p.Sampled != calls || len(p.Text) == 0 {
			t.Errorf("progress %+v at call %d", p, calls)
		}
		return stop
	}})
	if !errors.Is(err, stop) || calls != 1 || res.Sampled != 1 {
		t.Errorf("stopped by the callback: %v, %d calls, %d sampled", err, calls, res.Sampled)
	}

	// No room: a clear error.
	_, err = Generate(context.Background(), s, make([]int32, 400), g, GenerateOptions{Sampler: softmaxSampler{s.rng}})
	if !errors.Is(err, ErrContextFull) {
		t.Errorf("a full context: %v", err)
	}
	_, err = Generate(context.Background(), s, make([]int32, 390), g, GenerateOptions{Sampler: softmaxSampler{s.rng}})
	if err == nil || !strings.Contains(err.Error(), "shortest valid output") {
		t.Errorf("too little room: %v", err)
	}
}
