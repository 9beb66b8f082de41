package explain

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// toolsText is the knowledge table; its layout is described at its top.
//
//go:embed tools.txt
var toolsText string

// Tool is what lsh knows about one tool or subcommand.
type Tool struct {
	// Name is the key: "tar", or "git commit" for a subcommand.
	Name string
	// Summary is an imperative one-liner: "list directory contents".
	Summary string
	// From says where the knowledge comes from: "table", "man", "--help".
	From    string
	Grammar cmdline.Grammar
	// Says are sentence templates; one with When applies when that option
	// is given ("*": when there are several operands); the one without
	// When is the default.
	Says []Say
	// Arg1 and Args describe the first operand and the others.
	Arg1, Args string
	Options    []Option
}

// Say is a sentence template for Summary.
type Say struct {
	When     string
	Template string
}

// Option is one option of a tool.
type Option struct {
	// Forms are the spellings: "-f", "--file".
	Forms []string
	// Arg is the value's placeholder (FILE) when the option takes one.
	Arg string
	// Optional: the value is optional and only ever attached (--color[=WHEN]).
	Optional bool
	Meaning  string
	// Phrase is appended to the sentence when the option is given.
	Phrase string
}

// names returns the option's names without dashes.
func (o Option) names() []string {
	out := make([]string, len(o.Forms))
	for i, f := range o.Forms {
		out[i] = strings.TrimLeft(f, "-")
	}
	return out
}

// knowledge is the parsed table: tools by key, and aliases to their
// canonical name (apt-get → apt).
type knowledge struct {
	tools   map[string]*Tool
	aliases map[string]string
}

var (
	kbOnce sync.Once
	kb     *knowledge
	kbErr  error
)

// table returns the parsed knowledge table.
func table() *knowledge {
	kbOnce.Do(func() { kb, kbErr = parseTools(toolsText) })
	if kbErr != nil {
		panic("explain: tools.txt: " + kbErr.Error()) // a build-time defect; tests catch it
	}
	return kb
}

// parseTools reads the knowledge table text.
func parseTools(text string) (*knowledge, error) {
	k := &knowledge{tools: map[string]*Tool{}, aliases: map[string]string{}}
	var cur []*Tool
	for n, line := range strings.Split(text, "\n") {
		where := func(format string, a ...any) error {
			return fmt.Errorf("line %d: %s", n+1, fmt.Sprintf(format, a...))
		}
		line = strings.TrimRight(line, " \t\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "== ") {
			head, summary, ok := strings.Cut(line[3:], " | ")
			if !ok {
				return nil, where("tool header without ' | summary'")
			}
			names := strings.Split(head, ", ")
			t := &Tool{Name: names[0], Summary: summary, From: "table"}
			if _, dup := k.tools[t.Name]; dup {
				return nil, where("tool %q defined twice", t.Name)
			}
			cur = []*Tool{t}
			k.tools[t.Name] = t
			for _, a := range names[1:] {
				k.aliases[a] = names[0]
			}
			continue
		}
		if cur == nil {
			return nil, where("text before the first tool")
		}
		t := cur[0]
		key, rest, _ := strings.Cut(line, ": ")
		switch {
		case key == "grammar":
			for _, w := range strings.Fields(rest) {
				switch w {
				case "bundled":
					t.Grammar.Bundled = true
				case "numeric":
					t.Grammar.Numeric = true
				case "single-dash":
					t.Grammar.Style = cmdline.SingleDash
				case "keyvalue":
					t.Grammar.Style = cmdline.KeyValue
				case "inorder":
					t.Grammar.InOrder = true
				case "sub":
					t.Grammar.Sub = true
				case "expr":
					t.Grammar.Expr = true
				case "oneoption":
					t.Grammar.OneOption = true
				default:
					return nil, where("unknown grammar word %q", w)
				}
			}
		case key == "say":
			t.Says = append(t.Says, Say{Template: rest})
		case strings.HasPrefix(key, "say "):
			t.Says = append(t.Says, Say{When: strings.TrimLeft(key[4:], "-"), Template: rest})
		case key == "arg1":
			t.Arg1 = rest
		case key == "args":
			t.Args = rest
		default:
			o, err := parseOption(line)
			if err != nil {
				return nil, where("%v", err)
			}
			t.Options = append(t.Options, o)
			addToGrammar(&t.Grammar, o)
		}
	}
	return k, nil
}

