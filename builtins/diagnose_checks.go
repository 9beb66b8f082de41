package builtins

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llamashell/lsh/builtins/internal/sysinfo"
	"github.com/llamashell/lsh/intents"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file turns a sysinfo.Snapshot into findings: pure functions of the
// snapshot and a few facts about the host, so tests describe a machine and
// assert what diagnose says about it.

// Severity grades a finding.
type Severity string

// The severities, from fine to the likely cause of slowness.
const (
	OK      Severity = "ok"
	Warning Severity = "warning"
	Problem Severity = "problem"
)

func (s Severity) rank() int {
	switch s {
	case Problem:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// Finding is one thing diagnose noticed.
type Finding struct {
	// Check names what was looked at: load, cpu, cpu-hog, memory,
	// memory-hog, swap, pressure-cpu, pressure-memory, pressure-io, disk,
	// io, processes, zombies.
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	// Title says what was found in one line, with the numbers.
	Title string `json:"title"`
	// Detail adds what the numbers mean or which processes are involved.
	Detail string `json:"detail,omitempty"`
	// Fixes are proposed, never run: each is a command intent from the
	// rules engine, risk-rated, for the person to confirm.
	Fixes []intents.Intent `json:"fixes,omitempty"`

	// domain groups checks about one resource (cpu, memory, disk, io,
	// processes) for the summary; score orders findings of one severity:
	// how far past its warning threshold the value is.
	domain string
	score  float64
	// culprit names a program and what it uses ("firefox (3 processes)
	// holds 2.1 GB"), for hog findings.
	culprit string
}

// threshold is a pair of limits: at warn a value is worth mentioning, at
// problem it likely explains why the machine feels slow. For values where
// less is worse (memory available) the comparison is reversed by the check.
type threshold struct{ warn, problem float64 }

// limits are the thresholds of every check, in the units the comments give.
var limits = struct {
	load          threshold // load average per core
	busy          threshold // % of all CPU time running something
	steal         threshold // % of CPU time taken by the hypervisor
	cpuHog        threshold // % of one core used by one program
	memAvailable  threshold // % of memory available (less is worse)
	memHogShort   float64   // % of memory that names a program as a culprit when memory is short
	memHogBig     float64   // % of memory one program may hold before it is worth a warning anyway
	swapUsed      threshold // % of swap in use
	swapIn        threshold // bytes per second read back from swap
	psiCPU        threshold // % of the last 10 s with tasks waiting for a CPU
	psiMemory     threshold // % of the last 10 s with tasks waiting for memory
	psiIO         threshold // % of the last 10 s with tasks waiting for I/O
	diskUsed      threshold // % of a filesystem used
	diskFree      threshold // bytes free (less is worse), on filesystems of 20 GB or more
	inodesUsed    threshold // % of a filesystem's inodes used
	ioWait        threshold // % of CPU time idle waiting for I/O
	deviceUtil    threshold // % of the window a disk was busy
	procsOfLimit  threshold // % of the process limit (RLIMIT_NPROC, pid_max) in use
	zombies       threshold // zombie processes
	bigDiskForAbs uint64    // filesystems smaller than this are judged by % only
}{
	load:          threshold{1, 2},
	busy:          threshold{85, 95},
	steal:         threshold{10, 25},
	cpuHog:        threshold{50, 80},
	memAvailable:  threshold{20, 10},
	memHogShort:   10,
	memHogBig:     30,
	swapUsed:      threshold{50, 80},
	swapIn:        threshold{100 << 10, 1 << 20},
	psiCPU:        threshold{10, 25},
	psiMemory:     threshold{5, 10},
	psiIO:         threshold{10, 25},
	diskUsed:      threshold{90, 95},
	diskFree:      threshold{2 << 30, 500 << 20},
	inodesUsed:    threshold{90, 95},
	ioWait:        threshold{10, 25},
	deviceUtil:    threshold{60, 90},
	procsOfLimit:  threshold{75, 90},
	zombies:       threshold{10, 100},
	bigDiskForAbs: 20 << 30,
}

// grade returns the severity of v against t, where more is worse.
func (t threshold) grade(v float64) Severity {
	switch {
	case v >= t.problem:
		return Problem
	case v >= t.warn:
		return Warning
	}
	return OK
}

// gradeLow returns the severity of v against t, where less is worse.
func (t threshold) gradeLow(v float64) Severity {
	switch {
	case v <= t.problem:
		return Problem
	case v <= t.warn:
		return Warning
	}
	return OK
}

func worse(a, b Severity) Severity {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// hostFacts is what diagnose needs to know besides the measurements, to
// propose fixes that fit this host.
type hostFacts struct {
	// Home is the user's home directory.
	Home string
	// Has reports whether a tool is installed.
	Has func(tool string) bool
	// Self is the pid of the process running diagnose: it and its
	// ancestors (the shell, the terminal) are never proposed for killing.
	Self int
}

// analysis is one run of the checks.
type analysis struct {
	s     *sysinfo.Snapshot
	f     hostFacts
	self  map[int]bool
	progs []*program
}

// checks run in this order; each adds findings.
var checks = []func(a *analysis) []Finding{
	(*analysis).load, (*analysis).cpu, (*analysis).cpuHogs,
	(*analysis).memory, (*analysis).memoryHogs, (*analysis).swap,
	(*analysis).pressure, (*analysis).io, (*analysis).disks,
	(*analysis).processes, (*analysis).zombies,
}

// analyse runs every check on a snapshot.
func analyse(s *sysinfo.Snapshot, f hostFacts) []Finding {
	if f.Has == nil {
		f.Has = func(string) bool { return false }
	}
	a := &analysis{s: s, f: f, self: ancestors(s.Procs, f.Self), progs: programs(s.Procs)}
	var out []Finding
	for _, c := range checks {
		out = append(out, c(a)...)
	}
	return out
}

// ancestors returns pid and its ancestors among procs.
func ancestors(procs []sysinfo.Proc, pid int) map[int]bool {
	parent := map[int]int{}
	for _, p := range procs {
		parent[p.PID] = p.PPID
	}
	set := map[int]bool{}
	for pid > 1 && !set[pid] {
		set[pid] = true
		pid = parent[pid]
	}
	return set
}

func (a *analysis) cores() int { return max(a.s.Cores, 1) }

// busyMachine reports whether the CPUs are saturated: a program using a
// lot of CPU then slows everything else down.
func (a *analysis) busyMachine() bool {
	return a.s.HasLoad && a.s.Load[0]/float64(a.cores()) >= limits.load.warn ||
		a.s.HasCPU && a.s.CPU.Busy() >= limits.busy.warn
}

// memoryShort reports whether programs are fighting over memory.
func (a *analysis) memoryShort() bool {
	m := a.s.Mem
	if m.Total > 0 && pct(m.Available, m.Total) <= limits.memAvailable.warn {
		return true
	}
	if m.SwapInRate >= limits.swapIn.warn {
		return true
	}
	p, ok := a.s.PSI["memory"]
	return ok && p.Some10 >= limits.psiMemory.warn
}

func (a *analysis) load() []Finding {
	s := a.s
	if !s.HasLoad {
		return nil
	}
	per := s.Load[0] / float64(a.cores())
	f := Finding{Check: "load", domain: "cpu", Severity: limits.load.grade(per), score: per / limits.load.warn}
	f.Title = fmt.Sprintf("load %.1f on %s", s.Load[0], plural(a.cores(), "core", "cores"))
	switch f.Severity {
	case Problem:
		f.Title += fmt.Sprintf(": %.1f× more work than the CPUs can run at once", per)
	case Warning:
		f.Title += ": the CPUs are fully busy"
	}
	trend := ""
	switch {
	case s.Load[0] > 1.5*s.Load[2] && s.Load[0]-s.Load[2] > 0.5:
		trend = ", rising"
	case s.Load[0] < s.Load[2]/1.5 && s.Load[2]-s.Load[0] > 0.5:
		trend = ", falling"
	}
	f.Detail = fmt.Sprintf("5 and 15 minute averages %.2f and %.2f%s.", s.Load[1], s.Load[2], trend)
	if f.Severity != OK {
		if d := a.stateCount("D"); d > 0 {
			f.Detail += fmt.Sprintf(" %s waiting on the disk count in the load too.", plural(d, "process", "processes"))
		}
		if b := a.busiest(); b != "" {
			f.Detail += " Busiest programs: " + b + "."
		}
	}
	return []Finding{f}
}

// busiest lists the three programs using the most CPU, skipping those
// using almost none: "cc1 (3 processes) 60%, go (pid 12) 40%".
func (a *analysis) busiest() string {
	progs := append([]*program(nil), a.progs...)
	sort.SliceStable(progs, func(i, j int) bool { return progs[i].cpu > progs[j].cpu })
	var parts []string
	for _, p := range progs {
		if len(parts) == 3 || p.cpu < 5 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.0f%%", p.what(), p.cpu))
	}
	return strings.Join(parts, ", ")
}

func (a *analysis) stateCount(state string) int {
	n := 0
	for _, p := range a.s.Procs {
		if p.State == state {
			n++
		}
	}
	return n
}

func (a *analysis) cpu() []Finding {
	s := a.s
	if !s.HasCPU || s.Sample == 0 {
		return nil
	}
	c := s.CPU
	busy := c.Busy()
	f := Finding{Check: "cpu", domain: "cpu", Severity: limits.busy.grade(busy), score: busy / limits.busy.warn}
	f.Title = fmt.Sprintf("CPUs %.0f%% busy over the last %s", busy, seconds(s.Sample))
	f.Detail = fmt.Sprintf("user %.0f%%, system %.0f%%, nice %.0f%%, waiting for I/O %.0f%%, idle %.0f%%.", c.User, c.System, c.Nice, c.IOWait, c.Idle)
	out := []Finding{f}
	if sv := limits.steal.grade(c.Steal); sv != OK {
		out = append(out, Finding{Check: "cpu-steal", domain: "cpu", Severity: sv, score: c.Steal / limits.steal.warn,
			Title:  fmt.Sprintf("the hypervisor kept %.0f%% of the CPU time for other machines (steal)", c.Steal),
			Detail: "This is a virtual machine whose host is overcommitted: nothing inside it can fix that."})
	}
	return out
}

// program is the processes of one program, taken together: 14 chrome
// processes are one chrome.
type program struct {
	name  string
	procs []sysinfo.Proc
	cpu   float64
	rss   uint64
}

// programKey groups a process: by the program file it runs (the content
// processes of firefox are called "Isolated Web Co" but run firefox), else
// by its name.
func programKey(p sysinfo.Proc) string {
	if p.Exe != "" {
		return filepath.Base(p.Exe)
	}
	return p.Name
}

func programs(procs []sysinfo.Proc) []*program {
	by := map[string]*program{}
	var out []*program
	for _, p := range procs {
		if p.State == "Z" {
			continue // zombies hold nothing; see the zombies check
		}
		k := programKey(p)
		pr := by[k]
		if pr == nil {
			pr = &program{name: k}
			by[k] = pr
			out = append(out, pr)
		}
		pr.procs = append(pr.procs, p)
		pr.cpu += p.CPU
		pr.rss += p.RSS
	}
	return out
}

// what names a program with its process count: "chrome (14 processes)".
func (p *program) what() string {
	if len(p.procs) == 1 {
		return fmt.Sprintf("%s (pid %d)", p.name, p.procs[0].PID)
	}
	return fmt.Sprintf("%s (%d processes)", p.name, len(p.procs))
}

// pronoun picks the verb phrase agreeing with the number of processes.
func (p *program) pronoun(one, many string) string {
	if len(p.procs) == 1 {
		return one
	}
	return many
}

// protected are programs lsh never proposes to stop: the system, the
// graphical session, shells and terminals people are working in.
var protected = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"systemd": true, "init": true, "kthreadd": true, "dbus-daemon": true, "dbus-broker": true, "sshd": true,
		"login": true, "agetty": true, "Xorg": true, "Xwayland": true, "gnome-shell": true, "kwin_x11": true,
		"kwin_wayland": true, "plasmashell": true, "gdm": true, "sddm": true, "lightdm": true, "pipewire": true,
		"wireplumber": true, "pulseaudio": true, "NetworkManager": true, "systemd-journald": true, "systemd-logind": true,
		"systemd-udevd": true, "containerd": true, "dockerd": true, "lsh": true,
		"bash": true, "zsh": true, "sh": true, "dash": true, "fish": true, "tmux": true, "screen": true,
		"gnome-terminal-server": true, "konsole": true, "xterm": true, "alacritty": true, "kitty": true,
	}
}}

