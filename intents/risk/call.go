package risk

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/internal/cmdline"

	"github.com/llamashell/lsh/internal/lazy"
)

// call rates one simple command.
func (r *rater) call(src cmdline.Source, ce *syntax.CallExpr, s *syntax.Stmt, in *feed) {
	r.nested(src, ce)
	if len(ce.Args) == 0 {
		return // assignments only: the shell's own variables
	}
	c := cmdline.Resolve(cmdline.Words(src, ce.Args, r.env))
	r.resolved(src, c, s, in)
}

// resolved rates a command once its prefixes are peeled.
func (r *rater) resolved(src cmdline.Source, c cmdline.Call, s *syntax.Stmt, in *feed) {
	r.ran = true
	who := ""
	if p, ok := c.Privileged(); ok {
		as := "root"
		if it, ok := p.Args.Opt("u", "user"); ok && it.HasValue && it.Value != "root" && it.Value != "0" {
			as = "the user " + it.Value
		}
		what := c.Name
		switch {
		case c.Script != nil:
			what = "a shell command"
		case c.NoCommand || what == "":
			what = "a command"
		}
		r.add(Privileged, p.Name+" runs "+what+" as "+as, "")
		who = p.Name + " "
	}
	switch {
	case c.Script != nil:
		origin := c.Prefixes[len(c.Prefixes)-1].Name
		r.code(src, *c.Script, who+origin, "sh", "")
		return
	case c.NoCommand:
		r.reader(c.Name)
		return
	case c.Name == "" && c.Argv0.Node == nil:
		return
	case c.Name == "":
		r.add(Writes, "runs a command whose name is only known when it runs ("+c.Argv0.Text+"): lsh cannot tell what it does", "")
		return
	}
	name := normalize(c.Name)
	args := cmdline.Split(name, c.Args, cmdline.LookupGrammar)
	if c.Appended {
		// xargs appends what it reads: unknown words, possibly many.
		args.Words = append(args.Words, cmdline.Made("what xargs reads", cmdline.Unknown))
		args.Items = append(args.Items, cmdline.Item{Kind: cmdline.Operand, Word: len(args.Words) - 1, Last: len(args.Words) - 1})
	}
	isFunc := r.funcs[c.Name] && !c.BypassesFunctions()
	rl, _, ok := ruleFor(args.Tool, func(opts string) bool { return hasAny(args, opts) }, func(ops string) bool { return hasArg(args, ops) })
	if !ok {
		switch {
		case isFunc:
			// The body was rated where the function was defined.
		case strings.Contains(name, "/"):
			base := path.Base(name)
			msg := "runs the program " + name + ", which lsh does not know"
			if _, known := rules.Get()[base]; known {
				msg += " (it is not the system " + base + ")"
			}
			r.add(Writes, msg, "")
		default:
			r.add(Writes, "lsh does not know what "+name+" does: it may change files", "")
		}
		return
	}
	if helpOnly(args) {
		r.reader(name)
		return
	}
	r.apply(src, c, args, rl, who+c.Name+strings.TrimPrefix(args.Tool, name), s, in)
}

// normalize maps versioned or aliased tool names onto table keys:
// python3.12 is python3. The pattern is compiled on first use, not at
// every lsh start.
var versioned = lazy.Value[*regexp.Regexp]{Build: func() *regexp.Regexp {
	return regexp.MustCompile(`^(python[23]?|pip[23]?|perl|ruby|php|lua)[0-9.]+$`)
}}

func normalize(name string) string {
	if m := versioned.Get().FindStringSubmatch(name); m != nil {
		if _, ok := rules.Get()[m[1]]; ok {
			return m[1]
		}
	}
	return name
}

// helpOnly reports a call that only asks for help or a version.
func helpOnly(a cmdline.Args) bool {
	n := 0
	for _, it := range a.Items {
		switch it.Kind {
		case cmdline.Option:
			if it.Name != "help" && it.Name != "version" && !(it.Name == "h" && len(a.Items) == 1) {
				return false
			}
			n++
		case cmdline.Operand:
			return false
		}
	}
	return n > 0
}

func hasAny(a cmdline.Args, opts string) bool {
	return a.Has(strings.Fields(opts)...)
}

func hasArg(a cmdline.Args, ops string) bool {
	for _, it := range a.Items {
		switch it.Kind {
		case cmdline.EndOfOptions:
			if strings.Contains(" "+ops+" ", " -- ") {
				return true
			}
		case cmdline.Operand:
			if strings.Contains(" "+ops+" ", " "+a.Words[it.Word].Value+" ") {
				return true
			}
		}
	}
	return false
}

