package shell

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/llamashell/lsh/internal/lazy"
)

// limitRes is one resource `ulimit` knows, in the order `ulimit -a` shows.
type limitRes struct {
	flag  byte
	res   int // RLIMIT_*; -1 for the pipe size, which is not a limit
	desc  string
	unit  string // shown in `ulimit -a`; "" for plain counts
	scale uint64 // bytes (or units) per unit shown
}

var limitTable = []limitRes{
	{'R', unix.RLIMIT_RTTIME, "real-time non-blocking time", "microseconds", 1},
	{'c', unix.RLIMIT_CORE, "core file size", "blocks", 512},
	{'d', unix.RLIMIT_DATA, "data seg size", "kbytes", 1024},
	{'e', unix.RLIMIT_NICE, "scheduling priority", "", 1},
	{'f', unix.RLIMIT_FSIZE, "file size", "blocks", 512},
	{'i', unix.RLIMIT_SIGPENDING, "pending signals", "", 1},
	{'l', unix.RLIMIT_MEMLOCK, "max locked memory", "kbytes", 1024},
	{'m', unix.RLIMIT_RSS, "max memory size", "kbytes", 1024},
	{'n', unix.RLIMIT_NOFILE, "open files", "", 1},
	{'p', -1, "pipe size", "512 bytes", 1},
	{'q', unix.RLIMIT_MSGQUEUE, "POSIX message queues", "bytes", 1},
	{'r', unix.RLIMIT_RTPRIO, "real-time priority", "", 1},
	{'s', unix.RLIMIT_STACK, "stack size", "kbytes", 1024},
	{'t', unix.RLIMIT_CPU, "cpu time", "seconds", 1},
	{'u', unix.RLIMIT_NPROC, "max user processes", "", 1},
	{'v', unix.RLIMIT_AS, "virtual memory", "kbytes", 1024},
	{'x', unix.RLIMIT_LOCKS, "file locks", "", 1},
}

func limitByFlag(f byte) *limitRes {
	for i := range limitTable {
		if limitTable[i].flag == f {
			return &limitTable[i]
		}
	}
	return nil
}

// childNofile is the soft open-files limit the programs lsh starts get.
// The Go runtime raises its own soft limit to the hard limit minus one at
// start-up and restores the original in each child, which it keeps to
// itself; the limit is read back from a child once, when first asked.
var childNofile = lazy.Value[uint64]{Build: func() uint64 {
	out, err := exec.Command("/bin/sh", "-c", "ulimit -n").Output()
	if err == nil {
		v := strings.TrimSpace(string(out))
		if v == "unlimited" {
			return unix.RLIM_INFINITY
		}
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			return n
		}
	}
	var lim syscall.Rlimit
	syscall.Getrlimit(unix.RLIMIT_NOFILE, &lim)
	return lim.Cur
}}

