package natural

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/shell"
)

// Classify decides what a line is, in sess as it is now: its functions,
// aliases, PATH and working directory.
func Classify(sess *shell.Session, line string, mode classify.Mode) classify.Result {
	return classify.Classify(line, Context(sess, mode))
}

// Context is the classification context of sess: what words resolve to
// and what paths exist, relative to its working directory and HOME.
func Context(sess *shell.Session, mode classify.Mode) classify.Context {
	dir := sess.Dir()
	home := sess.Getenv("HOME")
	return classify.Context{
		Mode: mode,
		Resolve: func(name string) classify.Kind {
			switch sess.Resolve(name).Kind {
			case shell.Alias, shell.Function:
				return classify.Defined
			case shell.Keyword:
				return classify.Keyword
			case shell.Builtin, shell.LshBuiltin:
				return classify.Builtin
			case shell.Executable:
				return classify.Program
			}
			return classify.NotFound
		},
		Exists: func(p string) bool {
			_, err := os.Lstat(absPath(p, dir, home))
			return err == nil
		},
		MakeTargets: func() []string { return makeTargets(dir) },
	}
}

// absPath makes a path as typed absolute: ~ is home, relative is to dir.
func absPath(p, dir, home string) string {
	switch {
	case p == "~" && home != "":
		return home
	case strings.HasPrefix(p, "~/") && home != "":
		return filepath.Join(home, p[2:])
	case filepath.IsAbs(p):
		return p
	}
	return filepath.Join(dir, p)
}

// makeTargets lists the explicit targets of the makefile make would read
// in dir, nil when there is none. It reads rule lines only ("name: …"),
// not variables or included files: enough to tell `make test` from "make
// the script executable".
func makeTargets(dir string) []string {
	for _, name := range []string{"GNUmakefile", "makefile", "Makefile"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		defer f.Close()
		targets := []string{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '\t' || line[0] == '#' || line[0] == ' ' {
				continue
			}
			head, rest, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(rest, "=") || strings.ContainsAny(head, "=$%") {
				continue
			}
			for _, t := range strings.Fields(head) {
				if !strings.HasPrefix(t, ".") {
					targets = append(targets, t)
				}
			}
		}
		return targets
	}
	return nil
}

// NewRequest is the request for text typed in sess: its directory, HOME,
// the last command and its status, and recent history.
func NewRequest(sess *shell.Session, text string) intents.Request {
	last := sess.Last()
	req := intents.Request{
		Text:        text,
		Dir:         sess.Dir(),
		Home:        sess.Getenv("HOME"),
		LastCommand: last.Text,
		LastStatus:  last.Status,
	}
	h := sess.History()
	if len(h) > 10 {
		h = h[len(h)-10:]
	}
	for _, e := range h {
		req.History = append(req.History, e.Text)
	}
	return req
}
