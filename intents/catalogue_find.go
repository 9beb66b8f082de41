package intents

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Finding files: by name, type, size, age, kind (folder, link, empty,
// hidden, executable), counting them, listing a folder.

var catalogueFind = []*entry{
	{
		name: "find.biggest",
		says: []string{
			"{count?} biggest|largest|heaviest|fattest|huge|big|large|hugest|bulkiest file?",
			"space_hogs|space_hog",
			"files? by size",
			"sort|sorted|order|ordered files? by size",
		},
		takes:    "path size time ext count",
		defaults: "path=. count=10",
		build:    buildBiggest,
	},
	{
		name:     "find.name",
		says:     []string{"named|called|name|names {name}", "search_for|look_for|find|locate a? file|files|folder|folders called|named {name}", "where is|are {name}", "locate {name}", "find|search|look_for {name:file}", "with|containing|contains {name:text} in the? name|filename|names"},
		takes:    "path size time ext",
		defaults: "path=.",
		build:    func(c *call) outcome { return buildFind(c, "", "") },
	},
	{
		name:     "find.ext",
		says:     []string{"{ext}", "all|every {ext}", "where {ext}"},
		takes:    "path size time count",
		defaults: "path=.",
		build:    func(c *call) outcome { return buildFind(c, "f", "") },
	},
	{
		name:     "find.size",
		says:     []string{"{size}"},
		takes:    "path time ext count",
		defaults: "path=.",
		build:    func(c *call) outcome { return buildFind(c, "f", "") },
	},
	{
		name:     "find.time",
		says:     []string{"modified|changed|edited|touched|updated|created|saved|new|downloaded|download|written|added|change|modify|edit|touch|create|save|add? {time}", "{time} modified|changed|edited|touched|updated|created|saved|downloaded|added"},
		takes:    "path ext size count",
		defaults: "path=.",
		build:    func(c *call) outcome { return buildFind(c, "f", "") },
	},
	{
		name:     "find.newest",
		says:     []string{"newest|latest|recent|most_recent|recently_modified|last_modified|most_recently_modified|recently_changed|recently_added|last_changed {count?}", "sort|sorted|order|ordered|list files? by date|time|age|modification_time|modification_date|modified"},
		takes:    "path ext count",
		defaults: "path=. count=10",
		build:    func(c *call) outcome { return buildByTime(c, true) },
	},
	{
		name:     "find.oldest",
		says:     []string{"oldest|least_recently_modified|stalest {count?}"},
		takes:    "path ext count",
		defaults: "path=. count=10",
		build:    func(c *call) outcome { return buildByTime(c, false) },
	},
	{
		name:     "find.dirs",
		says:     []string{"folders|directories|dirs|subfolders|subdirectories|subdirs", "folder|folders|directory|directories|dir|dirs named|called {name}"},
		takes:    "path time",
		defaults: "path=.",
		build:    buildDirs,
	},
	{
		name:     "find.empty",
		says:     []string{"empty file?", "empty folders|directories|dirs|folder|directory"},
		takes:    "path",
		defaults: "path=.",
		build:    buildEmpty,
	},
	{
		name:     "find.links",
		says:     []string{"symlinks|symlink|links|link", "symbolic|soft links|link", "broken|dangling|dead symbolic|soft? links|link|symlinks|symlink"},
		takes:    "path",
		defaults: "path=.",
		build:    buildLinks,
	},
	{
		name:     "find.hidden",
		says:     []string{"hidden|dot files|file|folders?|dotfiles", "dotfiles"},
		takes:    "path",
		defaults: "path=.",
		run: []alt{{
			cmd:     `find {path} -mindepth 1 -maxdepth 1 -name '.*'`,
			explain: "Lists the hidden files and folders (names starting with a dot) directly in {path}.",
		}},
	},
	{
		name: "find.all",
		says: []string{
			"list|show|ls|display|see all? files|everything? including|incl|with|plus|and|even hidden|dot files|ones|file?",
			"list|show|ls|display|see all|every files|file? including|incl|with|plus|and|even hidden|dot files|ones|file?",
			"ls -a|-la|-al|-A",
		},
		takes:    "path",
		also:     "too also as well",
		defaults: "path=.",
		build: func(c *call) outcome {
			dir := c.path("path")
			if !dir.isDir {
				return c.answer(c.fs.show(dir.abs)+" is not a folder.", "lsh lists folders.")
			}
			arg := " " + c.fs.arg(dir.abs)
			if dir.abs == c.fs.cwd {
				arg = ""
			}
			return c.command("ls -la"+arg, "Lists every file and folder in "+c.fs.show(dir.abs)+", hidden ones (names starting with a dot) included, with sizes and dates.")
		},
	},
	{
		name:     "find.executable",
		says:     []string{"executable|executables|runnable file?", "files? with execute|exec permission|permissions|bit"},
		takes:    "path",
		defaults: "path=.",
		run: []alt{{
			cmd:     `find {path} -type f -perm -100`,
			explain: "Lists the files under {path} that their owner may execute.",
		}},
	},
	{
		name:     "find.count",
		also:     "hidden dotfiles",
		says:     []string{"how_many|count|number_of|total_number_of|count_of {ext?} file|files|folders|directories|dirs|subfolders|subfolder", "how_many|count|number_of|total_number_of|count_of {ext}"},
		takes:    "path ext size time",
		defaults: "path=.",
		build:    buildCount,
	},
	{
		name:     "find.duplicates",
		says:     []string{"duplicate|duplicated|identical|same file|files", "duplicates|dupes"},
		takes:    "path ext",
		defaults: "path=.",
		build:    buildDuplicates,
	},
	{
		name:     "read.show",
		says:     []string{"what is|are in|inside {path}", "contents|content|inside of? {path}", "{path} contents|content|listing", "list|ls|show|display|view|read|print|cat|see {path}", "what_is_in|whats_in {path}", "what is|are there in? {path}", "files|list in {path}", "list|ls|show files|everything|contents"},
		takes:    "",
		defaults: "path=.",
		build:    buildShow,
	},
}

// saidAny reports whether the request contains any of the words (or their
// plurals).
func (c *call) saidAny(words ...string) bool {
	for _, t := range c.rs.toks {
		if t.quoted {
			continue
		}
		for _, w := range words {
			if wordMatches(t.low, w) {
				return true
			}
		}
	}
	return false
}

// saidWord reports whether the request contains exactly this word: "line"
// but not "lines".
func (c *call) saidWord(w string) bool {
	for _, t := range c.rs.toks {
		if !t.quoted && t.low == w {
			return true
		}
	}
	return false
}

// saidPlainWord reports whether one of the words was said as a word of its
// own, not inside a slot value ("files" in "python files" is not).
func (c *call) saidPlainWord(words ...string) bool {
	for _, it := range c.rs.items {
		if it.kind != kindWord {
			continue
		}
		for _, w := range words {
			if it.word == w {
				return true
			}
		}
	}
	return false
}

// saidPlain reports whether one of the words (or its plural) was said as a
// word of its own, outside any slot value: "folders" in "count the folders
// here", not "folder" in "count files in this folder".
func (c *call) saidPlain(words ...string) bool {
	for _, it := range c.rs.items {
		if it.kind != kindWord {
			continue
		}
		for _, w := range words {
			if wordMatches(it.word, w) {
				return true
			}
		}
	}
	return false
}

// extArgs renders a file type as find predicates: -iname '*.py', or a
// parenthesised -o list for several extensions.
func extArgs(e *extVal) string {
	if len(e.exts) == 1 {
		return "-iname " + shellQuote("*."+e.exts[0])
	}
	parts := make([]string, len(e.exts))
	for i, x := range e.exts {
		parts[i] = "-iname " + shellQuote("*."+x)
	}
	return `\( ` + strings.Join(parts, " -o ") + ` \)`
}

// sizeArg renders a size for find -size. Larger-than uses the largest whole
// unit the host's find knows (GNU and BSD know k, M, G; BusyBox only k);
// find rounds sizes up to the unit, which is exact for "+". Smaller-than is
// in bytes, since "-size -1M" would match only empty files.
func sizeArg(s sizeVal, fl Flavor) string {
	if s.cmp < 0 {
		return "-size -" + strconv.FormatInt(s.bytes, 10) + "c"
	}
	units := []struct {
		n int64
		s string
	}{{1 << 30, "G"}, {1 << 20, "M"}, {1 << 10, "k"}}
	for _, u := range units {
		if fl == BusyBox && u.s != "k" {
			continue
		}
		if s.bytes%u.n == 0 {
			return "-size +" + strconv.FormatInt(s.bytes/u.n, 10) + u.s
		}
	}
	return "-size +" + strconv.FormatInt(s.bytes, 10) + "c"
}

// timeArgs renders a time window for find: -mtime for whole days within,
// -mmin otherwise (exact, where -mtime +N would mean N+1 days).
func timeArgs(t timeVal) string {
	if t.upto > 0 {
		return fmt.Sprintf("-mmin -%d -mmin +%d", t.min, t.upto)
	}
	if t.newer {
		if d, ok := t.days(); ok {
			return fmt.Sprintf("-mtime -%d", d)
		}
		return fmt.Sprintf("-mmin -%d", t.min)
	}
	return fmt.Sprintf("-mmin +%d", t.min)
}

// filters renders the bound ext, size and time slots as find predicates and
// says them: ("-iname '*.py' -size +1G", "Python files larger than 1 GiB").
func (c *call) filters(noun string) (string, string) {
	var args []string
	said := noun
	if e := c.ext(); e != nil {
		args = append(args, extArgs(e))
		said = e.said
	}
	if s := c.size(); s != nil {
		args = append(args, sizeArg(*s, c.host.Flavor("find")))
		said += " " + sizeSaid(*s)
	}
	if t := c.time(); t != nil {
		args = append(args, timeArgs(*t))
		said += " modified " + t.said
	}
	return strings.Join(args, " "), said
}

// nameGlob turns a name into a find -iname pattern: a glob as said, a full
// file name exactly, anything else as a substring.
func nameGlob(name string) (glob, said string) {
	if strings.ContainsAny(name, "*?[") {
		return name, "matching " + name
	}
	if looksLikeFile(name) {
		return name, "named " + name
	}
	return "*" + name + "*", "whose name contains “" + name + "”"
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// buildFind lists files under the path by name and the bound filters; typ is
// find's -type letter ("" for any).
func buildFind(c *call, typ, noun string) outcome {
	dir := c.path("path")
	if !dir.isDir && dir.exists {
		return c.answer(c.fs.show(dir.abs)+" is a file, not a folder.", "There is nothing to search inside a file by name.")
	}
	filt, said := c.filters(orDefault(noun, "files"))
	name := ""
	if n, ok := c.str("name"); ok && c.said("name") {
		b := c.binds["name"]
		if b.path != nil {
			n = b.path.said
		}
		n = strings.TrimSuffix(n, "/")
		if strings.Contains(n, "/") && b.path != nil && b.path.exists {
			return c.command("ls -ld "+c.fs.arg(b.path.abs), c.fs.show(b.path.abs)+" exists; this shows it.")
		}
		if filepath.Base(n) != n {
			n = filepath.Base(n)
		}
		glob, nsaid := nameGlob(n)
		name = "-iname " + shellQuote(glob)
		if typ == "" && c.ext() == nil {
			said = "files and folders"
		}
		said += " " + nsaid + " (ignoring case)"
	}
	t := ""
	if typ != "" {
		t = "-type " + typ
	}
	cmd := join("find", c.fs.arg(dir.abs), t, name, filt)
	limit := ""
	if n, ok := c.num("count"); ok && c.said("count") && n > 0 {
		cmd += fmt.Sprintf(" | head -n %d", n)
		limit = fmt.Sprintf(" (the first %d)", n)
	}
	return c.command(cmd, fmt.Sprintf("Lists the %s under %s%s.", said, c.fs.show(dir.abs), limit))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// buildBiggest lists the largest files under the path, biggest first: GNU du
// reports apparent sizes human-readably; elsewhere stat prints bytes.
func buildBiggest(c *call) outcome {
	dir := c.path("path")
	filt, said := c.filters("files")
	n, _ := c.num("count")
	// "large files over 1 gig" lists all of them; "the 5 biggest" the top 5.
	head := fmt.Sprintf(" | head -n %d", n)
	what := fmt.Sprintf("the %d largest %s", n, said)
	if c.size() != nil && !c.said("count") {
		head, what = "", "all "+said
	}
	base := join("find", c.fs.arg(dir.abs), "-type f", filt)
	var cmd, unit string
	switch {
	case c.host.Flavor("du") == GNU:
		cmd = base + ` -exec du -h --apparent-size {} + | sort -rh` + head
	case c.host.Flavor("stat") == BSD:
		cmd = base + ` -exec stat -f '%z%t%N' {} + | sort -rn` + head
		unit = " (sizes in bytes)"
	default:
		cmd = base + ` -exec stat -c '%s	%n' {} + | sort -rn` + head
		unit = " (sizes in bytes)"
	}
	return c.command(cmd, fmt.Sprintf("Lists %s under %s, biggest first%s.", what, c.fs.show(dir.abs), unit))
}

// buildByTime lists files by modification time, newest or oldest first.
func buildByTime(c *call, newest bool) outcome {
	dir := c.path("path")
	filt, said := c.filters("files")
	n, _ := c.num("count")
	rev, order, which := " -r", "newest first", "most recently modified"
	if !newest {
		rev, order, which = "", "oldest first", "least recently modified"
	}
	base := join("find", c.fs.arg(dir.abs), "-type f", filt)
	var cmd string
	switch {
	case c.host.Flavor("find") == GNU:
		cmd = base + ` -printf '%TY-%Tm-%Td %TH:%TM  %p\n' | sort` + rev
	case c.host.Flavor("stat") == BSD:
		cmd = base + ` -exec stat -t '%Y-%m-%d %H:%M' -f '%Sm  %N' {} + | sort` + rev
	default:
		cmd = base + ` -exec stat -c '%y  %n' {} + | sort` + rev
	}
	cmd += fmt.Sprintf(" | head -n %d", n)
	return c.command(cmd, fmt.Sprintf("Lists the %d %s %s under %s with their modification times, %s.", n, which, said, c.fs.show(dir.abs), order))
}

// buildDirs lists folders: the ones directly inside the path when the person
// asked to list or show them, all of them when they asked to find.
func buildDirs(c *call) outcome {
	dir := c.path("path")
	depth := "-mindepth 1"
	scope := "all folders under " + c.fs.show(dir.abs)
	if c.saidAny("list", "show", "display", "what", "which") && !c.saidAny("all", "every", "recursively", "recursive", "subfolders", "subdirectories", "subdirs", "nested") && !c.said("name") {
		depth = "-mindepth 1 -maxdepth 1"
		scope = "the folders directly in " + c.fs.show(dir.abs)
	}
	name := ""
	if n, ok := c.str("name"); ok && c.said("name") {
		glob, nsaid := nameGlob(n)
		name = "-iname " + shellQuote(glob)
		scope += " " + nsaid + " (ignoring case)"
	}
	t := ""
	if tv := c.time(); tv != nil {
		t = timeArgs(*tv)
		scope += " modified " + tv.said
	}
	return c.command(join("find", c.fs.arg(dir.abs), depth, "-type d", name, t), "Lists "+scope+".")
}

func buildEmpty(c *call) outcome {
	dir := c.path("path")
	if c.saidPlain("folder", "folders", "directory", "directories", "dirs", "dir") {
		return c.command(join("find", c.fs.arg(dir.abs), "-mindepth 1 -type d -empty"), "Lists the empty folders under "+c.fs.show(dir.abs)+".")
	}
	return c.command(join("find", c.fs.arg(dir.abs), "-type f -empty"), "Lists the empty (zero-byte) files under "+c.fs.show(dir.abs)+".")
}

func buildLinks(c *call) outcome {
	dir := c.path("path")
	if c.saidAny("broken", "dangling", "dead") {
		if c.host.Flavor("find") == GNU {
			return c.command(join("find", c.fs.arg(dir.abs), "-xtype l"), "Lists the broken symbolic links under "+c.fs.show(dir.abs)+" (links whose target does not exist).")
		}
		return c.command(join("find -L", c.fs.arg(dir.abs), "-type l"), "Lists the broken symbolic links under "+c.fs.show(dir.abs)+" (links whose target does not exist).")
	}
	return c.command(join("find", c.fs.arg(dir.abs), "-type l"), "Lists the symbolic links under "+c.fs.show(dir.abs)+".")
}

func buildCount(c *call) outcome {
	dir := c.path("path")
	if c.saidAny("hidden", "dotfiles") {
		return c.command(join("find", c.fs.arg(dir.abs), "-mindepth 1 -maxdepth 1 -name '.*' | wc -l"), "Counts the hidden files and folders (names starting with a dot) directly in "+c.fs.show(dir.abs)+".")
	}
	filt, said := c.filters("files")
	typ := "-type f"
	if c.saidPlain("folders", "directories", "dirs", "subfolders") && c.ext() == nil {
		typ, said = "-mindepth 1 -type d", "folders"
	}
	return c.command(join("find", c.fs.arg(dir.abs), typ, filt)+" | wc -l", "Counts the "+said+" under "+c.fs.show(dir.abs)+", in all subfolders.")
}

// buildDuplicates groups files with identical contents by checksum. The awk
// program prints every file whose checksum occurs more than once, which
// works with md5sum's and md5 -r's output alike.
func buildDuplicates(c *call) outcome {
	dir := c.path("path")
	filt, said := c.filters("files")
	sum := "md5sum"
	if !c.host.Has("md5sum") && c.host.Has("md5") {
		sum = "md5 -r"
	}
	awk := `awk '{ n[$1]++; line[NR] = $0; sum[NR] = $1 } END { for (i = 1; i <= NR; i++) if (n[sum[i]] > 1) print line[i] }'`
	cmd := join("find", c.fs.arg(dir.abs), "-type f", filt, "-exec", sum, "{} + | sort |", awk)
	return c.command(cmd, "Lists the "+said+" under "+c.fs.show(dir.abs)+" whose contents are identical to another's, grouped by checksum.")
}

// buildShow shows what a path holds: a folder's listing, a file's text, an
// archive's table of contents.
func buildShow(c *call) outcome {
	p := c.path("path")
	switch {
	case p == nil:
		return c.clarify("Show what? Name a file or folder.")
	case p.fromJournal() && c.host.Has("journalctl"):
		c.handled["path"] = true
		return c.command("journalctl"+journalArgs(p.journal)+" -n 100 --no-pager", "Prints the latest 100 messages of "+journalName(p.journal)+", from the systemd journal.")
	case p.journal != "" && p.exists:
		return c.command(c.sudoToRead(p)+"tail -n 100 "+c.fs.arg(p.abs), "Prints the last 100 lines of "+c.fs.show(p.abs)+".")
	case !p.exists:
		return c.answer(c.fs.show(p.abs)+" does not exist.", c.lookedIn())
	case p.isDir:
		return c.command("ls -la "+c.fs.arg(p.abs), "Lists everything in "+c.fs.show(p.abs)+", hidden files included, with sizes and dates.")
	case archiveKind(p.abs) != "":
		return listArchive(c, p)
	}
	return c.command("cat "+c.fs.arg(p.abs), "Prints the contents of "+c.fs.show(p.abs)+".")
}

// candidates lists the files in the working directory that pass keep,
// sorted, for "the script" or "the archive" when there is exactly one.
func (c *call) candidates(keep func(name string, fi os.FileInfo) bool) []string {
	var out []string
	for _, n := range c.fs.names(c.fs.cwd) {
		fi, err := os.Stat(filepath.Join(c.fs.cwd, n))
		if err == nil && !fi.IsDir() && keep(n, fi) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