// getLimit returns a resource's limits in the (sub)shell running c.
func (s *Session) getLimit(c *bcall, res int) (syscall.Rlimit, error) {
	if lim, ok := subshellLimits(c)[res]; ok {
		return lim, nil
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(res, &lim); err != nil {
		return lim, err
	}
	if res == unix.RLIMIT_NOFILE && !s.nofileSet.Load() && lim.Max != unix.RLIM_INFINITY && lim.Cur == lim.Max-1 {
		lim.Cur = childNofile.Get()
	}
	return lim, nil
}

// subshellLimits reads the limits a subshell set for the programs it runs
// (varLimits: "res:soft:hard,…").
func subshellLimits(c *bcall) map[int]syscall.Rlimit {
	v := c.Getenv(varLimits)
	if v == "" {
		return nil
	}
	m := make(map[int]syscall.Rlimit)
	for _, f := range strings.Split(v, ",") {
		parts := strings.Split(f, ":")
		if len(parts) != 3 {
			continue
		}
		res, e1 := strconv.Atoi(parts[0])
		cur, e2 := strconv.ParseUint(parts[1], 10, 64)
		max, e3 := strconv.ParseUint(parts[2], 10, 64)
		if e1 == nil && e2 == nil && e3 == nil {
			m[res] = syscall.Rlimit{Cur: cur, Max: max}
		}
	}
	return m
}

// limitsEnv carries a subshell's resource limits to the trampoline: lsh
// started again only to set them and exec the program (see init). Setting
// them in lsh itself would be wrong (the main shell must keep its own, and a
// lowered hard limit cannot be raised back), and setting them on the child
// after it started would race with the program.
const limitsEnv = "LSH_TRAMPOLINE_LIMITS"

// trampoline returns how to start a program under the limits a subshell
// set: the lsh executable with the program's path and arguments after.
func trampoline(c *bcall, path string, argv []string, env []string) (string, []string, []string) {
	v := c.Getenv(varLimits)
	if v == "" {
		return path, argv, env
	}
	self, err := selfExe()
	if err != nil {
		return path, argv, env
	}
	return self, append([]string{"lsh-limits", path}, argv...), append(env, limitsEnv+"="+v)
}

// init is the trampoline's whole life: when lsh is started with
// limitsEnv, it sets the limits and becomes the program. Any other start
// pays one environment lookup.
func init() {
	spec, ok := os.LookupEnv(limitsEnv)
	if !ok || len(os.Args) < 3 {
		return
	}
	for _, f := range strings.Split(spec, ",") {
		parts := strings.Split(f, ":")
		if len(parts) != 3 {
			continue
		}
		res, _ := strconv.Atoi(parts[0])
		cur, _ := strconv.ParseUint(parts[1], 10, 64)
		max, _ := strconv.ParseUint(parts[2], 10, 64)
		if err := syscall.Setrlimit(res, &syscall.Rlimit{Cur: cur, Max: max}); err != nil {
			desc := strconv.Itoa(res)
			for _, l := range limitTable {
				if l.res == res {
					desc = l.desc
				}
			}
			fmt.Fprintf(os.Stderr, "lsh: ulimit: %s: cannot modify limit: %s\n", desc, errText(err))
		}
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, limitsEnv+"=") {
			env = append(env, kv)
		}
	}
	path, argv := os.Args[1], os.Args[2:]
	err := syscall.Exec(path, argv, env)
	if err == syscall.ENOEXEC {
		err = syscall.Exec("/proc/self/exe", append([]string{"lsh", path}, argv[1:]...), env)
	}
	fmt.Fprintf(os.Stderr, "lsh: %s: %s\n", argv[0], errText(err))
	if err == syscall.ENOENT {
		os.Exit(127)
	}
	os.Exit(126)
}

