package intents

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/risk"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file renders a matched entry: it binds slot values, expands command
// and explanation templates, picks the alternative that fits the host and
// refuses any command whose tools are not installed.
//
// A template is text with placeholders:
//
//	{name}       the value of slot or computed value name: in a command,
//	             quoted for sh; in an explanation, as a person would say it
//	{sudo}       "sudo " unless the user is root
//	[ … ]        an optional group, dropped when any placeholder in it has
//	             no value: "df -h[ {path}]"
//	\[ \] \{ \}  literal brackets and braces

// outcome is what an entry renders to, before it becomes an Intent.
type outcome struct {
	kind    Kind
	cmd     string
	text    string
	explain string
	action  *Action
}

// call is one rendering of an entry for one request.
type call struct {
	r       *Rules
	host    *Host
	rs      *reqState
	fs      *fsView
	req     Request
	e       *compiled
	binds   map[string]binding
	vals    map[string][2]string // computed values: {arg, show}
	notes   []string
	penalty float64
	handled map[string]bool // path roles the build judged itself (no "does not exist" note)
	gitRepo int             // 0 unknown, 1 yes, -1 no
}

func (r *Rules) newCall(rs *reqState, req Request, e *compiled, res *matchResult) *call {
	c := &call{r: r, host: r.host, rs: rs, fs: rs.fs, req: req, e: e, binds: map[string]binding{}, vals: map[string][2]string{}, handled: map[string]bool{}}
	for role, b := range res.binds {
		c.binds[role] = b
	}
	for _, i := range res.floating {
		it := rs.items[i]
		name := floatKind(it).String()
		if _, taken := c.binds[name]; taken {
			continue
		}
		p := it.path
		if it.kind == kindQuoted {
			p = rs.fs.resolveName(it.raw)
		}
		c.binds[name] = binding{it: it, path: p}
	}
	c.fileInFolder(res)
	return c
}

// fileInFolder resolves "app.log in logs": a file said by name that is not
// in the working directory but is in a folder the request also names. The
// folder then counts as understood.
func (c *call) fileInFolder(res *matchResult) {
	for role, b := range c.binds {
		if b.path == nil || b.path.exists || b.it.kind == kindPath && strings.ContainsAny(b.path.said, "/~") {
			continue
		}
		if k := roleKind(c.e, role); k != "path" && k != "file" {
			continue
		}
		for i, it := range c.rs.items {
			if it.kind != kindPath || !it.path.isDir || it.from == b.it.from {
				continue
			}
			real, ok := c.fs.lookup(it.path.abs, b.path.said)
			if !ok {
				continue
			}
			b.path = c.fs.stat(filepath.Join(it.path.abs, real), b.path.said)
			c.binds[role] = b
			for k, u := range res.unexplained {
				if u == i {
					res.unexplained = append(res.unexplained[:k], res.unexplained[k+1:]...)
					break
				}
			}
			break
		}
	}
}

// notePaths notes every path the request named that does not exist, each
// costing confidence, except things to create (newpath slots), names to
// search for (file, name slots) and roles the entry's build handled itself.
func (c *call) notePaths() {
	roles := make([]string, 0, len(c.binds))
	for role := range c.binds {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		b := c.binds[role]
		if b.path == nil || b.path.exists || c.handled[role] {
			continue
		}
		if k := roleKind(c.e, role); k == "path" || k == "" && role == "path" {
			c.notes = append(c.notes, c.fs.show(b.path.abs)+" does not exist.")
			c.penalty += 0.15
		}
	}
}

// roleKind is the slot kind of a positional role in the entry's patterns,
// or "" for a floating slot.
func roleKind(e *compiled, role string) string {
	for _, p := range e.patterns {
		for _, el := range p.elems {
			if el.role == role && el.slot != "" {
				return el.slot
			}
		}
	}
	return ""
}

// confidence scores the match: see the scale on Rules.
func (c *call) confidence(res matchResult) float64 {
	content := 0
	for _, it := range c.rs.items {
		if it.kind != kindWord || !fillers.Get()[it.word] {
			content++
		}
	}
	u := float64(len(res.unexplained))
	conf := 0.95 - 0.15*u - c.penalty
	if content > 0 {
		conf -= 0.2 * u / float64(content)
	}
	for _, i := range res.unexplained {
		if it := c.rs.items[i]; it.kind == kindWord && changeWords[it.word] {
			conf -= 0.25 // "kill all processes" is no request to list them
		}
	}
	for _, b := range res.binds {
		conf -= 0.12 * float64(b.swallowed)
		if b.weak && b.path != nil && !b.path.exists {
			conf -= 0.2 // "order a pizza": pizza names no file
		}
	}
	conf = math.Max(0.05, math.Min(0.95, conf))
	return math.Round(conf*100) / 100
}

