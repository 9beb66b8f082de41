package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents"

	"github.com/llamashell/lsh/internal/lazy"
)

// why explains why the last command failed, from its exit status and,
// when the shell captured it, the tail of its error output. The knowledge
// is data: why_status.go (statuses and signals), why_stderr.go (error
// messages), why_notfound.go (typos and packages).

// WhyReport is why's answer; --json prints it.
type WhyReport struct {
	// Command and Status are the last command line and its exit status.
	Command string `json:"command"`
	Status  int    `json:"status"`
	// Failed is the command of the line lsh holds responsible: the last
	// one, or the one the error output names.
	Failed string `json:"failed,omitempty"`
	// What says what happened in one sentence.
	What string `json:"what"`
	// Cause is the likely reason, and what to do when there is no fix.
	Cause string `json:"cause,omitempty"`
	// StderrSeen is false when lsh had no error output to read: the
	// shell could not capture it, or the command printed none.
	StderrSeen bool `json:"stderr_seen"`
	// Rule names the knowledge that matched ("stderr:permission-denied",
	// "signal", "not-found:typo"…), for tests and debugging.
	Rule string `json:"rule"`
	// Fix is a proposed command, risk-rated, never run by why.
	Fix *intents.Intent `json:"fix,omitempty"`
}

// Why explains a finished command for this host, as the why builtin does.
func Why(env *Env) WhyReport { return hostWorld(env).explain(env.Last) }

// world is what why reads of the host, so tests can fix it.
type world struct {
	dir     string
	home    string
	root    bool
	manager string // the system package manager, "" when none
	has     func(tool string) bool
	// commands lists every command name that exists here (PATH,
	// builtins), for typo suggestions; called at most once.
	commands func() []string
	// packageOf asks the distribution's database which package
	// provides a command: package and manager, "" when unknown.
	packageOf func(name string) (pkg, manager string)
	// stat and readDir read the filesystem; paths are absolute.
	stat    func(path string) (os.FileInfo, error)
	readDir func(path string) ([]os.DirEntry, error)
	// readHead returns the first bytes of a file (for #! lines).
	readHead func(path string) ([]byte, error)
}

func hostWorld(env *Env) *world {
	h := intents.DetectHost()
	dir := env.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	path := getenv(env, "PATH")
	return &world{
		dir:     dir,
		home:    getenv(env, "HOME"),
		root:    os.Geteuid() == 0,
		manager: h.PackageManager(),
		has:     h.Has,
		commands: func() []string {
			return append(append(commandsOnPath(path), shellBuiltins...), Names()...)
		},
		packageOf: systemPackageOf,
		stat:      os.Stat,
		readDir:   os.ReadDir,
		readHead: func(p string) ([]byte, error) {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			b := make([]byte, 256)
			n, err := io.ReadFull(f, b)
			if n > 0 {
				err = nil
			}
			return b[:n], err
		},
	}
}

const whyUsage = "usage: why [--json]"

func runWhy(ctx context.Context, env *Env, args []string) int {
	asJSON := false
	for _, a := range args[1:] {
		switch a {
		case "--json":
			asJSON = true
		case "-h", "--help":
			fmt.Fprintln(env.Stdout, whyUsage)
			fmt.Fprintln(env.Stdout, "Explains why the last command failed, from its exit status and error output, and proposes a fix.")
			return 0
		default:
			return env.Errorf(2, "why", "unexpected argument %q\n%s", a, whyUsage)
		}
	}
	if strings.TrimSpace(env.Last.Command) == "" {
		return env.Errorf(1, "why", "no command has run yet in this shell")
	}
	r := hostWorld(env).explain(env.Last)
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return env.Errorf(1, "why", "writing JSON: %v", err)
		}
		return 0
	}
	r.write(env.Stdout)
	return 0
}