// judged is one operand with what the command does to it.
type judged struct {
	word cmdline.Word
	role role
	does string
}

// apply rates a call by its rule.
func (r *rater) apply(src cmdline.Source, c cmdline.Call, args cmdline.Args, rl rule, cmd string, s *syntax.Stmt, in *feed) {
	switch rl.special {
	case interpreter:
		r.interpreter(src, args, rl, cmd, s, in)
		return
	case fetcher:
		r.fetch(args, cmd)
		return
	case findExpr:
		r.find(src, args, cmd)
		return
	case evalArgs:
		r.eval(src, args, cmd)
		return
	case sourceFile:
		r.source(src, args, rl, cmd, s, in)
		return
	case remoteShell:
		r.ssh(src, args, rl, cmd)
		return
	case awkProgram:
		r.awk(args, rl, cmd)
		return
	}
	// Options: flags, facts and raised levels, in the order given.
	fl := rl.always
	level := rl.level
	var whys []string
	shown := map[string]bool{}
	for _, it := range args.Items {
		if it.Kind != cmdline.Option {
			continue
		}
		for _, m := range rl.mods {
			if !modMatches(m, it) {
				continue
			}
			fl |= m.flag
			switch m.flag {
			case force:
				fl &^= interactive
			case interactive:
				fl &^= force
			}
			if m.show != "" && !shown[m.show] {
				shown[m.show] = true
				cmd += " " + m.show
			}
			if m.level != "" {
				level = level.Max(m.level)
			}
			if m.why != "" && m.flag&(force|interactive) == 0 && !contains(whys, m.why) {
				whys = append(whys, m.why)
			}
		}
	}
	for _, m := range rl.mods {
		if m.flag&(force|interactive) != 0 && fl&m.flag != 0 && m.why != "" && !contains(whys, m.why) {
			whys = append(whys, m.why)
		}
	}
	// Operands and the roles the rule gives them.
	ops := args.Operands()
	if rl.bare != "" && len(ops) == 0 {
		level = rl.bare
	}
	skip := rl.skip
	if rl.skipUnless != "" && hasAny(args, rl.skipUnless) {
		skip = 0
	}
	ops = ops[min(skip, len(ops)):]
	var items []judged
	if rl.first != noRole && len(ops) > 0 {
		items = append(items, judged{ops[0], rl.first, rl.does})
		ops = ops[1:]
	}
	var last *judged
	intoDir := false
	if rl.dir != "" {
		if it, ok := args.Opt(strings.Fields(rl.dir)...); ok && it.HasValue {
			last = &judged{optWord(args, it), rl.last, rl.doesLast}
			intoDir = true // cp -t DIR: the target is a directory
		}
	}
	if last == nil && rl.last != noRole && len(ops) >= 2 {
		last = &judged{ops[len(ops)-1], rl.last, rl.doesLast}
		ops = ops[:len(ops)-1]
		intoDir = r.isDir(last.word)
	}
	for _, w := range ops {
		items = append(items, judged{w, rl.role, rl.does})
	}
	if last != nil && last.role == overwrites && intoDir {
		items = append(items, r.writtenInto(*last, ops)...)
	} else if last != nil {
		items = append(items, *last)
	}
	optTargets := false
	for _, o := range rl.opts {
		if it, ok := args.Opt(strings.Fields(o.opts)...); ok && it.HasValue {
			does := o.does
			if does == "" {
				does = rl.does
			}
			items = append(items, judged{optWord(args, it), o.role, does})
			optTargets = optTargets || o.role != reads
		}
	}
	if !r.judgeAll(cmd, items, fl, whys, level, rl.alt) && !optTargets {
		r.whole(cmd, rl, level, args, whys)
	}
}

// whole adds the finding for a command rated as a whole: its level and
// what it does, naming its operands.
func (r *rater) whole(cmd string, rl rule, level Level, args cmdline.Args, whys []string) {
	if level == ReadOnly {
		r.reader(cmd)
		return
	}
	var list []string
	for _, w := range args.Operands() {
		list = append(list, w.Text)
	}
	does := rl.does
	if does == "" {
		does = "changes things"
	}
	text := cmd + " " + fill(does, list)
	if len(whys) > 0 {
		text += " " + strings.Join(whys, ", ")
	}
	r.add(level, text, fill(rl.alt, list))
}

// optWord returns the word holding an option's value, or a made-up word
// for an attached value (-C/tmp).
func optWord(a cmdline.Args, it cmdline.Item) cmdline.Word {
	if it.Last != it.Word {
		return a.Words[it.Last]
	}
	w := cmdline.Made(it.Value, it.Value)
	w.Static = a.Words[it.Word].Static
	w.Node = a.Words[it.Word].Node
	return w
}