// render produces the outcome, and turns a command whose tools are missing
// into an answer saying what to install.
func (c *call) render() outcome {
	var out outcome
	if c.e.build != nil {
		out = c.e.build(c)
	} else {
		out = c.runAlts()
	}
	if out.kind == KindCommand {
		if missing := c.missing(out.cmd); len(missing) > 0 {
			return c.needTools(out.explain, missing)
		}
	}
	return out
}

// runAlts renders the first alt whose conditions hold and whose tools are
// installed.
func (c *call) runAlts() outcome {
	var missing []string
	for _, a := range c.e.run {
		if !c.holds(a.when) {
			continue
		}
		cmd, err := c.expand(a.cmd, false)
		if err != nil {
			continue // a slot the alt needs was not said; try the next
		}
		if m := c.missing(cmd); len(m) > 0 {
			for _, t := range m {
				if !contains(missing, t) {
					missing = append(missing, t)
				}
			}
			continue
		}
		ex := a.explain
		if ex == "" {
			ex = c.e.explain
		}
		explain, err := c.expand(ex, true)
		if err != nil {
			explain = "Runs " + cmd + "."
		}
		return c.command(cmd, explain)
	}
	task, _ := c.expand(c.e.explain, true)
	if len(missing) == 0 {
		return c.clarify("I know how to do that, but not on this system (" + c.host.OS + ").")
	}
	return c.needTools(task, missing)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// needTools answers that a task needs tools that are not installed, and how
// to install the first of them.
func (c *call) needTools(task string, tools []string) outcome {
	var b strings.Builder
	names := "`" + strings.Join(tools, "`, `") + "`"
	if len(tools) > 1 {
		i := strings.LastIndex(names, ", ")
		names = names[:i] + " or " + names[i+2:]
		fmt.Fprintf(&b, "This needs %s, and none of them is installed.", names)
	} else {
		fmt.Fprintf(&b, "This needs %s, which is not installed.", names)
	}
	if hint := c.host.installHint(tools[0]); hint != "" {
		fmt.Fprintf(&b, " Install it with: %s", hint)
	}
	text := b.String()
	if task != "" {
		text = strings.TrimSuffix(task, ".") + ": " + strings.ToLower(text[:1]) + text[1:]
	}
	return outcome{kind: KindAnswer, text: text, explain: "lsh renders only commands whose programs are installed."}
}

func (c *call) command(cmd, explain string) outcome {
	return outcome{kind: KindCommand, cmd: cmd, explain: explain}
}

func (c *call) clarify(q string) outcome {
	return outcome{kind: KindClarify, text: q, explain: "lsh needs one more detail before it can propose a command."}
}

func (c *call) answer(text, explain string) outcome {
	return outcome{kind: KindAnswer, text: text, explain: explain}
}

func (c *call) action(name, explain string, args ...string) outcome {
	return outcome{kind: KindAction, action: &Action{Name: name, Args: args}, explain: explain}
}

// intent turns the outcome into the Intent the caller sees. Commands leave
// Risk empty: the caller rates every command with intents/risk. Kinds that
// run nothing are read-only.
func (c *call) intent(out outcome, base Intent) Intent {
	in := base
	in.Rule = c.e.name
	in.Kind = out.kind
	in.Explanation = out.explain
	if len(c.notes) > 0 {
		in.Explanation = strings.TrimSpace(in.Explanation + " Note: " + strings.Join(c.notes, " "))
	}
	switch out.kind {
	case KindCommand:
		in.Command = out.cmd
		in.Risk = risk.Rating{}
	case KindAction:
		in.Action = out.action
	default:
		in.Text = out.text
	}
	return in
}

// Values.

// has reports whether slot role was said or has a default.
func (c *call) has(role string) bool {
	if _, ok := c.binds[role]; ok {
		return true
	}
	_, ok := c.e.defaults[role]
	return ok
}

// said reports whether slot role was said (not defaulted).
func (c *call) said(role string) bool {
	_, ok := c.binds[role]
	return ok
}

// path returns the path bound to role, its default ("." or "~"), or nil.
func (c *call) path(role string) *pathVal {
	if b, ok := c.binds[role]; ok && b.path != nil {
		return b.path
	}
	if d, ok := c.e.defaults[role]; ok {
		return c.fs.stat(c.fs.expand(d), d)
	}
	return nil
}

// num returns the count or port bound to role, or its default.
func (c *call) num(role string) (int, bool) {
	if b, ok := c.binds[role]; ok && (b.it.kind == kindCount || b.it.kind == kindPort) {
		return b.it.n, true
	}
	if d, ok := c.e.defaults[role]; ok {
		n, err := strconv.Atoi(d)
		return n, err == nil
	}
	return 0, false
}

// str returns the text of a name, text, cmd, url or host slot.
func (c *call) str(role string) (string, bool) {
	if b, ok := c.binds[role]; ok {
		if b.value != "" {
			return b.value, true
		}
		return b.it.raw, true
	}
	d, ok := c.e.defaults[role]
	return d, ok
}

func (c *call) size() *sizeVal {
	if b, ok := c.binds["size"]; ok {
		return b.it.size
	}
	return nil
}

func (c *call) time() *timeVal {
	if b, ok := c.binds["time"]; ok {
		return b.it.time
	}
	return nil
}

func (c *call) ext() *extVal {
	if b, ok := c.binds["ext"]; ok {
		return b.it.ext
	}
	return nil
}

// set records a computed value for templates.
func (c *call) set(name, arg, show string) { c.vals[name] = [2]string{arg, show} }

// value returns a placeholder's command form (show false) or its form for
// people (show true).
func (c *call) value(name string, show bool) (string, bool) {
	pick := func(arg, sh string) (string, bool) {
		if show {
			return sh, true
		}
		return arg, true
	}
	if v, ok := c.vals[name]; ok {
		return pick(v[0], v[1])
	}
	if name == "sudo" {
		if c.host.Root() {
			return "", true
		}
		return pick("sudo ", "")
	}
	if b, ok := c.binds[name]; ok {
		switch {
		case b.path != nil:
			return pick(c.fs.arg(b.path.abs), c.fs.show(b.path.abs))
		case b.value != "":
			return pick(shellQuote(b.value), b.value)
		case b.it.kind == kindCount || b.it.kind == kindPort:
			n := strconv.Itoa(b.it.n)
			return pick(n, n)
		case b.it.kind == kindSize:
			return pick("", sizeSaid(*b.it.size))
		case b.it.kind == kindTime:
			return pick("", b.it.time.said)
		case b.it.kind == kindExt:
			return pick("", b.it.ext.said)
		}
		return pick(shellQuote(b.it.raw), b.it.raw)
	}
	d, ok := c.e.defaults[name]
	if !ok {
		return "", false
	}
	if d == "." || strings.HasPrefix(d, "~") || strings.HasPrefix(d, "/") {
		abs := c.fs.expand(d)
		return pick(c.fs.arg(abs), c.fs.show(abs))
	}
	return pick(shellQuote(d), d)
}

// sizeSaid says a size with its comparison: "larger than 1 GiB".
func sizeSaid(s sizeVal) string {
	if s.cmp < 0 {
		return "smaller than " + s.String()
	}
	return "larger than " + s.String()
}

// expand fills a template. It fails when a placeholder outside an optional
// group has no value.
func (c *call) expand(t string, show bool) (string, error) {
	var b strings.Builder
	_, err := c.expandTo(&b, t, 0, show, false)
	return b.String(), err
}

// expandTo writes template t from offset i until the end or, inside a group,
// the closing bracket, returning the offset after it.
func (c *call) expandTo(b *strings.Builder, t string, i int, show, inGroup bool) (int, error) {
	for i < len(t) {
		ch := t[i]
		switch ch {
		case '\\':
			if i+1 < len(t) {
				b.WriteByte(t[i+1])
				i += 2
				continue
			}
		case '[':
			var g strings.Builder
			end, err := c.expandTo(&g, t, i+1, show, true)
			if err == nil {
				b.WriteString(g.String())
			} else if _, missing := err.(missingValue); !missing {
				return end, err
			}
			i = end
			continue
		case ']':
			if inGroup {
				return i + 1, nil
			}
		case '{':
			j := strings.IndexByte(t[i:], '}')
			if j < 0 {
				return len(t), fmt.Errorf("unclosed { at offset %d", i)
			}
			name := t[i+1 : i+j]
			v, ok := c.value(name, show)
			if !ok {
				if inGroup {
					// Skip the rest of the group.
					end := groupEnd(t, i)
					return end, missingValue(name)
				}
				return len(t), missingValue(name)
			}
			b.WriteString(v)
			i += j + 1
			continue
		}
		b.WriteByte(ch)
		i++
	}
	return i, nil
}

// missingValue is the error of a placeholder with no value.
type missingValue string

func (m missingValue) Error() string { return "no value for {" + string(m) + "}" }

// groupEnd returns the offset after the ] closing the group that offset i
// is in.
func groupEnd(t string, i int) int {
	depth := 1
	for ; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(t)
}

// checkTemplate reports unbalanced brackets or braces in a template.
func checkTemplate(t string) error {
	depth := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth < 0 {
				return fmt.Errorf("unmatched ] at offset %d", i)
			}
		case '{':
			j := strings.IndexByte(t[i:], '}')
			if j < 0 {
				return fmt.Errorf("unclosed { at offset %d", i)
			}
			if strings.ContainsAny(t[i+1:i+j], " [{") {
				return fmt.Errorf("bad placeholder %q at offset %d", t[i:i+j+1], i)
			}
			i += j
		}
	}
	if depth != 0 {
		return fmt.Errorf("unclosed [")
	}
	return nil
}