// kill proposes stopping a program, or says why lsh does not.
func (a *analysis) kill(rule string, p *program, why string) (intents.Intent, string, bool) {
	names := map[string]bool{}
	foreign := false
	for _, pr := range p.procs {
		if pr.Kernel {
			return intents.Intent{}, p.name + " is part of the kernel and cannot be stopped.", false
		}
		if pr.PID == 1 || a.self[pr.PID] {
			return intents.Intent{}, "lsh does not propose stopping " + p.name + ": this shell runs inside it.", false
		}
		if protected.Get()[pr.Name] || protected.Get()[p.name] {
			return intents.Intent{}, "lsh does not propose stopping " + p.name + ": the system or your session needs it.", false
		}
		names[pr.Name] = true
		if pr.UID != a.s.UID {
			foreign = true
		}
	}
	var cmd string
	switch {
	case len(names) == 1 || names[p.name]:
		// pkill -x matches the kernel's name exactly; when the helpers
		// have other names, stopping the main process closes them.
		name := p.name
		if len(names) == 1 {
			for n := range names {
				name = n
			}
		}
		cmd = "pkill -x " + quote(name)
	default:
		pids := make([]string, 0, len(p.procs))
		for _, pr := range p.procs {
			pids = append(pids, fmt.Sprint(pr.PID))
		}
		cmd = "kill " + strings.Join(pids, " ")
	}
	if foreign {
		cmd = sudo(a.s.UID == 0, cmd)
	}
	n := "the " + p.name + " process"
	if len(p.procs) > 1 {
		n = fmt.Sprintf("the %d %s processes", len(p.procs), p.name)
	}
	expl := "Ask " + n + " to quit (SIGTERM) " + why + "; unsaved work in " + p.name + " may be lost."
	return propose(rule, cmd, expl), "", true
}

