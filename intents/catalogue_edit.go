package intents

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Editing: replace text, rename, move, copy, make folders and files, change
// permissions, delete, link, open, change directory.

var catalogueEdit = []*entry{
	{
		name: "edit.replace",
		says: []string{
			"replace|substitute|swap|change {old:text} with|by|for|into|to {new:text}",
			"find_and_replace|search_and_replace {old:text} with|by {new:text}",
			"rename|change all? occurrences|instances of {old:text} to|into|with {new:text}",
		},
		takes: "path ext",
		build: buildReplace,
	},
	{
		name:  "edit.rename",
		says:  []string{"rename {src:path} to|as|into {dst:newpath}", "change the? name of {src:path} to {dst:newpath}"},
		build: buildRename,
	},
	{
		name: "edit.move",
		says: []string{
			"move|mv|put|transfer|relocate {src:path} to|into|inside|under|onto {dst:dest}",
			"move|mv|put|transfer|relocate {ext} to|into|inside|under|onto {dst:dest}",
			"move|mv|put {src:path} to|into|in a? new? folder|directory called|named {dst:newpath}",
			"move|mv {src:path}",
			"move|mv|put everything|all files|file|things|stuff? to|into|inside|under|in {dst:dest}",
		},
		takes: "path time size",
		build: func(c *call) outcome { return buildMoveCopy(c, "move") },
	},
	{
		name: "edit.copy",
		says: []string{
			"copy|cp|duplicate {src:path} to|into|inside|under|onto|over|as {dst:dest}",
			"copy|cp {ext} to|into|inside|under|onto {dst:dest}",
			"copy|cp everything|all files|file|things|stuff? to|into|inside|under|in {dst:dest}",
			"copy|duplicate {src:path}",
			"make|create a? copy|duplicate of {src:path}",
			"make|create a? copy|duplicate of {src:path} called|named|as|in|at {dst:dest}",
		},
		takes: "path time size",
		build: func(c *call) outcome { return buildMoveCopy(c, "copy") },
	},
	{
		name: "edit.backup",
		says: []string{"back_up|backup {src:path}", "make|create|take a? backup|back_up of|for {src:path}", "backup|back_up copy of {src:path}"},
		build: func(c *call) outcome {
			src := c.path("src")
			if !src.exists {
				return c.answer(c.fs.show(src.abs)+" does not exist.", "There is nothing to back up.")
			}
			r := ""
			if src.isDir {
				r = "-R "
			}
			dst := src.abs + ".bak"
			return c.command("cp -p "+r+c.fs.arg(src.abs)+" "+c.fs.arg(dst), "Copies "+c.fs.show(src.abs)+" to "+c.fs.show(dst)+", keeping its dates and permissions.")
		},
	},
	{
		name: "edit.mkdir",
		says: []string{
			"make|create|new|add|mkdir a? new? folder|directory|dir|subfolder|subdirectory called|named? {dir:newpath}",
			"mkdir {dir:newpath}",
		},
		takes: "path",
		build: buildMkdir,
	},
	{
		name:  "edit.append",
		says:  []string{"append|add|write {t:text} to|at_the_end_of|onto {f:file}", "append {t:quoted} to? {f:file}"},
		takes: "path",
		build: buildAppend,
	},
	{
		name:  "edit.touch",
		says:  []string{"make|create|new|add an? new? empty|blank? file called|named? {f:newpath}", "touch {f:newpath}", "create|make {f:file}"},
		takes: "path",
		build: buildTouch,
	},
	{
		name: "edit.executable",
		says: []string{
			"make {f:path?} executable|runnable|executible|execuatable",
			"give|add|set execute|exec|executable|run permission|permissions|rights|bit to|on|for? {f:path?}",
			"give|add|set {f:path} execute|exec|executable|run permission|permissions|rights|bit",
			"allow|let {f:path?} to? run|execute|be_executed",
			"chmod +x {f:path?}",
		},
		build: buildExecutable,
	},
	{
		name: "edit.readonly",
		says: []string{"make {f:path} read_only|readonly|read-only|unwritable|write_protected", "write_protect|protect {f:path}"},
		run: []alt{{
			cmd:     "chmod a-w {f}",
			explain: "Removes write permission on {f} for everyone, so it cannot be changed by mistake (the owner can still chmod it back).",
		}},
	},
	{
		name: "edit.private",
		says: []string{"make {f:path} private", "only i|me can|should read|see|access {f:path}", "hide {f:path} from other users"},
		run: []alt{{
			cmd:     "chmod go-rwx {f}",
			explain: "Removes all access to {f} for your group and other users; you keep yours.",
		}},
	},
	{
		name: "edit.delete",
		says: []string{
			"delete|remove|erase|trash|rm|get_rid_of|wipe the? file|folder|directory|dir? {target:path}",
			"delete|remove|erase|trash|rm|clean_up|clear|purge|get_rid_of|wipe {ext}",
			"delete|remove|erase|trash|rm|clean_up|purge|get_rid_of|wipe {time}",
			"delete|remove|erase|trash|rm|clean_up|purge|get_rid_of|wipe {size}",
			"delete|remove|clean_up|purge|get_rid_of empty folders|directories|dirs|files|file|folder|directory",
			"delete|remove|erase|wipe|clear|empty|purge everything|all|contents in|inside|of|from {inside:path}",
			"delete|remove|erase|wipe|clear|purge all? the? contents|content of {inside:path}",
			"delete|remove|erase|wipe|purge all? the? files|file in|inside|from|under {files:path}",
			"delete|remove|clean_up|purge|get_rid_of old|junk|unneeded|unnecessary|unused|useless files|file|stuff",
			"delete|remove|erase|rm|get_rid_of hidden|dot files|file|folders|ones|dotfiles",
		},
		takes: "path ext time size",
		build: buildDelete,
	},
	{
		name: "edit.delete-lines",
		says: []string{
			"delete|remove|drop|strip|erase all? the? lines|line containing|with|matching|mentioning|that_contain|which_contain {pat:text} from|in {f:file}",
			"delete|remove|drop|strip the? first|top {count?} lines|line of|from|in {f:file}",
			"delete|remove|drop|strip the? last|bottom line of|from|in {f:file}",
			"delete|remove|drop|strip the? empty|blank lines|line of|from|in {f:file}",
		},
		build: buildDeleteLines,
	},
	{
		name: "edit.truncate",
		says: []string{
			"empty|clear|truncate|blank|wipe|zero the? contents|content? of? {f:file}",
			"delete|remove|erase everything|all|contents|content in|inside|of {f:file}",
			"make {f:file} empty",
		},
		build: buildTruncate,
	},
	{
		name: "edit.chown",
		says: []string{
			"change|set the? owner|ownership of {f:path} to {u:name}",
			"chown {f:path} to {u:name}",
			"make {u:name} the? owner of {f:path}",
			"give {u:name} ownership of {f:path}",
		},
		build: buildChown,
	},
	{
		name: "edit.link",
		says: []string{
			"create|make|add? a? symlink|symbolic_link|soft_link|shortcut|link to|for|pointing_to? {src:path} called|named|as|at|in {dst:newpath}",
			"link {src:path} to|as|at {dst:newpath}",
		},
		build: buildLink,
	},
	{
		name: "edit.open",
		says: []string{"open {target:path}", "open {target:path} in|with the? default? app|application|program|viewer|browser|file_manager", "launch {target:path}"},
		build: func(c *call) outcome {
			if t := c.path("target"); t != nil && !t.exists {
				c.handled["target"] = true
				return c.answer(c.fs.show(t.abs)+" does not exist, so there is nothing to open.", c.lookedIn())
			}
			return c.runAlts()
		},
		run: []alt{
			{when: "os:darwin", cmd: "open {target}", explain: "Opens {target} with its default application."},
			{cmd: "xdg-open {target}", explain: "Opens {target} with its default application."},
		},
	},
	{
		name: "edit.editor",
		says: []string{
			"edit|modify {f:path}",
			"open|edit {f:path} in|with an|the|a|my? text? editor|vim|vi|nano|emacs|neovim|nvim|micro",
			"open|load {f:path} for editing",
			"edit|change|modify the? file|contents of? {f:path}",
		},
		also:  "text",
		build: buildEditor,
	},
	{
		name: "nav.pwd",
		says: []string{
			"print|display|tell_me|get|what_is|whats|which_is|show_me? working_directory|current_directory|current_folder|current_dir|working_folder|working_dir|present_working_directory|cwd",
			"show|display|print|get|copy|what_is the? full? working_directory|current_directory|current_folder|current_dir|working_dir path|name|location",
			"what|which directory|folder|dir am_i|are_we in|inside?",
			"where am_i|are_we",
			"pwd",
		},
		also: "right now currently full path absolute",
		build: func(c *call) outcome {
			if c.saidPlain("contents", "content", "files", "listing", "inside") {
				// "the working directory contents" lists it.
				c.binds["path"] = binding{path: c.fs.stat(c.fs.cwd, ".")}
				return buildShow(c)
			}
			return c.command("pwd", "Prints the full path of the current directory ("+c.fs.cwd+").")
		},
	},
	{
		name: "nav.cd",
		says: []string{
			"go|cd|jump|navigate|switch|take_me|bring_me to|into? {dir:path} folder|directory?",
			"change|switch directory|folder|dir|cwd to|into? {dir:path} folder|directory?",
			"go|cd|move up one? a? level|folder|directory|dir?",
			"go|cd back to? the? previous|last? folder|directory|dir?",
		},
		build: buildCd,
	},
}

