package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
	lshconfig "github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/llm/store"
)

// engineLabel names the intent source the prompt shows: "rules", a
// model's name (its file name without .gguf), or an endpoint's host. It
// follows the engine's precedence (--source, --endpoint and --model over
// LSH_MODEL over the config file) without building the engine, so the
// first prompt costs a config read and a stat, never a model load. A
// setting that cannot work shows as "rules", which is what answers then.
func engineLabel(s natural.Settings, loadConfig func() (*lshconfig.Config, lshconfig.Paths, error)) string {
	var cfg *lshconfig.Config
	var paths lshconfig.Paths
	if loadConfig != nil {
		cfg, paths, _ = loadConfig()
	}
	if cfg == nil {
		cfg = &lshconfig.Config{}
	}
	source := s.Source
	if source == "" {
		source = cfg.Source
	}
	if source == lshconfig.SourceRules {
		return "rules"
	}
	endpoint := s.Endpoint
	if endpoint == "" {
		endpoint = cfg.Endpoint
	}
	if endpoint != "" {
		if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
			return u.Host
		}
		return "endpoint"
	}
	dir, _ := os.Getwd()
	choice, err := store.Discover(store.Settings{
		Flag: s.Model, Env: os.Getenv("LSH_MODEL"), Config: cfg.Model, ConfigAt: cfg.Where("model"),
		ModelsDir: paths.ModelsDir, Dir: dir, Home: paths.Home,
	})
	if err != nil || choice.Path == "" {
		return "rules"
	}
	return strings.TrimSuffix(filepath.Base(choice.Path), ".gguf")
}

// gitBranch is the branch checked out in the repository holding dir, the
// short commit when HEAD is detached, or "" outside a repository. It
// reads .git/HEAD (following a .git file's gitdir: line, as worktrees and
// submodules have) and runs no git.
func gitBranch(dir string) string {
	for d := dir; d != ""; {
		dotgit := filepath.Join(d, ".git")
		if fi, err := os.Stat(dotgit); err == nil {
			gitdir := dotgit
			if !fi.IsDir() {
				data, err := os.ReadFile(dotgit)
				if err != nil {
					return ""
				}
				line, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
				if !ok {
					return ""
				}
				gitdir = strings.TrimSpace(line)
				if !filepath.IsAbs(gitdir) {
					gitdir = filepath.Join(d, gitdir)
				}
			}
			head, err := os.ReadFile(filepath.Join(gitdir, "HEAD"))
			if err != nil {
				return ""
			}
			h := strings.TrimSpace(string(head))
			if ref, ok := strings.CutPrefix(h, "ref: "); ok {
				return strings.TrimPrefix(ref, "refs/heads/")
			}
			if len(h) >= 7 {
				return h[:7]
			}
			return h
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return ""
}
