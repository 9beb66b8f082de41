package shell

import (
	"reflect"

	"mvdan.cc/sh/v3/interp"

	"github.com/llamashell/lsh/internal/lazy"
)

// runnerField is the index of interp.HandlerContext's unexported runner
// field, or -1 if this version of the interpreter has none.
//
// Why reach into the interpreter at all: a handler only sees a
// HandlerContext, yet lsh must know which (sub)shell is running the command.
// A background job must be a copy of that subshell (Runner.Subshell, with its
// local variables and functions), `exec` may only replace the process when
// the main shell runs it (subshells are goroutines of the same process), and
// `wait` waits for the jobs of the shell that calls it. This one read of a
// pointer is the whole dependency on interp's internals; TestRunnerOf fails
// loudly if an upgrade of mvdan.cc/sh removes the field.
var runnerField = lazy.Value[int]{Build: func() int {
	f, ok := reflect.TypeFor[interp.HandlerContext]().FieldByName("runner")
	if !ok || f.Type != reflect.TypeFor[*interp.Runner]() || len(f.Index) != 1 {
		return -1
	}
	return f.Index[0]
}}

// runnerOf returns the interpreter (the main shell or one of its subshells)
// that called the handler owning hc, or nil if it cannot be known.
func runnerOf(hc interp.HandlerContext) *interp.Runner {
	if runnerField.Get() < 0 {
		return nil
	}
	v := reflect.ValueOf(&hc).Elem().Field(runnerField.Get())
	if v.IsNil() {
		return nil
	}
	return (*interp.Runner)(v.UnsafePointer())
}
