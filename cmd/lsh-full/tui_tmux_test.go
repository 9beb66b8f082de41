package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The interactive terminal, end to end: the real lsh (this test binary,
// which TestMain makes run as lsh under that name) in a tmux pane, driven
// with send-keys and read with capture-pane. Each test has its own tmux
// server (-L) and HOME; waits poll the pane until a deadline, never sleep
// a fixed time.

var tmuxSocket atomic.Int32

// pane is lsh running in a tmux pane.
type pane struct {
	t    *testing.T
	sock string
	home string
}

// startTUI starts an interactive lsh in a 100×30 tmux pane, with home as
// HOME ("" for a new one), and waits for its first prompt.
func startTUI(t *testing.T, home string, env ...string) *pane {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	lsh, err := exec.LookPath("lsh")
	if err != nil {
		t.Fatalf("lsh is not in PATH: TestMain should have put this test binary there: %v", err)
	}
	if home == "" {
		home = t.TempDir()
	}
	p := &pane{t: t, sock: fmt.Sprintf("lsh-tui-%d-%d", os.Getpid(), tmuxSocket.Add(1)), home: home}
	args := []string{"-L", p.sock, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", "-c", home, "--",
		"env", "-i", "HOME=" + home, "TERM=xterm-256color", "PATH=" + filepath.Dir(lsh) + ":/usr/local/bin:/usr/bin:/bin",
		"XDG_STATE_HOME=" + filepath.Join(home, "state"), "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"LC_ALL=C.UTF-8", "COLORFGBG=15;0"}
	args = append(args, env...)
	args = append(args, lsh)
	if out, err := exec.Command(tmux, args...).CombinedOutput(); err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	socket, _ := exec.Command(tmux, "-L", p.sock, "display-message", "-p", "#{socket_path}").Output()
	t.Cleanup(func() {
		exec.Command(tmux, "-L", p.sock, "kill-server").Run()
		// kill-server leaves the socket file behind.
		if path := strings.TrimSpace(string(socket)); path != "" {
			os.Remove(path)
		}
	})
	p.waitFor("the first prompt", atPrompt)
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.sock}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// typeText types text literally; keys presses named keys (Enter, C-c, Up).
func (p *pane) typeText(text string) { p.t.Helper(); p.tmux("send-keys", "-l", text) }
func (p *pane) keys(keys ...string) {
	p.t.Helper()
	p.tmux(append([]string{"send-keys"}, keys...)...)
}

// screen is what the pane shows, trailing blank lines dropped.
func (p *pane) screen() string {
	out, err := exec.Command("tmux", "-L", p.sock, "capture-pane", "-p").CombinedOutput()
	if err != nil {
		return "(capture-pane failed: " + err.Error() + ")"
	}
	return strings.TrimRight(string(out), "\n ")
}

// waitFor polls the screen until ok holds, for at most ten seconds.
func (p *pane) waitFor(what string, ok func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (p *pane) waitText(text string) string {
	p.t.Helper()
	return p.waitFor(strconv.Quote(text), func(s string) bool { return strings.Contains(s, text) })
}

// lastLine is the screen's last non-blank line.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// promptSymbol ends the default prompt: "#" for root, as in sh.
func promptSymbol() string {
	if os.Geteuid() == 0 {
		return "#"
	}
	return "❯"
}

// atPrompt reports whether the screen ends with an empty prompt.
func atPrompt(screen string) bool { return strings.HasSuffix(lastLine(screen), " "+promptSymbol()) }

// pid is lsh's process ID (tmux started it directly, through env's exec).
func (p *pane) pid() int {
	p.t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(p.tmux("list-panes", "-F", "#{pane_pid}")))
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

func TestTUIRunsACommand(t *testing.T) {
	p := startTUI(t, "")
	p.typeText("echo hello-$((6*7))")
	p.keys("Enter")
	s := p.waitFor("the output and a new prompt", func(s string) bool { return strings.Contains(s, "\nhello-42\n") && atPrompt(s) })
	if !strings.Contains(s, promptSymbol()+" echo hello-$((6*7))\nhello-42\n") {
		t.Errorf("the typed line and its output are not one under the other:\n%s", s)
	}
	// Tab completes a command name.
	p.typeText("printe")
	p.keys("Tab")
	p.typeText("HOME")
	p.waitText(promptSymbol() + " printenv HOME")
	p.keys("Enter")
	p.waitFor("printenv's output", func(s string) bool { return strings.Contains(s, "\n"+p.home+"\n") && atPrompt(s) })
	// Output without a final newline does not hide the next prompt.
	p.typeText("printf no-newline")
	p.keys("Enter")
	p.waitFor("the prompt after printf", func(s string) bool { return strings.Contains(s, "\nno-newline%\n") && atPrompt(s) })
	// A failing command shows its status in the next prompt.
	p.typeText("false")
	p.keys("Enter")
	p.waitFor("the ✗1 prompt", func(s string) bool { return strings.Contains(lastLine(s), "✗1") && atPrompt(s) })
}

func TestTUICatEndsWithCtrlD(t *testing.T) {
	p := startTUI(t, "")
	p.typeText("cat")
	p.keys("Enter")
	p.waitFor("cat to run", func(s string) bool { return hasChild(p.pid(), "cat") })
	p.typeText("a line for cat")
	p.keys("Enter")
	p.waitFor("cat's echo", func(s string) bool { return strings.Count(s, "a line for cat") == 2 })
	p.keys("C-d")
	s := p.waitFor("the prompt after cat", atPrompt)
	if !strings.Contains(s, "a line for cat\na line for cat\n") {
		t.Errorf("the terminal's echo and cat's copy are not both there:\n%s", s)
	}
	if strings.Contains(lastLine(s), "✗") {
		t.Errorf("cat ended with Ctrl-D reports a failure: %q", lastLine(s))
	}
}

func TestTUICtrlCStopsACommand(t *testing.T) {
	p := startTUI(t, "")
	p.typeText("sleep 100")
	p.keys("Enter")
	p.waitFor("sleep to run", func(string) bool { return hasChild(p.pid(), "sleep") })
	p.keys("C-c")
	s := p.waitFor("the prompt after Ctrl-C", func(s string) bool { return atPrompt(s) && strings.Contains(lastLine(s), "✗130") })
	if hasChild(p.pid(), "sleep") {
		t.Errorf("sleep still runs after Ctrl-C:\n%s", s)
	}
	// lsh itself survived, and runs the next line.
	p.typeText("echo still-here")
	p.keys("Enter")
	p.waitText("\nstill-here\n")
}

func TestTUIFullScreenProgramsRestoreTheScreen(t *testing.T) {
	p := startTUI(t, "")
	p.typeText("echo before-less")
	p.keys("Enter")
	p.waitFor("the marker", func(s string) bool { return strings.Contains(s, "\nbefore-less\n") && atPrompt(s) })
	p.typeText("seq 1000 | less")
	p.keys("Enter")
	p.waitFor("less showing the numbers", func(s string) bool {
		return strings.HasPrefix(s, "1\n2\n3\n") && !strings.Contains(s, "before-less")
	})
	p.keys("q")
	s := p.waitFor("the screen back", func(s string) bool { return strings.Contains(s, "before-less") && atPrompt(s) })
	if strings.Contains(s, "\n500\n") {
		t.Errorf("less's screen was left behind:\n%s", s)
	}

	if _, err := exec.LookPath("vi"); err != nil {
		t.Log("no vi here: skipping the editor part")
		return
	}
	file := filepath.Join(p.home, "note.txt")
	p.typeText("vi note.txt")
	p.keys("Enter")
	p.waitFor("vi", func(s string) bool { return strings.Contains(s, "~\n~") })
	p.typeText("iwritten in vi")
	p.keys("Escape")
	p.typeText(":wq")
	p.keys("Enter")
	s = p.waitFor("the screen back after vi", func(s string) bool { return strings.Contains(s, "before-less") && atPrompt(s) })
	if strings.Contains(s, "~\n~") {
		t.Errorf("vi's screen was left behind:\n%s", s)
	}
	if data, err := os.ReadFile(file); err != nil || !strings.Contains(string(data), "written in vi") {
		t.Errorf("vi did not get the keys: %q, %v", data, err)
	}
}

func TestTUINaturalLanguageRequest(t *testing.T) {
	p := startTUI(t, "")
	p.typeText("show disk usage")
	// While typing, the prompt's symbol says it will be a request.
	p.waitText("✦ show disk usage")
	p.keys("Enter")
	card := p.waitFor("the confirm card", func(s string) bool { return strings.Contains(s, "⏎ run") })
	for _, want := range []string{"read-only", "run this command?", "esc cancel"} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %q:\n%s", want, card)
		}
	}
	p.keys("Enter")
	s := p.waitFor("the command's output", func(s string) bool { return strings.Contains(s, "→ ") && atPrompt(s) })
	if strings.Contains(s, "⏎ run") {
		t.Errorf("the card stayed on screen:\n%s", s)
	}
	if _, err := exec.LookPath("df"); err == nil && !(strings.Contains(s, "→ df") && strings.Contains(s, "Filesystem")) {
		t.Errorf("df was proposed but its output is not under the request:\n%s", s)
	}
	data, err := os.ReadFile(filepath.Join(p.home, "state", "lsh", "history"))
	if err != nil || !bytes.Contains(data, []byte(`"req":"show disk usage"`)) {
		t.Errorf("the history does not keep the command with its request: %q, %v", data, err)
	}

	// Esc on a card runs nothing.
	p.typeText("? show disk usage")
	p.keys("Enter")
	p.waitText("⏎ run")
	p.keys("Escape")
	p.waitFor("the cancelled card", func(s string) bool { return strings.Contains(s, "cancelled") && atPrompt(s) })
}

func TestTUIHistoryAcrossRestart(t *testing.T) {
	home := t.TempDir()
	p := startTUI(t, home)
	p.typeText("echo from-the-first-session")
	p.keys("Enter")
	p.waitFor("the first session's command", func(s string) bool { return strings.Contains(s, "\nfrom-the-first-session\n") && atPrompt(s) })
	p.typeText(" echo secret")
	p.keys("Enter")
	p.waitFor("the space-prefixed command", func(s string) bool { return strings.Contains(s, "\nsecret\n") && atPrompt(s) })
	p.keys("C-d")
	p.waitFor("lsh to exit", func(s string) bool {
		return exec.Command("tmux", "-L", p.sock, "has-session").Run() != nil
	})

	q := startTUI(t, home)
	q.keys("Up")
	q.waitFor("the recalled line", func(s string) bool {
		return strings.HasSuffix(lastLine(s), promptSymbol()+" echo from-the-first-session")
	})
	q.keys("C-r")
	q.typeText("secret")
	q.waitText("(failed search) secret")
}

// TestTUIIdleCPU measures the CPU time an interactive lsh uses waiting at
// its prompt for ten seconds: utime+stime from /proc/PID/stat, which must
// stay under 20 ms (two clock ticks). Bubble Tea's own renderer ticks 60
// times a second and costs about 100 ms here; lsh's Program draws only
// when something changed.
func TestTUIIdleCPU(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ten seconds")
	}
	p := startTUI(t, "")
	p.typeText("echo warm")
	p.keys("Enter")
	p.waitFor("the prompt", func(s string) bool { return strings.Contains(s, "\nwarm\n") && atPrompt(s) })
	pid := p.pid()
	time.Sleep(time.Second) // let start-up work (GC, the terminal's replies) finish
	ticks0, ns0 := cpuTime(t, pid)
	time.Sleep(10 * time.Second)
	ticks1, ns1 := cpuTime(t, pid)
	ms := (ticks1 - ticks0) * 1000 / 100 // USER_HZ is 100 on Linux
	t.Logf("idle lsh (pid %d) over 10 s: %d clock ticks = %d ms of CPU", pid, ticks1-ticks0, ms)
	if ns1 > 0 {
		t.Logf("scheduler statistics: %.3f ms on a CPU", float64(ns1-ns0)/1e6)
	}
	if ms >= 20 {
		t.Errorf("an idle lsh used %d ms of CPU in 10 s, want under 20 ms", ms)
	}
}

// cpuTime is a process's utime+stime in clock ticks and, more precisely,
// the nanoseconds its threads spent on a CPU (/proc/PID/task/*/schedstat).
func cpuTime(t *testing.T, pid int) (ticks int64, ns int64) {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name may hold spaces: fields count from after its ")".
	rest := string(data[bytes.LastIndexByte(data, ')')+2:])
	f := strings.Fields(rest)
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, s := range stats {
		if d, err := os.ReadFile(s); err == nil {
			if v, err := strconv.ParseInt(strings.Fields(string(d))[0], 10, 64); err == nil {
				ns += v
			}
		}
	}
	return utime + stime, ns
}
