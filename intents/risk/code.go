package risk

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/internal/cmdline"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file follows code that runs as code: shell lines inside strings
// (bash -c, eval, su -c, ssh HOST CMD), scripts fed to interpreters through
// pipes, here-documents and process substitution, and downloads that end up
// running.

// feed is what a command reads on standard input, when lsh can tell.
type feed struct {
	url  string // downloaded from this URL
	text string // this static text (echo 'rm -rf /' | sh)
	file string // the contents of this file
	from string // the command that produces it
	code bool   // text holds shell code from a here-document or string
}

// passThrough lists filters whose output is their input, transformed: a
// download piped through them is still the download.
var passThrough = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"tee": true, "cat": true, "gunzip": true, "zcat": true, "base64": true, "tr": true, "sed": true,
		"head": true, "tail": true, "xz": true, "bzip2": true, "gzip": true, "dos2unix": true, "grep": true,
	}
}}

// feedOf tells what a pipeline stage writes to its standard output, given
// what it reads.
func (r *rater) feedOf(src cmdline.Source, s *syntax.Stmt, in *feed) *feed {
	ce, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) == 0 {
		return &feed{from: "a compound command"}
	}
	words := cmdline.Words(src, ce.Args, r.env)
	for _, w := range words {
		if url := r.fetchedIn(w.Nested); url != "" {
			return &feed{url: url, from: "$(…)"}
		}
	}
	c := cmdline.Resolve(words)
	name := normalize(c.Name)
	args := cmdline.Split(name, c.Args, cmdline.LookupGrammar)
	if url, toStdout := fetchTarget(name, args); url != "" && toStdout {
		return &feed{url: url, from: name}
	}
	ops := args.Operands()
	switch {
	case name == "echo" || name == "printf":
		var parts []string
		for _, w := range ops {
			if !w.Static {
				return &feed{from: name}
			}
			parts = append(parts, w.Value)
		}
		text := strings.Join(parts, " ")
		if name == "printf" {
			text = strings.NewReplacer(`\n`, "\n", `\t`, "\t", "%s", "").Replace(text)
		}
		return &feed{text: text, from: name}
	case name == "cat" && len(ops) == 1:
		return &feed{file: ops[0].Value, from: name}
	case passThrough.Get()[name] && in != nil && in.url != "":
		return &feed{url: in.url, from: name}
	}
	return &feed{from: name}
}

// fetchTarget returns the URL a downloader fetches and whether the
// download goes to standard output.
func fetchTarget(name string, a cmdline.Args) (string, bool) {
	var url string
	switch name {
	case "curl", "wget", "fetch", "http", "https", "xh":
	default:
		return "", false
	}
	for _, w := range a.Operands() {
		if isURLish(w.Value) || url == "" {
			url = w.Text
		}
		if isURLish(w.Value) {
			break
		}
	}
	if url == "" {
		url = "the network"
	}
	switch name {
	case "curl":
		return url, !a.Has("o", "output", "O", "remote-name", "remote-name-all", "output-dir")
	case "wget", "fetch":
		it, ok := a.Opt("O", "output-document", "o", "output")
		return url, ok && it.Value == "-"
	default:
		return url, !a.Has("d", "download", "o", "output")
	}
}

// fetch rates a downloader run as a command of its own and remembers the
// file it saves, so that running that file later in the line is caught.
func (r *rater) fetch(a cmdline.Args, cmd string) {
	url, stdout := fetchTarget(cmd[strings.LastIndexByte(cmd, ' ')+1:], a)
	if it, ok := a.Opt("X", "request"); ok && it.Value != "GET" && it.Value != "HEAD" {
		r.add(Writes, cmd+" sends a "+it.Value+" request to "+url+", which can change things on the server", "")
	} else if a.Has("d", "data", "data-raw", "data-binary", "data-urlencode", "F", "form", "T", "upload-file", "post-data", "post-file") {
		r.add(Writes, cmd+" sends data to "+url, "")
	}
	if stdout {
		r.reader(cmd)
		return
	}
	if r.fetched == nil {
		r.fetched = map[string]string{}
	}
	if it, ok := a.Opt("o", "output", "O", "output-document"); ok && it.HasValue {
		w := optWord(a, it)
		r.fetched[path.Clean(w.Value)] = url
		r.judgeAll(cmd, []judged{{w, overwrites, "saves the download from " + url + " as %s"}}, 0, nil, Writes, "")
		return
	}
	base := path.Base(strings.SplitN(strings.TrimRight(strings.SplitN(url, "?", 2)[0], "/"), "://", 2)[len(strings.SplitN(url, "://", 2))-1])
	r.fetched[base] = url
	r.add(Writes, cmd+" downloads "+url+" into the current directory as "+base, "")
}

