package intents

import (
	"os"
	"path/filepath"
	"sort"
)

// shellWords are the words a command line may begin with that are not
// programs: POSIX special and regular builtins, the bash builtins lsh's
// interpreter also runs, and the compound-command keywords (for f in …).
var shellWords = []string{
	".", ":", "[", "alias", "bg", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit",
	"export", "false", "fg", "getopts", "hash", "jobs", "kill", "printf", "pwd", "read", "readonly",
	"return", "set", "shift", "source", "test", "times", "trap", "true", "type", "ulimit", "umask",
	"unalias", "unset", "wait",
	"case", "for", "if", "time", "until", "while",
}

// CommandsOnPath lists the names of the files in the directories of a
// $PATH value, sorted, without duplicates. Directories that cannot be
// read are skipped. It is what a model's command may begin with, with the
// shell's own words and lsh's builtins (HostCommands).
func CommandsOnPath(path string) []string {
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			// Files and links in bin directories are programs; checking
			// each one's mode would cost a stat per entry (thousands) on
			// every start, for the rare data file left there.
			if t := e.Type(); t.IsRegular() || t&os.ModeSymlink != 0 {
				seen[e.Name()] = true
			}
		}
	}
	return sortedSet(seen)
}

// HostCommands is every word a model's command may begin with on this
// host: the programs on path, the shell's builtins and keywords, and
// builtins (lsh's own: explain, diagnose, model…).
func HostCommands(path string, builtins []string) []string {
	seen := map[string]bool{}
	for _, w := range CommandsOnPath(path) {
		seen[w] = true
	}
	for _, w := range shellWords {
		seen[w] = true
	}
	for _, w := range builtins {
		seen[w] = true
	}
	return sortedSet(seen)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pathEnv is the process's $PATH.
func pathEnv() string { return os.Getenv("PATH") }