// sedRegex escapes text for a basic regular expression between / delimiters,
// so what the person typed is matched literally.
func sedRegex(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\/.*[]^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sedReplacement escapes text for the replacement part of s///.
func sedReplacement(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\/&`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoteAlways single-quotes s for sh even when it needs no quoting, as
// people expect to see a sed script.
func quoteAlways(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sedInPlace is sed's in-place flag for the host: GNU and BusyBox take -i
// alone, BSD needs an (empty) backup suffix as a separate argument.
func (c *call) sedInPlace() string {
	if c.host.Flavor("sed") == BSD {
		return "-i ''"
	}
	return "-i"
}

func buildReplace(c *call) outcome {
	old, _ := c.str("old")
	repl, _ := c.str("new")
	if old == "" {
		return c.clarify("Replace what?")
	}
	if strings.ContainsAny(old+repl, "\n") {
		return c.clarify("lsh replaces text within a line; a line break cannot be part of it.")
	}
	if !c.said("path") {
		return c.clarify(fmt.Sprintf("In which file should “%s” be replaced with “%s”?", old, repl))
	}
	expr := quoteAlways("s/" + sedRegex(old) + "/" + sedReplacement(repl) + "/g")
	p := c.path("path")
	what := fmt.Sprintf("Replaces every “%s” with “%s”", old, repl)
	if p.isDir {
		e := c.ext()
		if e == nil {
			return c.clarify(fmt.Sprintf("In which files under %s? Say a kind, like “in all python files in %s”.", c.fs.show(p.abs), c.fs.show(p.abs)))
		}
		return c.command(join("find", c.fs.arg(p.abs), "-type f", extArgs(e), "-exec sed", c.sedInPlace(), "-e", expr, "{} +"),
			fmt.Sprintf("%s in every %s under %s, changing the files in place (no backup is kept).", what, strings.TrimSuffix(e.said, "s"), c.fs.show(p.abs)))
	}
	return c.command(join("sed", c.sedInPlace(), "-e", expr, c.fs.arg(p.abs)),
		fmt.Sprintf("%s in %s, changing the file in place (no backup is kept).", what, c.fs.show(p.abs)))
}

func buildRename(c *call) outcome {
	src, dst := c.path("src"), c.path("dst")
	if b := c.binds["dst"]; !strings.Contains(b.path.said, "/") {
		dst = c.fs.stat(filepath.Join(filepath.Dir(src.abs), filepath.Base(dst.abs)), dst.said)
	}
	ex := "Renames " + c.fs.show(src.abs) + " to " + c.fs.show(dst.abs) + "."
	if dst.exists && !dst.isDir {
		ex += " " + c.fs.show(dst.abs) + " already exists and will be replaced."
	}
	if dst.isDir {
		ex = "Moves " + c.fs.show(src.abs) + " into the existing folder " + c.fs.show(dst.abs) + "."
	}
	return c.command("mv "+c.fs.arg(src.abs)+" "+c.fs.arg(dst.abs), ex)
}

// buildMoveCopy moves or copies a file or folder, or every file of a type
// from a folder, into a destination folder it creates when missing.
func buildMoveCopy(c *call, op string) outcome {
	verb, Verb, prog := "move", "Moves", "mv"
	if op == "copy" {
		verb, Verb, prog = "copy", "Copies", "cp"
	}
	dst := c.path("dst")
	c.handled["dst"] = true
	if c.said("ext") || c.said("time") || c.said("size") {
		if dst == nil {
			return c.clarify(strings.ToUpper(verb[:1]) + verb[1:] + " them where?")
		}
		from := c.path("path")
		if from == nil {
			from = c.fs.stat(c.fs.cwd, ".")
		}
		filt, said := c.filters("files")
		mk := ""
		if !dst.exists {
			mk = "mkdir -p " + c.fs.arg(dst.abs) + " && "
		}
		cmd := mk + join("find", c.fs.arg(from.abs), "-maxdepth 1 -type f", filt, "-exec", prog, "{}", c.fs.arg(dst.abs)+"/", `\;`)
		return c.command(cmd, fmt.Sprintf("%s the %s directly in %s into %s%s.", Verb, said, c.fs.show(from.abs), c.fs.show(dst.abs), createdNote(dst)))
	}
	src := c.path("src")
	if src == nil && dst != nil && c.saidAny("everything", "all", "things", "stuff") {
		src = c.fs.stat(c.fs.cwd, ".")
		if c.saidAny("files", "file") && !c.saidAny("everything") {
			return c.moveAll(op, src, dst, "-type f", "the files")
		}
		return c.moveAll(op, src, dst, "", "everything")
	}
	if src == nil {
		return c.clarify(strings.ToUpper(verb[:1]) + verb[1:] + " what?")
	}
	if !src.exists {
		return c.answer(c.fs.show(src.abs)+" does not exist.", c.lookedIn())
	}
	if dst != nil && src.isDir {
		if _, inside := under(src.abs, dst.abs); inside || src.abs == c.fs.cwd {
			// "copy everything here to old": cp -R . old/ would copy
			// old into itself; copy what is in the folder instead.
			return c.moveAll(op, src, dst, "", "everything")
		}
	}
	if dst == nil && c.said("path") && c.path("path").abs != src.abs {
		// "copy a.txt over notes.txt": a second path the phrasing did
		// not place; asking beats guessing which way it goes.
		return c.clarify(fmt.Sprintf("%s %s to %s?", strings.ToUpper(verb[:1])+verb[1:], c.fs.show(src.abs), c.fs.show(c.path("path").abs)))
	}
	r := ""
	if op == "copy" && src.isDir {
		r = " -R"
	}
	if dst == nil {
		if op == "move" {
			return c.clarify("Move " + c.fs.show(src.abs) + " where?")
		}
		ext := filepath.Ext(src.abs)
		copyPath := strings.TrimSuffix(src.abs, ext) + "-copy" + ext
		if src.isDir {
			copyPath = src.abs + "-copy"
		}
		return c.command("cp"+r+" "+c.fs.arg(src.abs)+" "+c.fs.arg(copyPath), "Copies "+c.fs.show(src.abs)+" to "+c.fs.show(copyPath)+".")
	}
	switch {
	case dst.isDir:
		return c.command(prog+r+" "+c.fs.arg(src.abs)+" "+c.fs.arg(dst.abs)+"/", fmt.Sprintf("%s %s into %s.", Verb, c.fs.show(src.abs), c.fs.show(dst.abs)))
	case dst.exists:
		return c.command(prog+r+" "+c.fs.arg(src.abs)+" "+c.fs.arg(dst.abs), fmt.Sprintf("%s %s to %s, replacing the existing %s.", Verb, c.fs.show(src.abs), c.fs.show(dst.abs), c.fs.show(dst.abs)))
	case looksLikeFile(filepath.Base(dst.abs)) && !src.isDir || src.isDir && op == "copy":
		return c.command(prog+r+" "+c.fs.arg(src.abs)+" "+c.fs.arg(dst.abs), fmt.Sprintf("%s %s to the new name %s.", Verb, c.fs.show(src.abs), c.fs.show(dst.abs)))
	}
	return c.command("mkdir -p "+c.fs.arg(dst.abs)+" && "+prog+r+" "+c.fs.arg(src.abs)+" "+c.fs.arg(dst.abs)+"/",
		fmt.Sprintf("%s %s into %s%s.", Verb, c.fs.show(src.abs), c.fs.show(dst.abs), createdNote(dst)))
}

// moveAll moves or copies what is directly in the folder src into dst,
// leaving dst itself out when it is inside src: "move everything to old".
func (c *call) moveAll(op string, src, dst *pathVal, typ, what string) outcome {
	Verb, prog := "Moves", "mv"
	if op == "copy" {
		Verb, prog = "Copies", "cp -R"
	}
	if !src.isDir {
		return c.answer(c.fs.show(src.abs)+" is not a folder.", "")
	}
	if dst.abs == src.abs {
		return c.answer("That is the same folder.", "There is nothing to "+op+".")
	}
	if _, inside := under(dst.abs, src.abs); inside {
		return c.answer(c.fs.show(dst.abs)+" is inside "+c.fs.show(src.abs)+"; a folder cannot be put inside itself.", "")
	}
	c.handled["dst"] = true
	skip := ""
	if rel, inside := under(src.abs, dst.abs); inside {
		top, _, _ := strings.Cut(rel, "/")
		skip = "! -name " + shellQuote(top)
	}
	mk := ""
	if !dst.exists {
		mk = "mkdir -p " + c.fs.arg(dst.abs) + " && "
	}
	cmd := mk + join("find", c.fs.arg(src.abs), "-mindepth 1 -maxdepth 1", typ, skip, "-exec", prog, "{}", c.fs.arg(dst.abs)+"/", `\;`)
	return c.command(cmd, fmt.Sprintf("%s %s directly in %s into %s%s, hidden files included.", Verb, what, c.fs.show(src.abs), c.fs.show(dst.abs), createdNote(dst)))
}

func createdNote(dst *pathVal) string {
	if dst.exists {
		return ""
	}
	return ", creating that folder first"
}

// inside joins a name said for something new with the folder said as a
// floating path ("a folder called x in documents"), if any.
func (c *call) inside(p *pathVal) *pathVal {
	if base := c.path("path"); base != nil && c.said("path") && !strings.ContainsAny(p.said, "/~") && base.isDir {
		return c.fs.stat(filepath.Join(base.abs, p.said), p.said)
	}
	return p
}

func buildMkdir(c *call) outcome {
	d := c.inside(c.path("dir"))
	if d.exists {
		if d.isDir {
			return c.answer(c.fs.show(d.abs)+" already exists.", "There is nothing to create.")
		}
		return c.answer(c.fs.show(d.abs)+" already exists and is a file.", "A folder cannot have the same name as a file next to it.")
	}
	return c.command("mkdir -p "+c.fs.arg(d.abs), "Creates the folder "+c.fs.show(d.abs)+" (and any missing parent folders).")
}

func buildTouch(c *call) outcome {
	if strings.ContainsAny(c.path("f").said, "*?[") {
		return c.clarify("Create which file? “" + c.path("f").said + "” is a pattern, not a name.")
	}
	f := c.inside(c.path("f"))
	if f.exists {
		return c.command("touch "+c.fs.arg(f.abs), c.fs.show(f.abs)+" already exists: this only sets its modification time to now.")
	}
	return c.command("touch "+c.fs.arg(f.abs), "Creates the empty file "+c.fs.show(f.abs)+".")
}

// buildAppend adds a line of text at the end of a file, creating the file
// if it does not exist (as >> does).
func buildAppend(c *call) outcome {
	t, _ := c.str("t")
	if c.binds["t"].it.kind != kindQuoted {
		t = appendedText(c.req.Text, t)
	}
	f := c.inside(c.path("f"))
	line := "printf '%s\\n' " + shellQuote(t) + " >> " + c.fs.arg(f.abs)
	if !f.exists {
		return c.command(line, "Creates "+c.fs.show(f.abs)+" with the line “"+t+"”.")
	}
	return c.command(line, "Adds the line “"+t+"” at the end of "+c.fs.show(f.abs)+".")
}

// appendedText is the text of "append TEXT to FILE" exactly as typed:
// the words between the verb and the last "to" or "onto". The text slot
// drops filler words ("append it's done" would lose "it's"), which in
// text to be written are words like any other. It falls back to slot
// when the request does not have that shape.
func appendedText(request, slot string) string {
	f := strings.Fields(request)
	verb, to := -1, -1
	for i, w := range f {
		switch strings.ToLower(w) {
		case "append", "add", "write":
			if verb < 0 {
				verb = i
			}
		case "to", "onto":
			to = i
		}
	}
	if verb < 0 || to <= verb+1 {
		return slot
	}
	return strings.Join(f[verb+1:to], " ")
}

// buildExecutable makes a file executable. "the script" is the one script
// in the working directory that is not executable yet.
func buildExecutable(c *call) outcome {
	if !c.said("f") {
		c.binds["f"] = binding{it: item{kind: kindWord, word: "script", raw: "script"}, path: c.fs.stat(filepath.Join(c.fs.cwd, "script"), "script")}
	}
	p := c.path("f")
	if b := c.binds["f"]; !p.exists && b.it.kind == kindWord && (b.it.word == "scripts" || b.it.word == "files" && c.saidAny("all", "every")) {
		// "make all scripts executable": each script here, by name.
		c.handled["f"] = true
		found := c.candidates(func(name string, fi os.FileInfo) bool {
			return fi.Mode()&0o100 == 0 && isScript(filepath.Join(c.fs.cwd, name))
		})
		if len(found) == 0 {
			return c.clarify("Which files? There is no script here that is not executable already.")
		}
		args := make([]string, len(found))
		for i, f := range found {
			args[i] = c.fs.arg(filepath.Join(c.fs.cwd, f))
		}
		return c.command("chmod +x "+strings.Join(args, " "), "Makes the scripts here that are not executable yet executable: "+strings.Join(found, ", ")+".")
	}
	if !p.exists {
		word := strings.ToLower(p.said)
		if b := c.binds["f"]; b.it.kind == kindWord {
			word = b.it.word
		}
		if _, kind := kindOfFile(word); kind == "script" || kind == "file" {
			c.handled["f"] = true
			found := c.candidates(func(name string, fi os.FileInfo) bool {
				return fi.Mode()&0o100 == 0 && isScript(filepath.Join(c.fs.cwd, name))
			})
			switch len(found) {
			case 0:
				return c.clarify("Which file? There is no script here that is not executable already.")
			case 1:
				p = c.fs.stat(filepath.Join(c.fs.cwd, found[0]), found[0])
				c.notes = append(c.notes, found[0]+" is the only script here that is not executable yet.")
			default:
				return c.clarify("Which one: " + strings.Join(found, ", ") + "?")
			}
		}
	}
	if p.isDir {
		return c.answer(c.fs.show(p.abs)+" is a folder.", "Folders are already searchable; making a folder's files executable needs each file named.")
	}
	return c.command("chmod +x "+c.fs.arg(p.abs), "Makes "+c.fs.show(p.abs)+" executable, so it can be run as ./"+filepath.Base(p.abs)+".")
}

// isScript reports whether a file is a script: a known extension or a #!
// line.
func isScript(path string) bool {
	for _, e := range []string{".sh", ".bash", ".py", ".pl", ".rb", ".zsh", ".fish"} {
		if strings.HasSuffix(path, e) {
			return true
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [2]byte
	n, _ := f.Read(head[:])
	return n == 2 && string(head[:]) == "#!"
}

// wholePlace reports whether deleting p as a whole would delete where the
// person works or lives: the working directory or one holding it, the home,
// a standard folder of the home (Documents, Downloads…), the root or a
// top-level system folder. Such a folder is never deleted as a whole; what
// to delete in it must be said.
func (c *call) wholePlace(p *pathVal) bool {
	if p.abs == "/" || filepath.Dir(p.abs) == "/" || p.abs == c.fs.home {
		return true
	}
	if filepath.Dir(p.abs) == c.fs.home && isKnownFolderWord(strings.ToLower(filepath.Base(p.abs)), true) {
		return true
	}
	_, inside := under(p.abs, c.fs.cwd)
	return p.abs == c.fs.cwd || inside
}

// refuseWhole is the question back for a request to delete a whole place.
func (c *call) refuseWhole(p *pathVal) outcome {
	return c.clarify(fmt.Sprintf("Delete what in %s? lsh does not propose deleting the folder you are in, your home, one of its standard folders (Documents, Downloads…) or a system folder as a whole. Say which files, like “all .tmp files here” or “files older than 30 days in %s”.",
		c.fs.show(p.abs), c.fs.show(p.abs)))
}

// buildDelete removes a named file or folder, the files under a folder that
// match a type, size or age, or everything inside a folder. A folder said
// as a place ("here", "in downloads") bounds what is deleted; it is never
// what is deleted when the request names files of a kind, so a slot that
// fails to bind can never widen the deletion to the folder itself.
func buildDelete(c *call) outcome {
	filtered := c.ext() != nil || c.time() != nil || c.size() != nil || c.saidAny("empty")
	if c.said("inside") || c.said("files") {
		role := "inside"
		if c.said("files") {
			role = "files"
		}
		d := c.path(role)
		c.handled[role] = true
		switch {
		case !d.exists:
			return c.answer(c.fs.show(d.abs)+" does not exist, so there is nothing to delete.", c.lookedIn())
		case !d.isDir:
			return c.answer(c.fs.show(d.abs)+" is a file, not a folder.", "To delete it, ask to delete "+c.fs.show(d.abs)+".")
		case filtered:
			return c.deleteIn(d)
		case c.wholePlace(d):
			return c.refuseWhole(d)
		case role == "files":
			return c.command(join("find", c.fs.arg(d.abs), "-type f -delete"), "Deletes every file under "+c.fs.show(d.abs)+", in all subfolders, permanently; the folders themselves stay. Run it without -delete first to see the list.")
		}
		return c.command(join("find", c.fs.arg(d.abs), "-mindepth 1 -delete"), "Deletes everything inside "+c.fs.show(d.abs)+", hidden files and subfolders included, permanently; the folder itself stays. Run it without -delete first to see the list.")
	}
	if c.said("target") {
		t := c.path("target")
		c.handled["target"] = true
		switch {
		case !t.exists:
			return c.answer(c.fs.show(t.abs)+" does not exist, so there is nothing to delete.", c.lookedIn())
		case t.isDir && filtered:
			// "delete all .tmp files here": the folder is where to
			// delete, not what.
			return c.deleteIn(t)
		case t.isDir && c.wholePlace(t):
			return c.refuseWhole(t)
		}
		if c.saidWord("trash") && c.host.Has("gio") {
			return c.command("gio trash "+c.fs.arg(t.abs), "Moves "+c.fs.show(t.abs)+" to the trash, from where it can be restored.")
		}
		if t.isDir {
			return c.command("rm -r "+c.fs.arg(t.abs), "Deletes the folder "+c.fs.show(t.abs)+" and everything in it, permanently (it does not go to a trash).")
		}
		return c.command("rm "+c.fs.arg(t.abs), "Deletes the file "+c.fs.show(t.abs)+" permanently (it does not go to a trash).")
	}
	dir := c.path("path")
	if dir == nil {
		dir = c.fs.stat(c.fs.cwd, ".")
	}
	return c.deleteIn(dir)
}

// deleteIn deletes the files under dir that match what the request said:
// empty ones, or a type, size or age; with none of these it asks which.
func (c *call) deleteIn(dir *pathVal) outcome {
	if !dir.isDir {
		return c.answer(c.fs.show(dir.abs)+" is not a folder.", "Files of a kind are deleted from a folder.")
	}
	if c.saidAny("hidden", "dotfiles", "dotfile") || c.saidWord("dot") {
		var hidden []string
		for _, n := range c.fs.names(dir.abs) {
			if strings.HasPrefix(n, ".") {
				hidden = append(hidden, n)
			}
		}
		sort.Strings(hidden)
		if len(hidden) == 0 {
			return c.answer("There are no hidden files in "+c.fs.show(dir.abs)+".", "Hidden files are those whose names start with a dot.")
		}
		if len(hidden) > 8 {
			hidden = append(hidden[:8], "…")
		}
		return c.clarify("Which hidden files? In " + c.fs.show(dir.abs) + ": " + strings.Join(hidden, ", ") + ". They often hold settings (.bashrc, .gitconfig, .ssh), so lsh deletes them only by name.")
	}
	if c.saidAny("empty") && c.ext() == nil {
		if c.saidPlain("folders", "directories", "dirs", "folder", "directory") {
			return c.command(join("find", c.fs.arg(dir.abs), "-mindepth 1 -type d -empty -delete"), "Deletes the empty folders under "+c.fs.show(dir.abs)+" (folders left empty by that are deleted too).")
		}
		return c.command(join("find", c.fs.arg(dir.abs), "-type f -empty -delete"), "Deletes the empty (zero-byte) files under "+c.fs.show(dir.abs)+".")
	}
	filt, said := c.filters("files")
	if filt == "" {
		if c.saidAny("old", "junk", "unneeded", "unnecessary", "unused", "useless") {
			return c.clarify("Which files count as old or unneeded? Say an age or a kind, like “files older than 90 days in " + c.fs.show(dir.abs) + "” or “.tmp files”; or ask “what's taking up space” to see where it went.")
		}
		return c.clarify("Delete which files?")
	}
	return c.command(join("find", c.fs.arg(dir.abs), "-type f", filt, "-delete"), "Deletes the "+said+" under "+c.fs.show(dir.abs)+", in all subfolders, permanently. Run it without -delete first to see the list.")
}

// lookedIn says where a name was looked for.
func (c *call) lookedIn() string {
	if c.fs.cwd == c.fs.home {
		return "lsh looked for it in your home folder (~)."
	}
	return "lsh looked for it in " + c.fs.show(c.fs.cwd) + " and in your home folder."
}

// absArg writes a path as an absolute argument, for symlink targets that
// must not depend on where the link is.
func (c *call) absArg(abs string) string {
	if abs == c.fs.home {
		return "~"
	}
	if rel, ok := under(c.fs.home, abs); ok {
		return "~/" + shellQuote(rel)
	}
	return shellQuote(abs)
}

func buildLink(c *call) outcome {
	src, dst := c.path("src"), c.path("dst")
	if dst.isDir {
		dst = c.fs.stat(filepath.Join(dst.abs, filepath.Base(src.abs)), dst.said)
	}
	if dst.exists {
		return c.answer(c.fs.show(dst.abs)+" already exists.", "A link cannot replace an existing file; pick another name.")
	}
	return c.command("ln -s "+c.absArg(src.abs)+" "+c.fs.arg(dst.abs), "Creates "+c.fs.show(dst.abs)+", a symbolic link pointing to "+c.fs.show(src.abs)+".")
}

func buildCd(c *call) outcome {
	d := c.path("dir")
	switch {
	case d == nil && c.saidAny("back", "previous"):
		return c.command("cd -", "Goes back to the previous working directory.")
	case d == nil:
		return c.command("cd ..", "Goes up to the parent folder, "+c.fs.show(filepath.Dir(c.fs.cwd))+".")
	case !d.exists:
		c.handled["dir"] = true
		return c.answer(c.fs.show(d.abs)+" does not exist.", c.lookedIn())
	case !d.isDir:
		return c.answer(c.fs.show(d.abs)+" is a file, not a folder.", "cd needs a folder.")
	case d.abs == filepath.Dir(c.fs.cwd) && d.abs != c.fs.cwd && (d.abs != c.fs.home || c.saidAny("parent", "..")):
		return c.command("cd ..", "Goes up to the parent folder, "+c.fs.show(d.abs)+".")
	}
	return c.command("cd "+c.fs.arg(d.abs), "Makes "+c.fs.show(d.abs)+" the working directory.")
}

// editors are tried in order when the person set no $VISUAL or $EDITOR.
var editors = []string{"nano", "vim", "vi", "nvim", "micro", "emacs"}

// buildEditor opens a file in a text editor: the one named in the request
// when installed, else $VISUAL or $EDITOR, else the first of editors.
func buildEditor(c *call) outcome {
	f := c.path("f")
	c.handled["f"] = true
	if f.isDir {
		return c.answer(c.fs.show(f.abs)+" is a folder; an editor opens files.", "Name a file in it to edit.")
	}
	var ed []string
	for _, e := range []string{"vim", "vi", "nano", "emacs", "neovim", "nvim", "micro"} {
		if c.saidWord(e) {
			if e == "neovim" {
				e = "nvim"
			}
			ed = []string{e}
		}
	}
	if ed == nil && c.host.Editor != "" && !strings.ContainsAny(c.host.Editor, "'\"$`;|&<>") {
		if w := strings.Fields(c.host.Editor); len(w) > 0 && c.host.Has(w[0]) {
			ed = w
		}
	}
	if ed == nil {
		for _, e := range editors {
			if c.host.Has(e) {
				ed = []string{e}
				break
			}
		}
	}
	if ed == nil {
		return c.needTools("Opens "+c.fs.show(f.abs)+" in a text editor", []string{"nano", "vi"})
	}
	ex := "Opens " + c.fs.show(f.abs) + " in " + ed[0] + "; your changes are written when you save."
	if !f.exists {
		ex = c.fs.show(f.abs) + " does not exist yet: " + ed[0] + " creates it when you save."
	}
	return c.command(strings.Join(ed, " ")+" "+c.fs.arg(f.abs), ex)
}

