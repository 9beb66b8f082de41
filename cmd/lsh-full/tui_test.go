package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/tui"
	lshconfig "github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/risk"
	"github.com/llamashell/lsh/shell"
)

func TestGitBranch(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	sub := filepath.Join(repo, "a", "b")
	os.MkdirAll(sub, 0o755)
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(repo, ".git", "HEAD"), "ref: refs/heads/feature/tui\n")
	if got := gitBranch(sub); got != "feature/tui" {
		t.Errorf("branch from a subdirectory = %q", got)
	}
	write(filepath.Join(repo, ".git", "HEAD"), "0123456789abcdef0123456789abcdef01234567\n")
	if got := gitBranch(repo); got != "0123456" {
		t.Errorf("detached HEAD = %q, want the short commit", got)
	}
	// A worktree: .git is a file pointing at the real git directory.
	wt := filepath.Join(root, "wt")
	os.MkdirAll(filepath.Join(root, "gitdirs", "wt"), 0o755)
	os.MkdirAll(wt, 0o755)
	write(filepath.Join(wt, ".git"), "gitdir: ../gitdirs/wt\n")
	write(filepath.Join(root, "gitdirs", "wt", "HEAD"), "ref: refs/heads/other\n")
	if got := gitBranch(wt); got != "other" {
		t.Errorf("worktree branch = %q", got)
	}
	if got := gitBranch(filepath.Join(root, "gitdirs")); got != "" {
		t.Errorf("outside a repository: %q", got)
	}
}

func TestCompleteFiles(t *testing.T) {
	dir := t.TempDir()
	home := t.TempDir()
	for _, d := range []string{"My Documents", "Music", ".config", "src/lsh"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	for _, f := range []string{"notes.txt", ".hidden", "src/main.go"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "run.sh"), nil, 0o755)
	os.Symlink(filepath.Join(dir, "src"), filepath.Join(dir, "link"))
	os.MkdirAll(filepath.Join(home, "Downloads"), 0o755)

	texts := func(cs []tui.Candidate) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Text)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		word     string
		execOnly bool
		want     []string
	}{
		{"M", false, []string{"Music/", "My Documents/"}},
		{"", false, []string{"Music/", "My Documents/", "link/", "notes.txt", "run.sh", "src/"}},
		{".", false, []string{".config/", ".hidden"}},
		{"src/", false, []string{"src/lsh/", "src/main.go"}},
		{"li", false, []string{"link/"}},
		{"~/Do", false, []string{"~/Downloads/"}},
		{"~", false, []string{"~/"}},
		{dir + "/no", false, []string{dir + "/notes.txt"}},
		{"./", true, []string{"./Music/", "./My Documents/", "./link/", "./run.sh", "./src/"}},
		{"nothere/x", false, nil},
	} {
		if got := texts(completeFiles(tc.word, dir, home, tc.execOnly)); !slices.Equal(got, tc.want) {
			t.Errorf("completeFiles(%q, exec %v) = %q, want %q", tc.word, tc.execOnly, got, tc.want)
		}
	}
}