// parseOption reads "-f, --file=FILE | meaning | phrase".
func parseOption(line string) (Option, error) {
	fields := strings.Split(line, " | ")
	if len(fields) < 2 || len(fields) > 3 {
		return Option{}, fmt.Errorf("option line %q: want 'forms | meaning [| phrase]'", line)
	}
	o := Option{Meaning: fields[1]}
	if len(fields) == 3 {
		o.Phrase = fields[2]
	}
	for _, form := range strings.Split(fields[0], ", ") {
		name, arg := form, ""
		switch {
		case strings.Contains(form, "[="):
			name, arg, _ = strings.Cut(form, "[=")
			arg = strings.TrimSuffix(arg, "]")
			o.Optional = true
		case strings.Contains(form, "=") && !strings.HasPrefix(form, "=") && !(strings.Contains(form, " ") && strings.Index(form, " ") < strings.Index(form, "=")):
			name, arg, _ = strings.Cut(form, "=")
		case strings.Contains(form, " "):
			name, arg, _ = strings.Cut(form, " ")
			arg = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(arg, ";")), " ")
			if strings.HasPrefix(arg, "[") {
				arg, o.Optional = strings.Trim(arg, "[]"), true
			}
		}
		if name == "" {
			return Option{}, fmt.Errorf("option line %q: empty option name", line)
		}
		o.Forms = append(o.Forms, name)
		if arg != "" {
			o.Arg = arg
		}
	}
	return o, nil
}

// addToGrammar records which options take values, so the table alone is
// enough to split a tool's arguments.
func addToGrammar(g *cmdline.Grammar, o Option) {
	if o.Arg == "" || o.Optional {
		return
	}
	for _, f := range o.Forms {
		name := strings.TrimLeft(f, "-")
		switch {
		case g.Style == cmdline.KeyValue:
		case strings.HasPrefix(f, "--") || (strings.HasPrefix(f, "-") && len(name) > 1):
			if strings.HasSuffix(o.Arg, "COMMAND") && g.Expr {
				g.Until = append(g.Until, name)
			} else {
				g.Long = append(g.Long, name)
			}
		case strings.HasPrefix(f, "-") && len(name) == 1:
			g.Short += name
		}
	}
}

// lookup finds a tool or subcommand, through aliases: "apt-get install"
// is "apt install".
func (k *knowledge) lookup(key string) (*Tool, bool) {
	if t, ok := k.tools[key]; ok {
		return t, true
	}
	first, rest, _ := strings.Cut(key, " ")
	if canon, ok := k.aliases[first]; ok {
		if rest != "" {
			canon += " " + rest
		}
		t, ok := k.tools[canon]
		return t, ok
	}
	return nil, false
}

// grammar merges the table's grammar of a key with the one risk rating
// uses, so both packages split a line the same way.
func (k *knowledge) grammar(key string) (cmdline.Grammar, bool) {
	g, ok1 := cmdline.LookupGrammar(key)
	t, ok2 := k.lookup(key)
	if !ok2 {
		return g, ok1
	}
	if !ok1 {
		return t.Grammar, true
	}
	m := g
	m.Short = union(g.Short, t.Grammar.Short)
	m.Long = append(append([]string(nil), g.Long...), t.Grammar.Long...)
	m.Until = append(append([]string(nil), g.Until...), t.Grammar.Until...)
	m.Numeric = g.Numeric || t.Grammar.Numeric
	m.Bundled = g.Bundled || t.Grammar.Bundled
	m.InOrder = g.InOrder || t.Grammar.InOrder
	m.Sub = g.Sub || t.Grammar.Sub
	m.Expr = g.Expr || t.Grammar.Expr
	m.OneOption = g.OneOption || t.Grammar.OneOption
	if m.Style == cmdline.GNU {
		m.Style = t.Grammar.Style
	}
	return m, true
}

func union(a, b string) string {
	for i := 0; i < len(b); i++ {
		if strings.IndexByte(a, b[i]) < 0 {
			a += b[i : i+1]
		}
	}
	return a
}

// option finds the option an item names in a tool, or in its parent
// command for a subcommand (git -C is git's, whatever the subcommand).
//
// bare says the option was written without a dash (ps aux, tar xzf):
// a dashless spelling in the table (BSD ps's u) is preferred then.
func (k *knowledge) option(t *Tool, it cmdline.Item, bare bool) (Option, bool) {
	if bare {
		for _, o := range t.Options {
			for _, f := range o.Forms {
				if f == it.Name {
					return o, true
				}
			}
		}
	}
	for t != nil {
		for _, o := range t.Options {
			for _, n := range o.names() {
				if n == it.Name || (it.Long && len(it.Name) >= 3 && strings.HasPrefix(n, it.Name) && strings.HasPrefix(o.longForm(), "--")) {
					return o, true
				}
			}
		}
		i := strings.LastIndexByte(t.Name, ' ')
		if i < 0 {
			break
		}
		t, _ = k.lookup(t.Name[:i])
	}
	return Option{}, false
}

// longForm returns the option's --long spelling, or its first.
func (o Option) longForm() string {
	for _, f := range o.Forms {
		if strings.HasPrefix(f, "--") {
			return f
		}
	}
	return o.Forms[0]
}