// buildDeleteLines deletes lines from a file in place with sed: those that
// contain a text (matched literally), the first N, the last, or the blank
// ones.
func buildDeleteLines(c *call) outcome {
	f := c.path("f")
	c.handled["f"] = true
	if f == nil || !f.exists {
		return c.answer(c.fs.show(f.abs)+" does not exist.", c.lookedIn())
	}
	if f.isDir {
		return c.answer(c.fs.show(f.abs)+" is a folder; lines are deleted from a file.", "")
	}
	arg, show := c.fs.arg(f.abs), c.fs.show(f.abs)
	sed := func(script, what string) outcome {
		return c.command(join("sed", c.sedInPlace(), "-e", quoteAlways(script), arg), what+" from "+show+", changing the file in place (no backup is kept).")
	}
	if pat, ok := c.str("pat"); ok && c.said("pat") {
		if strings.Contains(pat, "\n") {
			return c.clarify("lsh deletes lines by a text within a line; a line break cannot be part of it.")
		}
		return sed("/"+sedRegex(pat)+"/d", fmt.Sprintf("Deletes every line that contains “%s” (exact text)", pat))
	}
	switch {
	case c.saidAny("empty", "blank"):
		return sed(`/^[[:space:]]*$/d`, "Deletes the empty lines (and those of only spaces)")
	case c.saidAny("last", "bottom"):
		return sed("$d", "Deletes the last line")
	}
	n, ok := c.num("count")
	if !ok || n < 1 {
		n = 1
	}
	if n == 1 {
		return sed("1d", "Deletes the first line")
	}
	return sed(fmt.Sprintf("1,%dd", n), fmt.Sprintf("Deletes the first %d lines", n))
}

