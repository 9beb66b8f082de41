package shell

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Variables lsh keeps inside the interpreter's own scopes, so that a
// subshell inherits them and a function sees the caller's. They start with
// hiddenPrefix, are never exported, and `set` does not list them.
const (
	hiddenPrefix = "_lsh_"
	varFlags     = "_lsh_flags"    // the value of $- (the program's `$-` reads it)
	varPipefail  = "_lsh_pipefail" // "1" while pipefail is on
	varBang      = "_lsh_bang"     // the value of $! (the program's `$!` reads it)
	varUmask     = "_lsh_umask"    // a subshell's own umask, in octal
	varLimits    = "_lsh_limits"   // a subshell's own resource limits
)

func hiddenVar(name string) bool { return strings.HasPrefix(name, hiddenPrefix) }

func boolVar(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// defaultPath is searched when PATH is unset, as dash does.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// initialEnv returns the environment and directory a new shell starts with:
// SHLVL one more than its parent's, and PWD kept when it names the working
// directory through symbolic links, as POSIX asks.
func initialEnv(env []string, dir string) ([]string, string) {
	if env == nil {
		env = os.Environ()
	}
	env = append([]string(nil), env...)
	lookup := func(name string) (string, int) {
		for i := len(env) - 1; i >= 0; i-- {
			if k, v, ok := strings.Cut(env[i], "="); ok && k == name {
				return v, i
			}
		}
		return "", -1
	}
	set := func(name, value string) {
		if _, i := lookup(name); i >= 0 {
			env[i] = name + "=" + value
			return
		}
		env = append(env, name+"="+value)
	}

	lvl, _ := lookup("SHLVL")
	n, err := strconv.Atoi(strings.TrimSpace(lvl))
	if err != nil || n < 0 {
		n = 0
	}
	set("SHLVL", strconv.Itoa(n+1))

	if dir == "" {
		wd, err := os.Getwd()
		if err == nil {
			dir = wd
		}
		if pwd, _ := lookup("PWD"); filepath.IsAbs(pwd) && dir != "" && sameDir(pwd, dir) {
			dir = pwd
		}
	}
	return env, dir
}

func sameDir(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}

// childEnv returns the environment for a program the shell starts: the
// exported string variables, each name once, lsh's own variables left out.
func childEnv(env expand.Environ) []string {
	vals := make(map[string]string, 64)
	for name, vr := range env.Each {
		if !vr.IsSet() || !vr.Exported || vr.Kind != expand.String || hiddenVar(name) {
			delete(vals, name)
			continue
		}
		vals[name] = vr.Str
	}
	list := make([]string, 0, len(vals))
	for name, v := range vals {
		list = append(list, name+"="+v)
	}
	sort.Strings(list)
	return list
}

// getVar reads a variable from a handler's view of the environment.
func getVar(env expand.Environ, name string) string {
	if env == nil {
		return ""
	}
	return env.Get(name).String()
}

// assignStmt builds the statement `name=value …` (unset for an empty value
// is not needed: an empty value reads as unset for lsh's variables).
func assignStmt(vars map[string]string) *syntax.Stmt {
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	sort.Strings(names)
	call := &syntax.CallExpr{}
	for _, name := range names {
		call.Assigns = append(call.Assigns, &syntax.Assign{
			Name:  &syntax.Lit{Value: name},
			Value: litWord(vars[name]),
		})
	}
	return &syntax.Stmt{Cmd: call}
}

// litWord is a word whose value is exactly s, whatever characters s holds.
func litWord(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: s}}}
}
