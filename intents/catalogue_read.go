package intents

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Reading and searching files: head, tail, grep, counting, sorting, unique
// lines, columns, comparing.

var catalogueRead = []*entry{
	{
		name:     "read.head",
		says:     []string{"first {count?} lines|line|rows of? {file:path}", "head|beginning|start|top of? {file:path}"},
		defaults: "count=10",
		build:    func(c *call) outcome { return buildHeadTail(c, "head") },
	},
	{
		name:     "read.tail",
		says:     []string{"last {count?} lines|line|rows|entries of? {file:path}", "end|tail|bottom of? {file:path}"},
		defaults: "count=10",
		build:    func(c *call) outcome { return buildHeadTail(c, "tail") },
	},
	{
		name:  "read.follow",
		says:  []string{"follow|watch|monitor|stream|live {file:path}", "keep watching {file:path}", "tail -f {file:path}"},
		build: func(c *call) outcome { return buildHeadTail(c, "follow") },
	},
	{
		name: "read.search",
		says: []string{
			"search|grep|look_for|search_for|grep_for|look_up {pat:text}",
			"containing|contain|contains|mentioning|mention|mentions|include|includes|matching {pat:text}",
			"find|search|grep {pat:quoted}",
			"find|search|grep|look_for the? word|text|string|phrase {pat:text}",
			"lines with {pat:text}",
			"where is|are {pat:quoted} used|mentioned|referenced",
			"occurrences|instances|mentions|uses of {pat:text}",
		},
		takes:    "path ext",
		also:     "ignoring ignore case insensitive insensitively sensitive uppercase lowercase recursively lines line",
		defaults: "path=.",
		build:    buildSearch,
	},
	{
		name:  "read.lines",
		says:  []string{"count|number_of|how_many|total lines|line|loc|line_count {file:path?}", "line count of? {file:path?}", "how_long is {file:path}", "lines_of_code"},
		takes: "path ext",
		build: func(c *call) outcome { return buildWc(c, "-l", "lines") },
	},
	{
		name:  "read.words",
		says:  []string{"count|number_of|how_many|total words|word {file:path?}", "word count of? {file:path?}"},
		takes: "path ext",
		build: func(c *call) outcome { return buildWc(c, "-w", "words") },
	},
	{
		name: "read.occurrences",
		says: []string{
			"how_many times|occurrences|instances does|do|of? {pat:text} appear|occur|show_up|appears|occurs|come_up",
			"count|number_of occurrences|instances|times of? {pat:text}",
			"how_often does|do? {pat:text} appear|occur|show_up|appears|occurs",
		},
		takes: "path",
		build: buildOccurrences,
	},
	{
		name:  "read.sort",
		says:  []string{"sort|order|alphabetize|sorted {file:path}"},
		also:  "numerically numeric numerical number numbers alphabetically reverse reversed descending ascending backwards order lines unique duplicates duplicate removing remove dedupe distinct",
		build: buildSort,
	},
	{
		name:  "read.unique",
		says:  []string{"unique|distinct|deduplicated|deduplicate|dedupe|dedup lines|values|entries? {file:path}", "remove|delete|strip|without|drop duplicate|duplicated|repeated lines|entries|values? from|in|of? {file:path}"},
		build: buildUnique,
	},
	{
		name:  "read.duplicates",
		says:  []string{"duplicate|duplicated|repeated lines|entries|values in|of? {file:path}", "which lines are repeated|duplicated in {file:path}"},
		build: buildDuplicateLines,
	},
	{
		name: "read.frequency",
		says: []string{
			"most_common|most_frequent|commonest|frequency|frequencies|top {count?} lines|values|entries|words? in|of? {file:path}",
			"how_often does each line|value appear in {file:path}",
			"count each|unique|distinct line|lines|value|values in|of? {file:path}",
		},
		defaults: "count=10",
		build:    buildFrequency,
	},
	{
		name: "read.column",
		says: []string{
			"{n:count} column|field|col of? {file:path}",
			"column|field|col number? {n:count} of|from|in? {file:path}",
			"first column|field|col of? {file:path}",
		},
		defaults: "n=1",
		build:    buildColumn,
	},
	{
		name: "read.compare",
		says: []string{
			"compare|diff {a:path} and|with|to|against|vs|versus {b:path}",
			"difference|differences|diff between {a:path} and {b:path}",
			"how|what does|do? {a:path} differ from {b:path}",
			"is|are {a:path} and|the_same_as {b:path} the? same|identical|different",
		},
		build: buildCompare,
	},
}

