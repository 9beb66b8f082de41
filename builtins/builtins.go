// Package builtins holds lsh's own commands — llama, explain, diagnose, why,
// model … — each in a small file of its own. They are plain functions over
// an Env, so they run the same from the interactive shell, from `lsh -c`,
// and from tests; cmd/lsh-full registers them with the shell session.
package builtins

import (
	"context"
	"fmt"
	"io"
)

// Env is what a builtin sees of the shell that runs it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Dir is the shell's working directory; relative paths in arguments are
	// relative to it, not to the process's.
	Dir string
	// Getenv reads the shell's variables (not the process environment).
	Getenv func(name string) string
	// Interactive is true when stdin and stdout are a terminal the builtin
	// may prompt on.
	Interactive bool
	// Last is the command that ran before this builtin, for `why`.
	Last LastRun
}

// LastRun describes the previous command line the shell ran.
type LastRun struct {
	Command string
	Status  int
	// Stderr is the tail of what the command wrote to standard error, when
	// the shell could capture it without changing how the command behaved
	// (empty otherwise).
	Stderr string
}

// Errorf prints "NAME: message" on the builtin's stderr and returns status,
// the convention every lsh builtin follows for failures.
func (e *Env) Errorf(status int, name, format string, args ...any) int {
	fmt.Fprintf(e.Stderr, "%s: %s\n", name, fmt.Sprintf(format, args...))
	return status
}

// Func is a builtin: it runs with args (args[0] is the builtin's name) and
// returns the exit status.
type Func func(ctx context.Context, env *Env, args []string) int

// builtin is one row of the table of builtins.
type builtin struct {
	name string
	fn   Func
}

// table is every builtin, sorted by name: adding one is a row here and a
// file of its own. It is a function rather than a map that each file
// fills from init, because Go initialises every package linked into lsh
// on every `lsh -c`, and the builtins' tables must cost nothing there
// (docs/performance.md, "shell").
func table() []builtin {
	return []builtin{
		{"diagnose", func(ctx context.Context, env *Env, args []string) int { return defaultDiagnoser.run(ctx, env, args) }},
		{"explain", func(ctx context.Context, env *Env, args []string) int { return defaultExplainer.run(ctx, env, args) }},
		{"llama", runLlama},
		{"model", model},
		{"why", runWhy},
	}
}

// Lookup returns the builtin called name.
func Lookup(name string) (Func, bool) {
	for _, b := range table() {
		if b.name == name {
			return b.fn, true
		}
	}
	return nil, false
}

// Names lists every builtin, sorted.
func Names() []string {
	t := table()
	names := make([]string, len(t))
	for i, b := range t {
		names[i] = b.name
	}
	return names
}
