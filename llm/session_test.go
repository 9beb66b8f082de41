package llm

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func newSession(t testing.TB, m *Model, ctx int) *Session {
	t.Helper()
	s, err := m.NewSession(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func allFinite(x []float32) bool {
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}

// A prompt evaluated as one batch and token by token gives bit-identical
// logits: batching is a speed matter only.
func TestBatchEqualsTokenByToken(t *testing.T) {
	for _, name := range []string{"stories260K.gguf", "tiny-random-q4km.gguf"} {
		m := mustLoad(t, name)
		prompt := []int32{1, 403, 407, 261, 378, 432, 383, 286, 261, 399}
		for len(prompt) < 150 { // cross the 64-token batch boundary twice
			prompt = append(prompt, prompt[len(prompt)%10+1])
		}
		batchEqualsTokenByToken(t, m, prompt, name)
	}
}

// batchEqualsTokenByToken fails the test unless prompt fed as one batch
// (FeedAll) and token by token gives bit-identical logits at every
// position; what names the case in a failure.
func batchEqualsTokenByToken(t *testing.T, m *Model, prompt []int32, what string) {
	t.Helper()
	batch := newSession(t, m, 256)
	rows, err := batch.FeedAll(context.Background(), prompt...)
	if err != nil {
		t.Fatal(err)
	}
	one := newSession(t, m, 256)
	V := m.Config.Vocab
	for i, tok := range prompt {
		if err := one.Feed(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(one.Logits(), rows[i*V:(i+1)*V]) {
			t.Fatalf("%s: position %d: batch and single-token logits differ", what, i)
		}
	}
	if !slices.Equal(batch.Logits(), one.Logits()) {
		t.Fatalf("%s: final logits differ", what)
	}
}

// The streamed text of a greedy run is llama.cpp's, piece for piece.
func TestGenerateTextMatchesOracle(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	tr := loadTrace(t, "stories260K-greedy-f32kv")
	raw := struct {
		Runs []struct {
			Pieces string `json:"generated_text_pieces"`
		} `json:"runs"`
	}{}
	readJSON(t, testdata+"traces/stories260K-greedy-f32kv.json", &raw)
	for i, run := range tr.Runs {
		s := newSession(t, m, 512)
		var streamed []string
		g, err := s.GenerateText(context.Background(), run.Prompt, GenerateOptions{
			MaxTokens: 64, IgnoreEOS: true,
			OnText: func(text string) error { streamed = append(streamed, text); return nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Tokens()[:len(run.PromptIDs)], run.PromptIDs) {
			t.Errorf("%q: prompt tokens %v, llama.cpp %v", run.Prompt, s.Tokens()[:len(run.PromptIDs)], run.PromptIDs)
		}
		if !slices.Equal(g.Tokens, run.GeneratedIDs) {
			t.Errorf("%q: generated %v\nllama.cpp %v", run.Prompt, g.Tokens, run.GeneratedIDs)
		}
		if got := strings.Join(streamed, ""); got != raw.Runs[i].Pieces || g.Text != got {
			t.Errorf("%q: streamed %q\nllama.cpp %q", run.Prompt, got, raw.Runs[i].Pieces)
		}
		if g.Stop != StopMaxTokens || g.PromptTokens != len(run.PromptIDs) {
			t.Errorf("%q: stop %v, prompt tokens %d", run.Prompt, g.Stop, g.PromptTokens)
		}
		if s.Len() != len(run.PromptIDs)+63 {
			t.Errorf("session holds %d tokens, want prompt + 63 (the last token is not evaluated)", s.Len())
		}
	}
}

func TestGenerateStopString(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	// Greedy text: ", there was a little girl named Lily. She loved to play …"
	for _, stop := range []string{"Lily", "named L", "girl"} {
		s := newSession(t, m, 512)
		var streamed strings.Builder
		g, err := s.GenerateText(context.Background(), "Once upon a time", GenerateOptions{
			MaxTokens: 64, Stop: []string{"never appears", stop},
			OnText: func(text string) error { streamed.WriteString(text); return nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		want, _, _ := strings.Cut(", there was a little girl named Lily.", stop)
		if g.Stop != StopString || g.Text != want || streamed.String() != want {
			t.Errorf("stop %q: reason %v, text %q, streamed %q; want %q", stop, g.Stop, g.Text, streamed.String(), want)
		}
	}
}

func TestGenerateCancel(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	s := newSession(t, m, 512)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	g, err := s.GenerateText(ctx, "Once upon a time", GenerateOptions{MaxTokens: 64, OnText: func(string) error {
		if n++; n == 5 {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) || g == nil || g.Stop != StopCancelled || len(g.Tokens) != 5 {
		t.Fatalf("err %v, generation %+v", err, g)
	}
	// A cancelled context stops a prompt before its first layer and leaves
	// the session as it was.
	before := s.Len()
	err = s.Feed(ctx, 1, 2, 3)
	if !errors.Is(err, context.Canceled) || s.Len() != before || s.Logits() != nil && len(s.Logits()) != 0 {
		t.Fatalf("feed on a cancelled context: %v, len %d → %d", err, before, s.Len())
	}
}

// Long context: past 1024 tokens on stories260K without error, and the
// logits stay finite.
func TestLongContext(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	s := newSession(t, m, 2048)
	g, err := s.GenerateText(context.Background(), "Once upon a time", GenerateOptions{
		MaxTokens: 1100, IgnoreEOS: true, Sampling: SamplerConfig{Temperature: 0.8, TopK: 40, Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tokens) != 1100 || s.Len() != 5+1099 || !allFinite(s.Logits()) {
		t.Fatalf("%d tokens, session %d, finite %v", len(g.Tokens), s.Len(), allFinite(s.Logits()))
	}
}

func TestContextLimits(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	s := newSession(t, m, 8)
	g, err := s.GenerateText(context.Background(), "Once upon a time", GenerateOptions{IgnoreEOS: true})
	if err != nil || g.Stop != StopContextFull || s.Len() != 8 || len(g.Tokens) != 4 {
		t.Fatalf("err %v, stop %v, len %d, %d tokens", err, g.Stop, s.Len(), len(g.Tokens))
	}
	_, err = newSession(t, m, 4).GenerateText(context.Background(), "Once upon a time there was a dog", GenerateOptions{})
	if !errors.Is(err, ErrContextFull) || !strings.Contains(err.Error(), "more than the context of 4") {
		t.Fatalf("long prompt: %v", err)
	}
	if err := newSession(t, m, 8).Feed(context.Background(), 1, 600); err == nil || !strings.Contains(err.Error(), "token 600") {
		t.Fatalf("token outside the vocabulary: %v", err)
	}
}

func TestPrefillReusesPrefix(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	s := newSession(t, m, 64)
	a := []int32{1, 403, 407, 261, 378}
	if n, err := s.Prefill(context.Background(), a); err != nil || n != 0 {
		t.Fatal(n, err)
	}
	b := append(slices.Clone(a[:4]), 432, 383)
	n, err := s.Prefill(context.Background(), b)
	if err != nil || n != 4 || !slices.Equal(s.Tokens(), b) {
		t.Fatalf("reused %d, %v, tokens %v", n, err, s.Tokens())
	}
	fresh := newSession(t, m, 64)
	fresh.Feed(context.Background(), b...)
	if !slices.Equal(fresh.Logits(), s.Logits()) {
		t.Fatal("logits after reusing a prefix differ from a fresh evaluation")
	}
	// The same prompt again re-evaluates only its last token.
	if n, _ := s.Prefill(context.Background(), b); n != len(b)-1 || !slices.Equal(fresh.Logits(), s.Logits()) {
		t.Fatalf("same prompt reused %d", n)
	}
}

func TestSaveRestoreState(t *testing.T) {
	m := mustLoad(t, "tiny-random-q4km.gguf")
	ctx := context.Background()
	prefix := []int32{1, 403, 407, 261, 378, 432, 383}
	s := newSession(t, m, 64)
	s.Feed(ctx, prefix...)
	st, err := s.Save(s.Len())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := st.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d, %v (buffer %d)", n, err, buf.Len())
	}
	read, err := ReadState(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	s.Feed(ctx, 286, 261)
	want := slices.Clone(s.Logits())

	other := newSession(t, m, 64)
	other.Feed(ctx, 5, 6, 7) // whatever was there is replaced
	if err := other.Restore(read); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(other.Tokens(), prefix) || len(other.Logits()) != 0 {
		t.Fatalf("restored tokens %v, logits %d", other.Tokens(), len(other.Logits()))
	}
	other.Feed(ctx, 286, 261)
	if !slices.Equal(other.Logits(), want) {
		t.Fatal("continuing from a restored state differs from continuing the original")
	}

	// A truncated prefix restores the prefix only.
	part, _ := s.Save(3)
	if err := other.Restore(part); err != nil || other.Len() != 3 {
		t.Fatal(err, other.Len())
	}
	// Another model's state, a truncated file, a bad magic and a state too
	// long for the context are refused.
	if err := newSession(t, mustLoad(t, "stories260K.gguf"), 64).Restore(read); err == nil || !strings.Contains(err.Error(), "different model") {
		t.Errorf("restore into another model: %v", err)
	}
	if _, err := ReadState(bytes.NewReader(buf.Bytes()[:buf.Len()-5])); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated state: %v", err)
	}
	if _, err := ReadState(strings.NewReader("GGUF and more bytes than a header needs, surely, yes indeed more")); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("bad magic: %v", err)
	}
	if err := newSession(t, m, 4).Restore(read); !errors.Is(err, ErrContextFull) {
		t.Errorf("state longer than the context: %v", err)
	}
}

func TestTruncate(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf")
	ctx := context.Background()
	s := newSession(t, m, 64)
	s.Feed(ctx, 1, 403, 407, 261, 378)
	if err := s.Truncate(3); err != nil || s.Len() != 3 || len(s.Logits()) != 0 {
		t.Fatal(err, s.Len())
	}
	s.Feed(ctx, 261, 378)
	fresh := newSession(t, m, 64)
	fresh.Feed(ctx, 1, 403, 407, 261, 378)
	if !slices.Equal(s.Logits(), fresh.Logits()) {
		t.Fatal("re-feeding after Truncate differs from a fresh run")
	}
	if err := s.Truncate(9); err == nil {
		t.Fatal("truncating beyond the length must fail")
	}
}

// llama-2-tiny-random: F16 matrices and the full 32000-token vocabulary.
func TestLlama2TinyRandomF16(t *testing.T) {
	m := mustLoad(t, "llama-2-tiny-random.gguf")
	if m.Config.Vocab != 32000 || m.output.format.Type.String() != "F16" {
		t.Fatalf("vocab %d, output %s", m.Config.Vocab, m.output.format.Type)
	}
	s := newSession(t, m, 128)
	g, err := s.GenerateText(context.Background(), "Hello world", GenerateOptions{MaxTokens: 32, IgnoreEOS: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tokens) != 32 || !allFinite(s.Logits()) {
		t.Fatalf("%d tokens, finite %v", len(g.Tokens), allFinite(s.Logits()))
	}
}

// countdown is a context whose Err turns to Canceled after n checks: it
// shows where the forward pass looks at its context.
type countdown struct {
	context.Context
	n int
}

func (c *countdown) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// Cancelling during a prompt takes effect at the next layer, not at the
// end of the batch; the session keeps no half-evaluated tokens.
func TestCancelBetweenLayers(t *testing.T) {
	m := mustLoad(t, "stories260K.gguf") // 5 layers
	s := newSession(t, m, 64)
	ctx := &countdown{Context: context.Background(), n: 3}
	err := s.Feed(ctx, 1, 403, 407, 261, 378, 432, 383, 286)
	if !errors.Is(err, context.Canceled) || ctx.n != -1 || s.Len() != 0 || len(s.Logits()) != 0 {
		t.Fatalf("err %v after %d checks, session holds %d", err, 3-ctx.n, s.Len())
	}
	// The session is still usable.
	if err := s.Feed(context.Background(), 1, 403); err != nil || s.Len() != 2 || !allFinite(s.Logits()) {
		t.Fatal(err, s.Len())
	}
}
