package builtins

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/synth"
)

// modelSynth is `model synth --shape S --type T --vocab V -o FILE`: write a
// model with random weights in the exact shape, tensor types and metadata
// of a real one, so its speed can be measured here and in llama.cpp
// without downloading it.
func modelSynth(ctx context.Context, env *Env, args []string) int {
	name := args[0]
	fs := newModelFlags(env, name)
	shapeName := fs.String("shape", "", "model to imitate: "+synth.ShapeNames())
	typeName := fs.String("type", "q4_k_m", "file type: q4_k_m, q8_0 or f16")
	vocabPath := fs.String("vocab", "", "GGUF holding the tokenizer (a vocab-only file or any model of that family)")
	out := fs.String("o", "", "output `FILE`")
	seed := fs.Uint64("seed", 1, "random seed of the weights")
	layers := fs.Int("layers", 0, "write only the first N blocks (a quick model of the real width)")
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if *shapeName == "" || *vocabPath == "" || *out == "" || len(rest) > 0 || *layers < 0 {
		fs.Usage()
		return 2
	}
	shape, err := synth.ShapeByName(*shapeName)
	if err != nil {
		return env.Errorf(2, name, "%v", err)
	}
	ft, err := synth.FileTypeByName(*typeName)
	if err != nil {
		return env.Errorf(2, name, "%v", err)
	}
	vocab, err := gguf.Open(envPath(env, *vocabPath))
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	defer vocab.Close()

	start := time.Now()
	p := newLineProgress(env.Stderr, "synth "+shape.Name)
	err = synth.Write(ctx, envPath(env, *out), synth.Options{Shape: shape, Type: ft, Vocab: vocab, Seed: *seed, Layers: *layers,
		Progress: p.update})
	p.finish()
	if err != nil {
		if ctx.Err() != nil {
			return env.Errorf(130, name, "interrupted; no file written")
		}
		return env.Errorf(1, name, "%v", err)
	}
	f, err := gguf.Open(envPath(env, *out))
	if err != nil {
		return env.Errorf(1, name, "reading back %s: %v", *out, err)
	}
	defer f.Close()
	s := gguf.Summarize(f)
	var mix []string
	for _, m := range s.QuantMix {
		mix = append(mix, fmt.Sprintf("%d %s", m.Tensors, m.Type))
	}
	fmt.Fprintf(env.Stderr, "%s: wrote %s: %s parameters, %s of tensors (%s) in %.1fs\n",
		name, *out, paramCount(s.Parameters), sizeMiB(int64(s.TensorBytes)), strings.Join(mix, ", "), time.Since(start).Seconds())
	return 0
}

// lineProgress shows how far a long write is: a percentage line redrawn in
// place on a terminal, a plain line every 10% otherwise (logs, pipes).
type lineProgress struct {
	w      io.Writer
	label  string
	tty    bool
	last   time.Time
	decile int64
	shown  bool
}

func newLineProgress(w io.Writer, label string) *lineProgress {
	f, ok := w.(*os.File)
	return &lineProgress{w: w, label: label, tty: ok && term.IsTerminal(int(f.Fd())), decile: -1}
}

func (p *lineProgress) update(done, total int64, item string) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	if p.tty {
		if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || done == total {
			p.last = now
			fmt.Fprintf(p.w, "\r\x1b[K%s: %3d%%  %s / %s  %s", p.label, pct, sizeMiB(done), sizeMiB(total), item)
			p.shown = true
		}
		return
	}
	if d := pct / 10; d > p.decile {
		p.decile = d
		fmt.Fprintf(p.w, "%s: %3d%%  %s / %s\n", p.label, pct, sizeMiB(done), sizeMiB(total))
	}
}

// finish ends the in-place line.
func (p *lineProgress) finish() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}