func newTestSession(t *testing.T, env ...string) *shell.Session {
	t.Helper()
	sess, err := shell.New(shell.Options{Env: env, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func TestCompleteCommandsAndVariables(t *testing.T) {
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "frobnicate"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "frobnotexec"), nil, 0o644)
	sess := newTestSession(t, "PATH="+bin, "HOME=/home/x", "FROBVAR=1")
	sess.Run(context.Background(), "frobfunc() { :; }; alias frobalias=ls; export FROBVAR", "")
	got := map[string]string{}
	for _, c := range completeCommands(sess, "frob") {
		got[c.Text] = c.Kind
	}
	want := map[string]string{"frobnicate": "command", "frobfunc": "function", "frobalias": "alias"}
	for name, kind := range want {
		if got[name] != kind {
			t.Errorf("completeCommands(frob): %s is %q, want %q (all: %v)", name, got[name], kind, got)
		}
	}
	if _, ok := got["frobnotexec"]; ok {
		t.Error("a file that is not executable was offered as a command")
	}
	var names []string
	for _, c := range completeCommands(sess, "ul") {
		names = append(names, c.Text)
	}
	if !slices.Contains(names, "ulimit") {
		t.Errorf("shell builtin ulimit not offered for ul: %q", names)
	}
	var vars []string
	for _, c := range completeVariables(sess, "FROB") {
		vars = append(vars, c.Text)
	}
	if !slices.Equal(vars, []string{"FROBVAR"}) {
		t.Errorf("completeVariables(FROB) = %q", vars)
	}
}

func TestBackendClassify(t *testing.T) {
	sess := newTestSession(t, "PATH=/usr/bin:/bin", "HOME=/tmp")
	b := &tuiBackend{ctx: context.Background(), sess: sess}
	for _, tc := range []struct {
		line                          string
		natural, incomplete, runnable bool
	}{
		{"echo hi", false, false, false},
		{"? list files", true, false, false},
		{"echo 'open", false, true, false},
		{"ls |", false, true, false},
		{"echo a \\", false, true, false},
		{"if true; then", false, true, false},
	} {
		c := b.Classify(tc.line)
		if c.Natural != tc.natural || c.Incomplete != tc.incomplete || c.Runnable != tc.runnable {
			t.Errorf("Classify(%q) = %+v", tc.line, c)
		}
	}
	if c := b.Classify("? list files"); c.Request != "list files" {
		t.Errorf("request of a ?-line = %q", c.Request)
	}
}

func TestProposalPolicy(t *testing.T) {
	cmd := intents.Intent{Kind: intents.KindCommand, Command: "rm -r x", Risk: risk.Rating{Level: risk.Deletes}, Source: intents.SourceRules}
	if p := proposal(cmd, natural.YesAsk); p.Kind != tui.KindCommand || p.Proceed || p.Command != "rm -r x" {
		t.Errorf("a command without --yes: %+v", p)
	}
	if p := proposal(cmd, natural.YesAll); !p.Proceed {
		t.Errorf("--yes does not let a deleting command through: %+v", p)
	}
	destroy := cmd
	destroy.Risk.Level = risk.SystemDestroying
	if p := proposal(destroy, natural.YesAll); p.Proceed {
		t.Errorf("--yes lets a system-destroying command through without the card")
	}
	act := intents.Intent{Kind: intents.KindAction, Action: &intents.Action{Name: "explain", Args: []string{"ls -l"}}, Source: intents.SourceRules}
	if p := proposal(act, natural.YesAsk); p.Kind != tui.KindAction || p.Command != "explain 'ls -l'" || p.Action != "explain" || !p.Proceed {
		t.Errorf("an action: %+v", p)
	}
	ans := intents.Intent{Kind: intents.KindAnswer, Text: "42"}
	if p := proposal(ans, natural.YesAsk); p.Kind != tui.KindAnswer || p.Text != "42" {
		t.Errorf("an answer: %+v", p)
	}
}

func TestEngineLabel(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "qwen2.5-0.5b-instruct-q8_0.gguf")
	os.WriteFile(model, []byte("GGUF"), 0o644)
	load := func(c *lshconfig.Config) func() (*lshconfig.Config, lshconfig.Paths, error) {
		return func() (*lshconfig.Config, lshconfig.Paths, error) {
			return c, lshconfig.Paths{ModelsDir: filepath.Join(dir, "models"), Home: dir}, nil
		}
	}
	t.Setenv("LSH_MODEL", "")
	for _, tc := range []struct {
		s    natural.Settings
		cfg  *lshconfig.Config
		want string
	}{
		{natural.Settings{}, &lshconfig.Config{}, "rules"},
		{natural.Settings{Model: model}, &lshconfig.Config{}, "qwen2.5-0.5b-instruct-q8_0"},
		{natural.Settings{Model: model, Source: "rules"}, &lshconfig.Config{}, "rules"},
		{natural.Settings{}, &lshconfig.Config{Model: model}, "qwen2.5-0.5b-instruct-q8_0"},
		{natural.Settings{}, &lshconfig.Config{Model: model, Source: "rules"}, "rules"},
		{natural.Settings{Endpoint: "http://127.0.0.1:8080/v1"}, &lshconfig.Config{}, "127.0.0.1:8080"},
		{natural.Settings{}, &lshconfig.Config{Model: filepath.Join(dir, "missing.gguf")}, "rules"},
		{natural.Settings{}, nil, "rules"},
	} {
		if got := engineLabel(tc.s, load(tc.cfg)); got != tc.want {
			t.Errorf("engineLabel(%+v, %+v) = %q, want %q", tc.s, tc.cfg, got, tc.want)
		}
	}
}

func TestUseTUI(t *testing.T) {
	// Files that are no terminals: the plain front-end, whatever else.
	f, _ := os.CreateTemp(t.TempDir(), "x")
	defer f.Close()
	t.Setenv("TERM", "xterm-256color")
	if useTUI(&config{Config: &cli.Config{}}, f, f, f) {
		t.Error("the TUI was chosen without a terminal")
	}
	for _, term := range []string{"dumb", ""} {
		t.Setenv("TERM", term)
		if useTUI(&config{Config: &cli.Config{}}, os.Stdin, os.Stdout, os.Stderr) {
			t.Errorf("the TUI was chosen with TERM=%q", term)
		}
	}
	t.Setenv("TERM", "xterm-256color")
	if useTUI(&config{Config: &cli.Config{Plain: true}}, os.Stdin, os.Stdout, os.Stderr) {
		t.Error("the TUI was chosen with --plain")
	}
	if strings.Contains(os.Getenv("TERM"), "dumb") {
		t.Fatal("unreachable")
	}
}

func TestStylesFromConfigReportBadEntries(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(file, []byte("[colors]\ntheme = \"solarized\"\ndir = \"#ff0000\"\ndri = \"#00ff00\"\n"), 0o644)
	cfg, err := lshconfig.LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	nl := &nlPath{config: func() (*lshconfig.Config, lshconfig.Paths, error) { return cfg, lshconfig.Paths{}, nil }}
	t.Setenv("NO_COLOR", "") // colours on, but no terminal to ask about the background
	t.Setenv("COLORFGBG", "15;0")
	st, err := tuiStyles(nl, os.Stdin, os.Stdout)
	if st == nil {
		t.Fatal("no styles")
	}
	if err == nil {
		t.Fatal("bad [colors] entries were not reported")
	}
	// (config.Load rejects values that are no colour; names are the TUI's.)
	for _, want := range []string{file + ":2: colors.theme", file + ":4: colors.dri: no such colour"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "colors.dir") {
		t.Errorf("a valid entry was reported: %v", err)
	}
	if got := st.Dir.Render("x"); !strings.Contains(got, "255;0;0") {
		t.Errorf("the valid dir colour was not applied: %q", got)
	}
}
