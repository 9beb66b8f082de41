package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/llamashell/lsh/builtins"
	"github.com/llamashell/lsh/cmd/internal/cli"
)

// TestMain makes the test binary double as lsh and lsh-full: testscript
// puts copies named after each in PATH, and running one runs its main. The
// scripts run lsh, as a person does; lsh hands over to lsh-full what it
// does not do itself, finding it in PATH.
func TestMain(m *testing.M) {
	lsh := func() { os.Exit(cli.Run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
	full := func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
	// "-lsh" is lsh started the way login and sshd start a login shell.
	testscript.Main(m, map[string]func(){"lsh": lsh, "-lsh": lsh, cli.FullName: full})
}

// TestFullBuiltins: lsh's list of lsh-full's builtins, which it runs
// through lsh-full, is the list package builtins has.
func TestFullBuiltins(t *testing.T) {
	if got, want := cli.FullBuiltins, builtins.Names(); !slices.Equal(got, want) {
		t.Errorf("cli.FullBuiltins = %q, builtins.Names() = %q", got, want)
	}
}

// TestScripts runs the end-to-end scripts in testdata/script: each runs the
// real lsh binary in its modes and checks output and exit statuses.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("LC_ALL", "C")
			e.Setenv("TERM", "dumb")
			return os.MkdirAll(filepath.Join(e.WorkDir, "home"), 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"ctrlc":    cmdCtrlC,
			"bigfile":  cmdBigFile,
			"endpoint": cmdEndpoint,
		},
		Condition: func(cond string) (bool, error) {
			if name, ok := strings.CutPrefix(cond, "have:"); ok {
				_, err := exec.LookPath(name)
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}

// cmdCtrlC is `ctrlc [-input FILE] [-shell SIGNAL] PROG ARGS…`: it starts
// PROG in a process group of its own, as a terminal's foreground job, waits
// until PROG has a child named sleep, then sends SIGINT to the whole group,
// as Ctrl-C does (with -shell, SIGNAL to PROG alone instead). It prints how
// PROG ended and the status a parent sh would see.
func cmdCtrlC(ts *testscript.TestScript, neg bool, args []string) {
	var input string
	sig, group := syscall.SIGINT, true
	for len(args) >= 2 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-input":
			input = ts.ReadFile(args[1])
		case "-shell":
			group = false
			switch args[1] {
			case "HUP":
				sig = syscall.SIGHUP
			case "TERM":
				sig = syscall.SIGTERM
			default:
				ts.Fatalf("ctrlc: unknown signal %s", args[1])
			}
		default:
			ts.Fatalf("ctrlc: unknown option %s", args[0])
		}
		args = args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: ctrlc [-input FILE] [-shell HUP|TERM] prog args...")
	}
	path, err := exec.LookPath(args[0])
	ts.Check(err)
	cmd := exec.Command(path, args[1:]...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = append(os.Environ(), "HOME="+ts.Getenv("HOME"), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdin = strings.NewReader(input)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	ts.Check(cmd.Start())
	deadline := time.Now().Add(10 * time.Second)
	for !hasChild(cmd.Process.Pid, "sleep") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			ts.Fatalf("no sleep started under %s", args[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
	if group {
		ts.Check(syscall.Kill(-cmd.Process.Pid, sig))
	} else {
		ts.Check(syscall.Kill(cmd.Process.Pid, sig))
	}
	err = cmd.Wait()
	fmt.Fprint(ts.Stdout(), out.String())
	fmt.Fprint(ts.Stderr(), errb.String())
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled():
		fmt.Fprintf(ts.Stdout(), "killed by %s; status %d for a shell\n", unixSignalName(ws.Signal()), 128+int(ws.Signal()))
	default:
		fmt.Fprintf(ts.Stdout(), "exited %d\n", ws.ExitStatus())
	}
	if err != nil && !ws.Signaled() && ws.ExitStatus() == 0 {
		ts.Fatalf("%v", err)
	}
}

func unixSignalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// hasChild reports whether process pid has a child process named name.
func hasChild(pid int, name string) bool {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < 0 || close+2 >= len(s) {
			continue
		}
		fields := strings.Fields(s[close+2:])
		if len(fields) > 1 && s[open+1:close] == name && fields[1] == strconv.Itoa(pid) {
			return true
		}
	}
	return false
}

// cmdBigFile is `bigfile NAME MB`: it writes a script of one line of MB
// megabytes, `: xxx…; echo done`, too big to keep in a txtar file.
func cmdBigFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: bigfile name megabytes")
	}
	mb, err := strconv.Atoi(args[1])
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	w := bufio.NewWriter(f)
	w.WriteString(": ")
	for i := 0; i < mb<<20; i++ {
		w.WriteByte('x')
	}
	w.WriteString("; echo done\n")
	ts.Check(w.Flush())
	ts.Check(f.Close())
}