// file returns the file bound to role. When the word said does not name an
// existing file but names a kind of file ("the log", "the script", "the
// csv"), and exactly one such file is in the working directory, it is that
// file; the choice is said in the explanation.
func (c *call) file(role string) (*pathVal, outcome, bool) {
	p := c.path(role)
	if p == nil {
		return nil, c.clarify("Which file?"), false
	}
	if p.exists {
		return p, outcome{}, true
	}
	if p.journal != "" {
		c.handled[role] = true
		if !c.host.Has("journalctl") {
			return nil, c.answer(fmt.Sprintf("There is no %s in %s, and journalctl is not installed to read the system journal.", c.fs.show(p.abs), filepath.Dir(p.abs)),
				"lsh reads system logs from "+filepath.Dir(p.abs)+" or the systemd journal."), false
		}
		return p, outcome{}, true
	}
	word := strings.ToLower(p.said)
	if b, ok := c.binds[role]; ok && b.it.kind == kindWord {
		word = b.it.word
	}
	exts, kind := kindOfFile(word)
	if kind == "" {
		// Reading a file that does not exist can only fail: say so.
		c.handled[role] = true
		return nil, c.answer(c.fs.show(p.abs)+" does not exist.", c.lookedIn()), false
	}
	found := c.candidates(func(name string, fi os.FileInfo) bool {
		for _, e := range exts {
			if strings.HasSuffix(strings.ToLower(name), e) {
				return true
			}
		}
		return len(exts) == 0 && fi.Mode().IsRegular()
	})
	c.handled[role] = true
	switch len(found) {
	case 0:
		return nil, c.clarify(fmt.Sprintf("Which %s? There is none in %s.", kind, c.fs.show(c.fs.cwd))), false
	case 1:
		c.notes = append(c.notes, fmt.Sprintf("“%s” is %s, the only %s here.", p.said, found[0], kind))
		return c.fs.stat(filepath.Join(c.fs.cwd, found[0]), found[0]), outcome{}, true
	}
	if len(found) > 8 {
		found = append(found[:8], "…")
	}
	return nil, c.clarify(fmt.Sprintf("Which %s: %s?", kind, strings.Join(found, ", "))), false
}