// Conditions.

func checkCondition(cond string) error {
	c := strings.TrimPrefix(cond, "!")
	kind, arg, _ := strings.Cut(c, ":")
	switch kind {
	case "gnu", "bsd", "busybox", "os", "has":
		if arg == "" {
			return fmt.Errorf("condition %q needs an argument", cond)
		}
	case "git", "root":
	default:
		return fmt.Errorf("unknown condition %q", cond)
	}
	return nil
}

// holds evaluates an alt's conditions.
func (c *call) holds(when string) bool {
	for _, cond := range strings.Fields(when) {
		neg := strings.HasPrefix(cond, "!")
		kind, arg, _ := strings.Cut(strings.TrimPrefix(cond, "!"), ":")
		var ok bool
		switch kind {
		case "gnu":
			ok = c.host.Flavor(arg) == GNU
		case "bsd":
			ok = c.host.Flavor(arg) == BSD
		case "busybox":
			ok = c.host.Flavor(arg) == BusyBox
		case "os":
			ok = c.host.OS == arg
		case "has":
			ok = c.has(arg)
		case "git":
			ok = c.inGit()
		case "root":
			ok = c.host.Root()
		}
		if ok == neg {
			return false
		}
	}
	return true
}

// inGit reports whether the working directory is inside a git work tree.
func (c *call) inGit() bool {
	if c.gitRepo == 0 {
		c.gitRepo = -1
		for d := c.fs.cwd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
				c.gitRepo = 1
				break
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	return c.gitRepo == 1
}

// Tools.

// shellBuiltins are the commands mvdan.cc/sh's interpreter runs itself, so
// they need no program on PATH.
var shellBuiltins = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		":": true, "true": true, "false": true, "exit": true, "set": true, "shift": true, "unset": true,
		"echo": true, "printf": true, "break": true, "continue": true, "pwd": true, "cd": true, "wait": true,
		"builtin": true, "type": true, "eval": true, "source": true, ".": true, "[": true, "test": true,
		"exec": true, "command": true, "return": true, "read": true, "getopts": true, "alias": true,
		"trap": true, "umask": true,
	}
}}

