package shell

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// lastProbe registers a builtin "last" that prints what Call.Last says.
func lastProbe(t *testing.T, ts *testShell) {
	t.Helper()
	err := ts.RegisterBuiltin("last", func(ctx context.Context, c *Call) int {
		l := c.Last()
		fmt.Fprintf(c.Stdout, "text=%q status=%d stderr=%q\n", l.Text, l.Status, l.Stderr)
		return 0
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLastRun checks what a builtin such as why sees of the command before
// it: on the same line, on the line before, and what error output lsh
// captured.
func TestLastRun(t *testing.T) {
	ts := newTestShell(t, Options{})
	lastProbe(t, ts)
	cases := []struct {
		name string
		prog string // run before
		line string // the line with `last`
		want string
	}{
		{"nothing ran", "", "last", `text="" status=0 stderr=""`},
		{"the command before on the same line", "", "nosuchcmd-x arg; last",
			`text="nosuchcmd-x arg" status=127 stderr="lsh: nosuchcmd-x: command not found\n"`},
		{"the line before, as typed", "ls /nonexistent-dir | cat >/dev/null; (exit 3)", "last",
			`text="ls /nonexistent-dir | cat >/dev/null; (exit 3)" status=3 stderr=`},
		{"an interpreter builtin on the same line", "", "cd /nonexistent-dir 2>/dev/null; last", `text="cd /nonexistent-dir" status=1`},
		{"a syntax error on the line before", "echo )", "last", `text="echo )" status=2 stderr="lsh: test:1:6: `},
		{"quoting of words", "", `printf '%s\n' "a b" >/dev/null; last`, `text="printf '%s\\n' 'a b'" status=0`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prog != "" {
				ts.Run(context.Background(), tc.prog, "test")
			}
			_, out := ts.run(t, tc.line)
			if !strings.Contains(out, tc.want) {
				t.Errorf("after %q, %q printed\n%s\nwant it to contain\n%s", tc.prog, tc.line, out, tc.want)
			}
		})
	}
	// A command's error output is captured when the shell's standard
	// error is already not a file (here, a buffer).
	_, out := ts.run(t, "ls /nonexistent-dir; last")
	if !strings.Contains(out, `stderr="ls: `) || !strings.Contains(out, "nonexistent-dir") {
		t.Errorf("ls's error output was not captured: %s", out)
	}
	if l := ts.Last(); l.Text != "ls /nonexistent-dir; last" || l.Status != 0 {
		t.Errorf("Session.Last after the line = %+v", l)
	}
}

// TestLastRunScript checks a script's lines, whose text lsh does not keep:
// the last command of the line before speaks for it.
func TestLastRunScript(t *testing.T) {
	ts := newTestShell(t, Options{})
	lastProbe(t, ts)
	ts.RunReader(context.Background(), strings.NewReader("nosuchcmd-y status\nlast\n"), "script")
	want := `text="nosuchcmd-y status" status=127 stderr="lsh: nosuchcmd-y: command not found\n"`
	if !strings.Contains(ts.out.String(), want) {
		t.Errorf("got %q, want %q", ts.out.String(), want)
	}
}

// TestCallRun runs code from a builtin in the shell that called it: it
// sees and changes that shell's variables, and a line that does not parse
// runs nothing.
func TestCallRun(t *testing.T) {
	ts := newTestShell(t, Options{})
	var status int
	var err error
	ts.RegisterBuiltin("runit", func(ctx context.Context, c *Call) int {
		status, err = c.Run(strings.Join(c.Args[1:], " "))
		return status
	})
	st, out := ts.run(t, `x=outer; runit 'echo $x; y=set; (exit 4)'; echo "status $? y=$y"`)
	if out != "outer\nstatus 4 y=set\n" || st != 0 {
		t.Errorf("status %d, output %q", st, out)
	}
	// In a subshell it runs in the subshell.
	_, out = ts.run(t, `y=; (runit 'y=sub'); echo "y=$y"`)
	if out != "y=\n" {
		t.Errorf("subshell: %q", out)
	}
	ts.run(t, `runit 'echo "open'`)
	var se *SyntaxError
	if status != 2 || !errors.As(err, &se) {
		t.Errorf("a line that does not parse: status %d, err %v", status, err)
	}
}

// statusError is a guard refusal with its own exit status.
type statusError struct{ n int }

func (e statusError) Error() string   { return "no terminal to confirm on" }
func (e statusError) ExitStatus() int { return e.n }

// TestRunRequest checks the history of a confirmed command and that the
// guard does not ask twice; a refusal's own status becomes $?.
func TestRunRequest(t *testing.T) {
	guarded := 0
	ts := newTestShell(t, Options{History: true, Set: []string{"-o", "guard"}, Guard: func(ctx context.Context, f *syntax.File) error {
		guarded++
		if strings.Contains(cmdText(f), "refuse") {
			return statusError{3}
		}
		return nil
	}})
	ctx := context.Background()
	if st, err := ts.RunRequest(ctx, "echo proposed", "", "say proposed"); st != 0 || err != nil {
		t.Fatalf("RunRequest: %d %v", st, err)
	}
	if guarded != 0 {
		t.Errorf("the guard saw a confirmed command")
	}
	st, err := ts.Run(ctx, "echo refuse", "")
	var se statusError
	if st != 3 || !errors.As(err, &se) {
		t.Errorf("refusal: status %d err %v", st, err)
	}
	if _, out := ts.run(t, "echo $?"); out != "3\n" {
		t.Errorf("$? after a refusal = %q", out)
	}
	h := ts.History()
	if len(h) < 1 || h[0].Text != "echo proposed" || h[0].Request != "say proposed" || h[1].Request != "" {
		t.Errorf("history: %+v", h)
	}
	_, out := ts.run(t, "history")
	if !strings.Contains(out, "    1  echo proposed  # ? say proposed\n") {
		t.Errorf("history prints %q", out)
	}
	if l := ts.Last(); l.Text != "history" {
		t.Errorf("Last = %+v", l)
	}
}

func cmdText(f *syntax.File) string {
	var b strings.Builder
	syntax.NewPrinter().Print(&b, f)
	return b.String()
}

// TestQuestion checks that "? WORDS" runs the Question builtin in scripts,
// also in eval and functions, and stays a glob without one.
func TestQuestion(t *testing.T) {
	ts := newTestShell(t, Options{Question: "ask"})
	ts.RegisterBuiltin("ask", func(ctx context.Context, c *Call) int {
		fmt.Fprintf(c.Stdout, "asked %q\n", c.Args[1:])
		return 0
	})
	_, out := ts.run(t, `? delete the logs; eval '? in eval'; f() { ? "in a function"; }; f; echo '?' not a question`)
	want := "asked [\"delete\" \"the\" \"logs\"]\nasked [\"in\" \"eval\"]\nasked [\"in a function\"]\n? not a question\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	plain := newTestShell(t, Options{})
	if st, _ := plain.run(t, `? x 2>/dev/null`); st != 127 {
		t.Errorf("without Question, ? is a command word: status %d", st)
	}
}
