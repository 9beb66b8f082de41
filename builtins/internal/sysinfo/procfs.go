package sysinfo

// This file reads CPU time and processes from /proc by hand. gopsutil's cpu
// package reads /proc/stat twice in its init (through os.Open, which also
// starts the network poller), and its process package imports it: linked
// into lsh, that cost every `lsh -c` about half a millisecond before main
// (docs/performance.md, "shell"). The files are few and their formats are
// the kernel's ABI (proc(5)), so diagnose reads them itself; gopsutil still
// gives memory, swap, load and disks, whose packages do nothing at init.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of the times in /proc/stat and
// /proc/PID/stat: 100 on every Linux architecture (it is part of the ABI,
// which is why sysconf(_SC_CLK_TCK) returns a constant).
const clockTicks = 100

// cpuTimes is the machine-wide line of /proc/stat, in seconds of CPU time
// summed over all CPUs since boot:
//
//	cpu  user nice system idle iowait irq softirq steal guest guest_nice
//
// guest and guest_nice are already counted in user and nice, so they are
// not kept.
type cpuTimes struct {
	User, Nice, System, Idle, Iowait, Irq, Softirq, Steal float64
}

// procStat is what lsh keeps of /proc/stat: the machine's CPU times, how
// many CPUs are online (one "cpuN" line each) and when the machine booted
// (btime, in seconds since the epoch), which dates processes.
type procStat struct {
	CPU   cpuTimes
	CPUs  int
	Boot  time.Time
	HasBT bool
}

// readProcStat reads and parses root/stat.
func readProcStat(root string) (procStat, error) {
	path := filepath.Join(root, "stat")
	b, err := os.ReadFile(path)
	if err != nil {
		return procStat{}, err
	}
	s, err := parseProcStat(string(b))
	if err != nil {
		return procStat{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// parseProcStat parses the text of /proc/stat. The "cpu" line is required,
// with at least its first four counters (user, nice, system, idle); later
// kernels added the others, and lines lsh does not use are skipped.
func parseProcStat(text string) (procStat, error) {
	var s procStat
	seen := false
	for i, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "cpu":
			if len(f) < 5 {
				return procStat{}, fmt.Errorf("line %d: cpu line has %d counters, want at least 4", i+1, len(f)-1)
			}
			var v [8]float64
			for j := 0; j < len(v) && j+1 < len(f); j++ {
				n, err := strconv.ParseUint(f[j+1], 10, 64)
				if err != nil {
					return procStat{}, fmt.Errorf("line %d: cpu counter %d is %q, not a number", i+1, j+1, f[j+1])
				}
				v[j] = float64(n) / clockTicks
			}
			s.CPU = cpuTimes{User: v[0], Nice: v[1], System: v[2], Idle: v[3], Iowait: v[4], Irq: v[5], Softirq: v[6], Steal: v[7]}
			seen = true
		case len(f[0]) > 3 && strings.HasPrefix(f[0], "cpu") && isDigits(f[0][3:]):
			s.CPUs++
		case f[0] == "btime" && len(f) == 2:
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return procStat{}, fmt.Errorf("line %d: btime %q is not a number", i+1, f[1])
			}
			s.Boot, s.HasBT = time.Unix(n, 0), true
		}
	}
	if !seen {
		return procStat{}, errors.New("no cpu line")
	}
	return s, nil
}

// pidStat is what lsh keeps of /proc/PID/stat:
//
//	pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
//	majflt cmajflt utime stime cutime cstime priority nice num_threads
//	itrealvalue starttime vsize rss …
//
// comm may hold spaces and parentheses, so the fields are counted from the
// last ')'. Times are in seconds; Start is starttime, seconds after boot.
type pidStat struct {
	Comm  string
	State string
	PPID  int
	CPU   float64 // utime + stime: the process's own CPU time
	Start float64
	RSS   uint64 // resident pages
}

// parsePIDStat parses the one line of /proc/PID/stat.
func parsePIDStat(line string) (pidStat, error) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return pidStat{}, errors.New("no (comm)")
	}
	f := strings.Fields(line[end+1:])
	// f[0] is state (field 3); rss is field 24, f[21].
	if len(f) < 22 {
		return pidStat{}, fmt.Errorf("%d fields after (comm), want at least 22", len(f))
	}
	num := func(i int, name string) (uint64, error) {
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s %q is not a number", name, f[i])
		}
		return n, nil
	}
	var st pidStat
	st.Comm, st.State = line[open+1:end], f[0]
	ppid, err := num(1, "ppid")
	if err != nil {
		return pidStat{}, err
	}
	utime, err := num(11, "utime")
	if err != nil {
		return pidStat{}, err
	}
	stime, err := num(12, "stime")
	if err != nil {
		return pidStat{}, err
	}
	start, err := num(19, "starttime")
	if err != nil {
		return pidStat{}, err
	}
	// rss is signed in the kernel's format; a kernel thread shows 0.
	rss, err := strconv.ParseInt(f[21], 10, 64)
	if err != nil {
		return pidStat{}, fmt.Errorf("rss %q is not a number", f[21])
	}
	st.PPID = int(ppid)
	st.CPU = float64(utime+stime) / clockTicks
	st.Start = float64(start) / clockTicks
	st.RSS = uint64(max(rss, 0))
	return st, nil
}

// readPIDStat reads root/PID/stat.
func readPIDStat(root string, pid int) (pidStat, error) {
	path := filepath.Join(root, strconv.Itoa(pid), "stat")
	b, err := os.ReadFile(path)
	if err != nil {
		return pidStat{}, err
	}
	st, err := parsePIDStat(strings.TrimSpace(string(b)))
	if err != nil {
		return pidStat{}, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

// parseStatusUID returns the real user id from the text of
// /proc/PID/status, whose line "Uid:\treal\teffective\tsaved\tfs" names
// the four ids.
func parseStatusUID(text string) (int, error) {
	for line := range strings.SplitSeq(text, "\n") {
		rest, ok := strings.CutPrefix(line, "Uid:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, errors.New("empty Uid line")
		}
		n, err := strconv.Atoi(f[0])
		if err != nil {
			return 0, fmt.Errorf("Uid %q is not a number", f[0])
		}
		return n, nil
	}
	return 0, errors.New("no Uid line")
}

// listPIDs lists the processes in root: its entries named by a number.
func listPIDs(root string) ([]int, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		if !e.IsDir() || !isDigits(e.Name()) {
			continue
		}
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// stateLetter is the kernel's state letter as ps prints it: "t" (stopped
// by a tracer) reads as "T", stopped; an empty state as "?".
func stateLetter(s string) string {
	switch s {
	case "":
		return "?"
	case "t":
		return "T"
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
