package shell

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunnerOf guards lsh's one reach into the interpreter: a builtin
// must know whether the main shell or a subshell runs it.
func TestRunnerOf(t *testing.T) {
	if runnerField.Get() < 0 {
		t.Fatal("interp.HandlerContext has no runner field: this mvdan.cc/sh breaks jobs, exec and wait")
	}
	ts := newTestShell(t, Options{})
	var mains []bool
	ts.builtins["probe"] = func(s *Session, c *bcall) error {
		mains = append(mains, c.main)
		return nil
	}
	ts.run(t, "probe; (probe); echo x | probe; probe | cat; x=$(probe); f() { probe; }; f")
	want := []bool{true, false, true, false, false, true}
	if fmt.Sprint(mains) != fmt.Sprint(want) {
		t.Errorf("main shell seen as %v, want %v", mains, want)
	}
}

func TestRegisterBuiltin(t *testing.T) {
	ts := newTestShell(t, Options{})
	var got *Call
	err := ts.RegisterBuiltin("llama", func(ctx context.Context, c *Call) int {
		got = c
		fmt.Fprintf(c.Stdout, "llama says %s in %s with X=%s\n", strings.Join(c.Args[1:], "+"), filepath.Base(c.Dir), c.Getenv("X"))
		fmt.Fprintln(c.Stderr, "to stderr")
		if len(c.Args) > 1 && c.Args[1] == "fail" {
			return 4
		}
		return 0
	})
	if err != nil {
		t.Fatal(err)
	}
	status, out := ts.run(t, "X=1; mkdir -p sub; cd sub; llama a 'b c' > out.txt; cat out.txt; llama fail 2>/dev/null")
	if status != 4 || out != "llama says a+b c in sub with X=1\nllama says fail in sub with X=1\n" {
		t.Errorf("got %d %q", status, out)
	}
	if got == nil || got.Resolve("llama").Kind != LshBuiltin {
		t.Errorf("Call.Resolve(llama) = %+v", got.Resolve("llama"))
	}
	if _, out := ts.run(t, "type llama; command -v llama; type -t llama"); out != "llama is an lsh builtin\nllama\nbuiltin\n" {
		t.Errorf("type/command -v: %q", out)
	}
	// A function of the same name wins, as over sh's builtins.
	if _, out := ts.run(t, "llama() { echo function; }; llama; command llama x; unset -f llama"); out != "function\nllama says x in sub with X=1\n" {
		t.Errorf("function over builtin: %q", out)
	}
	for _, name := range []string{"", "a b", "x/y", "if", "llama", "umask"} {
		if err := ts.RegisterBuiltin(name, func(context.Context, *Call) int { return 0 }); err == nil {
			t.Errorf("RegisterBuiltin(%q) should fail", name)
		}
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prog"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "data"), []byte("x"), 0o644)
	ts := newTestShell(t, Options{Dir: dir, Env: []string{"PATH=" + dir + ":" + os.Getenv("PATH")}})
	ts.RegisterBuiltin("explain", func(context.Context, *Call) int { return 0 })
	ts.run(t, "f() { :; }; alias ll='ls -l'")
	for _, tc := range []struct {
		name string
		kind Kind
		path string
		err  string
	}{
		{name: "ll", kind: Alias},
		{name: "if", kind: Keyword},
		{name: "[[", kind: Keyword},
		{name: "f", kind: Function},
		{name: "cd", kind: Builtin},
		{name: "umask", kind: Builtin},
		{name: "jobs", kind: Builtin},
		{name: "explain", kind: LshBuiltin},
		{name: "prog", kind: Executable, path: filepath.Join(dir, "prog")},
		{name: "./prog", kind: Executable, path: filepath.Join(dir, "prog")},
		{name: "nosuchcommand", kind: NotFound, err: "nosuchcommand: command not found"},
		{name: "data", kind: NotFound, err: "Permission denied", path: filepath.Join(dir, "data")},
		{name: "./data", kind: NotFound, err: "./data: Permission denied"},
	} {
		r := ts.Resolve(tc.name)
		if r.Kind != tc.kind || r.Path != tc.path && tc.path != "" || !strings.Contains(r.Err, tc.err) {
			t.Errorf("Resolve(%q) = %+v, want kind %v path %q err %q", tc.name, r, tc.kind, tc.path, tc.err)
		}
	}
	if r := ts.Resolve("ll"); r.Alias != "ls -l" {
		t.Errorf("alias text %q", r.Alias)
	}
}

// Running commands: sh's statuses for what cannot run, and for signals.
func TestCommandStatuses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "noexec"), []byte("echo hi\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "noshebang"), []byte("echo from script $1\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "badinterp"), []byte("#!/nonexistent/interp\n"), 0o755)
	ts := newTestShell(t, Options{Dir: dir})
	for _, tc := range []struct {
		src    string
		status int
		out    string
		errOut string
	}{
		{"nosuchcommand", 127, "", "lsh: nosuchcommand: command not found\n"},
		{"./noexec", 126, "", "lsh: ./noexec: Permission denied\n"},
		{"./", 126, "", "lsh: ./: Is a directory\n"},
		{"./missing", 127, "", "lsh: ./missing: No such file or directory\n"},
		{"./badinterp", 127, "", "lsh: ./badinterp: cannot execute: required file not found\n"},
		{"sh -c 'kill -TERM $$'", 143, "", ""},
		{"sh -c 'exit 42'", 42, "", ""},
	} {
		ts.err.Reset()
		status, out := ts.run(t, tc.src)
		if status != tc.status || out != tc.out || ts.err.String() != tc.errOut {
			t.Errorf("%q: status %d out %q err %q, want %d %q %q", tc.src, status, out, ts.err.String(), tc.status, tc.out, tc.errOut)
		}
	}
}

