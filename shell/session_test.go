package shell

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of pipelines
// and background jobs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	s.b.Reset()
	s.mu.Unlock()
}

type testShell struct {
	*Session
	out, err *syncBuffer
}

func newTestShell(t *testing.T, opts Options) *testShell {
	t.Helper()
	ts := &testShell{out: &syncBuffer{}, err: &syncBuffer{}}
	opts.Stdout, opts.Stderr = ts.out, ts.err
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Env == nil {
		opts.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + opts.Dir}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts.Session = s
	return ts
}

// run runs src and returns its status and what it printed, failing the
// test on an unexpected error.
func (ts *testShell) run(t *testing.T, src string) (int, string) {
	t.Helper()
	ts.out.Reset()
	status, err := ts.Run(context.Background(), src, "test")
	if err != nil {
		t.Fatalf("Run(%q): %v", src, err)
	}
	return status, ts.out.String()
}

func TestRunStatusAndOutput(t *testing.T) {
	ts := newTestShell(t, Options{})
	for _, tc := range []struct {
		src    string
		status int
		out    string
	}{
		{"echo hello", 0, "hello\n"},
		{"false", 1, ""},
		{"exit 3", 3, ""},
	} {
		ts := newTestShell(t, Options{})
		status, out := ts.run(t, tc.src)
		if status != tc.status || out != tc.out {
			t.Errorf("%q: got status %d output %q, want %d %q", tc.src, status, out, tc.status, tc.out)
		}
	}
	// State persists between programs; $? is the last status.
	ts.run(t, "x=kept; f() { echo f:$1; }; cd /")
	_, out := ts.run(t, `echo $x; f arg; pwd; (exit 7)`)
	if out != "kept\nf:arg\n/\n" {
		t.Errorf("state between runs: got %q", out)
	}
	if ts.LastStatus() != 7 {
		t.Errorf("LastStatus = %d, want 7", ts.LastStatus())
	}
	if _, out := ts.run(t, "echo $?"); out != "7\n" {
		t.Errorf("$? after a run: %q", out)
	}
}

func TestSyntaxError(t *testing.T) {
	ts := newTestShell(t, Options{})
	status, err := ts.Run(context.Background(), "echo ok\nif then", "prog.sh")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *SyntaxError", err)
	}
	if status != 2 || se.File != "prog.sh" || se.Line != 2 || se.Col != 1 {
		t.Errorf("got status %d, %+v", status, se)
	}
	if !strings.HasPrefix(err.Error(), "prog.sh:2:1: ") {
		t.Errorf("message %q does not start with FILE:LINE:COL", err)
	}
	if _, out := ts.run(t, "echo $?"); out != "2\n" {
		t.Errorf("$? after a syntax error = %q, want 2", out)
	}
}

func TestParseIncomplete(t *testing.T) {
	for _, tc := range []struct {
		src        string
		incomplete bool
		bad        bool
	}{
		{"echo hi\n", false, false},
		{"if true\n", true, true},
		{"echo 'open\n", true, true},
		{"cat <<EOF\n", true, true},
		{"cat <<EOF\nbody\nEOF\n", false, false},
		{"echo a \\\n", true, true},
		{"echo 'a \\\n", true, true},
		{"echo a \\\\\n", false, false},
		{"for i in 1; do\n", true, true},
		{"echo )\n", false, true},
		{"f() {\n", true, true},
	} {
		_, err := Parse(tc.src, "")
		var se *SyntaxError
		bad := errors.As(err, &se)
		if bad != tc.bad || bad && se.Incomplete != tc.incomplete {
			t.Errorf("Parse(%q) = %v (incomplete=%v), want bad=%v incomplete=%v", tc.src, err, bad && se.Incomplete, tc.bad, tc.incomplete)
		}
	}
}

func TestRunReaderIncremental(t *testing.T) {
	ts := newTestShell(t, Options{})
	status, err := ts.RunReader(context.Background(), strings.NewReader("echo one\necho two\nfi\necho three"), "script")
	var se *SyntaxError
	if !errors.As(err, &se) || status != 2 {
		t.Fatalf("got %d %v, want 2 and a syntax error", status, err)
	}
	if got := ts.out.String(); got != "one\ntwo\n" {
		t.Errorf("lines before the error should have run: %q", got)
	}
	if se.Line != 3 {
		t.Errorf("error on line %d, want 3", se.Line)
	}
}

