package builtins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/explain"
	"github.com/llamashell/lsh/intents/risk"
)

// explain takes a command line apart offline: each word, option and
// redirection with its meaning (intents/explain), and what running it
// risks (intents/risk). It runs nothing but, for tools outside lsh's
// table, their manual page or --help.

// Explained is explain's answer; --json prints it.
type Explained struct {
	Command string `json:"command"`
	// Summary says in one line what the whole line does.
	Summary  string             `json:"summary"`
	Parts    []ExplainedPart    `json:"parts"`
	Commands []ExplainedCommand `json:"commands"`
	Risk     risk.Rating        `json:"risk"`
	// ParseError is set when the line does not parse: "line:col: why".
	// Parts and Commands then cover what came before the error.
	ParseError string `json:"parse_error,omitempty"`
}

// ExplainedPart is one piece of the line (see explain.Part).
type ExplainedPart struct {
	// Start and End are byte offsets in the line, -1 for pieces inside
	// quoted code (bash -c '…').
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Text    string `json:"text"`
	Kind    string `json:"kind"`
	Meaning string `json:"meaning"`
	Depth   int    `json:"depth"`
	Unknown bool   `json:"unknown,omitempty"`
}

// ExplainedCommand is one command of the line (see explain.Command).
type ExplainedCommand struct {
	Name     string `json:"name"`
	Summary  string `json:"summary,omitempty"`
	From     string `json:"from,omitempty"`
	Sentence string `json:"sentence,omitempty"`
	Depth    int    `json:"depth"`
}

// lineExplainer holds the explainer explain uses, so tests can use the
// offline one (explain.New(nil)) and not depend on installed manuals.
type lineExplainer struct {
	explain func(line string) (explain.Explanation, error)
}

var defaultExplainer = lineExplainer{explain: explain.Explain}

// Explain explains and rates a line as the explain builtin does, for the
// place env describes (its directory and HOME sharpen the rating).
func Explain(env *Env, line string) Explained {
	return defaultExplainer.explainLine(env, line)
}

func (x lineExplainer) explainLine(env *Env, line string) Explained {
	ex, err := x.explain(line)
	out := Explained{Command: line, Summary: ex.Summary(), Parts: []ExplainedPart{}, Commands: []ExplainedCommand{}}
	for _, p := range ex.Parts {
		out.Parts = append(out.Parts, ExplainedPart{Start: p.Start, End: p.End, Text: p.Text, Kind: string(p.Kind), Meaning: p.Meaning, Depth: p.Depth, Unknown: p.Unknown})
	}
	for _, c := range ex.Commands {
		out.Commands = append(out.Commands, ExplainedCommand{Name: c.Name, Summary: c.Summary, From: c.From, Sentence: c.Sentence, Depth: c.Depth})
	}
	out.Risk = risk.RateWith(line, rateOptions(env))
	if err != nil {
		out.ParseError = err.Error()
	}
	return out
}

// rateOptions describes where the line would run: the shell's directory,
// HOME, and the real filesystem (to tell overwriting from creating).
func rateOptions(env *Env) risk.Options {
	dir := env.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	return risk.Options{
		Dir:  dir,
		Home: getenv(env, "HOME"),
		Exists: func(p string) bool {
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			_, err := os.Lstat(filepath.Clean(p))
			return err == nil
		},
	}
}

const explainUsage = "usage: explain [--json] [COMMAND LINE…]"

// run explains its arguments joined as one line, or the last command when
// there are none. Status 0 when the line parses; 1 when it does not (the
// part before the error is still explained, and stderr says where it
// fails); 2 for bad usage or nothing to explain.
func (x lineExplainer) run(ctx context.Context, env *Env, args []string) int {
	asJSON := false
	i := 1
flags:
	for ; i < len(args); i++ {
		switch args[i] {
		case "--json":
			asJSON = true
		case "-h", "--help":
			fmt.Fprintln(env.Stdout, explainUsage)
			fmt.Fprintln(env.Stdout, "Explains each word of a command line and rates what it risks, without running it.\n"+
				"Quote the line to keep the shell from expanding it: explain 'rm -rf \"$DIR\"/*'. With no line, explains the last command.")
			return 0
		case "--":
			i++
			break flags
		default:
			break flags // the line starts here, options of its own included
		}
	}
	line := strings.Join(args[i:], " ")
	if strings.TrimSpace(line) == "" {
		line = env.Last.Command
	}
	if strings.TrimSpace(line) == "" {
		return env.Errorf(2, "explain", "nothing to explain: give a command line (explain tar -xzf a.tgz), or run one first")
	}
	out := x.explainLine(env, line)
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return env.Errorf(1, "explain", "writing JSON: %v", err)
		}
	} else {
		out.write(env.Stdout)
	}
	if out.ParseError != "" {
		return env.Errorf(1, "explain", "the line does not parse: %s%s", out.ParseError, caret(line, out.ParseError))
	}
	return 0
}

// write prints the explanation for a person: the line's parts, the
// summary, then the risk with its reasons and a safer alternative.
func (e Explained) write(w io.Writer) {
	fmt.Fprintln(w, e.Command)
	width := 0
	for _, p := range e.Parts {
		width = max(width, len([]rune(p.Text))+2*p.Depth)
	}
	width = min(width, 28)
	for _, p := range e.Parts {
		text := strings.Repeat("  ", p.Depth) + p.Text
		unknown := ""
		if p.Unknown {
			unknown = " (?)"
		}
		fmt.Fprintf(w, "  %-*s  %s%s\n", width, text, p.Meaning, unknown)
	}
	if e.Summary != "" {
		fmt.Fprintf(w, "In short: %s.\n", strings.TrimSuffix(e.Summary, "."))
	}
	fmt.Fprintf(w, "Risk: %s\n", e.Risk.Level)
	for _, r := range e.Risk.Reasons {
		fmt.Fprintf(w, "  - %s\n", r)
	}
	if e.Risk.Alternative != "" {
		fmt.Fprintf(w, "  Safer: %s\n", e.Risk.Alternative)
	}
}

// caret points at the column a parse error names, under a one-line
// command: "\n  tar -xzf 'a.tgz\n           ^".
func caret(line, perr string) string {
	if strings.Contains(line, "\n") {
		return ""
	}
	var pe syntax.ParseError
	_, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(line), "")
	if !errors.As(err, &pe) || pe.Pos.Line() != 1 || !strings.HasPrefix(perr, pe.Pos.String()) {
		return ""
	}
	col := int(pe.Pos.Col()) - 1
	if col < 0 || col > len(line) {
		return ""
	}
	pad := strings.Repeat(" ", len([]rune(line[:col])))
	return "\n  " + line + "\n  " + pad + "^"
}