func TestJobs(t *testing.T) {
	ts := newTestShell(t, Options{})
	_, out := ts.run(t, `sleep 5 & p=$!; echo "$p" | grep -c '^[0-9]*$'; jobs; kill %1; wait $p; echo $?`)
	if out != "1\n[1]+  Running                 sleep 5 &\n143\n" {
		t.Errorf("got %q", out)
	}
	// A job of builtins only gets a pseudo PID that kill and wait know.
	_, out = ts.run(t, `while :; do :; done & kill $!; wait $!; echo $?`)
	if out != "143\n" {
		t.Errorf("builtin-only job: %q", out)
	}
	// A job sees the variables and functions of the shell that started it.
	_, out = ts.run(t, `f() { local v=local; { echo "$v $1"; } & wait; }; f arg`)
	if out != "local arg\n" {
		t.Errorf("job scope: %q", out)
	}
	ts.run(t, "sleep 0.5 &")
	if js := ts.Jobs(); len(js) != 1 || js[0].Command != "sleep 0.5" || js[0].State != "Running" || js[0].PID <= 0 {
		t.Errorf("Jobs = %+v", js)
	}
	for deadline := time.Now().Add(10 * time.Second); ts.Jobs()[0].State == "Running"; {
		if time.Now().After(deadline) {
			t.Fatal("sleep 0.5 & did not end")
		}
		time.Sleep(20 * time.Millisecond)
	}
	notices := ts.TakeJobNotices()
	if len(notices) != 1 || !strings.Contains(notices[0], "Done") || !strings.Contains(notices[0], "sleep 0.5") {
		t.Errorf("notices = %q", notices)
	}
	if len(ts.Jobs()) != 0 || len(ts.TakeJobNotices()) != 0 {
		t.Error("a reported job should be forgotten")
	}
}

func TestTraps(t *testing.T) {
	ts := newTestShell(t, Options{})
	_, out := ts.run(t, `trap 'echo got $1' USR1; set -- arg; kill -USR1 $$; echo after; trap - USR1; trap`)
	if out != "got arg\nafter\n" {
		t.Errorf("got %q", out)
	}
	// exit in a trap ends the shell.
	status, out := ts.run(t, `trap 'echo bye; exit 6' USR2; kill -USR2 $$; echo not reached`)
	if status != 6 || out != "bye\n" || !ts.Exited() {
		t.Errorf("exit in trap: %d %q exited=%v", status, out, ts.Exited())
	}
	ts = newTestShell(t, Options{})
	_, out = ts.run(t, `trap 'echo err' ERR; false; trap 'echo t' TERM INT; trap -p INT; trap '' HUP; trap`)
	want := "err\ntrap -- 'echo t' INT\ntrap -- '' HUP\ntrap -- 'echo t' INT\ntrap -- 'echo t' TERM\ntrap -- 'echo err' ERR\n"
	if out != want {
		t.Errorf("listing: %q\nwant %q", out, want)
	}
}

