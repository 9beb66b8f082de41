package builtins

import (
	"context"
	"strings"
	"testing"
)

// TestLlama checks the builtin's side of the natural-language path: the
// request it hands over, the runner of the calling shell it passes on,
// and its errors.
func TestLlama(t *testing.T) {
	var gotRequest string
	var ran []string
	SetNatural(func(ctx context.Context, env *Env, run Runner, request string) int {
		gotRequest = request
		status, err := run("echo confirmed")
		if err != nil {
			t.Errorf("run: %v", err)
		}
		return status + 40
	})
	defer natural.Store(nil)
	run := Runner(func(src string) (int, error) { ran = append(ran, src); return 2, nil })
	ctx := WithRunner(context.Background(), run)

	var out, errb strings.Builder
	env := &Env{Stdout: &out, Stderr: &errb}
	if st := runLlama(ctx, env, []string{"llama", "my computer", "feels slow "}); st != 42 {
		t.Errorf("status %d, want the path's 42", st)
	}
	if gotRequest != "my computer feels slow" || len(ran) != 1 || ran[0] != "echo confirmed" {
		t.Errorf("request %q, ran %q", gotRequest, ran)
	}

	if st := runLlama(ctx, env, []string{"llama", "  "}); st != 2 || !strings.Contains(errb.String(), "llama: what would you like to do?") {
		t.Errorf("empty request: status %d, stderr %q", st, errb.String())
	}
	errb.Reset()
	if st := runLlama(context.Background(), env, []string{"llama", "hi"}); st != 1 || !strings.Contains(errb.String(), "no shell to run commands in") {
		t.Errorf("without a runner: status %d, stderr %q", st, errb.String())
	}
	natural.Store(nil)
	errb.Reset()
	if st := runLlama(ctx, env, []string{"llama", "hi"}); st != 1 || !strings.Contains(errb.String(), "no natural-language engine") {
		t.Errorf("without a path: status %d, stderr %q", st, errb.String())
	}
	if st := runLlama(ctx, env, []string{"llama", "--help"}); st != 0 || !strings.Contains(out.String(), "usage: llama TEXT...") {
		t.Errorf("--help: status %d, stdout %q", st, out.String())
	}
}