// write prints the report for a person.
func (r WhyReport) write(w io.Writer) {
	fmt.Fprintln(w, r.What)
	if r.Cause != "" {
		fmt.Fprintln(w, r.Cause)
	}
	if r.Status != 0 && !r.StderrSeen {
		fmt.Fprintln(w, "(lsh has no error output from it: the shell could not capture it, or there was none. This is from the exit status alone.)")
	}
	if r.Fix != nil {
		fmt.Fprintf(w, "Fix: %s\n     %s\n", r.Fix.Explanation, fixLine(*r.Fix))
	}
}

// call is one simple command of the line, with the prefixes that run it
// (sudo, env, timeout…) peeled off.
type call struct {
	name string // the command word as written: "./run.sh", "gti"
	base string // its file name, for tables: "run.sh", "gti"
	args []string
	// start and end are the byte offsets of the command word in the
	// line, to rewrite it (a typo fix); -1 when it is not a plain word.
	start, end int
	// spans are the byte offsets of each argument word, quotes included.
	spans [][2]int
	// via lists the prefixes peeled off, outermost first.
	via []string
}

// wraps reports whether the call runs through prefix (sudo, timeout).
func (c *call) wraps(prefix string) bool {
	for _, v := range c.via {
		if v == prefix {
			return true
		}
	}
	return false
}

// parseCalls lists the simple commands of a line in order, outside $(…)
// (whose failures do not set the line's status). A line that does not
// parse gives the commands before the error.
func parseCalls(line string) []call {
	f, _ := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(line), "")
	if f == nil {
		return nil
	}
	var out []call
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			return false
		case *syntax.CallExpr:
			if c, ok := newCall(n); ok {
				out = append(out, c)
			}
		}
		return true
	})
	return out
}

// prefixes take another command as their arguments; the value is the
// options of each that take a value. The table (a map per prefix) is
// built on first use, not at every lsh start.
var prefixes = lazy.Value[map[string]map[string]bool]{Build: func() map[string]map[string]bool {
	return map[string]map[string]bool{
		"sudo":    {"-u": true, "-g": true, "-U": true, "-C": true, "-h": true, "-p": true, "-D": true, "-r": true, "-t": true},
		"doas":    {"-u": true, "-C": true},
		"env":     {"-u": true, "-C": true, "-S": true},
		"nice":    {"-n": true},
		"ionice":  {"-c": true, "-n": true, "-p": true},
		"nohup":   {},
		"time":    {"-f": true, "-o": true},
		"command": {},
		"exec":    {"-a": true},
		"builtin": {},
		"stdbuf":  {"-i": true, "-o": true, "-e": true},
		"timeout": {"-s": true, "-k": true, "--signal": true, "--kill-after": true},
	}
}}

func newCall(ce *syntax.CallExpr) (call, bool) {
	words := ce.Args
	var via []string
	i := 0
	for i < len(words) {
		w := wordLit(words[i])
		opts, ok := prefixes.Get()[filepath.Base(w)]
		if !ok || i == len(words)-1 {
			break
		}
		via = append(via, filepath.Base(w))
		i++
		for i < len(words) {
			a := wordLit(words[i])
			switch {
			case a == "--":
				i++
			case strings.HasPrefix(a, "-") && len(a) > 1:
				i++
				if opts[a] {
					i++
				}
				continue
			case filepath.Base(w) == "env" && strings.Contains(a, "="):
				i++
				continue
			}
			break
		}
		if filepath.Base(w) == "timeout" && i < len(words) {
			i++ // the duration
		}
	}
	if i >= len(words) {
		return call{}, false
	}
	c := call{via: via, start: -1, end: -1}
	c.name = wordLit(words[i])
	if c.name == "" {
		return call{}, false // a name computed at run time
	}
	c.base = filepath.Base(c.name)
	if lit := words[i].Lit(); lit != "" {
		c.start, c.end = int(words[i].Pos().Offset()), int(words[i].End().Offset())
	}
	for _, w := range words[i+1:] {
		c.args = append(c.args, wordLit(w))
		c.spans = append(c.spans, [2]int{int(w.Pos().Offset()), int(w.End().Offset())})
	}
	return c, true
}