func (a *analysis) cpuHogs() []Finding {
	progs := append([]*program(nil), a.progs...)
	sort.SliceStable(progs, func(i, j int) bool { return progs[i].cpu > progs[j].cpu })
	var out []Finding
	capacity := 100 * float64(a.cores())
	for _, p := range progs {
		if len(out) == 3 || p.cpu < limits.cpuHog.warn {
			break
		}
		sv := Warning
		if p.cpu >= limits.cpuHog.problem && a.busyMachine() {
			sv = Problem
		}
		f := Finding{Check: "cpu-hog", domain: "cpu", Severity: sv, score: p.cpu / limits.cpuHog.warn}
		f.culprit = fmt.Sprintf("%s uses %.0f%% CPU", p.what(), p.cpu)
		f.Title = fmt.Sprintf("%s, %.0f%% of what the %s can do", f.culprit, 100*p.cpu/capacity, plural(a.cores(), "core", "cores"))
		if a.s.Sample == 0 {
			f.Title += " (average since it started)"
		}
		f.Detail = "busiest: " + topProcs(p.procs, func(x sysinfo.Proc) string { return fmt.Sprintf("%.0f%%", x.CPU) },
			func(x, y sysinfo.Proc) bool { return x.CPU > y.CPU })
		if fix, why, ok := a.kill("diagnose:cpu-hog", p, fmt.Sprintf("to free the %.0f%% CPU %s", p.cpu, p.pronoun("it uses", "they use"))); ok {
			f.Fixes = append(f.Fixes, fix)
		} else {
			f.Detail += ". " + why
		}
		out = append(out, f)
	}
	return out
}