// The shell must not read past the line it runs when reading its standard
// input, so that commands reading the same input get what follows.
func TestRunReaderSharesInput(t *testing.T) {
	for _, kind := range []string{"pipe", "file"} {
		t.Run(kind, func(t *testing.T) {
			script := "read line\nthis is data\necho \"got $line\"\ncat\nrest for cat\n"
			var in *os.File
			if kind == "pipe" {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				go func() { w.WriteString(script); w.Close() }()
				in = r
			} else {
				p := filepath.Join(t.TempDir(), "in")
				os.WriteFile(p, []byte(script), 0o644)
				f, err := os.Open(p)
				if err != nil {
					t.Fatal(err)
				}
				in = f
			}
			defer in.Close()
			ts := newTestShell(t, Options{Stdin: in})
			if _, err := ts.RunReader(context.Background(), in, "stdin"); err != nil {
				t.Fatal(err)
			}
			if got := ts.out.String(); got != "got this is data\nrest for cat\n" {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	dir := t.TempDir()
	ts := newTestShell(t, Options{Dir: dir, Env: []string{"PATH=" + os.Getenv("PATH"), "OUTER=1", "SHLVL=2"}, History: true})
	if got := ts.Getenv("SHLVL"); got != "3" {
		t.Errorf("SHLVL = %q, want 3", got)
	}
	ts.run(t, "export EXPORTED=yes; local_var=no; cd /; f() { :; }; g() { :; }; alias ll='ls -l'")
	if ts.Dir() != "/" {
		t.Errorf("Dir = %q", ts.Dir())
	}
	if ts.Getenv("local_var") != "no" || ts.Getenv("nosuch") != "" {
		t.Errorf("Getenv: %q %q", ts.Getenv("local_var"), ts.Getenv("nosuch"))
	}
	env := ts.Environ()
	if !slices.Contains(env, "EXPORTED=yes") || !slices.Contains(env, "OUTER=1") || slices.Contains(env, "local_var=no") {
		t.Errorf("Environ = %v", env)
	}
	for _, e := range env {
		if strings.HasPrefix(e, hiddenPrefix) {
			t.Errorf("Environ shows lsh's own variable %s", e)
		}
	}
	if got := ts.Functions(); !slices.Equal(got, []string{"f", "g"}) {
		t.Errorf("Functions = %v", got)
	}
	if got := ts.Aliases(); got["ll"] != "ls -l" {
		t.Errorf("Aliases = %v", got)
	}
	ts.run(t, "false")
	h := ts.History()
	if len(h) != 2 || h[1].Text != "false" || h[1].Status != 1 || h[1].Start.IsZero() {
		t.Errorf("History = %+v", h)
	}
}

func TestFlagsVariable(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, "hB"},
		{Options{Input: InputCommand}, "hBc"},
		{Options{Input: InputStdin, Interactive: true}, "himBs"},
		{Options{Set: []string{"-e", "-u", "-x", "-o", "pipefail"}}, "ehuxB"},
		{Options{Set: []string{"-m", "+h", "-v"}}, "mvB"},
	} {
		ts := newTestShell(t, tc.opts)
		ts.err.Reset()
		_, out := ts.run(t, `echo "$-"; echo ${-}; case $- in *x*) echo x;; esac`)
		want := tc.want + "\n" + tc.want + "\n"
		if strings.Contains(tc.want, "x") {
			want += "x\n"
		}
		if out != want {
			t.Errorf("%+v: $- gave %q, want %q", tc.opts.Set, out, want)
		}
	}
	// set changes it, in the shell that runs set only.
	ts := newTestShell(t, Options{Input: InputCommand})
	if _, out := ts.run(t, `set -e; echo $-; (set +e -u; echo $-); echo $-; set +e; echo $-`); out != "ehBc\nhuBc\nehBc\nhBc\n" {
		t.Errorf("set and $-: %q", out)
	}
}

func TestPlanSet(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		flags   string
		interp  []string
		session []sessionChange
		err     string
	}{
		{args: []string{"-e"}, flags: "ehB", interp: []string{"-o", "errexit"}},
		{args: []string{"-eux"}, flags: "ehuxB", interp: []string{"-o", "errexit", "-o", "nounset", "-o", "xtrace"}},
		{args: []string{"+h"}, flags: "B"},
		{args: []string{"-o", "guard"}, flags: "hB", session: []sessionChange{{"guard", true}}},
		{args: []string{"-o", "vi"}, flags: "hB", session: []sessionChange{{"vi", true}, {"emacs", false}}},
		{args: []string{"-m", "--", "a", "b"}, flags: "hmB", interp: []string{"--", "a", "b"}},
		{args: []string{"a", "-e"}, flags: "hB", interp: []string{"--", "a", "-e"}},
		{args: []string{"-o", "pipefail"}, flags: "hB", interp: []string{"-o", "pipefail"}},
		{args: []string{"-Z"}, err: "set: -Z: invalid option"},
		{args: []string{"-o", "nosuch"}, err: "set: nosuch: invalid option name"},
		{args: []string{"-C"}, err: "noclobber is not supported"},
		{args: []string{"+C", "+o", "noclobber"}, flags: "hB"},
		{args: []string{"+o", "braceexpand"}, err: "brace expansion cannot be turned off"},
		{args: []string{"-i"}, err: "can only be given when lsh starts"},
	} {
		p, err := planSet(tc.args, "hB", false)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("planSet(%q) error = %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("planSet(%q): %v", tc.args, err)
			continue
		}
		if p.flags != tc.flags || !slices.Equal(p.interp, tc.interp) || !slices.Equal(p.session, tc.session) {
			t.Errorf("planSet(%q) = flags %q interp %q session %v, want %q %q %v", tc.args, p.flags, p.interp, p.session, tc.flags, tc.interp, tc.session)
		}
	}
}

func TestOptions(t *testing.T) {
	ts := newTestShell(t, Options{})
	if on, ok := ts.Option("guard"); !ok || on {
		t.Errorf("guard at start: %v %v", on, ok)
	}
	ts.run(t, "set -o guard -o pipefail -e")
	for _, name := range []string{"guard", "pipefail", "errexit", "braceexpand"} {
		if on, _ := ts.Option(name); !on {
			t.Errorf("%s should be on", name)
		}
	}
	if err := ts.SetOption("errexit", false); err != nil {
		t.Fatal(err)
	}
	if on, _ := ts.Option("errexit"); on {
		t.Error("SetOption(errexit, false) left it on")
	}
	if _, ok := ts.Option("nosuch"); ok {
		t.Error("Option(nosuch) reported ok")
	}
	if err := ts.SetOption("noclobber", true); err == nil {
		t.Error("SetOption(noclobber) should fail")
	}
	_, out := ts.run(t, "set -o | grep -E '^(guard|pipefail|errexit|monitor) '")
	want := "errexit        \toff\nguard          \ton\nmonitor        \toff\npipefail       \ton\n"
	if out != want {
		t.Errorf("set -o:\n%s\nwant:\n%s", out, want)
	}
}

func TestGuard(t *testing.T) {
	var seen []string
	refuse := errors.New("refused")
	ts := newTestShell(t, Options{Guard: func(ctx context.Context, prog *syntax.File) error {
		var b strings.Builder
		syntax.NewPrinter().Print(&b, prog)
		seen = append(seen, strings.TrimSpace(b.String()))
		if strings.Contains(b.String(), "rm") {
			return refuse
		}
		return nil
	}})
	ts.run(t, "echo off")
	if len(seen) != 0 {
		t.Fatalf("guard called while off: %v", seen)
	}
	ts.run(t, "set -o guard")
	ts.run(t, "echo on & wait")
	status, err := ts.Run(context.Background(), "rm -rf /nonexistent; echo ran", "")
	if !errors.Is(err, refuse) || status != 1 || strings.Contains(ts.out.String(), "ran") {
		t.Errorf("refused program: status %d err %v out %q", status, err, ts.out.String())
	}
	// The guard sees the program as parsed, not as lsh rewrites it.
	if !slices.Equal(seen, []string{"echo on &\nwait", "rm -rf /nonexistent\necho ran"}) &&
		!slices.Equal(seen, []string{"echo on & wait", "rm -rf /nonexistent; echo ran"}) {
		t.Errorf("guard saw %q", seen)
	}
}

func TestExitTrap(t *testing.T) {
	ts := newTestShell(t, Options{})
	ts.run(t, "trap 'echo cleanup $?' EXIT")
	ts.run(t, "echo body")
	if strings.Contains(ts.out.String(), "cleanup") {
		t.Fatal("EXIT trap ran before the shell ended")
	}
	ts.out.Reset()
	if got := ts.Exit(context.Background(), 3); got != 3 {
		t.Errorf("Exit = %d, want 3", got)
	}
	if ts.out.String() != "cleanup 3\n" {
		t.Errorf("EXIT trap printed %q", ts.out.String())
	}
	// exit in the trap changes the status.
	ts = newTestShell(t, Options{})
	ts.run(t, "trap 'exit 9' EXIT")
	if got := ts.Exit(context.Background(), 0); got != 9 {
		t.Errorf("Exit with exit 9 in the trap = %d", got)
	}
}

func TestInterrupt(t *testing.T) {
	ts := newTestShell(t, Options{})
	done := make(chan int)
	go func() {
		status, _ := ts.Run(context.Background(), "while :; do :; done; echo not reached", "")
		done <- status
	}()
	// Interrupt until it lands: the program may not have started yet.
	deadline := time.After(10 * time.Second)
wait:
	for {
		ts.Interrupt()
		select {
		case status := <-done:
			if status != 130 {
				t.Errorf("interrupted status %d, want 130", status)
			}
			break wait
		case <-deadline:
			t.Fatal("Interrupt did not stop the loop")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if ts.Exited() {
		t.Error("an interrupt must not end the shell")
	}
	if _, out := ts.run(t, "echo $?; echo alive"); out != "130\nalive\n" {
		t.Errorf("after interrupt: %q", out)
	}
}

func TestSetStdio(t *testing.T) {
	ts := newTestShell(t, Options{})
	var other bytes.Buffer
	if err := ts.SetStdio(strings.NewReader("typed\n"), &other, &other); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Run(context.Background(), "read x; echo got $x; echo err >&2", ""); err != nil {
		t.Fatal(err)
	}
	if other.String() != "got typed\nerr\n" || ts.out.String() != "" {
		t.Errorf("after SetStdio: new %q old %q", other.String(), ts.out.String())
	}
}

func TestStartupFiles(t *testing.T) {
	home := t.TempDir()
	etc := filepath.Join(t.TempDir(), "profile")
	touch := func(p string) { os.WriteFile(p, nil, 0o644) }
	touch(etc)
	touch(filepath.Join(home, ".profile"))
	touch(filepath.Join(home, ".lshrc"))
	rel := func(files []string) []string {
		var out []string
		for _, f := range files {
			if f == etc {
				out = append(out, "etc")
			} else {
				out = append(out, filepath.Base(f))
			}
		}
		return out
	}
	for _, tc := range []struct {
		login, interactive bool
		want               []string
	}{
		{false, false, nil},
		{true, false, []string{"etc", ".profile"}},
		{false, true, []string{".lshrc"}},
		{true, true, []string{"etc", ".profile", ".lshrc"}},
	} {
		if got := rel(StartupFiles(etc, home, tc.login, tc.interactive)); !slices.Equal(got, tc.want) {
			t.Errorf("login=%v interactive=%v: %v, want %v", tc.login, tc.interactive, got, tc.want)
		}
	}
	touch(filepath.Join(home, ".lsh_profile"))
	if got := rel(StartupFiles(etc, home, true, false)); !slices.Equal(got, []string{"etc", ".lsh_profile"}) {
		t.Errorf("~/.lsh_profile should win over ~/.profile: %v", got)
	}
}

func TestPrompt(t *testing.T) {
	home := t.TempDir()
	ts := newTestShell(t, Options{Dir: home, Env: []string{"HOME=" + home, "USER=ann", "PATH=" + os.Getenv("PATH")}})
	os.Mkdir(filepath.Join(home, "src"), 0o755)
	ts.run(t, `cd src; X=val; PS1='\u \w \W $X $(echo sub) \\ \[\e[1m\]b\[\e[0m\] \101 \$ '`)
	sign := "$"
	if os.Geteuid() == 0 {
		sign = "#"
	}
	want := "ann ~/src src val sub \\ \x1b[1mb\x1b[0m A " + sign + " "
	if got := ts.Prompt("PS1"); got != want {
		t.Errorf("PS1 = %q, want %q", got, want)
	}
	if got := ts.Prompt("PS2"); got != "> " {
		t.Errorf("default PS2 = %q", got)
	}
	ts.run(t, "unset PS1")
	if got := ts.Prompt("PS1"); got != "lsh"+sign+" " {
		t.Errorf("default PS1 = %q", got)
	}
}