// prefixCommands run the command after them: sudo apt…, env X=1 cmd….
var prefixCommands = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{"sudo": true, "doas": true, "env": true, "nice": true, "nohup": true, "time": true, "xargs": true}
}}

// programs lists the programs a command line runs: the first word of every
// simple command (after sudo, env…), and the command of find -exec.
func programs(cmd string) ([]string, error) {
	f, err := syntax.NewParser().Parse(strings.NewReader(cmd), "")
	if err != nil {
		return nil, err
	}
	var progs []string
	syntax.Walk(f, func(n syntax.Node) bool {
		ce, ok := n.(*syntax.CallExpr)
		if !ok || len(ce.Args) == 0 {
			return true
		}
		args := make([]string, len(ce.Args))
		for i, w := range ce.Args {
			args[i] = w.Lit()
		}
		for k := 0; k < len(args); k++ {
			w := args[k]
			progs = append(progs, w)
			if !prefixCommands.Get()[w] {
				break
			}
			for k+1 < len(args) && (strings.HasPrefix(args[k+1], "-") || strings.Contains(args[k+1], "=")) {
				k++
			}
		}
		if args[0] == "find" {
			for i, a := range args {
				if (a == "-exec" || a == "-execdir" || a == "-ok") && i+1 < len(args) {
					progs = append(progs, args[i+1])
				}
			}
		}
		return true
	})
	return progs, nil
}

// missing lists the programs cmd runs that are neither shell builtins nor
// installed. A command that does not parse, or whose program is not a
// literal word, is reported missing as a whole: lsh never proposes it.
func (c *call) missing(cmd string) []string {
	progs, err := programs(cmd)
	if err != nil {
		return []string{cmd}
	}
	var out []string
	for _, p := range progs {
		switch {
		case p == "":
			out = append(out, cmd)
		case shellBuiltins.Get()[p]:
		case !c.host.Has(p):
			if !contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}