// topProcs lists the first few processes of a program by less, as
// "pid 12 (chrome) 40%".
func topProcs(ps []sysinfo.Proc, value func(sysinfo.Proc) string, less func(x, y sysinfo.Proc) bool) string {
	ps = append([]sysinfo.Proc(nil), ps...)
	sort.SliceStable(ps, func(i, j int) bool { return less(ps[i], ps[j]) })
	var parts []string
	for i, p := range ps {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ps)-4))
			break
		}
		parts = append(parts, fmt.Sprintf("pid %d (%s) %s", p.PID, p.Name, value(p)))
	}
	return strings.Join(parts, ", ")
}

func (a *analysis) memory() []Finding {
	m := a.s.Mem
	if m.Total == 0 {
		return nil
	}
	avail := pct(m.Available, m.Total)
	f := Finding{Check: "memory", domain: "memory", Severity: limits.memAvailable.gradeLow(avail)}
	f.score = limits.memAvailable.warn / max(avail, 0.5)
	f.Title = fmt.Sprintf("%.0f%% of memory available (%s of %s)", avail, size(m.Available), size(m.Total))
	if f.Severity != OK {
		f.Detail = "Programs are short of memory: the kernel drops caches and swaps, and everything waits for the disk."
	}
	return []Finding{f}
}