// kindOfFile maps the words for a kind of file to extensions; "file" and
// "it" mean any regular file.
func kindOfFile(word string) ([]string, string) {
	switch word {
	case "log", "logfile":
		return []string{".log"}, "log file"
	case "script":
		return []string{".sh", ".py", ".pl", ".rb", ".bash"}, "script"
	case "csv", "spreadsheet":
		return []string{".csv", ".tsv"}, "CSV file"
	case "archive":
		return []string{".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".gz", ".bz2", ".xz", ".7z"}, "archive"
	case "tarball", "tar":
		return []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"}, "tarball"
	case "zip", "zipfile":
		return []string{".zip"}, "zip file"
	case "file", "it", "this", "that":
		return nil, "file"
	}
	return nil, ""
}

// journalArgs selects a system log in the systemd journal.
func journalArgs(journal string) string {
	switch journal {
	case "kernel":
		return " -k"
	case "auth":
		return " SYSLOG_FACILITY=4 SYSLOG_FACILITY=10"
	}
	return ""
}

// journalName says which log the journal holds, for explanations.
func journalName(journal string) string {
	switch journal {
	case "kernel":
		return "the kernel's messages"
	case "auth":
		return "the login and authentication messages"
	}
	return "the system log"
}

// fromJournal reports whether p is a system log that is no file here, to
// be read from the systemd journal.
func (p *pathVal) fromJournal() bool { return p.journal != "" && !p.exists }

// sudoToRead is "sudo " when the person cannot read the file p but could
// as root (system logs are often readable by the adm group only).
func (c *call) sudoToRead(p *pathVal) string {
	if !p.exists || c.host.Root() || !c.host.Has("sudo") || unix.Access(p.abs, unix.R_OK) == nil {
		return ""
	}
	return "sudo "
}

// buildHeadTail prints the start or the end of a file, or follows it.
func buildHeadTail(c *call, which string) outcome {
	f, o, ok := c.file("file")
	if !ok {
		return o
	}
	if f.isDir {
		return c.answer(c.fs.show(f.abs)+" is a folder, not a file.", "head and tail read files.")
	}
	n, _ := c.num("count")
	if !c.said("count") && (c.saidWord("line") || c.saidWord("row") || c.saidWord("entry")) {
		n = 1 // "the last line"
	}
	if f.fromJournal() {
		sel, name := journalArgs(f.journal), journalName(f.journal)
		switch which {
		case "head":
			return c.command(fmt.Sprintf("journalctl%s --no-pager | head -n %d", sel, n), fmt.Sprintf("Prints the first %s of %s, from the systemd journal.", plural(n, "line"), name))
		case "tail":
			return c.command(fmt.Sprintf("journalctl%s -n %d --no-pager", sel, n), fmt.Sprintf("Prints the last %s of %s, from the systemd journal.", plural(n, "line"), name))
		}
		return c.command("journalctl"+sel+" -f", fmt.Sprintf("Prints the end of %s and keeps printing new messages as they come, until you press Ctrl-C.", name))
	}
	switch which {
	case "head":
		return c.command(fmt.Sprintf("%shead -n %d %s", c.sudoToRead(f), n, c.fs.arg(f.abs)), fmt.Sprintf("Prints the first %s of %s.", plural(n, "line"), c.fs.show(f.abs)))
	case "tail":
		return c.command(fmt.Sprintf("%stail -n %d %s", c.sudoToRead(f), n, c.fs.arg(f.abs)), fmt.Sprintf("Prints the last %s of %s.", plural(n, "line"), c.fs.show(f.abs)))
	}
	return c.command(c.sudoToRead(f)+"tail -f "+c.fs.arg(f.abs), "Prints the end of "+c.fs.show(f.abs)+" and keeps printing lines as they are added, until you press Ctrl-C.")
}

// plural says "1 line", "5 lines".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// buildSearch greps for a literal text (-F: what was typed is what is
// found, dots and stars included) in a file or under a folder.
func buildSearch(c *call) outcome {
	pat, _ := c.str("pat")
	if pat == "" {
		return c.clarify("Search for what?")
	}
	p := c.path("path")
	flags := "-n"
	ci := ""
	if c.saidAny("ignoring", "ignore", "insensitive", "insensitively", "uppercase", "lowercase") {
		flags += "i"
		ci = ", ignoring case"
	}
	show := c.fs.show(p.abs)
	if p.fromJournal() {
		if !c.host.Has("journalctl") {
			return c.answer(fmt.Sprintf("There is no %s, and journalctl is not installed to read the system journal.", show), "lsh reads system logs from their files or the systemd journal.")
		}
		return c.command(join("journalctl"+journalArgs(p.journal), "--no-pager | grep", strings.TrimSuffix(flags, "n"), "-F -e", shellQuote(pat)),
			fmt.Sprintf("Prints the messages of %s that contain “%s” (exact text%s), from the systemd journal.", journalName(p.journal), pat, ci))
	}
	if !p.isDir {
		if !p.exists && !c.said("path") {
			return c.clarify("Search for “" + pat + "” in which file or folder?")
		}
		if sudo := c.sudoToRead(p); sudo != "" {
			return c.command(join(sudo+"grep", flags, "-F -e", shellQuote(pat), c.fs.arg(p.abs)),
				fmt.Sprintf("Prints the lines of %s that contain “%s” (exact text%s), with line numbers; reading it needs root.", show, pat, ci))
		}
		return c.command(join("grep", flags, "-F -e", shellQuote(pat), c.fs.arg(p.abs)),
			fmt.Sprintf("Prints the lines of %s that contain “%s” (exact text%s), with line numbers.", show, pat, ci))
	}
	// "which files contain x", "files containing x": names only. "python
	// files" is a file type, not a request for names.
	filesOnly := (c.saidAny("which", "where") || c.saidPlainWord("files", "file")) && !c.saidAny("lines", "line")
	what := "the lines that contain"
	if filesOnly {
		flags = strings.Replace(flags, "n", "l", 1)
		what = "the names of the files that contain"
	}
	e := c.ext()
	in := "the files under " + show
	if e != nil {
		in = "the " + e.said + " under " + show
	}
	ex := fmt.Sprintf("Prints %s “%s” (exact text%s) in %s.", what, pat, ci, in)
	if c.host.Flavor("grep") == BusyBox {
		ext := ""
		if e != nil {
			ext = extArgs(e)
		}
		return c.command(join("find", c.fs.arg(p.abs), "-type f", ext, "-exec grep", "-H"+strings.TrimPrefix(flags, "-"), "-F -e", shellQuote(pat), "{} +"), ex)
	}
	var inc []string
	if e != nil {
		for _, x := range e.exts {
			inc = append(inc, "--include="+shellQuote("*."+x))
		}
	}
	return c.command(join("grep", "-r"+strings.TrimPrefix(flags, "-"), "-F", strings.Join(inc, " "), "-e", shellQuote(pat), c.fs.arg(p.abs)), ex)
}

// buildWc counts lines or words of a file, or of every file of a type under
// a folder.
func buildWc(c *call, flag, what string) outcome {
	role := "file"
	if !c.said("file") {
		role = "path"
	}
	if !c.said(role) && c.ext() == nil {
		return c.clarify("Count the " + what + " of which file?")
	}
	p := c.fs.stat(c.fs.cwd, ".")
	if c.said(role) {
		f, o, ok := c.file(role)
		if !ok {
			return o
		}
		p = f
	}
	if p.isDir {
		e := c.ext()
		if e == nil {
			return c.clarify("Count the " + what + " of which files in " + c.fs.show(p.abs) + "? Say a kind, like “python files”.")
		}
		return c.command(join("find", c.fs.arg(p.abs), "-type f", extArgs(e), "-exec cat {} + | wc", flag),
			fmt.Sprintf("Counts the %s of all %s under %s together.", what, e.said, c.fs.show(p.abs)))
	}
	return c.command(join("wc", flag, c.fs.arg(p.abs)), fmt.Sprintf("Counts the %s in %s.", what, c.fs.show(p.abs)))
}

func buildOccurrences(c *call) outcome {
	pat, _ := c.str("pat")
	p := c.path("path")
	if p == nil || p.isDir {
		return c.clarify("Count “" + pat + "” in which file?")
	}
	return c.command(join("grep -o -F -e", shellQuote(pat), c.fs.arg(p.abs), "| wc -l"),
		fmt.Sprintf("Counts every occurrence of “%s” (exact text) in %s, several on one line included.", pat, c.fs.show(p.abs)))
}

func buildSort(c *call) outcome {
	f, o, ok := c.file("file")
	if !ok {
		return o
	}
	letters, how := "", "alphabetically"
	if c.saidAny("numerically", "numeric", "number", "numbers", "numerical") {
		letters, how = "n", "numerically"
	}
	if c.saidAny("reverse", "reversed", "descending", "backwards", "largest", "biggest", "highest") {
		letters += "r"
		how += ", in reverse"
	}
	if c.saidAny("unique", "duplicates", "duplicate", "dedupe", "distinct") {
		letters += "u"
		how += ", dropping duplicate lines"
	}
	flags := ""
	if letters != "" {
		flags = "-" + letters
	}
	return c.command(join("sort", flags, c.fs.arg(f.abs)), "Prints the lines of "+c.fs.show(f.abs)+" sorted "+how+"; the file itself is not changed.")
}

func buildUnique(c *call) outcome {
	f, o, ok := c.file("file")
	if !ok {
		return o
	}
	return c.command("sort -u "+c.fs.arg(f.abs), "Prints each distinct line of "+c.fs.show(f.abs)+" once, sorted; the file itself is not changed (add > new.txt to save the result).")
}

func buildDuplicateLines(c *call) outcome {
	f, o, ok := c.file("file")
	if !ok {
		return o
	}
	return c.command("sort "+c.fs.arg(f.abs)+" | uniq -d", "Prints the lines that occur more than once in "+c.fs.show(f.abs)+", each once.")
}

func buildFrequency(c *call) outcome {
	f, o, ok := c.file("file")
	if !ok {
		return o
	}
	n, _ := c.num("count")
	return c.command(fmt.Sprintf("sort %s | uniq -c | sort -rn | head -n %d", c.fs.arg(f.abs), n),
		fmt.Sprintf("Counts how often each line occurs in %s and prints the %d most common, with their counts.", c.fs.show(f.abs), n))
}

// buildColumn prints one column: cut for comma- and tab-separated files,
// awk for whitespace-separated ones.
func buildColumn(c *call) outcome {
	f, o, ok := c.file("file")
	if !ok {
		return o
	}
	n, _ := c.num("n")
	if n < 1 {
		return c.clarify("Which column? Columns are counted from 1.")
	}
	lower := strings.ToLower(f.abs)
	switch {
	case strings.HasSuffix(lower, ".csv"):
		return c.command(fmt.Sprintf("cut -d, -f%d %s", n, c.fs.arg(f.abs)), fmt.Sprintf("Prints column %d of %s, taking commas as separators (quoted fields containing commas are not understood).", n, c.fs.show(f.abs)))
	case strings.HasSuffix(lower, ".tsv"):
		return c.command(fmt.Sprintf("cut -f%d %s", n, c.fs.arg(f.abs)), fmt.Sprintf("Prints column %d of %s, taking tabs as separators.", n, c.fs.show(f.abs)))
	}
	return c.command(fmt.Sprintf("awk '{ print $%d }' %s", n, c.fs.arg(f.abs)), fmt.Sprintf("Prints column %d of %s, taking runs of spaces or tabs as separators.", n, c.fs.show(f.abs)))
}

func buildCompare(c *call) outcome {
	a, b := c.path("a"), c.path("b")
	if a.isDir && b.isDir {
		return c.command("diff -r "+c.fs.arg(a.abs)+" "+c.fs.arg(b.abs), "Compares the folders "+c.fs.show(a.abs)+" and "+c.fs.show(b.abs)+" file by file and prints every difference.")
	}
	return c.command("diff -u "+c.fs.arg(a.abs)+" "+c.fs.arg(b.abs), "Prints the differences between "+c.fs.show(a.abs)+" and "+c.fs.show(b.abs)+" (lines starting with - are only in the first, + only in the second); it prints nothing if they are identical.")
}
