package explain

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/internal/cmdline"

	"github.com/llamashell/lsh/internal/lazy"
)

// call explains a simple command: assignments, prefixes, the command, its
// options and operands.
func (w *walker) call(ce *syntax.CallExpr, join string) {
	for _, a := range ce.Assigns {
		w.assign(a, len(ce.Args) == 0)
	}
	if len(ce.Args) == 0 {
		if len(ce.Assigns) > 0 {
			w.sentence(Command{Name: "=", Sentence: "Sets shell variables", Join: join})
		}
		return
	}
	words := cmdline.Words(w.src, ce.Args, cmdline.Env{})
	w.resolved(cmdline.Resolve(words), join)
}

// resolved explains a command whose prefixes are peeled.
func (w *walker) resolved(c cmdline.Call, join string) {
	var via []string
	for _, p := range c.Prefixes {
		via = append(via, w.prefix(p))
	}
	if c.Script != nil {
		w.code(*c.Script, "the commands it runs")
		w.sentence(Command{Name: c.Prefixes[len(c.Prefixes)-1].Name, Sentence: "Runs the shell commands " + quoteShort(c.Script.Value) + viaText(via), Join: join})
		return
	}
	if c.Argv0.Node == nil && c.Name != "" {
		// xargs with no command runs echo.
		w.sentence(Command{Name: c.Name, Sentence: "Prints the words read from its input", Join: join})
		return
	}
	if c.Name == "" {
		w.word(c.Argv0, KindCommand, "a command whose name is only known when the line runs", true)
		w.sentence(Command{Name: c.Argv0.Text, Sentence: "Runs the command " + c.Argv0.Text, Join: join})
		return
	}
	if c.NoCommand && len(c.Prefixes) > 0 {
		// sudo -l, command -v rm: the prefix itself is the command; its
		// words were explained with it.
		p := c.Prefixes[len(c.Prefixes)-1]
		t, _ := w.e.tool(w.k, p.Name)
		w.sentence(w.sentenceOf(t, p.Name, p.Args, join))
		return
	}
	name := c.Name
	t, known := w.e.tool(w.k, name)
	meaning := "a command lsh does not know"
	switch {
	case known:
		meaning = t.Summary
	case strings.Contains(name, "/"):
		meaning = "runs the program at " + name + ", which lsh does not know"
	}
	if strings.HasPrefix(c.Argv0.Text, "/") && !strings.Contains(name, "/") {
		meaning += " (" + c.Argv0.Text + " is " + name + ")"
	}
	w.word(c.Argv0, KindCommand, meaning, !known)
	args := cmdline.Split(name, c.Args, w.grammar)
	key := name
	for _, it := range args.Items {
		if it.Kind == cmdline.Subcommand {
			key += " " + it.Name
		}
	}
	w.items(name, args)
	if shells.Get()[name] && args.Has("c") {
		if ops := args.Operands(); len(ops) > 0 {
			w.code(ops[0], "")
		}
	}
	st, _ := w.e.tool(w.k, args.Tool)
	if st == nil {
		st = t
	}
	cmd := w.sentenceOf(st, key, args, join)
	if len(via) > 0 {
		cmd.Sentence += viaText(via)
	}
	w.sentence(cmd)
}

// shells run their first operand as code when given -c.
var shells = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "mksh": true, "ash": true}
}}

