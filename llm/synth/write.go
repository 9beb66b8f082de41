package synth

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/quant"
)

// Options describe the model Write produces.
type Options struct {
	Shape Shape
	Type  FileType
	Vocab *gguf.File // a GGUF holding tokenizer.* metadata (a vocab-only file or any model)
	Seed  uint64
	// Layers, when non-zero, overrides Shape.Layers: a model of the real
	// width but fewer blocks, for quick tests. The type mix is then the
	// one llama-quantize would give a model of that depth.
	Layers int
	// Progress, when set, is called as tensor data is written, with the
	// bytes written so far, the total, and the tensor being written.
	Progress func(done, total int64, tensor string)
}

// Write writes the model to path (atomically: a failure or a cancelled ctx
// leaves no file). Tensors are generated and quantized a chunk of rows at a
// time on every core and streamed to disk, so memory stays a few MB
// whatever the size.
func Write(ctx context.Context, path string, o Options) error {
	s := o.Shape
	if o.Layers > 0 {
		s.Layers = o.Layers
	}
	plan, err := Plan(s, o.Type)
	if err != nil {
		return err
	}
	if o.Vocab == nil {
		return fmt.Errorf("synth: no vocabulary given")
	}
	tok, err := vocabKVs(o.Vocab, s)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	w := gguf.NewWriter()
	setMetadata(w, s, o.Type, tok)
	var total int64
	for i := range plan {
		total += int64(plan[i].Bytes())
	}
	p := &progress{ctx: ctx, total: total, fn: o.Progress}
	for i := range plan {
		t := plan[i]
		g, err := newGenerator(&t, &s, o.Seed, uint64(i))
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		if err := w.AddTensorFunc(t.Name, t.Type, t.Dims, func(out io.Writer) error { return g.write(out, p) }, t.Bytes()); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	if err := w.WriteFile(path); err != nil {
		return fmt.Errorf("synth: writing %s: %w", path, err)
	}
	return nil
}

// setMetadata writes the keys convert_hf_to_gguf.py writes for the
// architecture, with llama-quantize's additions, and the vocabulary's.
func setMetadata(w *gguf.Writer, s Shape, ft FileType, tok []gguf.KV) {
	a := s.Arch + "."
	u32 := func(k string, v int) { w.Set(a+k, gguf.NewUint32(uint32(v))) }
	w.Set("general.architecture", gguf.NewString(s.Arch))
	w.Set("general.type", gguf.NewString("model"))
	w.Set("general.name", gguf.NewString(fmt.Sprintf("%s (lsh model synth, random weights)", s.Title)))
	u32("block_count", s.Layers)
	u32("context_length", s.Context)
	u32("embedding_length", s.Embed)
	u32("feed_forward_length", s.FFN)
	u32("attention.head_count", s.Heads)
	u32("attention.head_count_kv", s.HeadsKV)
	w.Set(a+"rope.freq_base", gguf.NewFloat32(s.RopeBase))
	w.Set(a+"attention.layer_norm_rms_epsilon", gguf.NewFloat32(s.RMSEps))
	if s.HeadDim != 0 {
		u32("attention.key_length", s.HeadDim)
		u32("attention.value_length", s.HeadDim)
	}
	w.Set("general.file_type", gguf.NewUint32(ft.ID))
	if s.Arch == "llama" {
		u32("vocab_size", s.Vocab)
		u32("rope.dimension_count", s.headDim())
	}
	for _, kv := range tok {
		w.Set(kv.Key, kv.Value)
	}
	w.Set("general.quantization_version", gguf.NewUint32(2))
}

// progress counts bytes written across tensors.
type progress struct {
	ctx         context.Context
	mu          sync.Mutex
	done, total int64
	fn          func(done, total int64, tensor string)
}

func (p *progress) add(n int64, name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if p.fn != nil {
		p.fn(p.done, p.total, name)
	}
}

// generator produces one tensor's bytes a chunk of rows at a time.
type generator struct {
	t        *Tensor
	format   *quant.Format
	rows     int
	cols     int
	rowBytes int
	std      float32
	mean     float32
	fixed    []float32 // values computed, not drawn (rope_freqs)
	seed     uint64
}

func newGenerator(t *Tensor, s *Shape, seed, index uint64) (*generator, error) {
	f, err := quant.Lookup(t.Type)
	if err != nil || f.Quantize == nil {
		return nil, fmt.Errorf("tensor %s: cannot write type %s: %v", t.Name, t.Type, err)
	}
	g := &generator{t: t, format: f, cols: int(t.Dims[0]), rows: 1, seed: mix(seed, index)}
	for _, d := range t.Dims[1:] {
		g.rows *= int(d)
	}
	g.rowBytes = f.RowBytes(g.cols)
	switch t.fill {
	case fillNormal:
		g.std = float32(1 / math.Sqrt(float64(g.cols)))
	case fillNorm:
		g.mean, g.std = 1, 0.1
	case fillBias:
		g.std = 0.1
	case fillRopeFreqs:
		g.fixed = s.ropeFreqs()
	}
	return g, nil
}

// chunkElems is about how many elements one worker generates at a time.
const chunkElems = 1 << 20

// write generates and encodes the tensor on every core, chunk by chunk,
// and writes the chunks in order.
func (g *generator) write(out io.Writer, p *progress) error {
	rowsPer := max(1, chunkElems/g.cols)
	chunks := (g.rows + rowsPer - 1) / rowsPer
	workers := min(runtime.NumCPU(), chunks)
	type buf struct {
		f []float32
		b []byte
	}
	bufs := make([]buf, workers)
	for i := range bufs {
		bufs[i] = buf{make([]float32, rowsPer*g.cols), make([]byte, rowsPer*g.rowBytes)}
	}
	for first := 0; first < chunks; first += workers {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		var wg sync.WaitGroup
		n := min(workers, chunks-first)
		for j := range n {
			wg.Add(1)
			go func(c int, b *buf) {
				defer wg.Done()
				lo, hi := c*rowsPer, min((c+1)*rowsPer, g.rows)
				f := b.f[:(hi-lo)*g.cols]
				g.fill(f, uint64(c))
				g.format.Quantize(b.b[:(hi-lo)*g.rowBytes], f)
			}(first+j, &bufs[j])
		}
		wg.Wait()
		for j := range n {
			c := first + j
			size := (min((c+1)*rowsPer, g.rows) - c*rowsPer) * g.rowBytes
			if _, err := out.Write(bufs[j].b[:size]); err != nil {
				return err
			}
			p.add(int64(size), g.t.Name)
		}
	}
	return nil
}

// fill draws chunk c's values: mean + std·N(0,1), from a generator seeded
// by the model seed, the tensor and the chunk, so the file does not depend
// on how many cores wrote it.
func (g *generator) fill(f []float32, c uint64) {
	if g.fixed != nil {
		copy(f, g.fixed)
		return
	}
	normal := normalTable()
	state := mix(g.seed, c)
	for i := 0; i < len(f); i += 4 {
		r := splitmix(&state)
		for k := 0; k < 4 && i+k < len(f); k++ {
			f[i+k] = g.mean + g.std*normal[uint16(r>>(16*k))]
		}
	}
}

// normalTable holds the 65536 quantiles of N(0,1) at (i+½)/65536: indexing
// it with 16 random bits draws from a normal distribution discretized
// finely enough for random weights, at a fraction of the cost of
// rand.NormFloat64 (a billion draws for TinyLlama). It is built on first
// use, not at init: every lsh start links this package, few write models.
var normalTable = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for i := range t {
		p := (float64(i) + 0.5) / float64(len(t))
		t[i] = float32(math.Sqrt2 * math.Erfinv(2*p-1))
	}
	return t
})

// splitmix is the SplitMix64 generator.
func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// mix derives a seed from two numbers.
func mix(a, b uint64) uint64 {
	s := a ^ (b * 0xd1342543de82ef95)
	return splitmix(&s)
}
