package shell

import (
	"context"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/shell/promptfmt"
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

// promptEscapes expands ps's backslash escapes; the session's state is
// read only for the escapes ps uses.
func (s *Session) promptEscapes(ps string) string {
	home := s.runner.Vars["HOME"].String()
	return promptfmt.Expand(ps, time.Now(), func(c byte) (string, bool) {
		switch c {
		case 'u':
			return userName(s.runner.Vars["USER"].String()), true
		case 'h', 'H':
			host, _ := os.Hostname()
			if c == 'h' {
				host = promptfmt.ShortHost(host)
			}
			return host, true
		case 'w':
			return promptfmt.ShortDir(s.runner.Dir, home), true
		case 'W':
			return promptfmt.BaseDir(s.runner.Dir, home), true
		case '$':
			if os.Geteuid() == 0 {
				return "#", true
			}
			return "$", true
		case 'j':
			return strconv.Itoa(len(s.jobs.snapshot())), true
		case '!', '#':
			s.mu.Lock()
			n := len(s.history) + 1
			s.mu.Unlock()
			return strconv.Itoa(n), true
		}
		return "", false
	})
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