// wordLit is the value of a word made of literals and quotes only, ""
// for words with expansions (their value is not known until they run).
func wordLit(w *syntax.Word) string {
	var sb strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			sb.WriteString(p.Value)
		case *syntax.SglQuoted:
			sb.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return ""
				}
				sb.WriteString(l.Value)
			}
		default:
			return ""
		}
	}
	return sb.String()
}

// incident is one run of why: the last command and what is known of it.
type incident struct {
	w      *world
	last   LastRun
	stderr string
	calls  []call
	failed *call // nil when the line has no simple command lsh can read
}

// explain is why's whole reasoning, in order: success, a signal, an error
// message lsh recognises, a command not found or not runnable, a status
// with a meaning for this tool, a conventional status.
func (w *world) explain(last LastRun) WhyReport {
	in := &incident{w: w, last: last, stderr: strings.TrimSpace(last.Stderr), calls: parseCalls(last.Command)}
	in.failed = in.pickFailed()
	r := WhyReport{Command: last.Command, Status: last.Status, StderrSeen: in.stderr != ""}
	name := "the command"
	if in.failed != nil {
		r.Failed = in.failed.name
		name = in.failed.name
	}
	if last.Status == 0 {
		r.What = fmt.Sprintf("The last command (%s) succeeded: exit status 0.", last.Command)
		r.Rule = "success"
		return r
	}
	r.What = fmt.Sprintf("%s failed with exit status %d.", upperFirst(name), last.Status)

	if n, sig, ok := signalOf(last.Status); ok {
		r.What = fmt.Sprintf("%s was stopped by %s (signal %d): exit status %d.", upperFirst(name), sig.name, n, last.Status)
		r.Cause, r.Rule = sig.cause, "signal"
		if fix := in.fill(sig.fix, nil, true); fix != "" {
			r.Fix = ptr(propose("why:signal", fix, sig.fixWhy))
		}
		return r
	}
	if a, ok := in.matchStderr(); ok {
		if a.what != "" {
			r.What = a.what
		}
		r.Cause, r.Fix, r.Rule = a.cause, a.fix, a.rule
		return r
	}
	if last.Status == 127 && in.failed != nil {
		a := in.notFound(in.failed.name)
		r.What, r.Cause, r.Fix, r.Rule = a.what, a.cause, a.fix, a.rule
		return r
	}
	if last.Status == 126 && in.failed != nil && strings.Contains(in.failed.name, "/") {
		a := in.notRunnable(in.failed.name)
		r.Cause, r.Fix, r.Rule = a.cause, a.fix, a.rule
		return r
	}
	if in.failed != nil {
		tool := in.failed.base
		ts, ok := toolStatuses.Get()[tool][last.Status]
		if !ok && in.failed.wraps("timeout") {
			tool = "timeout"
			ts, ok = toolStatuses.Get()[tool][last.Status]
		}
		if ok {
			r.Cause, r.Rule = ts.cause, "tool:"+tool
			if ts.benign {
				r.What = fmt.Sprintf("%s returned status %d.", name, last.Status)
			}
			return r
		}
	}
	if c, ok := statuses.Get()[last.Status]; ok {
		r.Cause, r.Rule = c, fmt.Sprintf("status:%d", last.Status)
		return r
	}
	r.Cause = fmt.Sprintf("What status %d means is up to %s; its documentation or error output says.", last.Status, name)
	r.Rule = "status"
	return r
}