// fetchedIn returns the URL downloaded by commands inside the given
// substitutions, if any does download to its output.
func (r *rater) fetchedIn(nodes []syntax.Node) string {
	url := ""
	for _, n := range nodes {
		syntax.Walk(n, func(n syntax.Node) bool {
			ce, ok := n.(*syntax.CallExpr)
			if !ok || url != "" || len(ce.Args) == 0 {
				return url == ""
			}
			c := cmdline.Resolve(cmdline.Words(cmdline.Source{}, ce.Args, r.env))
			name := normalize(c.Name)
			if u, stdout := fetchTarget(name, cmdline.Split(name, c.Args, cmdline.LookupGrammar)); u != "" && stdout {
				url = u
			}
			return url == ""
		})
	}
	return url
}

// remote adds the finding for downloaded code that runs unseen.
func (r *rater) remote(text, url string) {
	r.add(RemoteCode, text, "download it first (curl -fsSL "+url+" -o script), read it (less script), and run it only if it does what you expect")
}

// interpreter rates a shell or language interpreter: code given inline,
// a script file, or code read from standard input.
func (r *rater) interpreter(src cmdline.Source, a cmdline.Args, rl rule, cmd string, s *syntax.Stmt, in *feed) {
	ops := a.Operands()
	var code *cmdline.Word
	if rl.lang == "sh" && a.Has("c") && len(ops) > 0 {
		code = &ops[0]
	} else if it, ok := a.Opt(strings.Fields(rl.code)...); ok && it.HasValue && (rl.lang != "sh" || it.Name != "c") {
		w := optWord(a, it)
		code = &w
	}
	if code != nil {
		r.code(src, *code, cmd+" -"+strings.Fields(rl.code)[0], rl.lang, "")
		return
	}
	if len(ops) > 0 && ops[0].Value != "-" && ops[0].Value != "/dev/stdin" && !(rl.lang == "sh" && a.Has("s")) {
		r.script(ops[0], cmd, rl)
		return
	}
	r.stdinCode(src, cmd, rl.lang, s, in)
}

// script rates running a script file.
func (r *rater) script(w cmdline.Word, cmd string, rl rule) {
	if url := r.fetchedIn(w.Nested); url != "" {
		r.remote(cmd+" runs a script downloaded from "+url+" ("+w.Text+") without showing it to you", url)
		return
	}
	r.judgeAll(cmd, []judged{{w, script, rl.does + ", which lsh has not read"}}, 0, nil, rl.level, "")
}

// code rates a string that runs as code. Shell code is parsed and rated
// like the line itself; other languages cannot be rated.
func (r *rater) code(src cmdline.Source, w cmdline.Word, origin, lang, _ string) {
	if url := r.fetchedIn(w.Nested); url != "" {
		r.remote(origin+" runs code downloaded from "+url+" without showing it to you", url)
		return
	}
	if lang != "sh" {
		r.add(Writes, origin+" runs "+lang+" code that lsh cannot rate: "+short(w.Value), "")
		return
	}
	r.shellLine(w.Value, origin)
}

