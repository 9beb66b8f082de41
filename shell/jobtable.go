package shell

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"
)

// A background job is a subshell of the shell that ran `cmd &`, running in
// a goroutine of lsh (the interpreter cannot fork). The programs it starts
// are real processes in a process group of their own; the first one's PID
// is the job's $!. A job that runs only builtins has no process: its $! is
// a pseudo process ID above any the kernel hands out (pseudoPIDBase + n),
// which lsh's kill and wait understand.
type job struct {
	id      int
	text    string         // the command as written, for jobs and fg
	owner   *interp.Runner // the (sub)shell that started it; its `wait` waits for it
	cancel  context.CancelFunc
	started chan struct{} // closed when the first process starts or the job ends
	done    chan struct{} // closed when the job ends
	once    sync.Once

	mu       sync.Mutex // guards the fields below
	pgid     int        // the process group new processes join; 0: start one
	groups   map[int]bool
	live     map[int]bool
	leader   int // the first process started; 0 if none yet
	pseudo   int // $! when no process has started
	status   int
	killedBy syscall.Signal // set by kill %N; the job ends with 128+signal
	notified bool           // its end was reported (jobs, wait, a notice)
}

// pseudoPIDBase is above the largest PID Linux hands out (2^22).
const pseudoPIDBase = 1 << 22

type jobKey struct{}

// jobOf returns the job a handler runs in, nil in the foreground.
func jobOf(ctx context.Context) *job {
	j, _ := ctx.Value(jobKey{}).(*job)
	return j
}

func (j *job) groupID() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.pgid
}

func (j *job) resetGroup() {
	j.mu.Lock()
	j.pgid = 0
	j.mu.Unlock()
}

func (j *job) procStarted(pid int) {
	j.mu.Lock()
	if j.pgid == 0 {
		j.pgid = pid
	}
	j.groups[j.pgid] = true
	j.live[pid] = true
	if j.leader == 0 {
		j.leader = pid
	}
	j.mu.Unlock()
	j.once.Do(func() { close(j.started) })
}

func (j *job) procDone(pid int) {
	j.mu.Lock()
	delete(j.live, pid)
	j.mu.Unlock()
}

// pid is the job's $!.
func (j *job) pid() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.leader != 0 {
		return j.leader
	}
	return j.pseudo
}

func (j *job) finished() bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

// terminates reports whether a signal's default action ends a process.
func terminates(sig syscall.Signal) bool {
	switch sig {
	case 0, syscall.SIGCHLD, syscall.SIGCONT, syscall.SIGURG, syscall.SIGWINCH,
		syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return false
	}
	return true
}

// signal sends sig to every process group of the job; a signal that ends
// processes also stops the job's shell code, as it would end a forked
// subshell.
func (j *job) signal(sig syscall.Signal) error {
	if j.finished() {
		return fmt.Errorf("job has terminated")
	}
	j.mu.Lock()
	groups := make([]int, 0, len(j.groups))
	for g := range j.groups {
		groups = append(groups, g)
	}
	if terminates(sig) && sig != 0 {
		j.killedBy = sig
	}
	j.mu.Unlock()
	var err error
	for _, g := range groups {
		if e := unix.Kill(-g, sig); e != nil && e != unix.ESRCH {
			err = e
		}
	}
	if terminates(sig) && sig != 0 {
		j.cancel()
	}
	return err
}

// stopped reports whether every live process of the job is stopped.
func (j *job) stopped() bool {
	j.mu.Lock()
	pids := make([]int, 0, len(j.live))
	for p := range j.live {
		pids = append(pids, p)
	}
	j.mu.Unlock()
	if len(pids) == 0 {
		return false
	}
	for _, p := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/stat")
		if err != nil {
			return false
		}
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
			return false
		}
	}
	return true
}

// state is the job's state as `jobs` shows it.
func (j *job) state() string {
	if !j.finished() {
		if j.stopped() {
			return "Stopped"
		}
		return "Running"
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.killedBy != 0:
		if d := sigDescriptions.Get()[j.killedBy]; d != "" {
			return d
		}
		return unix.SignalName(j.killedBy)
	case j.status == 0:
		return "Done"
	}
	return "Exit " + strconv.Itoa(j.status)
}

