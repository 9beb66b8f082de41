package shell

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
)

// umaskState gives each subshell its own umask although the process has
// one: subshells are goroutines of lsh, not forked processes. The main shell
// sets the process's umask; a subshell that runs `umask` keeps its value in
// the variable varUmask, and lsh switches the process's umask to it, under
// mu, around each file or process the subshell creates.
type umaskState struct {
	mu   sync.RWMutex
	proc int // the process's umask, which the main shell owns
}

func (u *umaskState) init() {
	u.mu.Lock()
	old := unix.Umask(0)
	unix.Umask(old)
	u.proc = old
	u.mu.Unlock()
}

func (u *umaskState) get() int {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return u.proc
}

func (u *umaskState) set(m int) {
	u.mu.Lock()
	unix.Umask(m)
	u.proc = m
	u.mu.Unlock()
}

// of returns the umask of the (sub)shell whose variables are env.
func (u *umaskState) of(env expand.Environ) int {
	if v := getVar(env, varUmask); v != "" {
		if m, err := strconv.ParseUint(v, 8, 32); err == nil {
			return int(m)
		}
	}
	return u.get()
}

// with runs fn, which creates a file or a process, under the umask of the
// (sub)shell whose variables are env.
func (u *umaskState) with(env expand.Environ, fn func()) {
	v := getVar(env, varUmask)
	m, err := strconv.ParseUint(v, 8, 32)
	if v == "" || err != nil {
		u.mu.RLock()
		defer u.mu.RUnlock()
		fn()
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if int(m) == u.proc {
		fn()
		return
	}
	unix.Umask(int(m))
	defer unix.Umask(u.proc)
	fn()
}

// builtinUmask is `umask [-S] [-p] [mode]` with octal and symbolic modes.
func builtinUmask(s *Session, c *bcall) error {
	args := c.Args[1:]
	symbolic, reusable := false, false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, f := range args[0][1:] {
			switch f {
			case 'S':
				symbolic = true
			case 'p':
				reusable = true
			default:
				c.errorf("umask: -%c: invalid option\nusage: umask [-p] [-S] [mode]", f)
				return exitStatus(2)
			}
		}
		args = args[1:]
	}
	cur := s.umask.of(c.env)
	if len(args) == 0 {
		text := fmt.Sprintf("%04o", cur)
		if symbolic {
			text = symbolicUmask(cur)
		}
		if reusable {
			if symbolic {
				text = "-S " + text
			}
			text = "umask " + text
		}
		fmt.Fprintln(c.Stdout, text)
		return nil
	}
	if len(args) > 1 {
		c.errorf("umask: too many arguments")
		return exitStatus(2)
	}
	m, err := parseUmask(args[0], cur)
	if err != nil {
		c.errorf("umask: %v", err)
		return exitStatus(1)
	}
	if c.main || c.runner == nil {
		s.umask.set(m)
		return nil
	}
	return c.setVars(map[string]string{varUmask: fmt.Sprintf("%04o", m)})
}

// symbolicUmask shows a mask as the permissions it leaves: u=rwx,g=rx,o=rx.
func symbolicUmask(m int) string {
	allowed := ^m & 0o777
	var b strings.Builder
	for i, who := range []string{"u", "g", "o"} {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(who + "=")
		bits := allowed >> (6 - 3*i) & 7
		for j, p := range "rwx" {
			if bits&(4>>j) != 0 {
				b.WriteRune(p)
			}
		}
	}
	return b.String()
}

// parseUmask reads an octal mask (022) or a symbolic mode (u=rwx,g-w,a+r)
// that describes the permissions to allow, applied to the current mask.
func parseUmask(mode string, cur int) (int, error) {
	if mode != "" && mode[0] >= '0' && mode[0] <= '9' {
		m, err := strconv.ParseUint(mode, 8, 32)
		if err != nil || m > 0o777 {
			return 0, fmt.Errorf("%s: octal number out of range", mode)
		}
		return int(m), nil
	}
	allowed := ^cur & 0o777
	for _, clause := range strings.Split(mode, ",") {
		who := 0
		i := 0
		for ; i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0; i++ {
			who |= map[byte]int{'u': 0o700, 'g': 0o070, 'o': 0o007, 'a': 0o777}[clause[i]]
		}
		if who == 0 {
			who = 0o777
		}
		if i == len(clause) {
			return 0, fmt.Errorf("%q: invalid symbolic mode: an operator (+, - or =) is missing", mode)
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, fmt.Errorf("%q: invalid symbolic mode operator %q", mode, op)
			}
			i++
			bits := 0
			for ; i < len(clause) && strings.IndexByte("+-=", clause[i]) < 0; i++ {
				switch clause[i] {
				case 'r':
					bits |= 0o444
				case 'w':
					bits |= 0o222
				case 'x':
					bits |= 0o111
				default:
					return 0, fmt.Errorf("%q: invalid symbolic mode character %q", mode, clause[i])
				}
			}
			bits &= who
			switch op {
			case '+':
				allowed |= bits
			case '-':
				allowed &^= bits
			case '=':
				allowed = allowed&^who | bits
			}
		}
	}
	return ^allowed & 0o777, nil
}
