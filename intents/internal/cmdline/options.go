package cmdline

import "strings"

// Style says how a tool spells its options.
type Style uint8

// The option styles.
const (
	// GNU bundles short options (-rf), spells long ones --name[=value],
	// and accepts options after operands unless Grammar.InOrder.
	GNU Style = iota
	// SingleDash makes every -word one option (find -name, kill -KILL).
	SingleDash
	// KeyValue makes key=value words options (dd if=x of=y).
	KeyValue
)

// Grammar is the shape of one tool's arguments: which options take a value
// and where options may appear. It is what it takes to tell -C /tmp (an
// option and its value) from /tmp (an operand); meanings live elsewhere.
type Grammar struct {
	Style Style
	// Short lists the short options that take a value, attached (-fFILE)
	// or as the next word (-f FILE).
	Short string
	// Optional lists the short options whose value must be attached if
	// given (xargs -i[R]).
	Optional string
	// Long lists the long options (for SingleDash, the option names) that
	// take a value: --file FILE or --file=FILE.
	Long []string
	// Until lists the options whose value runs to a word ";" or "+"
	// (find -exec CMD {} ;).
	Until []string
	// Numeric makes a first argument -N an option named N (head -5,
	// kill -9, nice -10).
	Numeric bool
	// Bundled makes a first argument without a dash a bundle of short
	// options (tar xzf, ps aux).
	Bundled bool
	// InOrder ends options at the first operand, as POSIX utilities and
	// command prefixes (env, sudo, xargs) do.
	InOrder bool
	// OneOption ends options after the first one and its value (kill -9 -1:
	// -1 is a process).
	OneOption bool
	// Expr makes ( ) ! and , operators of an expression (find).
	Expr bool
	// Sub makes the first operand a subcommand whose own grammar is looked
	// up as "tool sub" (git reset, docker system prune).
	Sub bool
}

// Kind is what a word is to the tool that receives it.
type Kind uint8

// The kinds of Item.
const (
	Option       Kind = iota // -r, --force, -name, if=x
	Operand                  // a file, a pattern, a host…
	Subcommand               // git *reset*
	EndOfOptions             // --
)

// Item is one option, operand or subcommand. A bundle -rf yields two items
// on the same word.
type Item struct {
	Kind Kind
	// Word is the index of the word the item starts at.
	Word int
	// Name is the option name without dashes (r, recursive, name, of) or
	// the subcommand.
	Name string
	// Long reports a --name option, which GNU lets people abbreviate.
	Long bool
	// HasValue reports that the option has a value, in Value.
	HasValue bool
	Value    string
	// Last is the index of the last word the item covers: Word, the next
	// word for -f FILE, the ";" of find -exec.
	Last int
}

// Args is a tool's argument list split by its grammar.
type Args struct {
	// Tool is the grammar key the last word was read with: "rm", "git
	// reset", "docker system prune".
	Tool  string
	Words []Word
	Items []Item
}

// Lookup returns the grammar of a tool or "tool sub" key.
type Lookup func(key string) (Grammar, bool)

// Split splits the arguments of tool (the words after its name) by the
// grammar lookup finds for it; unknown tools get the GNU defaults.
func Split(tool string, words []Word, lookup Lookup) Args {
	g, _ := lookup(tool)
	a := Args{Tool: tool, Words: words}
	operands, options := false, 0 // an operand was seen; options seen
	done := false                 // after --, or InOrder after an operand
	for i := 0; i < len(words); i++ {
		w := words[i]
		v := w.Value
		isOpt := !done && w.Static && len(v) > 1 && v[0] == '-'
		switch {
		case done || !w.Static:
		case v == "--" && g.Style != KeyValue:
			a.Items = append(a.Items, Item{Kind: EndOfOptions, Word: i, Last: i})
			done = true
			continue
		case g.Expr && (v == "(" || v == ")" || v == "!" || v == ","):
			a.Items = append(a.Items, Item{Kind: Option, Word: i, Name: v, Last: i})
			continue
		case g.Bundled && i == 0 && len(a.Items) == 0 && v != "" && v[0] != '-':
			i = a.shorts(g, i, v)
			options++
			continue
		case g.Numeric && options == 0 && !operands && len(v) > 1 && v[0] == '-' && allDigits(v[1:]):
			a.Items = append(a.Items, Item{Kind: Option, Word: i, Name: v[1:], Last: i})
			options++
			done = g.OneOption
			continue
		case g.Style == KeyValue:
			if k, val, ok := strings.Cut(v, "="); ok && k != "" && !strings.ContainsAny(k, "/ ") {
				a.Items = append(a.Items, Item{Kind: Option, Word: i, Name: k, Long: true, HasValue: true, Value: val, Last: i})
				options++
				continue
			}
			isOpt = false
		}
		if !isOpt {
			if g.Sub && !operands && w.Static {
				a.Items = append(a.Items, Item{Kind: Subcommand, Word: i, Name: v, Last: i})
				a.Tool += " " + v
				g, _ = lookup(a.Tool)
				options = 0
				continue
			}
			a.Items = append(a.Items, Item{Kind: Operand, Word: i, Last: i})
			operands = true
			done = done || g.InOrder
			continue
		}
		switch {
		case g.Style == SingleDash || strings.HasPrefix(v, "--"):
			i = a.long(g, i, v)
		default:
			i = a.shorts(g, i, v[1:])
		}
		options++
		done = done || g.OneOption
	}
	return a
}

