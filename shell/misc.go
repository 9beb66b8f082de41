package shell

// This file holds the small builtins lsh implements itself: times, alias
// and unalias, history, logout, suspend, shopt, test and the bash set-up
// ones it accepts and ignores.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/interp"

	"github.com/llamashell/lsh/internal/lazy"
)

// builtinIgnored accepts completion and key-binding set-up that rc files
// written for bash contain; lsh's front-ends do their own.
func builtinIgnored(s *Session, c *bcall) error { return nil }

// builtinBuiltin is `builtin name args…`: run a builtin, skipping functions.
func builtinBuiltin(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) == 0 {
		return nil
	}
	if fn := s.lookupBuiltin(args[0]); fn != nil && args[0] != "builtin" {
		return fn(s, c.with(args))
	}
	if !interp.IsBuiltin(args[0]) {
		c.errorf("builtin: %s: not a shell builtin", args[0])
		return exitStatus(1)
	}
	return c.builtin("builtin", args...)
}

// builtinTimes prints the user and system times of the shell and of its
// children, from getrusage (the interpreter prints zeros).
func builtinTimes(s *Session, c *bcall) error {
	for _, who := range []int{unix.RUSAGE_SELF, unix.RUSAGE_CHILDREN} {
		var ru unix.Rusage
		unix.Getrusage(who, &ru)
		fmt.Fprintf(c.Stdout, "%s %s\n", minSec(ru.Utime), minSec(ru.Stime))
	}
	return nil
}

func minSec(tv unix.Timeval) string {
	d := time.Duration(tv.Nano())
	m := int(d / time.Minute)
	return fmt.Sprintf("%dm%.3fs", m, (d - time.Duration(m)*time.Minute).Seconds())
}

// builtinAlias keeps lsh's copy of the aliases (for Resolve and listings)
// and lets the interpreter, which expands them, record them too.
func builtinAlias(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) > 0 && args[0] == "-p" {
		args = args[1:]
	}
	status := 0
	show := func(name, text string) {
		fmt.Fprintf(c.Stdout, "alias %s=%s\n", name, singleQuote(text))
	}
	if len(args) == 0 {
		s.mu.Lock()
		names := make([]string, 0, len(s.aliases))
		for name := range s.aliases {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			show(name, s.aliases[name])
		}
		s.mu.Unlock()
		return nil
	}
	for _, a := range args {
		name, text, ok := strings.Cut(a, "=")
		if !ok {
			s.mu.Lock()
			text, found := s.aliases[name]
			s.mu.Unlock()
			if !found {
				c.errorf("alias: %s: not found", name)
				status = 1
				continue
			}
			show(name, text)
			continue
		}
		if err := c.builtin("alias", a); err != nil {
			status = statusOf(err)
			continue
		}
		s.mu.Lock()
		s.aliases[name] = text
		s.mu.Unlock()
	}
	return exitStatus(status)
}

func builtinUnalias(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) > 0 && args[0] == "-a" {
		s.mu.Lock()
		for name := range s.aliases {
			c.builtin("unalias", name)
		}
		s.aliases = make(map[string]string)
		s.mu.Unlock()
		return nil
	}
	status := 0
	for _, name := range args {
		s.mu.Lock()
		_, ok := s.aliases[name]
		delete(s.aliases, name)
		s.mu.Unlock()
		if !ok {
			c.errorf("unalias: %s: not found", name)
			status = 1
			continue
		}
		c.builtin("unalias", name)
	}
	return exitStatus(status)
}

// builtinHistory is `history [-c] [n]`: the programs run through Run.
func builtinHistory(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) > 0 && args[0] == "-c" {
		s.mu.Lock()
		s.history = nil
		s.mu.Unlock()
		return nil
	}
	h := s.History()
	first := 0
	if len(args) > 0 {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			c.errorf("history: %s: numeric argument required", args[0])
			return exitStatus(2)
		}
		if n < len(h) {
			first = len(h) - n
		}
	}
	for i := first; i < len(h); i++ {
		line := strings.TrimRight(h[i].Text, "\n")
		if h[i].Request != "" {
			// A confirmed command shows the request it answers, as a
			// comment, so that the line can still be run again.
			line += "  # ? " + strings.ReplaceAll(h[i].Request, "\n", " ")
		}
		fmt.Fprintf(c.Stdout, "%5d  %s\n", i+1, line)
	}
	return nil
}

func builtinLogout(s *Session, c *bcall) error {
	if !s.opts.Login {
		c.errorf("logout: not login shell: use `exit'")
		return exitStatus(1)
	}
	return c.builtin("exit", c.Args[1:]...)
}

func builtinSuspend(s *Session, c *bcall) error {
	c.errorf("suspend: lsh cannot stop itself (no job control for the shell)")
	return exitStatus(1)
}

// shoptCosmetic are bash options that only change interactive niceties
// lsh's front-ends handle their own way; `shopt -s` accepts them so that
// rc files written for bash load without errors.
var shoptCosmetic = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"checkwinsize": true, "histappend": true, "cmdhist": true, "lithist": true,
		"histreedit": true, "histverify": true, "progcomp": true, "hostcomplete": true,
		"interactive_comments": true, "promptvars": true, "checkhash": true,
		"complete_fullquote": true, "no_empty_cmd_completion": true, "mailwarn": true,
		"force_fignore": true, "direxpand": true, "dirspell": true, "cdspell": true,
	}
}}

func builtinShopt(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) >= 2 && (args[0] == "-s" || args[0] == "-u") {
		var pass []string
		for _, name := range args[1:] {
			if !shoptCosmetic.Get()[name] {
				pass = append(pass, name)
			}
		}
		if len(pass) == 0 {
			return nil
		}
		return c.builtin("shopt", append([]string{args[0]}, pass...)...)
	}
	return c.builtin("shopt", args...)
}

// builtinTest adds the string comparisons `[ a \< b ]` and `[ a \> b ]`,
// which sh has and the interpreter's test lacks, then lets the interpreter
// do the rest.
func builtinTest(s *Session, c *bcall) error {
	args := c.Args[1:]
	if c.Args[0] == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			return c.builtin(c.Args[0], c.Args[1:]...)
		}
		args = args[:len(args)-1]
	}
	negate := false
	if len(args) == 4 && args[0] == "!" {
		negate, args = true, args[1:]
	}
	if len(args) == 3 && (args[1] == "<" || args[1] == ">") {
		ok := args[0] < args[2]
		if args[1] == ">" {
			ok = args[0] > args[2]
		}
		if ok != negate {
			return nil
		}
		return exitStatus(1)
	}
	return c.builtin(c.Args[0], c.Args[1:]...)
}