func modMatches(m mod, it cmdline.Item) bool {
	for _, n := range strings.Fields(m.opts) {
		if it.Name == n || (it.Long && len(n) > 1 && len(it.Name) >= 3 && strings.HasPrefix(n, it.Name)) {
			return m.value == "" || strings.HasPrefix(it.Value, m.value)
		}
	}
	return false
}

// judgeAll rates the operands of one command, reports whether any role
// applied, and adds findings: one per dangerous operand, one for the
// ordinary rest.
func (r *rater) judgeAll(cmd string, items []judged, fl flag, whys []string, base Level, alt string) bool {
	applied := false
	tail := ""
	if len(whys) > 0 {
		tail = " " + strings.Join(whys, ", ")
	}
	// Ordinary operands are grouped by what happens to them, in order.
	type group struct {
		does        string
		level       Level
		texts, real []string
	}
	var groups []*group
	for _, j := range items {
		if j.role == noRole || j.role == reads || j.role == names {
			continue
		}
		applied = true
		t := classify(j.word, r.opt)
		level, text, after, ok := r.judge(j, t, fl, base)
		if !ok {
			continue
		}
		if text != "" {
			a := ""
			if j.word.Node != nil {
				a = fill(alt, []string{j.word.Text})
			}
			if t.empty && fl&recursive != 0 {
				a = guardAlt(cmd, j.word)
			}
			r.add(level, cmd+" "+text+tail+after, a)
			continue
		}
		var g *group
		for _, h := range groups {
			if h.does == j.does && h.level == level {
				g = h
			}
		}
		if g == nil {
			g = &group{does: j.does, level: level}
			groups = append(groups, g)
		}
		g.texts = append(g.texts, j.word.Text)
		if j.word.Node != nil {
			g.real = append(g.real, j.word.Text)
		}
	}
	for _, g := range groups {
		if g.level == ReadOnly {
			r.reader(cmd)
			continue
		}
		a := ""
		if len(g.real) > 0 {
			a = fill(alt, g.real)
		}
		r.add(g.level, cmd+" "+fill(g.does, g.texts)+tail, a)
	}
	return applied
}

// floor is the least a role makes a command: writing is never read-only.
func floor(ro role) Level {
	switch ro {
	case writes, overwrites, moves, modifies:
		return Writes
	case deletes, erases:
		return Deletes
	}
	return ReadOnly
}

// judge rates one operand. It returns the level, the sentence for a
// dangerous operand ("" for an ordinary one, rated at the base level), what
// to say after the options' facts, and false when the operand is harmless
// (/dev/null).
func (r *rater) judge(j judged, t target, fl flag, base Level) (Level, string, string, bool) {
	d := func(does string) string { return fill(does, []string{t.describe()}) }
	base = base.Max(floor(j.role))
	switch j.role {
	case writes:
		switch {
		case t.class == sink:
			return ReadOnly, "", "", false
		case t.class == device:
			return SystemDestroying, d("writes raw data over %s, destroying what it holds"), "", true
		case t.class.system():
			return base.Max(Privileged), d(j.does), "", true
		}
	case overwrites:
		switch {
		case t.class == sink:
			return ReadOnly, "", "", false
		case t.class == device:
			return SystemDestroying, d("writes raw data over %s, destroying the filesystem on it"), "", true
		case t.class.system():
			return base.Max(Privileged), d(j.does), "", true
		case t.class.catastrophic() && fl&noClobber == 0:
			return base.Max(Deletes), d(j.does), "", true
		case fl&noClobber == 0 && r.exists(j.word):
			return base.Max(Deletes), fill("overwrites the existing file %s: what it holds now is lost", []string{j.word.Text}), "", true
		}
	case deletes:
		switch {
		case t.class == device:
			return SystemDestroying, d(j.does) + ", destroying the data on the device", "", true
		case t.class.catastrophic() && fl&recursive != 0 && fl&interactive == 0:
			return SystemDestroying, d(j.does), "", true
		case t.class.catastrophic() && fl&recursive != 0:
			return base.Max(Deletes), d(j.does) + ", asking about each file", "", true
		case t.class.catastrophic():
			return base.Max(Deletes), d(j.does), "", true
		case t.class.system():
			return base.Max(Privileged), d(j.does), "", true
		}
	case moves:
		switch {
		case t.class.catastrophic() || t.class == device:
			return SystemDestroying, d(j.does), "", true
		case t.class.system():
			return base.Max(Privileged), d(j.does), "", true
		}
	case modifies:
		switch {
		case fl&recursive != 0 && (t.class == root || t.class == systemRoot):
			return SystemDestroying, d(j.does), ", which breaks the system's programs and logins", true
		case t.class.system():
			return base.Max(Privileged), d(j.does), "", true
		}
	case erases:
		switch {
		case t.class == sink:
			return ReadOnly, "", "", false
		case t.class == device || t.class.system():
			return SystemDestroying, d(j.does), "", true
		}
		return base, fill(j.does, []string{j.word.Text + " (a file, not a device)"}), "", true
	case process:
		switch j.word.Value {
		case "1":
			return SystemDestroying, "signals process 1, init: killing it brings the whole system down", "", true
		case "-1":
			return SystemDestroying, "signals every process you may signal (-1): your session ends, and as root the whole system stops", "", true
		}
	case script:
		if url, ok := r.fetched[path.Clean(j.word.Value)]; ok {
			return RemoteCode, "runs " + j.word.Text + " right after downloading it from " + url + ", without a look at it", "", true
		}
	}
	return base, "", "", true
}

