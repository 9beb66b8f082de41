package sysinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	const modern = "cpu  10000 200 3000 50000 400 0 100 300 0 0\n" +
		"cpu0 5000 100 1500 25000 200 0 50 150 0 0\n" +
		"cpu1 5000 100 1500 25000 200 0 50 150 0 0\n" +
		"intr 123 4 5\nctxt 99\nbtime 1764000000\nprocesses 12\n"
	tests := []struct {
		name, text string
		want       procStat
		err        string
	}{
		{name: "modern kernel", text: modern, want: procStat{
			CPU:  cpuTimes{User: 100, Nice: 2, System: 30, Idle: 500, Iowait: 4, Softirq: 1, Steal: 3},
			CPUs: 2, Boot: time.Unix(1764000000, 0), HasBT: true}},
		{name: "2.4-era counters only, no btime", text: "cpu 100 0 100 800\ncpu0 100 0 100 800\n",
			want: procStat{CPU: cpuTimes{User: 1, System: 1, Idle: 8}, CPUs: 1}},
		{name: "cpufreq-like names are not CPUs", text: "cpu 1 2 3 4\ncpu0 1 2 3 4\ncpux 1\n",
			want: procStat{CPU: cpuTimes{User: .01, Nice: .02, System: .03, Idle: .04}, CPUs: 1}},
		{name: "no cpu line", text: "cpu0 1 2 3 4\nbtime 1\n", err: "no cpu line"},
		{name: "too few counters", text: "cpu 1 2 3\n", err: "line 1: cpu line has 3 counters, want at least 4"},
		{name: "bad counter", text: "intr 1\ncpu 1 2 x 4\n", err: `line 2: cpu counter 3 is "x", not a number`},
		{name: "bad btime", text: "cpu 1 2 3 4\nbtime soon\n", err: `line 2: btime "soon" is not a number`},
	}
	for _, tc := range tests {
		got, err := parseProcStat(tc.text)
		checkParse(t, tc.name, got, err, tc.want, tc.err)
	}
}

func TestParsePIDStat(t *testing.T) {
	// Fields after comm: state ppid pgrp session tty tpgid flags minflt
	// cminflt majflt cmajflt utime stime cutime cstime prio nice threads
	// itreal starttime vsize rss …
	line := func(comm string) string {
		return "4242 (" + comm + ") S 17 4242 4242 0 -1 4194560 900 0 0 0 250 50 7 3 20 0 1 0 123456 22097920 1500 18446744073709551615"
	}
	tests := []struct {
		name, line string
		want       pidStat
		err        string
	}{
		{name: "plain", line: line("sshd"),
			want: pidStat{Comm: "sshd", State: "S", PPID: 17, CPU: 3, Start: 1234.56, RSS: 1500}},
		{name: "comm with spaces and parentheses", line: line("a) (b c"),
			want: pidStat{Comm: "a) (b c", State: "S", PPID: 17, CPU: 3, Start: 1234.56, RSS: 1500}},
		{name: "kernel thread", line: "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 20 0 1 0 2 0 0 18446744073709551615",
			want: pidStat{Comm: "kthreadd", State: "S", PPID: 0, CPU: .03, Start: .02}},
		{name: "no comm", line: "4242 sshd S 1", err: "no (comm)"},
		{name: "cut short", line: "4242 (sshd) S 1 2 3", err: "4 fields after (comm), want at least 22"},
		{name: "bad utime", line: strings.Replace(line("x"), " 250 ", " many ", 1), err: `utime "many" is not a number`},
		{name: "bad rss", line: strings.Replace(line("x"), " 1500 ", " lots ", 1), err: `rss "lots" is not a number`},
	}
	for _, tc := range tests {
		got, err := parsePIDStat(tc.line)
		checkParse(t, tc.name, got, err, tc.want, tc.err)
	}
}

func TestReadPIDStatNamesTheFile(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "7"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "7", "stat"), []byte("7 (x) S 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "7", "stat") + ": 2 fields after (comm)"
	if _, err := readPIDStat(root, 7); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start with %q", err, want)
	}
}

func TestParseStatusUID(t *testing.T) {
	tests := []struct {
		text string
		want int
		err  string
	}{
		{text: "Name:\tsshd\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n", want: 1000},
		{text: "Name:\tx\nGid:\t0\t0\t0\t0\n", err: "no Uid line"},
		{text: "Uid:\n", err: "empty Uid line"},
		{text: "Uid:\troot\t0\t0\t0\n", err: `Uid "root" is not a number`},
	}
	for _, tc := range tests {
		got, err := parseStatusUID(tc.text)
		checkParse(t, fmt.Sprintf("%q", tc.text), got, err, tc.want, tc.err)
	}
}

func TestStateLetter(t *testing.T) {
	for in, want := range map[string]string{"R": "R", "S": "S", "D": "D", "Z": "Z", "T": "T", "t": "T", "I": "I", "X": "X", "": "?"} {
		if got := stateLetter(in); got != want {
			t.Errorf("state %q reads as %q, want %q", in, got, want)
		}
	}
}

// TestCollectWithoutSample checks this test's own process when nothing is
// sampled: its CPU share is over its lifetime, which is above zero for a
// process that has run, and its program is the test binary.
func TestCollectWithoutSample(t *testing.T) {
	// The kernel counts a process's CPU time in clock ticks (10 ms): a
	// test binary that started a few milliseconds ago may have none yet.
	for start := time.Now(); ownCPU() < 50*time.Millisecond && time.Since(start) < 5*time.Second; {
	}
	s, err := Collect(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Sample != 0 || !s.HasCPU || s.Cores < 1 {
		t.Fatalf("sample %v, cpu %v, cores %d: %v", s.Sample, s.HasCPU, s.Cores, s.Problems)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Procs {
		if p.PID != os.Getpid() {
			continue
		}
		if p.Exe != exe || !strings.Contains("RSD", p.State) || p.CPU <= 0 || p.CPU > 100*float64(s.Cores) {
			t.Errorf("own process without a sample: %+v (exe %s)", p, exe)
		}
		return
	}
	t.Errorf("own process %d not among %d", os.Getpid(), len(s.Procs))
}

// ownCPU is the CPU time this process has used.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return time.Hour
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