func (a *analysis) memoryHogs() []Finding {
	m := a.s.Mem
	if m.Total == 0 {
		return nil
	}
	short := a.memoryShort()
	progs := append([]*program(nil), a.progs...)
	sort.SliceStable(progs, func(i, j int) bool { return progs[i].rss > progs[j].rss })
	var out []Finding
	for _, p := range progs {
		share := pct(p.rss, m.Total)
		if len(out) == 3 || share < limits.memHogShort {
			break
		}
		sv := OK
		switch {
		case short:
			sv = Problem
		case share >= limits.memHogBig:
			sv = Warning
		}
		if sv == OK {
			continue
		}
		f := Finding{Check: "memory-hog", domain: "memory", Severity: sv, score: share / limits.memHogShort}
		f.culprit = fmt.Sprintf("%s holds %s", p.what(), size(p.rss))
		f.Title = fmt.Sprintf("%s, %.0f%% of memory", f.culprit, share)
		f.Detail = "largest: " + topProcs(p.procs, func(x sysinfo.Proc) string { return size(x.RSS) },
			func(x, y sysinfo.Proc) bool { return x.RSS > y.RSS })
		if len(p.procs) > 1 {
			f.Detail += " (memory shared between them is counted in each)"
		}
		if fix, why, ok := a.kill("diagnose:memory-hog", p, "to free about "+size(p.rss)); ok {
			f.Fixes = append(f.Fixes, fix)
		} else {
			f.Detail += ". " + why
		}
		out = append(out, f)
	}
	return out
}

