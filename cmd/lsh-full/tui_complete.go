package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llamashell/lsh/builtins"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/tui"
	"github.com/llamashell/lsh/shell"
)

// Tab completion's candidates. The TUI finds the word and quotes what it
// inserts; this file knows what exists: commands of every kind for the
// command word, files and directories elsewhere, variable names after $.

// maxCandidates bounds a completion: a Tab in /usr/bin with no prefix
// should not list thousands.
const maxCandidates = 2000

// shellBuiltins are the builtins lsh's shell may have; Resolve says which
// it does.
var shellBuiltins = []string{
	".", ":", "[", "alias", "bg", "break", "builtin", "cd", "command", "continue", "dirs", "disown", "echo",
	"eval", "exec", "exit", "export", "false", "fg", "getopts", "hash", "history", "jobs", "kill", "let",
	"local", "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray", "readonly",
	"return", "set", "shift", "shopt", "source", "suspend", "test", "times", "trap", "true", "type",
	"ulimit", "umask", "unalias", "unset", "wait",
}

func (b *tuiBackend) Complete(q tui.Query) []tui.Candidate {
	switch q.Kind {
	case tui.WordVariable:
		return completeVariables(b.sess, q.Word)
	case tui.WordCommand:
		if strings.Contains(q.Word, "/") || strings.HasPrefix(q.Word, "~") {
			return completeFiles(q.Word, b.sess.Dir(), b.sess.Getenv("HOME"), true)
		}
		return completeCommands(b.sess, q.Word)
	}
	return completeFiles(q.Word, b.sess.Dir(), b.sess.Getenv("HOME"), false)
}

// completeCommands lists what a command word can be: aliases, functions,
// builtins (the shell's and lsh's) and the programs in PATH.
func completeCommands(sess *shell.Session, prefix string) []tui.Candidate {
	var out []tui.Candidate
	add := func(name, kind string) {
		if strings.HasPrefix(name, prefix) && len(out) < maxCandidates {
			out = append(out, tui.Candidate{Text: name, Kind: kind})
		}
	}
	for name := range sess.Aliases() {
		add(name, "alias")
	}
	for _, name := range sess.Functions() {
		add(name, "function")
	}
	for _, name := range shellBuiltins {
		if strings.HasPrefix(name, prefix) && sess.Resolve(name).Kind == shell.Builtin {
			add(name, "builtin")
		}
	}
	for _, name := range builtins.Names() {
		add(name, "lsh builtin")
	}
	seen := make(map[string]bool)
	for _, dir := range filepath.SplitList(sess.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(sess.Dir(), dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, prefix) || seen[name] {
				continue
			}
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
				continue
			}
			seen[name] = true
			add(name, "command")
		}
	}
	return out
}

// completeFiles lists the files and directories that complete word, a
// path as typed: relative to dir, "~/" for home. Names starting with "."
// are offered only when the word's last element starts with ".".
// Directories end with "/". With execOnly, only directories and
// executable files are offered (a command word with a slash).
func completeFiles(word, dir, home string, execOnly bool) []tui.Candidate {
	if word == "~" && home != "" {
		return []tui.Candidate{{Text: "~/", Kind: "directory"}}
	}
	typedDir, base := "", word
	if i := strings.LastIndexByte(word, '/'); i >= 0 {
		typedDir, base = word[:i+1], word[i+1:]
	}
	real := typedDir
	switch {
	case strings.HasPrefix(real, "~/") && home != "":
		real = filepath.Join(home, real[2:])
	case real == "":
		real = dir
	case !filepath.IsAbs(real):
		real = filepath.Join(dir, real)
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		return nil
	}
	var out []tui.Candidate
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		fi, err := os.Stat(filepath.Join(real, name)) // follows symlinks to directories
		isDir := err == nil && fi.IsDir()
		if execOnly && !isDir && (err != nil || fi.Mode().Perm()&0o111 == 0) {
			continue
		}
		c := tui.Candidate{Text: typedDir + name, Kind: "file"}
		if isDir {
			c.Text += "/"
			c.Kind = "directory"
		}
		out = append(out, c)
		if len(out) >= maxCandidates {
			break
		}
	}
	return out
}

// completeVariables lists the shell's exported variables and the usual
// shell ones whose names start with prefix.
func completeVariables(sess *shell.Session, prefix string) []tui.Candidate {
	names := map[string]bool{}
	for _, kv := range sess.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names[name] = true
	}
	for _, name := range []string{"HOME", "PWD", "OLDPWD", "PATH", "PS1", "PS2", "IFS", "RANDOM", "LINENO", "LSH_PROMPT"} {
		if sess.Getenv(name) != "" {
			names[name] = true
		}
	}
	var out []tui.Candidate
	for name := range names {
		if strings.HasPrefix(name, prefix) {
			out = append(out, tui.Candidate{Text: name, Kind: "variable"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}
