package sysinfo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"
	"golang.org/x/sys/unix"
)

// Places are the directories whose filesystems diagnose always checks,
// besides every mounted disk partition: where people's files, temporary
// files and logs and caches grow.
var Places = []string{"/", "/home", "/tmp", "/var"}

// ProcRoot is where the kernel's process filesystem is mounted.
const ProcRoot = "/proc"

// Collect measures this machine. Counters that only mean something as a
// rate (CPU time, each process's CPU time, swap and disk traffic) are read
// twice, sample apart; a sample of 0 reads them once and reports averages
// since boot. Collect fails only when ctx is cancelled: whatever else
// cannot be measured is left zero and explained in Snapshot.Problems.
func Collect(ctx context.Context, sample time.Duration) (*Snapshot, error) {
	s := &Snapshot{UID: os.Getuid()}
	problem := func(what string, err error) {
		s.Problems = append(s.Problems, what+": "+err.Error())
	}

	if a, err := load.AvgWithContext(ctx); err == nil {
		s.Load, s.HasLoad = [3]float64{a.Load1, a.Load5, a.Load15}, true
	} else {
		problem("load average", err)
	}
	s.PSI = map[string]Pressure{}
	for _, res := range []string{"cpu", "memory", "io"} {
		p, err := ReadPressure(filepath.Join(ProcRoot, "pressure", res))
		switch {
		case err == nil:
			s.PSI[res] = p
		case errors.Is(err, os.ErrNotExist):
			// Kernels before 4.20, or built without CONFIG_PSI.
		default:
			problem("pressure of "+res, err)
		}
	}
	s.Disks = disks(ctx, problem)
	s.PIDMax = readInt(filepath.Join(ProcRoot, "sys/kernel/pid_max"))
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NPROC, &rl) == nil && rl.Cur != unix.RLIM_INFINITY && rl.Cur < 1<<31 {
		s.NprocLimit = int(rl.Cur)
	}

	// First reading of the counters.
	t0 := time.Now()
	stat0, cpuErr := readProcStat(ProcRoot)
	if cpuErr == nil {
		s.Cores = stat0.CPUs
	}
	swap0, swapErr := mem.SwapMemoryWithContext(ctx)
	io0, ioErr := disk.IOCountersWithContext(ctx)
	pids, err := listPIDs(ProcRoot)
	if err != nil {
		problem("processes", err)
	}
	times0 := map[int]cpuAt{}
	if sample > 0 {
		for _, pid := range pids {
			if st, err := readPIDStat(ProcRoot, pid); err == nil {
				times0[pid] = cpuAt{st.CPU, time.Now()}
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(sample):
		}
	}
	t1 := time.Now()
	window := t1.Sub(t0).Seconds()
	if sample > 0 {
		s.Sample = t1.Sub(t0)
	}
	s.Taken = t1

	// Second reading, and the rates between the two.
	if cpuErr == nil {
		if sample == 0 {
			s.CPU, s.HasCPU = split(cpuTimes{}, stat0.CPU), true
		} else if stat1, err := readProcStat(ProcRoot); err == nil {
			s.CPU, s.HasCPU = split(stat0.CPU, stat1.CPU), true
		} else {
			problem("cpu times", err)
		}
		if s.Cores == 0 {
			problem("cpu count", errors.New("no cpuN line in "+filepath.Join(ProcRoot, "stat")))
		}
	} else {
		problem("cpu times", cpuErr)
	}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		s.Mem.Total, s.Mem.Available = vm.Total, vm.Available
	} else {
		problem("memory", err)
	}
	if swapErr == nil {
		swap1, err := mem.SwapMemoryWithContext(ctx)
		if err != nil {
			swap1 = swap0
		}
		s.Mem.SwapTotal, s.Mem.SwapUsed = swap1.Total, swap1.Used
		if sample > 0 {
			s.Mem.SwapInRate = rate(swap0.Sin, swap1.Sin, window)
			s.Mem.SwapOutRate = rate(swap0.Sout, swap1.Sout, window)
		}
	} else {
		problem("swap", swapErr)
	}
	if ioErr == nil {
		io1 := io0
		if sample > 0 {
			if io, err := disk.IOCountersWithContext(ctx); err == nil {
				io1 = io
			}
		}
		s.Devices = devices(io0, io1, window, sample > 0)
	} else {
		problem("disk activity", ioErr)
	}
	// CPU time first, for every process, so each process's window is as
	// close to the sample as a busy machine allows; then the rest.
	type second struct {
		pid int
		st  pidStat
		at  time.Time
	}
	var read []second
	for _, pid := range pids {
		if st, err := readPIDStat(ProcRoot, pid); err == nil {
			read = append(read, second{pid, st, time.Now()})
		} // else it ended during the window
	}
	limit := 100 * float64(max(s.Cores, 1))
	for _, r := range read {
		pr := proc(ProcRoot, r.pid, r.st)
		if t0, ok := times0[r.pid]; ok {
			if secs := r.at.Sub(t0.at).Seconds(); secs > 0 {
				pr.CPU = min(100*max(r.st.CPU-t0.cpu, 0)/secs, limit)
			}
		} else if sample == 0 && cpuErr == nil && stat0.HasBT {
			// Over its lifetime, as ps prints %CPU.
			started := stat0.Boot.Add(time.Duration(r.st.Start * float64(time.Second)))
			if secs := r.at.Sub(started).Seconds(); secs > 0 {
				pr.CPU = min(100*r.st.CPU/secs, limit)
			}
		}
		s.Procs = append(s.Procs, pr)
	}
	return s, ctx.Err()
}

