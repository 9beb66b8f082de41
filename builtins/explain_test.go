package builtins

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents/explain"
	"github.com/llamashell/lsh/intents/risk"
)

// offline explains from lsh's table only, so the tests do not depend on
// which manual pages this machine has.
var offline = lineExplainer{explain: explain.New(nil).Explain}

func runExplain(t *testing.T, env *Env, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env.Stdout, env.Stderr = &out, &errb
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "/home/ann" }
	}
	st := offline.run(context.Background(), env, append([]string{"explain"}, args...))
	return st, out.String(), errb.String()
}

func TestExplainText(t *testing.T) {
	tests := []struct {
		args  []string
		last  string
		lines []string // lines the output must contain, in order
	}{
		{args: []string{"tar", "-xzf", "a.tgz", "-C", "/tmp"}, lines: []string{
			"tar -xzf a.tgz -C /tmp",
			"  -x        extract files from an archive",
			"  -C /tmp   change to /tmp first",
			"In short: Extracts the archive a.tgz into /tmp.",
			"Risk: writes",
			"  - tar extracts files into /tmp, replacing files of the same name",
		}},
		{args: []string{"rm -rf ~"}, lines: []string{
			"rm -rf ~",
			"Risk: system-destroying",
			"  - rm -r deletes ~ (your home) recursively, without asking (-f)",
			"  Safer: rm -ri ~ asks before each file",
		}},
		{args: []string{"ls", "--json"}, lines: []string{"ls --json", "Risk: read-only"}},
		{args: []string{"--", "--json"}, lines: []string{"--json"}},
		{last: "ls -la | grep foo", lines: []string{
			"ls -la | grep foo",
			"  |     pipe:",
			"Risk: read-only",
			"  - only reads or prints (ls, grep): nothing is changed",
		}},
	}
	for _, tc := range tests {
		st, out, errs := runExplain(t, &Env{Last: LastRun{Command: tc.last}}, tc.args...)
		if st != 0 || errs != "" {
			t.Errorf("%q: status %d, stderr %q", tc.args, st, errs)
		}
		rest := out
		for _, l := range tc.lines {
			i := strings.Index(rest, l)
			if i < 0 {
				t.Errorf("%q: output lacks %q (in order):\n%s", tc.args, l, out)
				break
			}
			rest = rest[i+len(l):]
		}
	}
}

func TestExplainRatesForTheShellsDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// > replaces notes.txt, which exists in the shell's directory (not in
	// the process's): that destroys its contents.
	st, out, _ := runExplain(t, &Env{Dir: dir}, "echo hi > notes.txt")
	if st != 0 || !strings.Contains(out, "Risk: deletes") {
		t.Errorf("overwriting an existing file:\n%s", out)
	}
	_, out, _ = runExplain(t, &Env{Dir: dir}, "echo hi > new.txt")
	if !strings.Contains(out, "Risk: writes") {
		t.Errorf("creating a file:\n%s", out)
	}
}

func TestExplainDoesNotParse(t *testing.T) {
	st, out, errs := runExplain(t, &Env{}, "ls -l; tar -xzf 'a.tgz")
	if st != 1 {
		t.Errorf("status %d, want 1", st)
	}
	if !strings.Contains(out, "  -l  ") || !strings.Contains(out, "the line does not parse (1:17: reached EOF without closing quote") {
		t.Errorf("what parses is not explained, or the rating does not say where it fails:\n%s", out)
	}
	want := "explain: the line does not parse: 1:17: reached EOF without closing quote `'`\n  ls -l; tar -xzf 'a.tgz\n                  ^\n"
	if errs != want {
		t.Errorf("stderr\n got %q\nwant %q", errs, want)
	}

	st, out, _ = runExplain(t, &Env{}, "--json", "for i in; do")
	var e Explained
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if st != 1 || !strings.HasPrefix(e.ParseError, "1:11: ") || e.Risk.ParseError != e.ParseError {
		t.Errorf("status %d, parse_error %q, risk %+v", st, e.ParseError, e.Risk)
	}
}

func TestExplainJSON(t *testing.T) {
	line := "find . -name '*.tmp' -delete"
	st, out, _ := runExplain(t, &Env{}, "--json", line)
	if st != 0 {
		t.Fatalf("status %d", st)
	}
	var e Explained
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if e.Command != line || e.ParseError != "" || e.Risk.Level != risk.Deletes || len(e.Risk.Reasons) == 0 {
		t.Errorf("%+v", e)
	}
	if !strings.Contains(e.Summary, "*.tmp") {
		t.Errorf("summary %q", e.Summary)
	}
	kinds := map[string]bool{}
	for _, p := range e.Parts {
		kinds[p.Kind] = true
		if p.Start >= 0 && line[p.Start:p.End] != p.Text {
			t.Errorf("part %q at %d:%d is %q in the line", p.Text, p.Start, p.End, line[p.Start:p.End])
		}
	}
	if !kinds["command"] || !kinds["option"] {
		t.Errorf("part kinds %v", kinds)
	}
	if len(e.Commands) != 1 || e.Commands[0].Name != "find" || e.Commands[0].From != "table" {
		t.Errorf("commands %+v", e.Commands)
	}
	if !strings.Contains(out, `"kind": "option"`) || strings.Contains(out, `\u003e`) {
		t.Errorf("JSON field names or escaping:\n%s", out)
	}
}

func TestExplainUsage(t *testing.T) {
	st, _, errs := runExplain(t, &Env{})
	if st != 2 || errs != "explain: nothing to explain: give a command line (explain tar -xzf a.tgz), or run one first\n" {
		t.Errorf("nothing to explain: %d %q", st, errs)
	}
	st, out, _ := runExplain(t, &Env{}, "--help")
	if st != 0 || !strings.HasPrefix(out, explainUsage) {
		t.Errorf("--help: %d %q", st, out)
	}
}

func TestExplainRegistered(t *testing.T) {
	fn, ok := Lookup("explain")
	if !ok {
		t.Fatal("explain is not registered")
	}
	var out bytes.Buffer
	// tar is in lsh's table: no manual page is read.
	if st := fn(context.Background(), &Env{Stdout: &out, Stderr: &out}, []string{"explain", "tar -czf a.tgz docs"}); st != 0 || !strings.Contains(out.String(), "Risk: writes") {
		t.Errorf("status %d:\n%s", st, out.String())
	}
}