func (a *analysis) swap() []Finding {
	m := a.s.Mem
	if m.SwapTotal == 0 {
		return nil
	}
	used := pct(m.SwapUsed, m.SwapTotal)
	f := Finding{Check: "swap", domain: "memory"}
	f.Title = fmt.Sprintf("swap %s of %s used (%.0f%%)", size(m.SwapUsed), size(m.SwapTotal), used)
	f.Severity = limits.swapUsed.grade(used)
	if f.Severity == Problem && !a.memoryShort() {
		f.Severity = Warning // full swap with memory to spare is old news
	}
	f.score = used / limits.swapUsed.warn
	if in := limits.swapIn.grade(m.SwapInRate); in != OK {
		f.Severity = worse(f.Severity, in)
		f.score = max(f.score, m.SwapInRate/limits.swapIn.warn)
		f.Title += fmt.Sprintf(", and %s/s is being read back from it right now", size(uint64(m.SwapInRate)))
		f.Detail = "Active swapping: programs wait for the disk every time they touch memory that was swapped out."
	} else if f.Severity != OK {
		f.Detail = "Swap in use is memory that was short at some point; it only slows things while it is read back."
	}
	return []Finding{f}
}

// pressures are the PSI resources, their limits and what a stall means.
var pressures = []struct {
	res, domain string
	lim         threshold
	waited      string
}{
	{"cpu", "cpu", limits.psiCPU, "waited for a CPU"},
	{"memory", "memory", limits.psiMemory, "stalled on memory (reclaim or swap)"},
	{"io", "io", limits.psiIO, "waited for the disk"},
}

func (a *analysis) pressure() []Finding {
	var out []Finding
	for _, r := range pressures {
		p, ok := a.s.PSI[r.res]
		if !ok {
			continue
		}
		v := p.Some10
		sv := r.lim.grade(v)
		title := fmt.Sprintf("tasks %s %.0f%% of the last 10 s", r.waited, v)
		// full: every task stalled at once, the machine did nothing useful.
		if p.HasFull && r.res != "cpu" && p.Full10 >= r.lim.warn/2 {
			sv = worse(sv, Problem)
			title += fmt.Sprintf(" (all of them at once %.0f%%)", p.Full10)
		}
		out = append(out, Finding{Check: "pressure-" + r.res, domain: r.domain, Severity: sv, score: v / r.lim.warn,
			Title: title, Detail: fmt.Sprintf("pressure stall information; 60 s average %.0f%%.", p.Some60)})
	}
	return out
}

func (a *analysis) io() []Finding {
	s := a.s
	var f Finding
	f.Check, f.domain = "io", "io"
	var parts []string
	if s.HasCPU && s.Sample > 0 {
		f.Severity = limits.ioWait.grade(s.CPU.IOWait)
		f.score = s.CPU.IOWait / limits.ioWait.warn
		parts = append(parts, fmt.Sprintf("CPUs idle waiting for the disk %.0f%% of the time", s.CPU.IOWait))
	}
	busiest := sysinfo.Device{}
	for _, d := range s.Devices {
		if d.Util > busiest.Util {
			busiest = d
		}
	}
	if busiest.Name != "" {
		if sv := limits.deviceUtil.grade(busiest.Util); sv != OK {
			f.Severity = worse(f.Severity, sv)
			f.score = max(f.score, busiest.Util/limits.deviceUtil.warn)
		}
		parts = append(parts, fmt.Sprintf("%s busy %.0f%% (reading %s/s, writing %s/s)", busiest.Name, busiest.Util,
			size(uint64(busiest.ReadRate)), size(uint64(busiest.WriteRate))))
	}
	if len(parts) == 0 {
		return nil
	}
	f.Title = "disk I/O: " + strings.Join(parts, "; ")
	var waiting []string
	for _, p := range s.Procs {
		if p.State == "D" && len(waiting) < 5 {
			waiting = append(waiting, fmt.Sprintf("%s (pid %d)", p.Name, p.PID))
		}
	}
	if len(waiting) > 0 {
		f.Detail = "waiting on the disk now: " + strings.Join(waiting, ", ")
	}
	if f.Severity != OK && a.f.Has("iotop") {
		f.Fixes = append(f.Fixes, propose("diagnose:io", sudo(s.UID == 0, "iotop -o -b -n 3"),
			"Show which processes read and write the disk (iotop needs root to see them)."))
	}
	return []Finding{f}
}

