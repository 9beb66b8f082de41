package builtins

import (
	"context"
	"fmt"
	"net"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/serve"
	"github.com/llamashell/lsh/llm/store"
)

// modelServe is `model serve [-m FILE|NAME] [--addr HOST:PORT]`: expose a
// local model as an OpenAI-compatible chat server (llm/serve) until the
// context is cancelled (Ctrl-C), so other shells can use it with
// --endpoint http://HOST:PORT/v1. The model is the one -m names, else the
// session's default (LSH_MODEL, the config's model key).
func modelServe(ctx context.Context, env *Env, args []string) int {
	name := args[0]
	fs := newModelFlags(env, name)
	path := fs.String("m", "", "model `FILE` or name in the models folder (default: LSH_MODEL or the config's model)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free one)")
	ctxSize := fs.Int("ctx", 0, "context size in tokens (0: the model's, at most 4096)")
	threads := fs.Int("t", 0, "cores to compute with (0: one per core)")
	id := fs.String("name", "", "the model's `ID` in /v1/models (default: the file's name)")
	tmpl := fs.String("template", "", "chat template `FAMILY`: zephyr, chatml, llama3, llama2 or plain (default: from the model)")
	quiet := fs.Bool("quiet", false, "do not log requests on stderr")
	cacheType, checkCache := cacheTypeFlag(fs, "half the memory, faster in long chats")
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(rest) > 0 || *ctxSize < 0 || *threads < 0 {
		fs.Usage()
		return 2
	}
	if err := checkCache(); err != nil {
		return env.Errorf(2, name, "%v", err)
	}
	getenv := envGetter(env)
	settings := store.Settings{Flag: *path, Env: getenv("LSH_MODEL"), Dir: env.Dir}
	// The config and the models folder are only needed to find a model
	// by name; -m FILE works without a home.
	if paths, err := config.PathsFromEnv(getenv); err == nil {
		cfg, _ := config.Load(paths)
		settings.Config, settings.ConfigAt = cfg.Model, cfg.Where("model")
		settings.ModelsDir, settings.Home = paths.ModelsDir, paths.Home
	} else if *path == "" && settings.Env == "" {
		return env.Errorf(1, name, "%v", err)
	}
	choice, err := store.Discover(settings)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	if choice.Path == "" {
		return env.Errorf(2, name, "which model? give -m FILE, set LSH_MODEL, or run `model use NAME`")
	}
	m, err := llm.LoadWith(choice.Path, llm.Options{Threads: *threads, KVCache: *cacheType})
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	defer m.Close()
	opts := serve.Options{Name: *id, Context: *ctxSize, Template: *tmpl}
	if !*quiet {
		opts.Log = env.Stderr
	}
	srv, err := serve.New(m, opts)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	fmt.Fprintf(env.Stdout, "serving %s on http://%s/v1 (Ctrl-C stops)\n", srv.Name(), ln.Addr())
	if err := serve.Serve(ctx, ln, srv); err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	return 0
}
