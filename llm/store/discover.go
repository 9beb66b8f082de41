// Package store is lsh's local model store: which GGUF file to use (Discover),
// what is in the models folder (List), and getting a model onto the disk
// (Pull, with resume and verification).
//
// It knows files and HTTP, not shells or config files: the caller passes
// what the flag, the environment and the config say, and the folder.
package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Origin is where the chosen model came from.
type Origin int

// The sources of a model, strongest first.
const (
	None       Origin = iota // nothing asked for a model
	FromFlag                 // --model FILE
	FromEnv                  // LSH_MODEL
	FromConfig               // the config file's model key
)

// String names the source as a person would set it.
func (o Origin) String() string {
	switch o {
	case FromFlag:
		return "--model"
	case FromEnv:
		return "LSH_MODEL"
	case FromConfig:
		return "config"
	}
	return "none"
}

// Settings are the places a model can be asked for, and what relative names
// are relative to.
type Settings struct {
	Flag   string // --model, "" if not given
	Env    string // $LSH_MODEL, "" if unset
	Config string // the config file's model key, "" if unset
	// ConfigAt says where the config set it ("~/.config/lsh/config.toml:3"),
	// for messages.
	ConfigAt string

	ModelsDir string // where names are looked up
	Dir       string // the working directory, for relative paths in Flag and Env
	Home      string // for a leading ~/ in any of them
}

// Choice is the model Discover picked.
type Choice struct {
	Path   string // absolute; "" when Origin is None
	Origin Origin
	Value  string // the setting as written
}

// Discover picks the model: --model, else LSH_MODEL, else the config's
// model key, else none (Choice.Origin None, no error: lsh then answers from
// its rules alone).
//
// The first source that is set decides; if what it names does not exist,
// that is an error naming the source — lsh does not quietly fall back to a
// model the person did not ask for.
//
// A value is a path if it holds a "/" (or starts with ~/), else a name: the
// models folder's NAME or NAME.gguf, and for --model and LSH_MODEL also a
// file of that name in the working directory. A relative path is relative to
// the working directory for --model and LSH_MODEL, and to the models folder
// for the config (which must not depend on where lsh starts).
func Discover(s Settings) (Choice, error) {
	switch {
	case s.Flag != "":
		return s.resolve(FromFlag, s.Flag)
	case s.Env != "":
		return s.resolve(FromEnv, s.Env)
	case s.Config != "":
		return s.resolve(FromConfig, s.Config)
	}
	return Choice{}, nil
}

// Resolve finds the file a model setting names, as Discover would for a
// setting from origin; `model use` checks a name with it before writing it
// to the config.
func Resolve(s Settings, origin Origin, value string) (Choice, error) {
	return s.resolve(origin, value)
}

// SettingError is a model setting that names no usable file.
type SettingError struct {
	Origin Origin
	Value  string
	At     string // for the config: where it is set
	Err    error
}

// Error names the setting as written, then what is wrong with it.
func (e *SettingError) Error() string {
	var where string
	switch e.Origin {
	case FromFlag:
		where = "--model " + e.Value
	case FromEnv:
		where = "LSH_MODEL=" + e.Value
	default:
		where = fmt.Sprintf("model = %q", e.Value)
		if e.At != "" {
			where += " (" + e.At + ")"
		}
	}
	return where + ": " + e.Err.Error()
}

// Unwrap lets errors.Is see fs.ErrNotExist through the setting.
func (e *SettingError) Unwrap() error { return e.Err }

func (s Settings) resolve(origin Origin, value string) (Choice, error) {
	fail := func(err error) (Choice, error) {
		se := &SettingError{Origin: origin, Value: value, Err: err}
		if origin == FromConfig {
			se.At = s.ConfigAt
		}
		return Choice{}, se
	}
	v := value
	if strings.HasPrefix(v, "~/") && s.Home != "" {
		v = filepath.Join(s.Home, v[2:])
	}
	if !strings.ContainsRune(v, '/') {
		return s.resolveName(origin, value, v, fail)
	}
	if !filepath.IsAbs(v) {
		base := s.Dir
		if origin == FromConfig {
			base = s.ModelsDir
		}
		v = filepath.Join(base, v)
	}
	if err := checkFile(v); err != nil {
		return fail(err)
	}
	return Choice{Path: filepath.Clean(v), Origin: origin, Value: value}, nil
}

func (s Settings) resolveName(origin Origin, value, name string, fail func(error) (Choice, error)) (Choice, error) {
	candidates := []string{filepath.Join(s.ModelsDir, name)}
	if !strings.HasSuffix(name, ".gguf") {
		candidates = append(candidates, filepath.Join(s.ModelsDir, name+".gguf"))
	}
	if origin != FromConfig && s.Dir != "" {
		candidates = append(candidates, filepath.Join(s.Dir, name))
	}
	var firstErr error // something there, but not a model file
	for _, c := range candidates {
		err := checkFile(c)
		if err == nil {
			return Choice{Path: c, Origin: origin, Value: value}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) && firstErr == nil {
			firstErr = fmt.Errorf("%s %w", c, err)
		}
	}
	if firstErr != nil {
		return fail(firstErr)
	}
	msg := fmt.Sprintf("no model named %q in %s", name, s.ModelsDir)
	if origin != FromConfig && s.Dir != "" {
		msg += " and no file " + filepath.Join(s.Dir, name)
	}
	return fail(errors.New(msg + " (`model list` shows what is installed)"))
}

// checkFile accepts a regular file (through symlinks).
func checkFile(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &notExist{}
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory, not a model file")
	}
	if !st.Mode().IsRegular() {
		return errors.New("is not a regular file")
	}
	return nil
}

type notExist struct{}

func (*notExist) Error() string        { return "no such file" }
func (*notExist) Is(target error) bool { return target == fs.ErrNotExist }