// diskFixes are the ways to find or free space, proposed for a full
// filesystem when it holds the place and the tool is installed.
var diskFixes = []struct {
	place, tool, command, explanation string
	root                              bool
}{
	{"/var", "apt-get", "apt-get clean", "Clear the apt cache: delete the downloaded package files apt keeps in /var/cache/apt/archives (they are downloaded again if needed).", true},
	{"/var", "dnf", "dnf clean packages", "Clear the dnf cache: delete the downloaded package files dnf keeps.", true},
	{"/var", "pacman", "pacman -Sc", "Clear pacman's cache of packages that are no longer installed.", true},
	{"/var", "journalctl", "journalctl --vacuum-size=200M", "Shrink the system journal to its newest 200 MB of logs.", true},
}

func (a *analysis) disks() []Finding {
	var out []Finding
	var fine []string
	for _, d := range a.s.Disks {
		used := d.UsedPercent
		sv := limits.diskUsed.grade(used)
		if d.Total >= limits.bigDiskForAbs {
			sv = worse(sv, limits.diskFree.gradeLow(float64(d.Free)))
		}
		score := used / limits.diskUsed.warn
		inodes := limits.inodesUsed.grade(d.InodesUsedPercent)
		sv = worse(sv, inodes)
		label := d.Mount
		if len(d.Also) > 0 {
			label += " (with " + strings.Join(d.Also, ", ") + ")"
		}
		if sv == OK {
			fine = append(fine, fmt.Sprintf("%s %.0f%% used", d.Mount, used))
			continue
		}
		f := Finding{Check: "disk", domain: "disk", Severity: sv, score: score}
		f.Title = fmt.Sprintf("%s is %.0f%% full: %s left of %s", label, used, size(d.Free), size(d.Total))
		if inodes != OK {
			f.Title += fmt.Sprintf("; %.0f%% of its file slots (inodes) are used", d.InodesUsedPercent)
			f.Detail = "Out of inodes, no new file can be created even with space left: look for directories with millions of small files."
		} else {
			f.Detail = "A full disk makes programs fail to save and the system slow to write logs and caches."
		}
		if a.holds(d, a.f.Home) {
			f.Fixes = append(f.Fixes, propose("diagnose:disk-du", "du -xh --max-depth=2 ~ | sort -rh | head -20",
				"Find what fills your home: the 20 biggest folders, two levels deep, on this disk only."))
		} else {
			f.Fixes = append(f.Fixes, propose("diagnose:disk-du", "du -xh --max-depth=2 "+quote(d.Mount)+" 2>/dev/null | sort -rh | head -20",
				"Find what fills "+d.Mount+": the 20 biggest folders, two levels deep, on this disk only (folders you cannot read are skipped)."))
		}
		for _, fx := range diskFixes {
			if a.holds(d, fx.place) && a.f.Has(fx.tool) {
				cmd := fx.command
				if fx.root {
					cmd = sudo(a.s.UID == 0, cmd)
				}
				f.Fixes = append(f.Fixes, propose("diagnose:disk-"+fx.tool, cmd, fx.explanation))
			}
		}
		out = append(out, f)
	}
	if len(fine) > 0 {
		out = append(out, Finding{Check: "disk", domain: "disk", Severity: OK, Title: "disks have room: " + strings.Join(fine, ", ")})
	}
	return out
}

// holds reports whether path lives on the filesystem of d: d's mount is
// the longest mount point that is a prefix of path.
func (a *analysis) holds(d sysinfo.Disk, path string) bool {
	if path == "" {
		return false
	}
	for _, also := range d.Also {
		if also == path {
			return true
		}
	}
	best := ""
	for _, o := range a.s.Disks {
		if under(path, o.Mount) && len(o.Mount) > len(best) {
			best = o.Mount
		}
	}
	return best == d.Mount
}