// long reads the option at word i spelt -name or --name[=value].
func (a *Args) long(g Grammar, i int, v string) int {
	name := strings.TrimPrefix(strings.TrimPrefix(v, "-"), "-")
	// Only --long options may be abbreviated; find's -print is not -printf.
	dd := strings.HasPrefix(v, "--")
	it := Item{Kind: Option, Word: i, Name: name, Long: dd, Last: i}
	if k, val, ok := strings.Cut(name, "="); ok {
		it.Name, it.HasValue, it.Value = k, true, val
	} else if contains(g.Until, name) {
		// find -exec rm {} ; — the value is the words up to ; or +.
		j := i + 1
		for j < len(a.Words) && !(a.Words[j].Static && (a.Words[j].Value == ";" || a.Words[j].Value == "+")) {
			j++
		}
		it.HasValue = true
		it.Value = joinValues(a.Words[min(i+1, len(a.Words)):min(j, len(a.Words))])
		it.Last = min(j, len(a.Words)-1)
	} else if full, ok := matchLong(g.Long, name, dd); ok {
		it.Name = full
		if i+1 < len(a.Words) {
			it.HasValue, it.Value, it.Last = true, a.Words[i+1].Value, i+1
		}
	}
	a.Items = append(a.Items, it)
	return it.Last
}

// shorts reads a bundle of short options (without its dash) at word i.
func (a *Args) shorts(g Grammar, i int, bundle string) int {
	last := i
	for j := 0; j < len(bundle); j++ {
		c := bundle[j]
		it := Item{Kind: Option, Word: i, Name: bundle[j : j+1], Last: i}
		switch {
		case strings.IndexByte(g.Optional, c) >= 0:
			if j+1 < len(bundle) {
				it.HasValue, it.Value = true, bundle[j+1:]
			}
			j = len(bundle)
		case strings.IndexByte(g.Short, c) >= 0:
			switch {
			case j+1 < len(bundle) && i == last && !(g.Bundled && i == 0 && a.Words[0].Value[0] != '-'):
				// -fFILE; an old-style bundle (tar xzf F) takes its
				// values from the following words instead.
				it.HasValue, it.Value = true, bundle[j+1:]
				j = len(bundle)
			case last+1 < len(a.Words):
				last++
				it.HasValue, it.Value, it.Last = true, a.Words[last].Value, last
			}
		}
		a.Items = append(a.Items, it)
	}
	return last
}

// matchLong finds name among the value-taking long options: exactly, or as
// the unambiguous abbreviation GNU getopt accepts (--fil for --file).
func matchLong(long []string, name string, abbrev bool) (string, bool) {
	found := ""
	for _, l := range long {
		if l == name {
			return l, true
		}
		if abbrev && len(name) >= 3 && strings.HasPrefix(l, name) {
			if found != "" {
				return "", false
			}
			found = l
		}
	}
	return found, found != ""
}

func joinValues(ws []Word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Value
	}
	return strings.Join(parts, " ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Has reports whether any of the named options is given. A long name also
// matches its GNU abbreviation (--rec for --recursive).
func (a Args) Has(names ...string) bool {
	_, ok := a.Opt(names...)
	return ok
}

// Opt returns the last of the named options given, as the last one wins.
func (a Args) Opt(names ...string) (Item, bool) {
	for i := len(a.Items) - 1; i >= 0; i-- {
		it := a.Items[i]
		if it.Kind == Option && nameMatches(it, names) {
			return it, true
		}
	}
	return Item{}, false
}

// LastOf returns which of the names was given last, or "": for options
// that cancel each other (rm -i … -f).
func (a Args) LastOf(names ...string) string {
	for i := len(a.Items) - 1; i >= 0; i-- {
		it := a.Items[i]
		if it.Kind != Option {
			continue
		}
		for _, n := range names {
			if nameMatches(it, []string{n}) {
				return n
			}
		}
	}
	return ""
}

func nameMatches(it Item, names []string) bool {
	for _, n := range names {
		if it.Name == n {
			return true
		}
		if it.Long && len(n) > 1 && len(it.Name) >= 3 && strings.HasPrefix(n, it.Name) {
			return true
		}
	}
	return false
}

// Operands returns the operand words in order.
func (a Args) Operands() []Word {
	var out []Word
	for _, it := range a.Items {
		if it.Kind == Operand {
			out = append(out, a.Words[it.Word])
		}
	}
	return out
}

// Subcommands returns the subcommand words (git stash drop: stash, drop).
func (a Args) Subcommands() []string {
	var out []string
	for _, it := range a.Items {
		if it.Kind == Subcommand {
			out = append(out, it.Name)
		}
	}
	return out
}