func TestUmask(t *testing.T) {
	for _, tc := range []struct {
		mode string
		cur  int
		want int
		err  bool
	}{
		{"022", 0, 0o022, false},
		{"0777", 0, 0o777, false},
		{"u=rwx,g=rx,o=", 0o022, 0o027, false},
		{"g-w", 0o002, 0o022, false},
		{"a+r", 0o077, 0o033, false},
		{"o-rwx", 0o022, 0o027, false},
		{"=r", 0, 0o333, false},
		{"u=rwx,go=", 0o022, 0o077, false},
		{"888", 0, 0, true},
		{"1000", 0, 0, true},
		{"u=q", 0, 0, true},
		{"u", 0, 0, true},
	} {
		got, err := parseUmask(tc.mode, tc.cur)
		if (err != nil) != tc.err || err == nil && got != tc.want {
			t.Errorf("parseUmask(%q, %o) = %o, %v; want %o err=%v", tc.mode, tc.cur, got, err, tc.want, tc.err)
		}
	}
	for m, want := range map[int]string{0o022: "u=rwx,g=rx,o=rx", 0o077: "u=rwx,g=,o=", 0o777: "u=,g=,o=", 0: "u=rwx,g=rwx,o=rwx"} {
		if got := symbolicUmask(m); got != want {
			t.Errorf("symbolicUmask(%o) = %q, want %q", m, got, want)
		}
	}
}

func TestPrintf(t *testing.T) {
	ts := newTestShell(t, Options{})
	for _, tc := range []struct {
		args   string
		out    string
		status int
	}{
		{`'%s|%5s|%-5s|%.2s\n' a b c defg`, "a|    b|c    |de\n", 0},
		{`'%d %i %u %o %x %X\n' 42 -7 3 8 255 255`, "42 -7 3 10 ff FF\n", 0},
		{`'%05d|%+d|% d|%-4d|\n' 7 7 7 7`, "00007|+7| 7|7   |\n", 0},
		{`'%#o %#x\n' 8 255`, "010 0xff\n", 0},
		{`'%.3f %e %g %G\n' 3.14159 1500 0.0001 1e20`, "3.142 1.500000e+03 0.0001 1E+20\n", 0},
		{`'%c%c|\n' xyz ''`, "x\x00|\n", 0},
		{`'%*d|%-*s|\n' 4 7 3 ab`, "   7|ab |\n", 0},
		{`'%d\n' 0x1f 010 "'A"`, "31\n8\n65\n", 0},
		{`'%s-' a b c; echo`, "a-b-c-\n", 0},
		{`'%s %s\n' only`, "only \n", 0},
		{`'%b|\n' 'a\tb\0101'`, "a\tbA|\n", 0},
		{`'%b' 'stop\cnot'; echo`, "stop\n", 0},
		{`'\101\x42\u00e9\n'`, "ABé\n", 0},
		{`'%%|%d\n' 12abc`, "%|12\n", 1},
		{`'%d\n' abc`, "0\n", 1},
		{`'%z\n'`, "", 1},
	} {
		ts.err.Reset()
		status, out := ts.run(t, "printf "+tc.args)
		if out != tc.out || status != tc.status {
			t.Errorf("printf %s: %q status %d, want %q %d (stderr %q)", tc.args, out, status, tc.out, tc.status, ts.err.String())
		}
	}
}

func TestUlimit(t *testing.T) {
	ts := newTestShell(t, Options{})
	_, out := ts.run(t, "ulimit -S -c 0; ulimit -c; (ulimit -c 8; ulimit -c; sh -c 'ulimit -c'); ulimit -c")
	if out != "0\n8\n8\n0\n" {
		t.Errorf("ulimit -c: %q", out)
	}
	_, out = ts.run(t, "ulimit -a")
	if lines := strings.Count(out, "\n"); lines != len(limitTable) {
		t.Errorf("ulimit -a printed %d lines, want %d:\n%s", lines, len(limitTable), out)
	}
	if status, _ := ts.run(t, "ulimit -n -c 5 2>/dev/null"); status != 2 {
		t.Errorf("setting two limits: status %d, want 2", status)
	}
}

func TestExecInSubshell(t *testing.T) {
	// exec in a subshell must not replace lsh: it ends the subshell only.
	ts := newTestShell(t, Options{})
	_, out := ts.run(t, "(exec echo from-exec; echo not reached); echo still here")
	if out != "from-exec\nstill here\n" {
		t.Errorf("got %q", out)
	}
}
