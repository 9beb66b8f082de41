package sysinfo

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParsePressure(t *testing.T) {
	tests := []struct {
		name, text string
		want       Pressure
		err        string
	}{
		{name: "memory, both lines",
			text: "some avg10=12.50 avg60=3.00 avg300=0.50 total=123456\nfull avg10=4.25 avg60=1.00 avg300=0.00 total=100\n",
			want: Pressure{Some10: 12.5, Some60: 3, Full10: 4.25, Full60: 1, HasFull: true}},
		{name: "cpu on an old kernel: some only",
			text: "some avg10=96.50 avg60=78.31 avg300=41.66 total=256014736\n",
			want: Pressure{Some10: 96.5, Some60: 78.31}},
		{name: "unknown keys are ignored",
			text: "some avg10=1.00 avg60=2.00 avg600=9.00 total=1\n",
			want: Pressure{Some10: 1, Some60: 2}},
		{name: "empty", text: "", err: "no some or full line"},
		{name: "unknown line", text: "some avg10=1.00\npartial avg10=1.00\n", err: `line 2: "partial" is neither some nor full`},
		{name: "not key=value", text: "some avg10 1.00\n", err: `line 1: "avg10" is not key=value`},
		{name: "not a number", text: "full avg10=1.00 avg60=x\n", err: `line 1: avg60="x" is not a percentage`},
		{name: "over 100", text: "some avg10=100.01\n", err: `line 1: avg10="100.01" is not a percentage`},
	}
	for _, tc := range tests {
		got, err := ParsePressure(tc.text)
		checkParse(t, tc.name, got, err, tc.want, tc.err)
	}
}

func TestReadPressureNamesTheFile(t *testing.T) {
	p := t.TempDir() + "/cpu"
	if err := os.WriteFile(p, []byte("bogus\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPressure(p); err == nil || !strings.HasPrefix(err.Error(), p+": line 1:") {
		t.Errorf("error %v does not name %s and the line", err, p)
	}
}

func TestSplit(t *testing.T) {
	a := cpuTimes{User: 100, System: 50, Idle: 1000, Iowait: 10}
	b := cpuTimes{User: 160, System: 70, Idle: 1010, Iowait: 20, Steal: 0}
	got := split(a, b)
	// 100 s of CPU time passed: 60 user, 20 system, 10 idle, 10 I/O wait.
	want := CPUSplit{User: 60, System: 20, Idle: 10, IOWait: 10}
	if got != want {
		t.Errorf("split %+v, want %+v", got, want)
	}
	if got.Busy() != 80 {
		t.Errorf("busy %v, want 80: I/O wait is not work", got.Busy())
	}
	if z := split(b, b); z.Idle != 100 {
		t.Errorf("no time passed: %+v, want all idle", z)
	}
	// Counters that go backwards (a CPU taken offline) never give negative shares.
	if n := split(b, a); n.User < 0 || n.System < 0 {
		t.Errorf("backwards counters: %+v", n)
	}
}

// TestCollectThisMachine measures the real machine: the values depend on
// it, their presence and consistency do not, on any Linux.
func TestCollectThisMachine(t *testing.T) {
	s, err := Collect(context.Background(), 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cores < 1 || !s.HasLoad || s.Mem.Total == 0 || s.Mem.Available > s.Mem.Total {
		t.Errorf("cores %d, load %v %v, memory %+v", s.Cores, s.HasLoad, s.Load, s.Mem)
	}
	if s.Sample < 50*time.Millisecond {
		t.Errorf("sample %v shorter than asked", s.Sample)
	}
	if !s.HasCPU {
		t.Errorf("no CPU split: %v", s.Problems)
	}
	sum := s.CPU.User + s.CPU.System + s.CPU.Nice + s.CPU.IOWait + s.CPU.Steal + s.CPU.Idle + s.CPU.IRQ
	if math.Abs(sum-100) > 0.5 {
		t.Errorf("CPU split sums to %.2f%%: %+v", sum, s.CPU)
	}
	var me *Proc
	for i, p := range s.Procs {
		if p.PID == os.Getpid() {
			me = &s.Procs[i]
		}
		if p.CPU < 0 || p.State == "" {
			t.Errorf("process %+v", p)
		}
	}
	if me == nil {
		t.Fatalf("this test's own process is not among %d processes", len(s.Procs))
	}
	if me.RSS == 0 || me.Exe == "" || me.UID != os.Getuid() || me.PPID != os.Getppid() {
		t.Errorf("own process %+v", *me)
	}
	root := false
	for _, d := range s.Disks {
		if d.Mount == "/" {
			root = true
		}
		if d.Total == 0 || d.UsedPercent < 0 || d.UsedPercent > 100 {
			t.Errorf("disk %+v", d)
		}
	}
	if !root {
		t.Errorf("no filesystem for / among %+v", s.Disks)
	}
}

func TestCollectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Collect(ctx, time.Second); err == nil {
		t.Error("a cancelled collection returned no error")
	}
}

// checkParse checks one row of a parser's table test: the error wantErr
// exactly when it is not "", else no error and the value want; name says
// which row.
func checkParse[T comparable](t *testing.T, name string, got T, err error, want T, wantErr string) {
	t.Helper()
	switch {
	case wantErr != "" && (err == nil || err.Error() != wantErr):
		t.Errorf("%s: error %v, want %q", name, err, wantErr)
	case wantErr == "" && err != nil:
		t.Errorf("%s: %v", name, err)
	case wantErr == "" && got != want:
		t.Errorf("%s: %+v, want %+v", name, got, want)
	}
}