// upperFirst capitalises "the command" at the start of a sentence; names
// of programs keep their case.
func upperFirst(s string) string {
	if strings.HasPrefix(s, "the ") {
		return "The " + s[4:]
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// pickFailed chooses the command of the line to blame: the last one whose
// name starts a line of the error output ("cat: a: No such file…" blames
// cat in `cat a | grep b`), else the last one, whose status the line has.
func (in *incident) pickFailed() *call {
	if len(in.calls) == 0 {
		return nil
	}
	for i := len(in.calls) - 1; i >= 0; i-- {
		c := &in.calls[i]
		re := regexp.MustCompile(`(?m)(?:^|: )(?:line \d+: )?` + regexp.QuoteMeta(c.name) + `: `)
		if in.stderr != "" && re.MatchString(in.stderr) {
			return c
		}
	}
	return &in.calls[len(in.calls)-1]
}

// answer is what one piece of knowledge concluded.
type answer struct {
	what, cause, rule string
	fix               *intents.Intent
}

// rewrite returns the line with the failed command's name replaced, or ""
// when the name is not a plain word of the line.
func (in *incident) rewrite(name string) string {
	c := in.failed
	if c == nil || c.start < 0 || c.end > len(in.last.Command) {
		return ""
	}
	return in.last.Command[:c.start] + quote(name) + in.last.Command[c.end:]
}

// insertFlag returns the line with a flag added right after the failed
// command's name ("cp -r a b"), or "".
func (in *incident) insertFlag(flag string) string {
	c := in.failed
	if c == nil || c.start < 0 || c.end > len(in.last.Command) {
		return ""
	}
	return in.last.Command[:c.end] + " " + flag + in.last.Command[c.end:]
}

// notFound explains a command that does not exist: installed off PATH,
// a typo, or a package away.
func (in *incident) notFound(name string) answer {
	a := answer{what: fmt.Sprintf("%s was not found (exit status %d).", name, in.last.Status)}
	if strings.Contains(name, "/") {
		a.cause, a.fix, a.rule = in.missingPath(name)
		return a
	}
	if in.failed == nil || in.failed.name != name {
		a.what = fmt.Sprintf("%s, which the command runs, was not found (exit status %d).", name, in.last.Status)
	}
	for _, d := range userBinDirs {
		dir := d
		if strings.HasPrefix(d, "~/") {
			if in.w.home == "" {
				continue
			}
			dir = filepath.Join(in.w.home, d[2:])
		}
		if fi, err := in.w.stat(filepath.Join(dir, name)); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			a.cause = fmt.Sprintf("%s is installed in %s, which is not in your PATH.", name, dir)
			a.rule = "not-found:off-path"
			if !strings.ContainsAny(dir, "\"$`\\") {
				a.fix = ptr(propose("why:not-found-off-path", `export PATH="$PATH:`+dir+`"`,
					"Add "+dir+" to PATH for this shell (add the same line to your profile to keep it)."))
			}
			return a
		}
	}
	// A tool lsh's table knows by name was meant as such (htop, not
	// top); a near miss of an everyday command is a typo even when the
	// distribution has a package of that name (sl, gti); anything else
	// the distribution packages is worth installing.
	typo, _ := closest(name, in.w.commands())
	mgr := in.w.manager
	pkg := tablePackageOf(name, mgr)
	curated := pkg != ""
	if !curated {
		pkg, mgr = in.w.packageOf(name)
	}
	install := ""
	if pkg != "" {
		install = installCommand(mgr, pkg, in.w.root)
	}
	useTypo := func() {
		a.rule = "not-found:typo"
		a.cause = fmt.Sprintf("No command called %s exists here. Did you mean %s?", name, typo)
		if line := in.rewrite(typo); line != "" && in.failed.name == name {
			a.fix = ptr(propose("why:typo", line, "Run the line with "+typo+" instead of "+name+"."))
		}
	}
	useInstall := func() {
		a.rule = "not-found:package"
		a.cause = fmt.Sprintf("%s is not installed; the %s package provides it.", name, pkg)
		if install != "" {
			a.fix = ptr(propose("why:install", install, "Install the "+pkg+" package, which provides "+name+"."))
		}
	}
	switch {
	case curated:
		useInstall()
		if typo != "" {
			a.cause += fmt.Sprintf(" Or did you mean %s?", typo)
		}
	case typo != "" && commonCommands.Get()[typo]:
		useTypo()
		if pkg != "" {
			a.cause += fmt.Sprintf(" (If you did mean %s, the %s package provides it.)", name, pkg)
		}
	case pkg != "":
		useInstall()
		if typo != "" {
			a.cause += fmt.Sprintf(" Or did you mean %s?", typo)
		}
	case typo != "":
		useTypo()
	default:
		a.rule = "not-found"
		a.cause = fmt.Sprintf("No command, builtin or function called %s exists here, and lsh knows no package that provides it: check the spelling, or where it was installed.", name)
	}
	return a
}

// notRunnable explains status 126 for a path: a directory, a file
// without execute permission, or one on a filesystem that forbids it.
func (in *incident) notRunnable(name string) answer {
	p := in.abs(name)
	fi, err := in.w.stat(p)
	switch {
	case err != nil:
		cause, fix, rule := in.missingPath(name)
		return answer{cause: cause, fix: fix, rule: rule}
	case fi.IsDir():
		return answer{cause: name + " is a directory, not a program: cd into it, or name a program inside it.", rule: "not-runnable:directory"}
	case fi.Mode()&0o111 == 0:
		return answer{cause: name + " is not marked executable.", rule: "not-runnable:mode",
			fix: ptr(propose("why:chmod", "chmod +x "+quote(name), "Mark "+name+" as executable, then run the line again."))}
	}
	return answer{cause: name + " is executable, yet it could not be run: a folder on its way denies you access, or its filesystem is mounted noexec (common for /tmp and USB drives).",
		rule: "not-runnable"}
}

// abs resolves a path of the line against the shell's directory.
func (in *incident) abs(p string) string {
	if strings.HasPrefix(p, "~/") && in.w.home != "" {
		p = filepath.Join(in.w.home, p[2:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(in.w.dir, p)
	}
	return filepath.Clean(p)
}

// missingPath explains a path that does not exist: a near name in the
// same folder (a typo), or the deepest part of it that does exist.
func (in *incident) missingPath(p string) (string, *intents.Intent, string) {
	full := in.abs(p)
	if _, err := in.w.stat(full); err == nil {
		return fmt.Sprintf("%s exists now: it was created since, or the command looked for it from another directory than %s.", p, in.w.dir), nil, "no-such-file:exists-now"
	}
	dir, base := filepath.Split(full)
	dir = filepath.Clean(dir)
	if fi, err := in.w.stat(dir); err == nil && fi.IsDir() {
		ents, _ := in.w.readDir(dir)
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
			if strings.EqualFold(e.Name(), base) {
				return in.pathTypo(p, base, e.Name(), dir)
			}
		}
		if near, _ := closest(base, names); near != "" {
			return in.pathTypo(p, base, near, dir)
		}
		return fmt.Sprintf("There is no %s in %s.", base, dir),
			ptr(propose("why:ls", "ls -la "+quote(dir), "List what "+dir+" holds.")), "no-such-file"
	}
	have := dir
	for have != "/" && have != "." {
		have = filepath.Dir(have)
		if fi, err := in.w.stat(have); err == nil && fi.IsDir() {
			break
		}
	}
	return fmt.Sprintf("The folder %s does not exist; the deepest part of the path that does is %s.", dir, have),
		ptr(propose("why:ls", "ls -la "+quote(have), "List what "+have+" holds.")), "no-such-file:no-folder"
}

// pathTypo proposes the line with a misspelt path corrected, when the path
// appears in it exactly once as written.
func (in *incident) pathTypo(p, base, near, dir string) (string, *intents.Intent, string) {
	cause := fmt.Sprintf("There is no %s in %s, but there is %s.", base, dir, near)
	fixed := strings.TrimSuffix(p, base) + near
	line := in.last.Command
	var at [][2]int
	for _, c := range in.calls {
		if c.name == p && c.start >= 0 {
			at = append(at, [2]int{c.start, c.end})
		}
		for i, a := range c.args {
			if a == p {
				at = append(at, c.spans[i])
			}
		}
	}
	if len(at) == 1 && at[0][1] <= len(line) {
		fix := line[:at[0][0]] + quote(fixed) + line[at[0][1]:]
		return cause, ptr(propose("why:path-typo", fix, "Run the line with "+fixed+" instead of "+p+".")), "no-such-file:typo"
	}
	return cause, nil, "no-such-file:typo"
}
