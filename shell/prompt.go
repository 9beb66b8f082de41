package shell

import (
	"context"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Default prompts, used while PS1 and PS2 are unset.
const (
	DefaultPS1 = `\s\$ `
	DefaultPS2 = "> "
)

// Prompt expands the prompt variable name ("PS1", "PS2") as bash does:
// backslash escapes first (\u \h \H \w \W \$ \n \t \T \@ \A \d \s \j \!
// \# \e \a \\ \[ \] \nnn), then parameter expansion and command
// substitution. Call it between programs.
func (s *Session) Prompt(name string) string {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	vr, ok := s.runner.Vars[name]
	ps := vr.String()
	if !ok || !vr.IsSet() {
		switch name {
		case "PS1":
			ps = DefaultPS1
		case "PS2":
			ps = DefaultPS2
		}
	}
	ps = s.promptEscapes(ps)
	if !strings.ContainsAny(ps, "$`") {
		return ps
	}
	word, err := syntax.NewParser().Document(strings.NewReader(ps))
	if err != nil {
		return ps
	}
	cfg := &expand.Config{
		Env: varsEnviron(s.runner.Vars),
		CmdSubst: func(w io.Writer, cs *syntax.CmdSubst) error {
			r2 := s.runner.Subshell()
			interp.StdIO(nil, w, s.stderr)(r2)
			return r2.Run(context.Background(), &syntax.File{Name: s.arg0, Stmts: cs.Stmts})
		},
	}
	out, err := expand.Document(cfg, word)
	if err != nil {
		return ps
	}
	return out
}

func (s *Session) promptEscapes(ps string) string {
	if !strings.Contains(ps, `\`) {
		return ps
	}
	var b strings.Builder
	now := time.Now()
	home := s.runner.Vars["HOME"].String()
	for i := 0; i < len(ps); i++ {
		if ps[i] != '\\' || i+1 == len(ps) {
			b.WriteByte(ps[i])
			continue
		}
		i++
		switch c := ps[i]; c {
		case 'u':
			b.WriteString(userName(s.runner.Vars["USER"].String()))
		case 'h', 'H':
			host, _ := os.Hostname()
			if c == 'h' {
				host, _, _ = strings.Cut(host, ".")
			}
			b.WriteString(host)
		case 'w', 'W':
			dir := s.runner.Dir
			if c == 'W' && dir != "/" && dir != home {
				dir = filepath.Base(dir)
			} else if home != "" && home != "/" && (dir == home || strings.HasPrefix(dir, home+"/")) {
				dir = "~" + dir[len(home):]
			}
			b.WriteString(dir)
		case '$':
			if os.Geteuid() == 0 {
				b.WriteByte('#')
			} else {
				b.WriteByte('$')
			}
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteString(now.Format("15:04:05"))
		case 'T':
			b.WriteString(now.Format("03:04:05"))
		case '@':
			b.WriteString(now.Format("03:04 PM"))
		case 'A':
			b.WriteString(now.Format("15:04"))
		case 'd':
			b.WriteString(now.Format("Mon Jan 02"))
		case 's':
			b.WriteString("lsh")
		case 'j':
			b.WriteString(strconv.Itoa(len(s.jobs.snapshot())))
		case '!', '#':
			s.mu.Lock()
			n := len(s.history) + 1
			s.mu.Unlock()
			b.WriteString(strconv.Itoa(n))
		case 'e':
			b.WriteByte(0x1b)
		case 'a':
			b.WriteByte(0x07)
		case '\\':
			b.WriteByte('\\')
		case '[', ']':
			// Markers of non-printing text, for line editors that count.
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(ps) && j < i+3 && ps[j] >= '0' && ps[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(ps[i:j], 8, 8)
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

func userName(env string) string {
	if env != "" {
		return env
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Getuid())
}
