package risk

import (
	"os"
	"path/filepath"
)

// Options tell the rater about the place a line will run in. The zero
// Options know nothing: paths are judged by their spelling alone and a
// truncating redirection is rated as a write, since it cannot be known
// whether the file exists.
type Options struct {
	// Dir is the working directory relative paths start from ("": unknown).
	Dir string
	// Home is the person's home directory ("": unknown; ~ and $HOME are
	// still recognised as the home).
	Home string
	// Exists reports whether a file exists (paths are absolute when Dir is
	// known, as written otherwise). Nil: unknown.
	Exists func(path string) bool
	// IsDir reports whether a path names a directory (paths as for
	// Exists). Nil: only a trailing slash on an existing path says so.
	// It decides what copying into a directory replaces.
	IsDir func(path string) bool
	// Lookup returns the value of a shell variable when the caller knows
	// it. Nil: every variable but HOME is unknown.
	Lookup func(name string) (string, bool)
}

// Host returns Options for lines run here and now: the process's working
// directory, $HOME, and the real filesystem. Variables stay unknown: a
// line is rated as it reads, not as this process's environment expands it.
func Host() Options {
	dir, _ := os.Getwd()
	return Options{
		Dir:  dir,
		Home: os.Getenv("HOME"),
		Exists: func(p string) bool {
			_, err := os.Lstat(filepath.Clean(p))
			return err == nil
		},
		IsDir: func(p string) bool {
			fi, err := os.Stat(filepath.Clean(p))
			return err == nil && fi.IsDir()
		},
	}
}