func (j *job) exitStatus() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.status
}

// jobTable holds the jobs of a session, in the order they started.
type jobTable struct {
	mu      sync.Mutex
	list    []*job
	pseudo  int
	changed chan struct{} // closed and replaced whenever a job ends
}

// maxFinished is how many ended jobs nobody asked about a table keeps; a
// script that starts jobs without waiting must not grow lsh forever.
const maxFinished = 1000

func (t *jobTable) init() { t.changed = make(chan struct{}) }

func (t *jobTable) add(text string, owner *interp.Runner, cancel context.CancelFunc) *job {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := 1
	if n := len(t.list); n > 0 {
		id = t.list[n-1].id + 1
	}
	t.pseudo++
	j := &job{
		id: id, text: text, owner: owner, cancel: cancel,
		started: make(chan struct{}), done: make(chan struct{}),
		groups: make(map[int]bool), live: make(map[int]bool),
		pseudo: pseudoPIDBase + t.pseudo,
	}
	t.list = append(t.list, j)
	return j
}

func (t *jobTable) finish(j *job, status int) {
	j.mu.Lock()
	if j.killedBy != 0 {
		status = 128 + int(j.killedBy)
	}
	j.status = status
	j.mu.Unlock()
	j.once.Do(func() { close(j.started) })
	t.mu.Lock()
	close(j.done)
	close(t.changed)
	t.changed = make(chan struct{})
	finished := 0
	for _, o := range t.list {
		if o.finished() {
			finished++
		}
	}
	for i := 0; finished > maxFinished && i < len(t.list); {
		if t.list[i].finished() {
			t.list = append(t.list[:i], t.list[i+1:]...)
			finished--
			continue
		}
		i++
	}
	t.mu.Unlock()
}

func (t *jobTable) remove(j *job) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, o := range t.list {
		if o == j {
			t.list = append(t.list[:i], t.list[i+1:]...)
			return
		}
	}
}

func (t *jobTable) snapshot() []*job {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*job(nil), t.list...)
}

func (t *jobTable) changedCh() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changed
}

// mark is '+' for the current job (the newest), '-' for the one before.
func (t *jobTable) mark(j *job) byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.list)
	switch {
	case n > 0 && t.list[n-1] == j:
		return '+'
	case n > 1 && t.list[n-2] == j:
		return '-'
	}
	return ' '
}

// find resolves a job spec (%N, %+, %%, %-, %prefix, %?text) or a PID.
func (t *jobTable) find(spec string) (*job, error) {
	list := t.snapshot()
	if !strings.HasPrefix(spec, "%") {
		pid, err := strconv.Atoi(spec)
		if err != nil {
			return nil, fmt.Errorf("%s: arguments must be process or job IDs", spec)
		}
		for _, j := range list {
			if j.pid() == pid {
				return j, nil
			}
			j.mu.Lock()
			_, ok := j.live[pid]
			j.mu.Unlock()
			if ok {
				return j, nil
			}
		}
		return nil, fmt.Errorf("pid %d is not a child of this shell", pid)
	}
	s := spec[1:]
	n := len(list)
	switch {
	case s == "" || s == "+" || s == "%":
		if n > 0 {
			return list[n-1], nil
		}
	case s == "-":
		if n > 1 {
			return list[n-2], nil
		}
		if n == 1 {
			return list[0], nil
		}
	case s[0] >= '0' && s[0] <= '9':
		id, err := strconv.Atoi(s)
		if err == nil {
			for _, j := range list {
				if j.id == id {
					return j, nil
				}
			}
		}
	default:
		var found *job
		for _, j := range list {
			ok := strings.HasPrefix(j.text, s)
			if s[0] == '?' {
				ok = strings.Contains(j.text, s[1:])
			}
			if ok {
				if found != nil {
					return nil, fmt.Errorf("%s: ambiguous job spec", spec)
				}
				found = j
			}
		}
		if found != nil {
			return found, nil
		}
	}
	return nil, fmt.Errorf("%s: no such job", spec)
}