func viaText(via []string) string {
	var out []string
	for _, v := range via {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return ", " + strings.Join(out, ", ")
}

// grammar is the split grammar for a key: the table's merged with risk's.
func (w *walker) grammar(key string) (cmdline.Grammar, bool) {
	if g, ok := w.k.grammar(key); ok {
		return g, true
	}
	if t, ok := w.e.tool(w.k, key); ok {
		return t.Grammar, true
	}
	return cmdline.Grammar{}, false
}

// prefix explains a wrapper such as sudo and its own options; it returns
// how the wrapper changes the sentence ("as root").
func (w *walker) prefix(p cmdline.Prefix) string {
	t, known := w.e.tool(w.k, p.Name)
	meaning := "runs the command that follows"
	if known {
		meaning = t.Summary
	}
	w.word(p.Word, KindPrefix, meaning, !known)
	own := p.Args
	own.Items = nil
	for _, it := range p.Args.Items {
		if it.Word < p.Start {
			own.Items = append(own.Items, it)
		}
	}
	w.items(p.Name, own)
	switch {
	case p.Name == "sudo" || p.Name == "doas" || p.Name == "pkexec" || p.Name == "run0":
		if it, ok := p.Args.Opt("u", "user"); ok && it.HasValue {
			return "as the user " + it.Value
		}
		return "as root"
	case p.Name == "xargs":
		return "once per batch of words read from its input"
	case p.Name == "timeout":
		if ops := p.Args.Operands(); len(ops) > 0 {
			return "stopping it after " + ops[0].Text
		}
	case p.Name == "nohup":
		return "immune to hangups"
	case p.Name == "nice":
		return "at a lower priority"
	case p.Name == "watch":
		return "repeatedly"
	}
	return ""
}

// items explains a tool's options, operands and subcommands.
func (w *walker) items(name string, a cmdline.Args) {
	t, _ := w.e.tool(w.k, name)
	key := name
	operand := 0
	for idx := 0; idx < len(a.Items); idx++ {
		it := a.Items[idx]
		wd := a.Words[it.Word]
		switch it.Kind {
		case cmdline.Subcommand:
			key += " " + it.Name
			st, ok := w.e.tool(w.k, key)
			meaning := "a subcommand lsh does not know"
			if ok {
				meaning = st.Summary
				t = st
			}
			w.word(wd, KindSubcommand, meaning, !ok)
			operand = 0
		case cmdline.EndOfOptions:
			w.word(wd, KindOperator, "end of options: what follows is taken as operands even if it starts with -", false)
		case cmdline.Operand:
			operand++
			w.operand(t, wd, operand)
		case cmdline.Option:
			w.option(t, name, a, it, idx)
		}
	}
}

// operand explains the n-th operand (from 1) of a tool.
func (w *walker) operand(t *Tool, wd cmdline.Word, n int) {
	meaning := "an argument"
	for p := t; p != nil; {
		if n == 1 && p.Arg1 != "" && p == t {
			meaning = p.Arg1
			break
		}
		if p.Args != "" {
			meaning = p.Args
			break
		}
		// A subcommand without its own words borrows its command's.
		i := strings.LastIndexByte(p.Name, ' ')
		if i < 0 {
			break
		}
		p, _ = w.k.lookup(p.Name[:i])
	}
	if wd.Node == nil {
		return
	}
	if wd.Value == "{}" {
		meaning = "replaced by each file found"
	}
	w.word(wd, KindOperand, meaning, false)
}

// option explains one option item, with its value.
func (w *walker) option(t *Tool, name string, a cmdline.Args, it cmdline.Item, idx int) {
	wd := a.Words[it.Word]
	o, ok := Option{}, false
	if t != nil {
		o, ok = w.k.option(t, it, !strings.HasPrefix(wd.Value, "-"))
	}
	display := spell(a, it)
	meaning := "an option of " + name + " that lsh does not know"
	if ok {
		meaning = o.Meaning
		if it.HasValue && o.Arg != "" {
			meaning = replaceWord(meaning, o.Arg, it.Value)
		}
	}
	start, end := w.optionSpan(a, it, idx)
	if ok && len(o.names()) > 0 && (o.names()[0] == "exec" || o.names()[0] == "execdir" || o.names()[0] == "ok" || o.names()[0] == "okdir") {
		// find -exec CMD {} ;: explain the inner command one level in.
		w.add(start, off(wd.Node.End()), display, KindOption, meaning)
		end := it.Last
		term := a.Words[end]
		if term.Static && (term.Value == ";" || term.Value == "+") {
			end--
		} else {
			term = cmdline.Word{}
		}
		if end > it.Word {
			w.depth++
			inner := a.Words[it.Word+1 : end+1]
			w.resolved(cmdline.Resolve(inner), "")
			w.ex.Commands = w.ex.Commands[:len(w.ex.Commands)-1]
			w.depth--
		}
		if term.Node != nil {
			m := "ends the -exec command: it runs once per file"
			if term.Value == "+" {
				m = "ends the -exec command: it runs with as many files at once as fit"
			}
			w.word(term, KindOperator, m, false)
		}
		return
	}
	w.add(start, end, display, KindOption, meaning)
	if !ok {
		w.ex.Parts[len(w.ex.Parts)-1].Unknown = true
	}
	if it.Last != it.Word && it.HasValue {
		w.expansions(a.Words[it.Last].Node)
	}
	_ = wd
}

// replaceWord replaces the first whole-word occurrence of old in s.
func replaceWord(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] != old {
			continue
		}
		before := i == 0 || !isWordByte(s[i-1])
		after := i+len(old) == len(s) || !isWordByte(s[i+len(old)])
		if before && after {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

func isWordByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// spell shows an option as written: -x for one letter of a bundle, with
// its value: "-f a.tgz", "--file=a.tgz", "of=/dev/sda".
func spell(a cmdline.Args, it cmdline.Item) string {
	wd := a.Words[it.Word]
	var s string
	switch {
	case strings.HasPrefix(wd.Value, "--") || !strings.HasPrefix(wd.Value, "-") && strings.Contains(wd.Value, "="):
		s = wd.Text
		if it.Last != it.Word {
			s += " " + a.Words[it.Last].Text
		}
		return s
	case len(it.Name) > 1 && strings.HasPrefix(wd.Value, "-"+it.Name):
		s = "-" + it.Name
	case strings.HasPrefix(wd.Value, "-"):
		s = "-" + it.Name
	default:
		s = it.Name // old-style bundle: tar xzf
	}
	if it.HasValue {
		if it.Last == it.Word+1 {
			s += " " + a.Words[it.Last].Text
		} else if it.Last == it.Word {
			s += it.Value
		}
	}
	return s
}

// optionSpan finds where an item is written: for one letter of a bundle,
// that letter (and an attached value); with a separate value, up to the
// end of the value.
func (w *walker) optionSpan(a cmdline.Args, it cmdline.Item, idx int) (int, int) {
	wd := a.Words[it.Word]
	if wd.Node == nil {
		return -1, -1
	}
	start, end := off(wd.Node.Pos()), off(wd.Node.End())
	if it.Last != it.Word && a.Words[it.Last].Node != nil {
		end = off(a.Words[it.Last].Node.End())
	}
	// Position within a bundle of short options written as a plain word.
	if len(it.Name) == 1 && wd.Text == wd.Value && start >= 0 {
		k := 0
		for j := idx - 1; j >= 0 && a.Items[j].Word == it.Word; j-- {
			k++
		}
		first := 0
		if strings.HasPrefix(wd.Value, "-") {
			first = 1
		}
		pos := first + k
		if pos < len(wd.Value) && wd.Value[pos] == it.Name[0] {
			s := start + pos
			e := s + 1
			if it.HasValue && it.Last == it.Word {
				e = off(wd.Node.End())
			}
			if it.Last != it.Word {
				e = end
			}
			return s, e
		}
	}
	return start, end
}

// word adds a part for a whole word, then its expansions one level in.
func (w *walker) word(wd cmdline.Word, kind Kind, meaning string, unknown bool) {
	if wd.Node == nil {
		return
	}
	w.addNode(wd.Node, kind, meaning)
	i := len(w.ex.Parts) - 1
	if unknown {
		w.ex.Parts[i].Unknown = true
	}
	w.expansions(wd.Node)
	// A word that is one expansion ($HOME, "$f", $(date)) gets one part
	// saying both what it is for and what the shell makes of it.
	if len(w.ex.Parts) > i+1 {
		p, q := &w.ex.Parts[i], w.ex.Parts[i+1]
		if q.Text == p.Text && q.Start == p.Start && q.Depth == p.Depth+1 {
			p.Meaning += "; " + q.Meaning
			w.ex.Parts = append(w.ex.Parts[:i+1], w.ex.Parts[i+2:]...)
			// What was nested in the merged part moves up a level.
			for j := i + 1; j < len(w.ex.Parts); j++ {
				if w.ex.Parts[j].Depth > p.Depth+1 {
					w.ex.Parts[j].Depth--
				}
			}
		}
	}
}

// code explains a string that runs as shell code (bash -c, su -c, eval).
func (w *walker) code(wd cmdline.Word, what string) {
	f, err := cmdline.Parse(wd.Value)
	if err != nil || f == nil {
		return
	}
	inner := &walker{e: w.e, k: w.k, ex: w.ex, src: cmdline.Source{Text: wd.Value}, depth: w.depth + 1, base: -1}
	if n := wd.Node; n != nil && len(n.Parts) == 1 && w.base >= 0 {
		switch p := n.Parts[0].(type) {
		case *syntax.SglQuoted:
			if !p.Dollar {
				inner.base = w.base + off(p.Pos()) + 1
			}
		case *syntax.DblQuoted:
			if len(p.Parts) == 1 {
				if l, ok := p.Parts[0].(*syntax.Lit); ok && !strings.Contains(l.Value, `\`) {
					inner.base = w.base + off(p.Pos()) + 1
				}
			}
		case *syntax.Lit:
			if !strings.Contains(p.Value, `\`) {
				inner.base = w.base + off(p.Pos())
			}
		}
	}
	n := len(w.ex.Commands)
	inner.stmts(f.Stmts, "")
	w.ex.Commands = w.ex.Commands[:n]
}

// redirect explains a redirection.
func (w *walker) redirect(rd *syntax.Redirect) {
	fd := ""
	if rd.N != nil {
		fd = rd.N.Value
	}
	target := cmdline.NewWord(w.src, rd.Word, cmdline.Env{}).Value
	name := func(n, def string) string {
		if n == "" {
			n = def
		}
		switch n {
		case "0":
			return "input (fd 0)"
		case "1":
			return "output (fd 1)"
		case "2":
			return "errors (fd 2)"
		}
		return "file descriptor " + n
	}
	dest := target
	if target == "/dev/null" {
		dest = "/dev/null (discard it)"
	}
	var m string
	switch rd.Op {
	case syntax.RdrOut:
		m = "write " + name(fd, "1") + " to " + dest + ", replacing its contents"
	case syntax.RdrClob:
		m = "write " + name(fd, "1") + " to " + dest + ", replacing it even with noclobber set"
	case syntax.AppOut:
		m = "append " + name(fd, "1") + " to " + dest
	case syntax.RdrIn:
		m = "read " + name(fd, "0") + " from " + target
	case syntax.RdrInOut:
		m = "open " + target + " for reading and writing as " + name(fd, "0")
	case syntax.DplOut, syntax.DplIn:
		switch {
		case target == "-":
			m = "close " + name(fd, map[bool]string{true: "1", false: "0"}[rd.Op == syntax.DplOut])
		case allDigits(target):
			def := "1"
			if rd.Op == syntax.DplIn {
				def = "0"
			}
			m = "send " + name(fd, def) + " to where " + name(target, "") + " goes"
			if rd.Op == syntax.DplIn {
				m = "read " + name(fd, def) + " from where " + name(target, "") + " reads"
			}
		default:
			m = "write output and errors to " + dest
		}
	case syntax.RdrAll:
		m = "write output and errors to " + dest + ", replacing its contents"
	case syntax.AppAll:
		m = "append output and errors to " + dest
	case syntax.Hdoc, syntax.DashHdoc:
		m = "here-document: the following lines, up to " + target + ", are the input"
	case syntax.WordHdoc:
		m = "here-string: " + quoteShort(target) + " is the input"
	default:
		m = "a redirection"
	}
	start, end := off(rd.Pos()), off(rd.Word.End())
	text := w.src.Span(rd)
	if start >= 0 && end <= len(w.src.Text) && start <= end {
		text = w.src.Text[start:end]
	}
	w.add(start, end, text, KindRedirection, m)
	w.expansions(rd.Word)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// expansions explains what the shell does to a word before the command
// sees it: variables, substitutions, globs, ~ and quotes.
func (w *walker) expansions(n syntax.Node) {
	if n == nil {
		return
	}
	wd, ok := n.(*syntax.Word)
	if !ok || wd == nil {
		w.expansionsIn(n)
		return
	}
	for i, part := range wd.Parts {
		w.part(part, i == 0, false)
	}
}

// expansionsIn explains the expansions anywhere inside n.
func (w *walker) expansionsIn(n syntax.Node) {
	syntax.Walk(n, func(n syntax.Node) bool {
		if wd, ok := n.(*syntax.Word); ok {
			w.expansions(wd)
			return false
		}
		return true
	})
}

func (w *walker) part(part syntax.WordPart, first, quoted bool) {
	w.depth++
	defer func() { w.depth-- }()
	switch p := part.(type) {
	case *syntax.Lit:
		if quoted {
			return
		}
		if first && strings.HasPrefix(p.Value, "~") {
			w.add(off(p.Pos()), off(p.Pos())+1, "~", KindExpansion, "your home directory")
		}
		if _, glob := unescapedGlob(p.Value); glob {
			w.addNode(p, KindExpansion, "a glob: the shell replaces it with the names of matching files (* any characters, ? one, [abc] one of these)")
		}
	case *syntax.SglQuoted:
		w.addNode(p, KindExpansion, "single quotes: everything inside is taken literally, as one word")
	case *syntax.DblQuoted:
		w.addNode(p, KindExpansion, "double quotes: one word; $variables and $(…) inside still expand")
		w.depth--
		for _, q := range p.Parts {
			w.part(q, false, true)
		}
		w.depth++
	case *syntax.ParamExp:
		w.addNode(p, KindExpansion, paramMeaning(p))
	case *syntax.CmdSubst:
		m := "command substitution: replaced by the output of the commands inside"
		if p.Backquotes {
			m = "backquotes, the old form of $(…): replaced by the output of the commands inside"
		}
		w.addNode(p, KindExpansion, m)
		n := len(w.ex.Commands)
		w.stmts(p.Stmts, "")
		w.ex.Commands = w.ex.Commands[:n]
	case *syntax.ProcSubst:
		m := "process substitution: a file name from which the output of the commands inside can be read"
		if p.Op == syntax.CmdOut {
			m = "process substitution: a file name; what is written to it goes to the commands inside"
		}
		w.addNode(p, KindExpansion, m)
		n := len(w.ex.Commands)
		w.stmts(p.Stmts, "")
		w.ex.Commands = w.ex.Commands[:n]
	case *syntax.ArithmExp:
		w.addNode(p, KindExpansion, "arithmetic expansion: replaced by the result of the calculation")
	case *syntax.ExtGlob:
		w.addNode(p, KindExpansion, "an extended glob pattern")
	}
}

// unescapedGlob reports whether a bare literal has glob characters.
func unescapedGlob(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?', '[':
			return s, true
		}
	}
	return s, false
}

// paramMeaning explains a parameter expansion.
func paramMeaning(p *syntax.ParamExp) string {
	name := ""
	if p.Param != nil {
		name = p.Param.Value
	}
	switch name {
	case "?":
		return "the exit status of the last command"
	case "$":
		return "this shell's process id"
	case "!":
		return "the process id of the last background command"
	case "#":
		return "the number of arguments"
	case "@":
		return "all arguments, each as a separate word"
	case "*":
		return "all arguments"
	case "0":
		return "the name of the shell or script"
	case "HOME":
		if p.Exp == nil {
			return "the variable HOME: your home directory"
		}
	}
	if len(name) == 1 && name[0] >= '1' && name[0] <= '9' {
		return "argument " + name
	}
	switch {
	case p.Length:
		return "the length of the value of " + name
	case p.Excl:
		return "indirect expansion: the variable named by " + name
	case p.Slice != nil:
		return "part of the value of " + name
	case p.Repl != nil:
		return "the value of " + name + " with a pattern replaced"
	case p.Exp != nil:
		arg := ""
		if p.Exp.Word != nil {
			arg = cmdline.Print(p.Exp.Word)
		}
		switch p.Exp.Op {
		case syntax.DefaultUnsetOrNull, syntax.DefaultUnset:
			return "the value of " + name + ", or " + quoteShort(arg) + " if it is unset or empty"
		case syntax.AssignUnsetOrNull, syntax.AssignUnset:
			return "the value of " + name + ", first set to " + quoteShort(arg) + " if unset or empty"
		case syntax.ErrorUnsetOrNull, syntax.ErrorUnset:
			return "the value of " + name + "; the command stops with an error if it is unset or empty"
		case syntax.AlternateUnsetOrNull, syntax.AlternateUnset:
			return quoteShort(arg) + " if " + name + " is set, nothing otherwise"
		case syntax.RemSmallPrefix, syntax.RemLargePrefix:
			return "the value of " + name + " without the leading " + quoteShort(arg)
		case syntax.RemSmallSuffix, syntax.RemLargeSuffix:
			return "the value of " + name + " without the trailing " + quoteShort(arg)
		}
		return "a transformed value of " + name
	}
	return "the value of the variable " + name
}

// quoteShort quotes and abbreviates text for a sentence.
func quoteShort(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 50 {
		s = s[:47] + "…"
	}
	return "'" + s + "'"
}