// stdinCode rates an interpreter that reads its program from standard
// input: a pipe, a here-document, a here-string or a file.
func (r *rater) stdinCode(src cmdline.Source, cmd, lang string, s *syntax.Stmt, in *feed) {
	if s != nil {
		for _, rd := range s.Redirs {
			switch rd.Op {
			case syntax.Hdoc, syntax.DashHdoc, syntax.WordHdoc:
				body := rd.Hdoc
				if rd.Op == syntax.WordHdoc {
					body = rd.Word
				}
				if body == nil {
					continue
				}
				w := cmdline.NewWord(src, body, r.env)
				in = &feed{text: w.Value, from: "a here-document", code: true}
				if url := r.fetchedIn(w.Nested); url != "" {
					in = &feed{url: url, from: "$(…)"}
				}
			case syntax.RdrIn:
				w := cmdline.NewWord(src, rd.Word, r.env)
				in = &feed{file: w.Value, from: "<"}
			}
		}
	}
	switch {
	case in == nil:
		r.reader(cmd) // an interactive session: what runs is typed later
	case in.url != "":
		r.remote(in.from+" downloads "+in.url+" and pipes it into "+cmd+", which runs it without showing it to you", in.url)
	case in.file != "":
		if url, ok := r.fetched[path.Clean(in.file)]; ok {
			r.remote(cmd+" runs "+in.file+" right after downloading it from "+url, url)
			return
		}
		r.add(Writes, cmd+" runs the commands in "+in.file+", which lsh has not read", "")
	case in.text != "" || in.code:
		if lang != "sh" {
			r.add(Writes, cmd+" runs "+lang+" code from "+in.from+" that lsh cannot rate: "+short(in.text), "")
			return
		}
		r.shellLine(in.text, cmd+" (code from "+in.from+")")
	default:
		r.add(Writes, cmd+" runs whatever "+in.from+" prints as commands, which lsh cannot see", "")
	}
}

// shellLine parses a string of shell code and rates it as part of the line.
func (r *rater) shellLine(line, origin string) {
	if r.depth >= maxDepth {
		r.add(SystemDestroying, origin+" runs code nested too deeply for lsh to follow: treated as the worst case", "")
		return
	}
	f, err := cmdline.Parse(line)
	if err != nil {
		r.add(Writes, origin+" gets code that does not parse ("+err.Error()+")", "")
	}
	if f == nil {
		return
	}
	r.depth++
	r.stmts(cmdline.Source{Text: line}, f.Stmts, nil)
	r.depth--
}

// find rates find's actions: -delete and the commands of -exec, with {}
// standing for what find matches.
func (r *rater) find(src cmdline.Source, a cmdline.Args, cmd string) {
	var roots []cmdline.Word
	filtered, expr := false, false
	for _, it := range a.Items {
		switch {
		case it.Kind == cmdline.Operand && !expr:
			roots = append(roots, a.Words[it.Word])
		case it.Kind == cmdline.Option:
			// -H -L -P -O3 -D come before the roots.
			if !expr && (it.Name == "H" || it.Name == "L" || it.Name == "P" || it.Name == "D" || strings.HasPrefix(it.Name, "O")) {
				continue
			}
			expr = true
			filtered = filtered || !findNonFilter.Get()[it.Name]
		}
	}
	if len(roots) == 0 {
		roots = []cmdline.Word{cmdline.Made(".", ".")}
	}
	acted := false
	for _, root := range roots {
		found := foundWord(root, filtered)
		for _, it := range a.Items {
			if it.Kind != cmdline.Option {
				continue
			}
			switch it.Name {
			case "delete":
				acted = true
				r.judgeAll(cmd+" -delete", []judged{{found, deletes, "deletes %s"}}, recursive, nil, Deletes,
					"run the same find without -delete first to see what it matches")
			case "exec", "execdir", "ok", "okdir":
				acted = true
				end := it.Last
				if v := a.Words[end]; v.Static && (v.Value == ";" || v.Value == "+") {
					end--
				}
				if end <= it.Word {
					continue
				}
				inner := append([]cmdline.Word(nil), a.Words[it.Word+1:end+1]...)
				for i, w := range inner {
					if strings.Contains(w.Value, "{}") {
						inner[i] = found
					}
				}
				sub := cmdline.Resolve(inner)
				r.resolved(cmdline.Source{}, sub, nil, nil)
			}
		}
	}
	if !acted {
		r.reader("find")
	}
}