func under(path, dir string) bool {
	return dir == "/" || path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

func (a *analysis) processes() []Finding {
	s := a.s
	n := len(s.Procs)
	if n == 0 {
		return nil
	}
	f := Finding{Check: "processes", domain: "processes", Severity: OK, Title: plural(n, "process", "processes") + " running"}
	mine := 0
	for _, p := range s.Procs {
		if p.UID == s.UID {
			mine++
		}
	}
	if s.NprocLimit > 0 {
		share := pct(uint64(mine), uint64(s.NprocLimit))
		if sv := limits.procsOfLimit.grade(share); sv != OK {
			f.Severity, f.score = sv, share/limits.procsOfLimit.warn
			f.Title = fmt.Sprintf("%d of your %d allowed processes are in use (ulimit -u)", mine, s.NprocLimit)
			f.Detail = "Near the limit, starting any program fails with \"Resource temporarily unavailable\"."
		}
	}
	if s.PIDMax > 0 {
		share := pct(uint64(n), uint64(s.PIDMax))
		if sv := limits.procsOfLimit.grade(share); sv.rank() > f.Severity.rank() {
			f.Severity, f.score = sv, share/limits.procsOfLimit.warn
			f.Title = fmt.Sprintf("%d processes, %.0f%% of the most the system can have (kernel.pid_max %d)", n, share, s.PIDMax)
			f.Detail = "Something is starting processes without end; look for one program with thousands of copies."
		}
	}
	if f.Severity != OK {
		// Zombies count against the limits too.
		count := map[string]int{}
		top := ""
		for _, p := range s.Procs {
			k := programKey(p)
			count[k]++
			if count[k] > count[top] || count[k] == count[top] && k < top {
				top = k
			}
		}
		f.Detail += fmt.Sprintf(" Most copies: %s (%s).", top, plural(count[top], "process", "processes"))
	}
	return []Finding{f}
}

func (a *analysis) zombies() []Finding {
	byParent := map[int]int{}
	n := 0
	for _, p := range a.s.Procs {
		if p.State == "Z" {
			n++
			byParent[p.PPID]++
		}
	}
	if n == 0 {
		return nil
	}
	sv := limits.zombies.grade(float64(n))
	f := Finding{Check: "zombies", domain: "processes", Severity: sv, score: float64(n) / limits.zombies.warn}
	f.Title = plural(n, "zombie process", "zombie processes") + ": finished, but their parent has not collected them"
	parent, most := 0, 0
	for pp, c := range byParent {
		if c > most || c == most && pp < parent {
			parent, most = pp, c
		}
	}
	var pp *sysinfo.Proc
	for i := range a.s.Procs {
		if a.s.Procs[i].PID == parent {
			pp = &a.s.Procs[i]
		}
	}
	f.Detail = "Zombies use no memory or CPU, only a process id each; they cannot be killed, only their parent can collect them."
	if pp != nil {
		f.Detail += fmt.Sprintf(" %d of them belong to %s (pid %d).", most, pp.Name, pp.PID)
		if sv != OK && pp.PID != 1 && !a.self[pp.PID] && !protected.Get()[pp.Name] && !pp.Kernel {
			cmd := fmt.Sprintf("kill %d", pp.PID)
			if pp.UID != a.s.UID {
				cmd = sudo(a.s.UID == 0, cmd)
			}
			f.Fixes = append(f.Fixes, propose("diagnose:zombies", cmd,
				fmt.Sprintf("Stop %s (pid %d), which does not collect its finished children: its zombies go away with it.", pp.Name, pp.PID)))
		}
	}
	return []Finding{f}
}

// pct is a as a percentage of b.
func pct(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// size formats a byte count the way df -h does, in powers of 1024.
func size(b uint64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v, u := float64(b), "KMGTPE"
	i := -1
	for v >= unit && i < len(u)-1 {
		v /= unit
		i++
	}
	if v >= 100 || v == float64(int64(v)) {
		return fmt.Sprintf("%.0f %cB", v, u[i])
	}
	return fmt.Sprintf("%.1f %cB", v, u[i])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