// writtenInto judges what copying or moving sources into the directory of
// target replaces: dir/NAME for each source NAME, which is lost only if it
// exists ("cp notes.txt old/" overwrites old/notes.txt, never old/). A
// source whose name is known only at run time (a glob, a variable) leaves
// the directory judged as a place written into.
func (r *rater) writtenInto(target judged, sources []cmdline.Word) []judged {
	dir := target.word
	var out []judged
	for _, src := range sources {
		if !src.Static || src.Glob || src.Path == "" {
			out = append(out, judged{dir, writes, "writes into %s"})
			continue
		}
		name := path.Base(src.Path)
		text := strings.TrimSuffix(dir.Text, "/") + "/" + name
		w := cmdline.Made(text, path.Join(dir.Path, name))
		w.Static, w.Node = true, dir.Node
		out = append(out, judged{w, overwrites, "writes %s"})
	}
	if len(out) == 0 {
		out = append(out, judged{dir, writes, "writes into %s"})
	}
	return out
}

// isDir reports whether a word names an existing directory, when that can
// be known: Options.IsDir says so, or else a trailing slash on a path that
// exists.
func (r *rater) isDir(w cmdline.Word) bool {
	if !w.Static || w.Glob || w.Path == "" {
		return false
	}
	if r.opt.IsDir == nil {
		return strings.HasSuffix(w.Value, "/") && r.exists(w)
	}
	return r.opt.IsDir(r.abs(w.Path))
}

// abs makes a path as written absolute where Dir and Home allow.
func (r *rater) abs(p string) string {
	if strings.HasPrefix(p, "~") && r.opt.Home != "" {
		p = r.opt.Home + strings.TrimPrefix(p, "~")
	}
	if !strings.HasPrefix(p, "/") && r.opt.Dir != "" {
		p = path.Join(r.opt.Dir, p)
	}
	return p
}

// exists reports whether the file a word names exists, when that can be
// known.
func (r *rater) exists(w cmdline.Word) bool {
	if r.opt.Exists == nil || !w.Static || w.Glob {
		return false
	}
	p := w.Path
	if strings.HasPrefix(p, "~") && r.opt.Home != "" {
		p = r.opt.Home + strings.TrimPrefix(p, "~")
	}
	if !strings.HasPrefix(p, "/") && r.opt.Dir != "" {
		p = path.Join(r.opt.Dir, p)
	}
	return r.opt.Exists(p)
}

// guardAlt suggests ${VAR:?} so the command stops when a variable is empty.
func guardAlt(cmd string, w cmdline.Word) string {
	text := w.Text
	for _, v := range w.Vars {
		name := strings.TrimPrefix(v, "$")
		text = strings.ReplaceAll(text, "${"+name+"}", "${"+name+":?}")
		text = regexp.MustCompile(`\$`+regexp.QuoteMeta(name)+`\b`).ReplaceAllString(text, "${"+name+":?}")
	}
	return "write " + cmd + " -- " + text + ": ${VAR:?} stops the command when VAR is empty"
}

// fill puts a list into a phrase's %s, or drops the placeholder when the
// list is empty.
func fill(phrase string, list []string) string {
	if !strings.Contains(phrase, "%s") {
		return phrase
	}
	if len(list) == 0 {
		for _, p := range []string{" (%s)", ": %s", " %s", "%s"} {
			phrase = strings.Replace(phrase, p, "", -1)
		}
		return phrase
	}
	if len(list) > 4 {
		list = append(list[:3:3], "and "+itoa(len(list)-3)+" more")
	}
	return strings.ReplaceAll(phrase, "%s", strings.Join(list, ", "))
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
