package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/llamashell/lsh/llm/gguf"
)

// modelInfo is `model info FILE [--json]`: what a GGUF file holds — the
// facts a person needs to know what model it is and what it will cost.
func modelInfo(_ context.Context, env *Env, args []string) int {
	fs := newModelFlags(env, args[0])
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(rest) != 1 {
		fs.Usage()
		return 2
	}
	f, err := gguf.Open(envPath(env, rest[0]))
	if err != nil {
		return env.Errorf(1, args[0], "%v", err)
	}
	defer f.Close()
	s := gguf.Summarize(f)
	if *asJSON {
		out, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return env.Errorf(1, args[0], "%v", err)
		}
		fmt.Fprintf(env.Stdout, "%s\n", out)
		return 0
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	row := func(k, format string, a ...any) { fmt.Fprintf(w, "%s\t"+format+"\n", append([]any{k}, a...)...) }
	row("file", "%s (%s, GGUF v%d)", s.Path, sizeMiB(s.FileSize), s.Version)
	row("architecture", "%s", orDash(s.Architecture))
	if s.Name != "" {
		row("name", "%s", s.Name)
	}
	row("parameters", "%s", paramCount(s.Parameters))
	if s.FileType != "" {
		row("file type", "%s", s.FileType)
	}
	if s.Context > 0 {
		row("context length", "%d", s.Context)
	}
	if s.Layers > 0 {
		row("shape", "%d layers, width %d, %d heads (%d KV), feed-forward %d", s.Layers, s.Embedding, s.Heads, s.HeadsKV, s.FeedForward)
	}
	if s.VocabSize > 0 {
		vt := s.VocabType
		if s.PreTokenizer != "" {
			vt += ", pre-tokenizer " + s.PreTokenizer
		}
		row("vocabulary", "%d tokens (%s)", s.VocabSize, vt)
	}
	if s.ChatTemplate {
		row("chat template", "yes")
	}
	row("tensors", "%d (%s), %d metadata keys", s.Tensors, sizeMiB(int64(s.TensorBytes)), s.Metadata)
	w.Flush()
	fmt.Fprintln(env.Stdout, "\nquant mix:")
	w = tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  type\ttensors\tbytes\tparameters\t")
	for _, m := range s.QuantMix {
		fmt.Fprintf(w, "  %s\t%d\t%s\t%s\t\n", m.Type, m.Tensors, sizeMiB(int64(m.Bytes)), paramCount(m.Params))
	}
	w.Flush()
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// count formats a number of parameters as 1.10B, 135.0M, 292.4K.
func paramCount(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
