package builtins

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llamashell/lsh/llm"
)

// modelCommand is one `model SUBCOMMAND`.
type modelCommand struct {
	run   Func   // called with args[0] = "model SUBCOMMAND"
	usage string // arguments, e.g. "FILE [--json]"
	about string // one line for `model help`
}

// modelCommands is the table of `model` subcommands: adding one is one
// entry here and a file of its own. It is a function, not a package
// variable, because the subcommands read it back for their usage lines
// (a variable would be an initialisation cycle) and because it must cost
// nothing when lsh starts.
func modelCommands() map[string]modelCommand {
	return map[string]modelCommand{
		"info":  {modelInfo, "FILE [--json]", "show what a GGUF model file holds"},
		"run":   {modelRun, "-m FILE -p PROMPT [-n N] [--temp T] [--seed S] [--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R] [--ctx N] [--cache-type f32|f16] [--stop S] [--ignore-eos] [--verbose]", "generate text from a prompt, streamed as it comes"},
		"list":  {runModelList, "[--json]", "list the models folder; * marks the default"},
		"use":   {runModelUse, "NAME|FILE", "check a model opens and make it the default (config)"},
		"pull":  {runModelPull, "NAME|URL [--as NAME] [--sha256 HEX] [--force]", "download a model: progress, resume, checksum"},
		"bench": {modelBench, "-m FILE [-p 512] [-n 128] [-d 0] [-t N] [-r 3] [--cache-type f32|f16] [--json] [--bandwidth=false] [--map-only] [--cpuprofile FILE]", "measure prompt and generation speed as llama-bench does"},
		"serve": {modelServe, "[-m FILE|NAME] [--addr HOST:PORT] [--ctx N] [-t N] [--cache-type f32|f16] [--name ID] [--template FAMILY] [--quiet]", "serve a model over the OpenAI chat API (for --endpoint)"},
		"synth": {modelSynth, "--shape SHAPE --type q4_k_m|q8_0|f16 --vocab VOCAB.gguf -o FILE [--seed S] [--layers N]", "write a model with random weights in a real model's exact shape"},
	}
}

// model dispatches `model SUBCOMMAND ARGS…`.
func model(ctx context.Context, env *Env, args []string) int {
	if len(args) < 2 {
		modelUsage(env.Stderr)
		return 2
	}
	sub := args[1]
	if sub == "help" || sub == "-h" || sub == "--help" {
		if len(args) > 2 {
			if c, ok := modelCommands()[args[2]]; ok {
				fmt.Fprintf(env.Stdout, "usage: model %s %s\n%s\n", args[2], c.usage, c.about)
				return 0
			}
			return env.Errorf(2, "model", "help: unknown subcommand %q", args[2])
		}
		modelUsage(env.Stdout)
		return 0
	}
	c, ok := modelCommands()[sub]
	if !ok {
		env.Errorf(2, "model", "unknown subcommand %q", sub)
		modelUsage(env.Stderr)
		return 2
	}
	return c.run(ctx, env, append([]string{"model " + sub}, args[2:]...))
}

func modelUsage(w io.Writer) {
	cmds := modelCommands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: model SUBCOMMAND [ARGS]")
	for _, n := range names {
		fmt.Fprintf(w, "  %-6s %s\n", n, cmds[n].about)
	}
	fmt.Fprintln(w, "`model help SUBCOMMAND` shows its arguments.")
}

// newFlags returns a FlagSet for a model subcommand that reports errors
// and usage on the builtin's stderr.
func newModelFlags(env *Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sub := strings.TrimPrefix(name, "model ")
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: %s %s\n", name, modelCommands()[sub].usage)
		fs.PrintDefaults()
	}
	return fs
}

// cacheTypeFlag defines --cache-type, the KV cache's type (llm.Options.KVCache),
// and returns a check of its value for a usage error: model run, bench and
// serve take it alike, f32 by default (the configuration of the oracle
// traces), f16 as llama.cpp keeps it.
func cacheTypeFlag(fs *flag.FlagSet, why string) (*string, func() error) {
	v := fs.String("cache-type", "f32", "the KV cache's `TYPE`: f32 or f16 ("+why+")")
	return v, func() error {
		if llm.CheckKVCache(*v) != nil {
			return fmt.Errorf("--cache-type %q: want f32 or f16", *v)
		}
		return nil
	}
}

// parseArgs parses flags anywhere among the arguments (`model info FILE
// --json` as well as `model info --json FILE`) and returns the others.
func parseModelArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// resolve makes a path given to a builtin relative to the shell's working
// directory.
func envPath(env *Env, path string) string {
	if path == "" || filepath.IsAbs(path) || env.Dir == "" {
		return path
	}
	return filepath.Join(env.Dir, path)
}

// mib formats a byte count in MiB (or KiB below one MiB).
func sizeMiB(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