// findNonFilter are find options, operators and actions that do not narrow
// what find matches: with only these, find matches its roots themselves and
// everything under them.
var findNonFilter = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"delete": true, "exec": true, "execdir": true, "ok": true, "okdir": true, "print": true, "print0": true,
		"ls": true, "fls": true, "printf": true, "fprintf": true, "fprint": true, "fprint0": true, "depth": true,
		"d": true, "maxdepth": true, "mindepth": true, "xdev": true, "mount": true, "follow": true, "noleaf": true,
		"daystart": true, "ignore_readdir_race": true, "noignore_readdir_race": true, "nowarn": true, "warn": true,
		"true": true, "type": true, "xtype": true, "H": true, "L": true, "P": true, "O": true, "D": true,
		"(": true, ")": true, "!": true, ",": true, "a": true, "and": true, "o": true, "or": true, "not": true,
		"regextype": true,
	}
}}

// foundWord makes the word {} stands for: the root itself when nothing
// narrows the search, some file under it otherwise.
func foundWord(root cmdline.Word, filtered bool) cmdline.Word {
	if !filtered {
		w := root
		w.Node = nil
		w.Text = "everything find finds under " + root.Text
		return w
	}
	p := strings.TrimSuffix(root.Path, "/") + "/" + cmdline.Unknown
	return cmdline.Made("the files find matches under "+root.Text, p)
}

// eval rates eval's operands joined as a line of shell code.
func (r *rater) eval(src cmdline.Source, a cmdline.Args, cmd string) {
	ops := a.Operands()
	var parts []string
	for _, w := range ops {
		if url := r.fetchedIn(w.Nested); url != "" {
			r.remote(cmd+" runs code downloaded from "+url+" without showing it to you", url)
			return
		}
		parts = append(parts, w.Value)
	}
	if len(parts) == 0 {
		r.reader(cmd)
		return
	}
	r.shellLine(strings.Join(parts, " "), cmd)
}

// source rates . and source: a file run in this shell.
func (r *rater) source(src cmdline.Source, a cmdline.Args, rl rule, cmd string, s *syntax.Stmt, in *feed) {
	ops := a.Operands()
	if len(ops) == 0 {
		r.reader(cmd)
		return
	}
	if ops[0].Value == "/dev/stdin" || ops[0].Value == "-" {
		r.stdinCode(src, cmd, "sh", s, in)
		return
	}
	r.script(ops[0], cmd, rl)
}

// ssh rates a remote command as a line of its own, on the remote host.
func (r *rater) ssh(src cmdline.Source, a cmdline.Args, rl rule, cmd string) {
	ops := a.Operands()
	if len(ops) == 0 {
		r.reader(cmd)
		return
	}
	host := ops[0].Text
	if len(ops) == 1 {
		r.add(rl.level, cmd+" "+fill(rl.does, []string{host}), "")
		return
	}
	var parts []string
	for _, w := range ops[1:] {
		parts = append(parts, w.Value)
	}
	r.add(Writes, cmd+" runs a command on "+host, "")
	saved := r.prefix
	r.prefix += "on " + host + ": "
	r.shellLine(strings.Join(parts, " "), cmd+" "+host)
	r.prefix = saved
}

// awk rates an awk program by what it can do beyond printing.
func (r *rater) awk(a cmdline.Args, rl rule, cmd string) {
	ops := a.Operands()
	if rl.level != ReadOnly {
		r.add(rl.level, cmd+" "+rl.does, "")
	}
	if a.Has("f", "file") || len(ops) == 0 {
		if a.Has("f", "file") {
			r.add(Writes, cmd+" runs an awk program from a file, which lsh has not read", "")
		} else if rl.level == ReadOnly {
			r.reader(cmd)
		}
		return
	}
	prog := ops[0].Value
	switch {
	case strings.Contains(prog, "system(") || strings.Contains(prog, "| getline") || strings.Contains(prog, "|getline"):
		r.add(Writes, cmd+" runs shell commands from its program: "+short(prog), "")
	case strings.Contains(prog, `> "`) || strings.Contains(prog, `>"`) || strings.Contains(prog, `| "`):
		r.add(Writes, cmd+" writes to files or commands from its program: "+short(prog), "")
	default:
		if rl.level == ReadOnly {
			r.reader(cmd)
		}
	}
}

// short abbreviates code for a reason.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}