// split turns two readings of the CPU time counters into percentages of
// the time between them (from zero: since boot).
func split(a, b cpuTimes) CPUSplit {
	d := func(x, y float64) float64 { return max(y-x, 0) }
	user, sys, nice := d(a.User, b.User), d(a.System, b.System), d(a.Nice, b.Nice)
	iow, steal, idle := d(a.Iowait, b.Iowait), d(a.Steal, b.Steal), d(a.Idle, b.Idle)
	irq := d(a.Irq+a.Softirq, b.Irq+b.Softirq)
	total := user + sys + nice + iow + steal + idle + irq
	if total == 0 {
		return CPUSplit{Idle: 100}
	}
	pc := func(v float64) float64 { return 100 * v / total }
	return CPUSplit{User: pc(user), System: pc(sys), Nice: pc(nice), IOWait: pc(iow), Steal: pc(steal), Idle: pc(idle), IRQ: pc(irq)}
}

func rate(a, b uint64, seconds float64) float64 {
	if b < a || seconds <= 0 {
		return 0
	}
	return float64(b-a) / seconds
}

// devices keeps whole disks (those listed in /sys/block), not their
// partitions, loop devices of snaps and images, or RAM disks.
func devices(io0, io1 map[string]disk.IOCountersStat, seconds float64, sampled bool) []Device {
	var out []Device
	for name, b := range io1 {
		if strings.HasPrefix(name, "loop") || strings.HasPrefix(name, "ram") || strings.HasPrefix(name, "zram") {
			continue
		}
		if _, err := os.Stat(filepath.Join("/sys/block", name)); err != nil {
			continue
		}
		d := Device{Name: name}
		if a, ok := io0[name]; ok && sampled {
			d.Util = min(100, rate(a.IoTime, b.IoTime, seconds)/10) // ms busy per s → %
			d.ReadRate = rate(a.ReadBytes, b.ReadBytes, seconds)
			d.WriteRate = rate(a.WriteBytes, b.WriteBytes, seconds)
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// skipFS reports filesystems whose fullness means nothing: read-only images
// (snaps are always 100% full) and kernel interfaces.
func skipFS(fstype string) bool {
	switch fstype {
	case "squashfs", "iso9660", "udf", "erofs", "cramfs",
		"proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2",
		"autofs", "fuse.gvfsd-fuse", "fuse.portal", "nsfs", "tracefs":
		return true
	}
	return false
}

// disks lists every mounted data filesystem plus the filesystems holding
// Places, once each: /home on the root filesystem is reported as part of /.
func disks(ctx context.Context, problem func(string, error)) []Disk {
	mounts := []string{}
	fstype := map[string]string{}
	device := map[string]string{}
	if parts, err := disk.PartitionsWithContext(ctx, false); err == nil {
		for _, p := range parts {
			if skipFS(p.Fstype) || strings.HasPrefix(p.Device, "/dev/loop") {
				continue
			}
			mounts = append(mounts, p.Mountpoint)
			fstype[p.Mountpoint], device[p.Mountpoint] = p.Fstype, p.Device
		}
	} else {
		problem("mounted filesystems", err)
	}
	sort.Strings(mounts)
	byDev := map[uint64]int{} // filesystem id → index in out
	var out []Disk
	add := func(path string, place bool) {
		var st syscall.Stat_t
		if syscall.Stat(path, &st) != nil {
			return
		}
		if i, ok := byDev[uint64(st.Dev)]; ok {
			if place && out[i].Mount != path {
				out[i].Also = append(out[i].Also, path)
			}
			return
		}
		u, err := disk.UsageWithContext(ctx, path)
		if err != nil {
			problem("space on "+path, err)
			return
		}
		if skipFS(u.Fstype) || u.Total == 0 {
			return
		}
		byDev[uint64(st.Dev)] = len(out)
		d := Disk{Mount: path, Device: device[path], FSType: u.Fstype, Total: u.Total, Used: u.Used, Free: u.Free,
			UsedPercent: u.UsedPercent, InodesUsedPercent: u.InodesUsedPercent}
		if t := fstype[path]; t != "" {
			d.FSType = t
		}
		out = append(out, d)
	}
	for _, m := range mounts {
		add(m, false)
	}
	for _, p := range Places {
		add(p, true)
	}
	return out
}

// cpuAt is a process's CPU time in seconds and when it was read: the
// window of each process is its own, since reading a hundred processes
// takes a while on a loaded machine.
type cpuAt struct {
	cpu float64
	at  time.Time
}

// proc completes what st says of process pid with its owner and program.
func proc(root string, pid int, st pidStat) Proc {
	pr := Proc{PID: pid, PPID: st.PPID, Name: st.Comm, State: stateLetter(st.State)}
	dir := filepath.Join(root, strconv.Itoa(pid))
	if b, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
		pr.UID, _ = parseStatusUID(string(b))
	}
	pr.Kernel = pr.PID == 2 || pr.PPID == 2
	if !pr.Kernel {
		if exe, err := os.Readlink(filepath.Join(dir, "exe")); err == nil {
			pr.Exe = strings.TrimSuffix(exe, " (deleted)")
		}
		pr.RSS = st.RSS * uint64(os.Getpagesize())
	}
	return pr
}

// readInt reads a file holding one decimal number, 0 when it cannot.
func readInt(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}

// ReadPressure reads one /proc/pressure file.
func ReadPressure(path string) (Pressure, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Pressure{}, err
	}
	p, err := ParsePressure(string(b))
	if err != nil {
		return Pressure{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