// builtinUlimit is `ulimit [-SHa] [-RcdefilmnpqrstuvxT] [limit]`.
func builtinUlimit(s *Session, c *bcall) error {
	soft, hard, all := false, false, false
	var res []*limitRes
	args := c.Args[1:]
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for i := 1; i < len(args[0]); i++ {
			switch f := args[0][i]; f {
			case 'S':
				soft = true
			case 'H':
				hard = true
			case 'a':
				all = true
			default:
				r := limitByFlag(f)
				if r == nil {
					c.errorf("ulimit: -%c: invalid option\nusage: ulimit [-SHa] [-RcdefilmnpqrstuvxT] [limit]", f)
					return exitStatus(2)
				}
				res = append(res, r)
			}
		}
		args = args[1:]
	}
	if len(args) > 1 {
		c.errorf("ulimit: too many arguments")
		return exitStatus(2)
	}
	if all {
		res = nil
		for i := range limitTable {
			res = append(res, &limitTable[i])
		}
	}
	if len(res) == 0 {
		res = []*limitRes{limitByFlag('f')}
	}
	if len(args) == 0 {
		for _, r := range res {
			v, err := s.limitText(c, r, hard && !soft)
			if err != nil {
				c.errorf("ulimit: %s: cannot get limit: %s", r.desc, errText(err))
				return exitStatus(1)
			}
			if len(res) == 1 {
				fmt.Fprintln(c.Stdout, v)
				continue
			}
			unit := fmt.Sprintf("(-%c) ", r.flag)
			if r.unit != "" {
				unit = fmt.Sprintf("(%s, -%c) ", r.unit, r.flag)
			}
			fmt.Fprintf(c.Stdout, "%-20s %20s%s\n", r.desc, unit, v)
		}
		return nil
	}
	if all || len(res) > 1 {
		c.errorf("ulimit: one resource at a time can be set")
		return exitStatus(2)
	}
	r := res[0]
	if r.res < 0 {
		c.errorf("ulimit: %s: cannot modify limit: it is fixed by the kernel", r.desc)
		return exitStatus(1)
	}
	lim, err := s.getLimit(c, r.res)
	if err != nil {
		c.errorf("ulimit: %s: cannot get limit: %s", r.desc, errText(err))
		return exitStatus(1)
	}
	var v uint64
	switch args[0] {
	case "unlimited":
		v = unix.RLIM_INFINITY
	case "hard":
		v = lim.Max
	case "soft":
		v = lim.Cur
	default:
		n, err := strconv.ParseUint(args[0], 10, 64)
		if err != nil {
			c.errorf("ulimit: %s: invalid number", args[0])
			return exitStatus(1)
		}
		v = n * r.scale
		if r.scale != 0 && v/r.scale != n {
			v = unix.RLIM_INFINITY
		}
	}
	if !soft && !hard {
		soft, hard = true, true
	}
	if soft {
		lim.Cur = v
	}
	if hard {
		lim.Max = v
	}
	if !c.main && c.runner != nil {
		// A subshell's limit is for the programs it starts, not for lsh:
		// they start through the trampoline.
		if lim.Cur > lim.Max && lim.Max != unix.RLIM_INFINITY {
			c.errorf("ulimit: %s: cannot modify limit: %s", r.desc, errText(syscall.EINVAL))
			return exitStatus(1)
		}
		if old, _ := s.getLimit(c, r.res); raises(lim.Max, old.Max) && !canRaiseLimits() {
			// The kernel would refuse it when the program starts.
			c.errorf("ulimit: %s: cannot modify limit: %s", r.desc, errText(syscall.EPERM))
			return exitStatus(1)
		}
		m := subshellLimits(c)
		if m == nil {
			m = make(map[int]syscall.Rlimit)
		}
		m[r.res] = lim
		var parts []string
		for res, l := range m {
			parts = append(parts, fmt.Sprintf("%d:%d:%d", res, l.Cur, l.Max))
		}
		return c.setVars(map[string]string{varLimits: strings.Join(parts, ",")})
	}
	// syscall.Setrlimit, not unix's: for open files it also stops Go from
	// putting back the original limit in each child.
	if err := syscall.Setrlimit(r.res, &lim); err != nil {
		c.errorf("ulimit: %s: cannot modify limit: %s", r.desc, errText(err))
		return exitStatus(1)
	}
	if r.res == unix.RLIMIT_NOFILE {
		s.nofileSet.Store(true)
	}
	return nil
}

func raises(newMax, oldMax uint64) bool {
	return oldMax != unix.RLIM_INFINITY && (newMax == unix.RLIM_INFINITY || newMax > oldMax)
}

// canRaiseLimits reports whether lsh has CAP_SYS_RESOURCE, which raising a
// hard limit needs (root in a container often lacks it).
func canRaiseLimits() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	return data[0].Effective&(1<<unix.CAP_SYS_RESOURCE) != 0
}

// limitText shows one limit as ulimit prints it.
func (s *Session) limitText(c *bcall, r *limitRes, hard bool) (string, error) {
	if r.res < 0 {
		return "8", nil // PIPE_BUF / 512, as every sh shows
	}
	lim, err := s.getLimit(c, r.res)
	if err != nil {
		return "", err
	}
	v := lim.Cur
	if hard {
		v = lim.Max
	}
	if v == unix.RLIM_INFINITY {
		return "unlimited", nil
	}
	return strconv.FormatUint(v/r.scale, 10), nil
}
