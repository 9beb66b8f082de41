// Package config is lsh's one place for where things live and what the
// person chose: the XDG base directories (config, data, state, cache) and
// the config file $XDG_CONFIG_HOME/lsh/config.toml.
//
// Nothing here runs at import time and nothing reads the disk until asked:
// `lsh -c` never touches the config file unless a builtin needs it (see
// Lazy), and an interactive start pays for one small file read and parse.
package config

import (
	"errors"
	"os"
	"path/filepath"
)

// Paths are the files and folders lsh uses, resolved from the XDG base
// directory variables (https://specifications.freedesktop.org/basedir-spec/)
// and HOME.
type Paths struct {
	Home string

	// The base directories, after defaults: $XDG_CONFIG_HOME or ~/.config,
	// $XDG_DATA_HOME or ~/.local/share, $XDG_STATE_HOME or ~/.local/state,
	// $XDG_CACHE_HOME or ~/.cache.
	ConfigHome string
	DataHome   string
	StateHome  string
	CacheHome  string

	ConfigFile  string // ConfigHome/lsh/config.toml
	ModelsDir   string // DataHome/lsh/models
	HistoryFile string // StateHome/lsh/history
	CacheDir    string // CacheHome/lsh
}

// ErrNoHome is returned when neither HOME nor every XDG variable is set, so
// there is nowhere to put lsh's files.
var ErrNoHome = errors.New("config: HOME is not set (and no XDG base directory variable gives an absolute path)")

// PathsFromEnv resolves Paths from variables read through getenv, which is
// the shell's view of the environment when a builtin asks (a person may
// `export XDG_DATA_HOME=…` in the session) and os.Getenv at startup.
//
// As the specification says, a variable that is empty or holds a relative
// path is ignored and the default under HOME is used instead. HOME is
// needed only for the directories whose variable is unusable.
func PathsFromEnv(getenv func(string) string) (Paths, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	p := Paths{Home: getenv("HOME")}
	var err error
	base := func(name string, def ...string) string {
		if v := getenv(name); v != "" && filepath.IsAbs(v) {
			return filepath.Clean(v)
		}
		if p.Home == "" || !filepath.IsAbs(p.Home) {
			err = ErrNoHome
			return ""
		}
		return filepath.Join(append([]string{p.Home}, def...)...)
	}
	p.ConfigHome = base("XDG_CONFIG_HOME", ".config")
	p.DataHome = base("XDG_DATA_HOME", ".local", "share")
	p.StateHome = base("XDG_STATE_HOME", ".local", "state")
	p.CacheHome = base("XDG_CACHE_HOME", ".cache")
	if err != nil {
		return Paths{}, err
	}
	p.ConfigFile = filepath.Join(p.ConfigHome, "lsh", "config.toml")
	p.ModelsDir = filepath.Join(p.DataHome, "lsh", "models")
	p.HistoryFile = filepath.Join(p.StateHome, "lsh", "history")
	p.CacheDir = filepath.Join(p.CacheHome, "lsh")
	return p, nil
}

// DefaultPaths resolves Paths from the process environment.
func DefaultPaths() (Paths, error) { return PathsFromEnv(os.Getenv) }