// buildTruncate empties a file, keeping it (and its permissions) in place.
func buildTruncate(c *call) outcome {
	f := c.path("f")
	c.handled["f"] = true
	switch {
	case !f.exists:
		return c.answer(c.fs.show(f.abs)+" does not exist.", c.lookedIn())
	case f.isDir:
		return c.answer(c.fs.show(f.abs)+" is a folder, not a file.", "To delete what is in a folder, ask to delete everything in it.")
	}
	return c.command(": > "+c.fs.arg(f.abs), "Empties "+c.fs.show(f.abs)+": what it holds is lost, the file itself stays (with its permissions).")
}

// buildChown gives a file or folder (and everything in it) to a user.
func buildChown(c *call) outcome {
	f := c.path("f")
	u, _ := c.str("u")
	c.handled["f"] = true
	if !f.exists {
		return c.answer(c.fs.show(f.abs)+" does not exist.", c.lookedIn())
	}
	if u == "" || strings.HasPrefix(u, "-") {
		return c.clarify("Give " + c.fs.show(f.abs) + " to which user?")
	}
	if u == "me" || u == "myself" {
		u = c.host.User
	}
	sudo, _ := c.value("sudo", false)
	if f.isDir {
		return c.command(sudo+"chown -R "+shellQuote(u)+" "+c.fs.arg(f.abs), "Makes "+u+" the owner of "+c.fs.show(f.abs)+" and of everything in it; changing an owner needs root.")
	}
	return c.command(sudo+"chown "+shellQuote(u)+" "+c.fs.arg(f.abs), "Makes "+u+" the owner of "+c.fs.show(f.abs)+"; changing an owner needs root.")
}
