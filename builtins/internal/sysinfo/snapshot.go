// Package sysinfo takes one look at the machine for `diagnose`: load, CPU
// time split, memory and swap, pressure stall information, disk space and
// activity, and every process's CPU and memory, as plain data.
//
// Collect measures the real machine; everything else is a Snapshot, a
// struct with no behaviour, so that tests can describe any machine (a
// load of 8 on 2 cores, a full disk, heavy swap) without touching this one.
package sysinfo

import "time"

// Snapshot is the state of the machine over one short window. A zero field
// means "not measured" wherever the doc says so; Problems lists why.
type Snapshot struct {
	// Taken is when the window ended.
	Taken time.Time
	// Sample is the window's length. Zero: nothing was sampled, and CPU
	// percentages (machine and processes) are averages since boot or since
	// the process started.
	Sample time.Duration
	// Cores is the number of logical CPUs (0: unknown).
	Cores int
	// Load holds the 1, 5 and 15 minute load averages: runnable and
	// uninterruptible tasks, where a value equal to Cores keeps every CPU
	// busy. HasLoad is false when they could not be read.
	Load    [3]float64
	HasLoad bool
	// CPU is how the CPUs spent the window, in percent of all CPUs' time
	// (the fields sum to about 100). HasCPU is false when unknown.
	CPU    CPUSplit
	HasCPU bool
	// Mem is memory and swap.
	Mem Memory
	// PSI is the kernel's pressure stall information for cpu, memory and
	// io (keys of the map), absent on kernels without it.
	PSI map[string]Pressure
	// Disks are the mounted filesystems that hold data, one per
	// filesystem even when several of the places diagnose looks at (/,
	// /home, /tmp, /var) share it.
	Disks []Disk
	// Devices are block devices and how busy they were over the window.
	Devices []Device
	// Procs are the processes alive at the end of the window.
	Procs []Proc
	// PIDMax is kernel.pid_max, the most process ids the system can hand
	// out (0: unknown).
	PIDMax int
	// NprocLimit is the soft RLIMIT_NPROC of the user running diagnose:
	// how many processes that user may have (0: unlimited or unknown).
	NprocLimit int
	// UID is the real user id of the process that measured.
	UID int
	// Problems says, one line each, what could not be measured and why.
	Problems []string
}

// CPUSplit is CPU time in percent of all CPUs over a window.
type CPUSplit struct {
	User, System, Nice, IOWait, Steal, Idle, IRQ float64
}

// Busy is the percentage of CPU time spent running something: everything
// but idle and I/O wait (time spent waiting for the disk is not work).
func (c CPUSplit) Busy() float64 {
	b := 100 - c.Idle - c.IOWait
	if b < 0 {
		return 0
	}
	return b
}

// Memory holds byte counts from /proc/meminfo and /proc/vmstat.
type Memory struct {
	Total uint64
	// Available is what can be given to programs without swapping: free
	// memory plus caches the kernel can drop (MemAvailable).
	Available uint64
	SwapTotal uint64
	SwapUsed  uint64
	// SwapInRate and SwapOutRate are bytes per second moved between
	// memory and swap during the window; both 0 when nothing was sampled.
	// Swap used is history; swap traffic is what makes a machine slow now.
	SwapInRate, SwapOutRate float64
}

// Pressure is one resource's line pair in /proc/pressure/NAME: the share of
// the last 10 and 60 seconds in which some (or all, "full") non-idle tasks
// were stalled waiting for that resource, in percent.
type Pressure struct {
	Some10, Some60 float64
	Full10, Full60 float64
	// HasFull is false for /proc/pressure/cpu on kernels before 5.13,
	// which report only "some".
	HasFull bool
}

// Disk is one mounted filesystem.
type Disk struct {
	// Mount is where it is mounted; Also lists the other places diagnose
	// checked that live on the same filesystem ("/home" when it is
	// not a separate partition).
	Mount  string
	Also   []string
	Device string
	FSType string
	// Total, Used and Free are bytes; Free is what an ordinary user can
	// still write (df's "Avail", without the blocks reserved for root).
	Total, Used, Free uint64
	// UsedPercent is Used/(Used+Free) in percent, as df prints it.
	UsedPercent float64
	// InodesUsedPercent is the share of file slots in use (0: unknown or
	// a filesystem without a fixed inode table).
	InodesUsedPercent float64
}

// Device is a block device's activity over the window.
type Device struct {
	Name string
	// Util is the percentage of the window during which the device had
	// requests in flight (iostat's %util); 0 when nothing was sampled.
	Util float64
	// ReadRate and WriteRate are bytes per second over the window.
	ReadRate, WriteRate float64
}

// Proc is one process.
type Proc struct {
	PID, PPID int
	// Name is the kernel's name for it (comm, at most 15 bytes).
	Name string
	// Exe is the program file it runs, "" when it cannot be read (another
	// user's process, or a kernel thread).
	Exe string
	UID int
	// CPU is percent of one CPU over the window (200 means two CPUs
	// fully busy), or over its lifetime when nothing was sampled.
	CPU float64
	// RSS is resident memory in bytes; pages shared with other
	// processes are counted in each of them.
	RSS uint64
	// State is the kernel's one-letter state: R running, S sleeping,
	// D uninterruptible (usually disk), Z zombie, T stopped, I idle.
	State string
	// Kernel marks kernel threads (children of kthreadd), which hold no
	// memory of their own and cannot be killed.
	Kernel bool
}
