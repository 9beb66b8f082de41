package builtins

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
)

// llama TEXT… is a request in natural language, the same as typing
// "? TEXT" at the prompt: lsh proposes a command (run after the person's
// yes), runs one of its own builtins, or answers. It is how scripts and -c
// strings ask, since only a typed line is ever reinterpreted:
//
//	llama "my computer feels slow"
//	lsh -c 'llama list the biggest files here'
//
// The path from request to what runs (engines, confirmation on a terminal,
// refusal without one) belongs to the shell, which installs it with
// SetNatural; this file is the command's entry point.

// Runner runs a command line in the shell that called the builtin, with
// the builtin's input and output, and returns its exit status.
type Runner func(src string) (int, error)

// NaturalFunc answers a request for the llama builtin: resolve it, ask
// the person when a command needs it, and run what they confirm with run.
// It returns the exit status.
type NaturalFunc func(ctx context.Context, env *Env, run Runner, request string) int

var natural atomic.Pointer[NaturalFunc]

// SetNatural installs the natural-language path llama hands its requests
// to. cmd/lsh-full installs it at start-up.
func SetNatural(fn NaturalFunc) { natural.Store(&fn) }

type runnerKey struct{}

// WithRunner returns ctx carrying run: how a builtin runs code in the
// shell that called it. The shell's builtin wiring adds it to every call.
func WithRunner(ctx context.Context, run Runner) context.Context {
	return context.WithValue(ctx, runnerKey{}, run)
}

// runnerOf returns the runner ctx carries, nil when none.
func runnerOf(ctx context.Context) Runner {
	run, _ := ctx.Value(runnerKey{}).(Runner)
	return run
}

const llamaUsage = `usage: llama TEXT...`

func runLlama(ctx context.Context, env *Env, args []string) int {
	if len(args) == 2 && (args[1] == "-h" || args[1] == "--help") {
		fmt.Fprintln(env.Stdout, llamaUsage)
		fmt.Fprintln(env.Stdout, `Asks lsh in natural language, as "? TEXT" does at the prompt: a command to run after your yes, an action, or an answer.`)
		return 0
	}
	request := strings.TrimSpace(strings.Join(args[1:], " "))
	if request == "" {
		return env.Errorf(2, "llama", "what would you like to do?\n%s", llamaUsage)
	}
	fn := natural.Load()
	if fn == nil {
		return env.Errorf(1, "llama", "this program has no natural-language engine")
	}
	run := runnerOf(ctx)
	if run == nil {
		return env.Errorf(1, "llama", "no shell to run commands in")
	}
	return (*fn)(ctx, env, run, request)
}
