package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/llm/store"
)

// runModelList is `model list [--json]`: the models folder, one model a
// line, the one `?` requests would use marked with "*".
func runModelList(ctx context.Context, env *Env, args []string) int {
	const name = "model list"
	fs := newModelFlags(env, name)
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(rest) > 0 {
		return env.Errorf(2, name, "unexpected argument %q (usage: model list [--json])", rest[0])
	}
	getenv := envGetter(env)
	paths, err := config.PathsFromEnv(getenv)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	entries, err := store.List(paths.ModelsDir)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	current, note := currentModel(paths, getenv, env.Dir)
	if *asJSON {
		return listJSON(env, paths.ModelsDir, current, entries)
	}
	if note != "" {
		fmt.Fprintf(env.Stderr, "%s: %s\n", name, note)
	}
	if len(entries) == 0 {
		fmt.Fprintf(env.Stdout, "No models in %s.\n`model pull NAME` fetches one of: %s\n", paths.ModelsDir, knownNames())
		return 0
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tSIZE\tMODIFIED\tARCH\tPARAMS\tQUANT")
	marked := false
	for _, e := range entries {
		mark := " "
		if current.Path != "" && e.Partial == nil && sameFile(e.Path, current.Path) {
			mark, marked = "*", true
		}
		when := e.Modified.Local().Format("2006-01-02 15:04")
		switch {
		case e.Partial != nil:
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\n", mark, e.Name, store.HumanBytes(e.Size), when, partialNote(e))
		case e.Err != nil:
			fmt.Fprintf(tw, "%s %s\t%s\t%s\terror: %v\n", mark, e.Name, store.HumanBytes(e.Size), when, e.Err)
		default:
			fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\t%s\n", mark, e.Name, store.HumanBytes(e.Size), when, e.Arch, store.HumanParams(e.Params), e.Quant)
		}
	}
	tw.Flush()
	if marked {
		fmt.Fprintf(env.Stdout, "* the default model (from %s)\n", originWords(current))
	}
	return 0
}

func partialNote(e store.Entry) string {
	s := "unfinished download"
	if e.Partial.Total > 0 {
		s += fmt.Sprintf(", %d%% of %s", e.Size*100/e.Partial.Total, store.HumanBytes(e.Partial.Total))
	}
	return s + ": `model pull " + e.Name + "` resumes it"
}

// modelJSON is one model in `model list --json`.
type modelJSON struct {
	Name       string    `json:"name"`
	Path       string    `json:"path"`
	Size       int64     `json:"size"`
	Modified   time.Time `json:"modified"`
	Arch       string    `json:"architecture,omitempty"`
	Parameters uint64    `json:"parameters,omitempty"`
	Quant      string    `json:"quant,omitempty"`
	Default    bool      `json:"default"`
	Error      string    `json:"error,omitempty"`
	Partial    *struct {
		URL   string `json:"url,omitempty"`
		Total int64  `json:"total,omitempty"`
	} `json:"partial,omitempty"`
}

func listJSON(env *Env, dir string, current store.Choice, entries []store.Entry) int {
	out := struct {
		ModelsDir string      `json:"models_dir"`
		Default   string      `json:"default,omitempty"`
		Origin    string      `json:"default_from,omitempty"`
		Models    []modelJSON `json:"models"`
	}{ModelsDir: dir, Default: current.Path, Models: []modelJSON{}}
	if current.Path != "" {
		out.Origin = current.Origin.String()
	}
	for _, e := range entries {
		m := modelJSON{Name: e.Name, Path: e.Path, Size: e.Size, Modified: e.Modified, Arch: e.Arch,
			Parameters: e.Params, Quant: e.Quant}
		m.Default = current.Path != "" && e.Partial == nil && sameFile(e.Path, current.Path)
		if e.Err != nil {
			m.Error = e.Err.Error()
		}
		if e.Partial != nil {
			m.Partial = &struct {
				URL   string `json:"url,omitempty"`
				Total int64  `json:"total,omitempty"`
			}{e.Partial.URL, e.Partial.Total}
		}
		out.Models = append(out.Models, m)
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return env.Errorf(1, "model list", "%v", err)
	}
	return 0
}

// currentModel is the model a `?` request would use without --model: from
// LSH_MODEL or the config. A setting that names nothing usable comes back
// as a note to show, not as a failure of the command.
func currentModel(paths config.Paths, getenv func(string) string, dir string) (store.Choice, string) {
	cfg, cerr := config.Load(paths)
	s := store.Settings{Env: getenv("LSH_MODEL"), Config: cfg.Model, ConfigAt: cfg.Where("model"),
		ModelsDir: paths.ModelsDir, Dir: dir, Home: paths.Home}
	c, err := store.Discover(s)
	switch {
	case err != nil:
		return c, err.Error()
	case cerr != nil:
		return c, "config: " + cerr.Error()
	}
	return c, ""
}

func originWords(c store.Choice) string {
	switch c.Origin {
	case store.FromEnv:
		return "LSH_MODEL"
	case store.FromConfig:
		return "the config file"
	}
	return c.Origin.String()
}

// envGetter reads the shell's variables, or the process environment when
// the builtin runs outside a shell (tests, tools).
func envGetter(env *Env) func(string) string {
	if env.Getenv != nil {
		return env.Getenv
	}
	return os.Getenv
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

func knownNames() string {
	var names []string
	for _, k := range store.Recommended() {
		names = append(names, k.Name)
	}
	return strings.Join(names, ", ")
}
