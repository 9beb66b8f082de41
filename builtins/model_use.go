package builtins

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/store"
)

// runModelUse is `model use NAME|FILE`: check that the model opens, then
// make it the default by writing the config's model key (and nothing else
// of the file).
func runModelUse(ctx context.Context, env *Env, args []string) int {
	const name = "model use"
	fs := newModelFlags(env, name)
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(rest) != 1 {
		return env.Errorf(2, name, "usage: model use NAME|FILE (`model list` shows the names)")
	}
	getenv := envGetter(env)
	paths, err := config.PathsFromEnv(getenv)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	value := rest[0]
	choice, err := store.Resolve(store.Settings{ModelsDir: paths.ModelsDir, Dir: env.Dir, Home: paths.Home}, store.FromFlag, value)
	if err != nil {
		var se *store.SettingError
		if errors.As(err, &se) {
			err = se.Err
		}
		return env.Errorf(1, name, "%s: %v", value, err)
	}
	summary, err := checkModel(choice.Path)
	if err != nil {
		return env.Errorf(1, name, "%v; the default is unchanged", err)
	}
	// A model in the models folder is written by name, so the setting
	// survives a move of the folder; anything else by absolute path.
	setting := choice.Path
	if filepath.Dir(choice.Path) == filepath.Clean(paths.ModelsDir) {
		setting = strings.TrimSuffix(filepath.Base(choice.Path), ".gguf")
	}
	if err := config.Set(paths.ConfigFile, "model", setting); err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "Default model: %s (%s), saved in %s\n", setting, summary, paths.ConfigFile)
	if v := getenv("LSH_MODEL"); v != "" {
		fmt.Fprintf(env.Stderr, "%s: note: LSH_MODEL=%s is set and wins over the config in this session\n", name, v)
	}
	return 0
}

// checkModel opens a GGUF file as the engine would and says what it holds,
// as "llama, 1.1B, Q4_K_M".
func checkModel(path string) (string, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := gguf.Summarize(f)
	if s.Architecture == "" {
		return "", fmt.Errorf("%s: no general.architecture in the metadata: not a model lsh can run", path)
	}
	if s.Tensors == 0 {
		return "", fmt.Errorf("%s: holds no tensors (a vocabulary-only file?)", path)
	}
	quant := s.FileType
	if quant == "" && len(s.QuantMix) > 0 {
		quant = s.QuantMix[0].Type
	}
	return fmt.Sprintf("%s, %s, %s", s.Architecture, store.HumanParams(s.Parameters), quant), nil
}
