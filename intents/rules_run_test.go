package intents

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests resolve a request against a fixture HOME (rules_fixture_test.go),
// run the rendered command with sh in it, and check what the command did:
// the files it listed, the archive it made, the text it replaced.

// ran is one resolved and executed request.
type ran struct {
	t      *testing.T
	fx     *fixture
	in     Intent
	out    string
	stderr string
	status int
}

func (r *ran) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Errorf("%s\n  command: %s\n  stdout: %q\n  stderr: %q", fmt.Sprintf(format, args...), r.in.Command, r.out, r.stderr)
}

// has checks that the output contains every string.
func (r *ran) has(subs ...string) {
	r.t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.out, s) {
			r.fail("output lacks %q", s)
		}
	}
}

// hasNot checks that the output contains none of the strings.
func (r *ran) hasNot(subs ...string) {
	r.t.Helper()
	for _, s := range subs {
		if strings.Contains(r.out, s) {
			r.fail("output has %q", s)
		}
	}
}

// lines returns the non-empty output lines.
func (r *ran) lines() []string {
	var out []string
	for _, l := range strings.Split(r.out, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// count checks the number of non-empty output lines.
func (r *ran) count(n int) {
	r.t.Helper()
	if got := len(r.lines()); got != n {
		r.fail("got %d lines, want %d", got, n)
	}
}

// line checks that output line i (0-based, non-empty lines) contains sub.
func (r *ran) line(i int, sub string) {
	r.t.Helper()
	ls := r.lines()
	if i >= len(ls) || !strings.Contains(ls[i], sub) {
		r.fail("line %d does not contain %q", i, sub)
	}
}

// is checks the trimmed output.
func (r *ran) is(want string) {
	r.t.Helper()
	if got := strings.TrimSpace(r.out); got != want {
		r.fail("output is %q, want %q", got, want)
	}
}

func (r *ran) exists(rels ...string) {
	r.t.Helper()
	for _, rel := range rels {
		if !r.fx.exists(rel) {
			r.fail("%s does not exist", rel)
		}
	}
}

func (r *ran) gone(rels ...string) {
	r.t.Helper()
	for _, rel := range rels {
		if r.fx.exists(rel) {
			r.fail("%s still exists", rel)
		}
	}
}

// file checks that a file contains every string.
func (r *ran) file(rel string, subs ...string) {
	r.t.Helper()
	got := r.fx.read(rel)
	for _, s := range subs {
		if !strings.Contains(got, s) {
			r.fail("%s lacks %q; it holds %q", rel, s, got)
		}
	}
}

func (r *ran) fileNot(rel string, subs ...string) {
	r.t.Helper()
	got := r.fx.read(rel)
	for _, s := range subs {
		if strings.Contains(got, s) {
			r.fail("%s still has %q", rel, s)
		}
	}
}

func (r *ran) mode(rel string, want os.FileMode) {
	r.t.Helper()
	fi, err := os.Stat(r.fx.path(rel))
	if err != nil || fi.Mode().Perm() != want {
		r.fail("%s mode is %v, want %v (%v)", rel, fi.Mode().Perm(), want, err)
	}
}

// sh runs a shell line in the fixture to inspect the result of a command.
func (r *ran) sh(dir, line string) string {
	r.t.Helper()
	out, errOut, st := r.fx.run(dir, line)
	if st != 0 {
		r.fail("inspecting with %q: status %d: %s", line, st, errOut)
	}
	return out
}

// runCase is one request whose command is run in a fresh fixture.
type runCase struct {
	say    string
	dir    string // working directory, relative to the fixture HOME
	rule   string
	setup  func(fx *fixture)
	then   string // appended to the command with && to observe its effect (cd)
	status int    // expected exit status
	norun  bool   // check the command only: it would touch the network or the system
	check  func(r *ran)
}

var runCases = []runCase{
	// find.biggest
	{say: "find the 5 biggest files in my downloads folder", rule: "find.biggest", check: func(r *ran) {
		r.count(5)
		r.line(0, "big.iso")
		r.line(1, "movie.mp4")
		r.line(2, "report.pdf")
		r.line(3, "photo.JPG")
	}},
	{say: "biggest files in ~/Downloads", dir: "src", rule: "find.biggest", check: func(r *ran) { r.line(0, "big.iso"); r.line(0, "2.0G"); r.count(9) }},
	{say: "show large files over 1 gig", rule: "find.biggest", check: func(r *ran) { r.count(1); r.has("big.iso") }},
	{say: "top ten largest files in documents", rule: "find.biggest", check: func(r *ran) { r.line(0, "receipt.pdf"); r.count(5) }},
	{say: "what are the 2 largest python files in my projects", rule: "find.biggest", check: func(r *ran) { r.count(2); r.line(0, "main.py"); r.line(1, "util.py") }},
	{say: "space hogs in my downloads", rule: "find.biggest", check: func(r *ran) { r.line(0, "big.iso") }},
	{say: "files in downloads sorted by size", rule: "find.biggest", check: func(r *ran) { r.line(0, "big.iso"); r.line(1, "movie.mp4") }},
	{say: "largest files modified in the last 3 days in downloads", rule: "find.biggest", check: func(r *ran) {
		r.line(0, "report.pdf")
		r.hasNot("big.iso", "movie.mp4")
	}},
	// find.name, ext, size, time
	{say: "find all python files in src", rule: "find.ext", check: func(r *ran) { r.is("src/lib/tool.py") }},
	{say: "list pdfs in downloads", rule: "find.ext", check: func(r *ran) { r.is("Downloads/report.pdf") }},
	{say: "show me the images in pictures", rule: "find.ext", check: func(r *ran) { r.count(2); r.has("cat.png", "dog.jpg") }},
	{say: "where are my images", rule: "find.ext", check: func(r *ran) { r.count(3); r.has("photo.JPG", "cat.png", "dog.jpg") }},
	{say: "*.go files in src", rule: "find.ext", check: func(r *ran) { r.count(2); r.has("main.go", "util.go") }},
	{say: "markdown files", rule: "find.ext", check: func(r *ran) { r.is("./My Projects/app/README.md") }},
	{say: "all csv files in my documents", rule: "find.ext", check: func(r *ran) { r.is("Documents/data.csv") }},
	{say: "files bigger than 100MB in downloads", rule: "find.size", check: func(r *ran) { r.count(2); r.has("big.iso", "movie.mp4") }},
	{say: "files smaller than 1k in downloads", rule: "find.size", check: func(r *ran) {
		r.has("old.tmp", "empty.txt", "notes copy.txt")
		r.hasNot("report.pdf", "photo.JPG", "big.iso")
	}},
	{say: "anything over 150 megs", dir: "Downloads", rule: "find.size", check: func(r *ran) { r.count(2); r.has("big.iso", "movie.mp4") }},
	{say: "find files named notes.txt", rule: "find.name", check: func(r *ran) { r.is("./notes.txt") }},
	{say: "where is receipt.pdf", rule: "find.name", check: func(r *ran) { r.is("./Documents/taxes 2023/receipt.pdf") }},
	{say: "find files called report", rule: "find.name", check: func(r *ran) { r.is("./Downloads/report.pdf") }},
	{say: "search for a file called essay", dir: "Documents", rule: "find.name", check: func(r *ran) { r.count(2); r.has("./essay.txt", "./essay-copy.txt") }},
	{say: "files with tax in the name", rule: "find.name", check: func(r *ran) { r.is("./Documents/taxes 2023") }},
	{say: "locate tool.py", rule: "find.name", check: func(r *ran) { r.is("./src/lib/tool.py") }},
	{say: "find *.tmp", rule: "find.ext", check: func(r *ran) { r.is("./Downloads/old.tmp") }},
	{say: "files modified today in downloads", rule: "find.time", check: func(r *ran) { r.is("Downloads/photo.JPG") }},
	{say: "files changed in the last 3 days in downloads", rule: "find.time", check: func(r *ran) {
		r.count(3)
		r.has("report.pdf", "photo.JPG", "empty.txt")
	}},
	{say: "what files did I change today", dir: "Downloads", rule: "find.time", check: func(r *ran) { r.is("./photo.JPG") }},
	{say: "find files larger than 1gb", rule: "find.size", check: func(r *ran) { r.is("./Downloads/big.iso") }},
	{say: "files older than 30 days in downloads", rule: "find.time", check: func(r *ran) { r.count(2); r.has("big.iso", "old.tmp") }},
	{say: "recently modified files in my projects", rule: "find.time", check: func(r *ran) { r.count(0) }},
	{say: "files not modified in 6 months", dir: "Documents", rule: "find.time", check: func(r *ran) { r.is("./taxes 2023/receipt.pdf") }},
	{say: "what did i download this week", dir: "Downloads", rule: "find.time", check: func(r *ran) { r.has("photo.JPG"); r.hasNot("big.iso", "movie.mp4") }},
	{say: "newest files in downloads", rule: "find.newest", check: func(r *ran) { r.line(0, "photo.JPG"); r.count(9) }},
	{say: "the 3 most recent files in src", rule: "find.newest", check: func(r *ran) { r.count(3); r.has("main.go", "util.go", "tool.py") }},
	{say: "the 2 oldest files in downloads", rule: "find.oldest", check: func(r *ran) { r.count(2); r.has("big.iso", "old.tmp") }},
	{say: "list all folders in documents", rule: "find.dirs", check: func(r *ran) { r.count(2); r.has("taxes 2023", "empty-dir") }},
	{say: "list the folders here", dir: "My Projects", rule: "find.dirs", check: func(r *ran) { r.is("./app") }},
	{say: "find directories named app", rule: "find.dirs", check: func(r *ran) { r.is("./My Projects/app") }},
	{say: "find empty files in downloads", rule: "find.empty", check: func(r *ran) { r.is("Downloads/empty.txt") }},
	{say: "find empty folders", rule: "find.empty", check: func(r *ran) { r.is("./Documents/empty-dir") }},
	{say: "list symlinks", rule: "find.links", check: func(r *ran) { r.count(2); r.has("./link", "./broken") }},
	{say: "find broken links", rule: "find.links", check: func(r *ran) { r.is("./broken") }},
	{say: "show hidden files", rule: "find.hidden", check: func(r *ran) { r.is("./.hidden") }},
	{say: "find executable files in my projects", rule: "find.executable", check: func(r *ran) { r.is("My Projects/app/run.sh") }},
	{say: "how many files are in downloads", rule: "find.count", check: func(r *ran) { r.is("9") }},
	{say: "count the python files in my projects", rule: "find.count", check: func(r *ran) { r.is("2") }},
	{say: "how many folders are in documents", rule: "find.count", check: func(r *ran) { r.is("2") }},
	{say: "number of pdfs", rule: "find.count", check: func(r *ran) { r.is("2") }},
	{say: "find duplicate files in documents", rule: "find.duplicates", check: func(r *ran) { r.count(2); r.has("essay.txt", "essay-copy.txt") }},
	// read.show
	{say: "what's in this folder", dir: "Documents", rule: "read.show", check: func(r *ran) { r.has("essay.txt", "data.csv", "taxes 2023") }},
	{say: "show me notes.txt", rule: "read.show", check: func(r *ran) { r.is("hello world\nfoo bar\nfoo baz") }},
	{say: "list files in documents", rule: "read.show", check: func(r *ran) { r.has("essay.txt", "empty-dir") }},
	{say: `show me "it's here.txt"`, rule: "read.show", check: func(r *ran) { r.is("quoted name works") }},
	{say: "what's in setup.zip", dir: "Downloads", rule: "read.show", check: func(r *ran) { r.has("setup/install.sh", "setup/README") }},
	{say: "show the contents of my projects", rule: "read.show", check: func(r *ran) { r.has("app") }},
	// disk
	{say: "how much disk space is free", rule: "disk.free", check: func(r *ran) { r.has("Filesystem", "Avail") }},
	{say: "how much free space do I have", rule: "disk.free", check: func(r *ran) { r.has("Avail") }},
	{say: "is my disk full", rule: "disk.free", check: func(r *ran) { r.has("Filesystem") }},
	{say: "free space in downloads", rule: "disk.free", check: func(r *ran) { r.count(2); r.has("Avail") }},
	{say: "how big is downloads", rule: "disk.size", check: func(r *ran) { r.has("Downloads") }},
	{say: "size of my projects folder", rule: "disk.size", check: func(r *ran) { r.has("My Projects") }},
	{say: "how much space does documents use", rule: "disk.size", check: func(r *ran) { r.has("Documents") }},
	{say: "how big is this folder", dir: "src", rule: "disk.size", check: func(r *ran) { r.has("K\t.") }},
	{say: "what's taking up space in documents", rule: "disk.items", check: func(r *ran) { r.line(0, "taxes 2023"); r.count(6) }},
	{say: "biggest folders in home", rule: "disk.items", check: func(r *ran) { r.line(0, "Downloads"); r.hasNot("notes.txt") }},
	{say: "what is using the most space in my home", dir: "src", rule: "disk.items", check: func(r *ran) { r.line(0, "Downloads") }},
	{say: "disk usage by folder", rule: "disk.items", check: func(r *ran) { r.has("./Pictures", "./src") }},
	{say: "list users", rule: "system.users", check: func(r *ran) { r.has("root") }},
	{say: "show open files", rule: "proc.open-files", check: func(r *ran) { r.has("COMMAND") }},
	{say: "show system info", rule: "system.os"},
	{say: "which users exist", rule: "system.users", check: func(r *ran) { r.has("root") }},
	{say: "clear the screen", rule: "system.clear", norun: true}, // needs a terminal
	{say: "show disk usage of each folder", rule: "disk.items", check: func(r *ran) { r.has("./Pictures", "./src") }},
	{say: "size of every folder", rule: "disk.items", check: func(r *ran) { r.has("./Pictures", "./src") }},
	{say: "what is the largest folder in my home", dir: "src", rule: "disk.items", check: func(r *ran) { r.line(0, "Downloads") }},
	{say: "which folder is the biggest", rule: "disk.items", check: func(r *ran) { r.line(0, "Downloads") }},
	{say: "free up disk space", dir: "src", rule: "disk.free-up", check: func(r *ran) { r.line(0, "Downloads") }},
	{say: "list disks", rule: "disk.mounts", check: func(r *ran) { r.has("NAME") }},
	// read
	{say: "first 2 lines of notes.txt", rule: "read.head", check: func(r *ran) { r.is("hello world\nfoo bar") }},
	{say: "head of app.log", rule: "read.head", check: func(r *ran) { r.count(5) }},
	{say: "show the last line of app.log", rule: "read.tail", check: func(r *ran) { r.is("INFO done") }},
	{say: "last 2 lines of app.log", rule: "read.tail", check: func(r *ran) { r.is("ERROR disk full again error\nINFO done") }},
	{say: "tail of the log", rule: "read.tail", check: func(r *ran) { r.count(5) }},
	{say: "follow app.log", rule: "read.follow", norun: true, check: func(r *ran) { r.cmd("tail -f app.log") }},
	{say: "watch the log", rule: "read.follow", norun: true, check: func(r *ran) { r.cmd("tail -f app.log") }},
	{say: "search for TODO in src", rule: "read.search", check: func(r *ran) { r.count(3); r.has("main.go:3:", "util.go:3:", "tool.py:1:") }},
	{say: "grep error in app.log", rule: "read.search", check: func(r *ran) { r.is("4:ERROR disk full again error") }},
	{say: "search for error in app.log ignoring case", rule: "read.search", check: func(r *ran) { r.count(2) }},
	{say: "which files contain foo", rule: "read.search", check: func(r *ran) { r.count(3); r.has("notes.txt", "src/util.go", "src/lib/tool.py") }},
	{say: "files containing TODO in src", rule: "read.search", check: func(r *ran) { r.count(3); r.has("main.go", "util.go", "tool.py") }},
	{say: "search for TODO in all python files in src", rule: "read.search", check: func(r *ran) { r.is("src/lib/tool.py:1:# TODO: rewrite") }},
	{say: "which python files in src contain TODO", rule: "read.search", check: func(r *ran) { r.is("src/lib/tool.py") }},
	{say: "find 'quick brown' in essay.txt", dir: "Documents", rule: "read.search", check: func(r *ran) { r.is("1:the quick brown fox") }},
	{say: "search app.log for ERROR", rule: "read.search", check: func(r *ran) { r.count(2); r.has("2:ERROR disk full") }},
	{say: "lines containing ERROR in app.log", rule: "read.search", check: func(r *ran) { r.count(2) }},
	{say: "count lines in notes.txt", rule: "read.lines", check: func(r *ran) { r.is("3 notes.txt") }},
	{say: "how many lines are in essay.txt", dir: "Documents", rule: "read.lines", check: func(r *ran) { r.is("3 essay.txt") }},
	{say: "how many lines of python code in my projects", rule: "read.lines", check: func(r *ran) { r.is("4") }},
	{say: "word count of essay.txt", dir: "Documents", rule: "read.words", check: func(r *ran) { r.is("11 essay.txt") }},
	{say: "how many times does error appear in app.log", rule: "read.occurrences", check: func(r *ran) { r.is("1") }},
	{say: "count occurrences of 'ERROR' in app.log", rule: "read.occurrences", check: func(r *ran) { r.is("2") }},
	{say: "sort names.txt", rule: "read.sort", check: func(r *ran) { r.line(0, "alice"); r.line(5, "carol") }},
	{say: "sort numbers.txt numerically", rule: "read.sort", check: func(r *ran) { r.is("1\n9\n10\n100") }},
	{say: "sort numbers.txt numerically in reverse", rule: "read.sort", check: func(r *ran) { r.is("100\n10\n9\n1") }},
	{say: "remove duplicate lines from names.txt", rule: "read.unique", check: func(r *ran) { r.is("alice\nbob\ncarol") }},
	{say: "unique lines in names.txt", rule: "read.unique", check: func(r *ran) { r.count(3) }},
	{say: "show duplicate lines in names.txt", rule: "read.duplicates", check: func(r *ran) { r.is("alice\ncarol") }},
	{say: "most common lines in names.txt", rule: "read.frequency", check: func(r *ran) { r.line(0, "3 alice"); r.line(1, "2 carol") }},
	{say: "show the second column of data.csv", dir: "Documents", rule: "read.column", check: func(r *ran) { r.is("age\n31\n42") }},
	{say: "print column 3 of table.txt", dir: "Documents", rule: "read.column", check: func(r *ran) { r.is("oslo\nrome") }},
	{say: "first column of data.csv", dir: "Documents", rule: "read.column", check: func(r *ran) { r.is("name\nann\nbob") }},
	{say: "compare a.txt and b.txt", rule: "read.compare", status: 1, check: func(r *ran) { r.has("-two", "+TWO") }},
	{say: "difference between a.txt and b.txt", rule: "read.compare", status: 1, check: func(r *ran) { r.has("-two") }},
	{say: "are a.txt and a.txt the same", rule: "read.compare", check: func(r *ran) { r.is("") }},
	// edit
	{say: "replace foo with qux in notes.txt", rule: "edit.replace", check: func(r *ran) { r.file("notes.txt", "qux bar", "qux baz"); r.fileNot("notes.txt", "foo") }},
	{say: "change 'hello world' to 'goodbye' in notes.txt", rule: "edit.replace", check: func(r *ran) { r.file("notes.txt", "goodbye\nfoo bar") }},
	{say: "replace 'a.b/c' with 'x&y' in special.txt", rule: "edit.replace", check: func(r *ran) { r.file("special.txt", "x&y and aXb/c") }},
	{say: "replace foo with bar in all python files in src", rule: "edit.replace", check: func(r *ran) {
		r.file("src/lib/tool.py", "def bar():", "return 'bar'")
		r.file("src/util.go", "foo helper")
	}},
	{say: `substitute "name" with "file name" in "it's here.txt"`, rule: "edit.replace", check: func(r *ran) { r.file("it's here.txt", "quoted file name works") }},
	{say: "rename notes.txt to todo.txt", rule: "edit.rename", check: func(r *ran) { r.exists("todo.txt"); r.gone("notes.txt"); r.file("todo.txt", "hello world") }},
	{say: "rename Downloads/report.pdf to report-2024.pdf", rule: "edit.rename", check: func(r *ran) { r.exists("Downloads/report-2024.pdf"); r.gone("Downloads/report.pdf") }},
	{say: "move notes.txt to documents", rule: "edit.move", check: func(r *ran) { r.exists("Documents/notes.txt"); r.gone("notes.txt") }},
	{say: "move all pdfs in downloads to documents", rule: "edit.move", check: func(r *ran) {
		r.exists("Documents/report.pdf", "Documents/taxes 2023/receipt.pdf")
		r.gone("Downloads/report.pdf")
	}},
	{say: "move a.txt into a new folder called archive", rule: "edit.move", check: func(r *ran) { r.exists("archive/a.txt"); r.gone("a.txt") }},
	{say: "copy notes.txt to backup", rule: "edit.copy", check: func(r *ran) { r.exists("backup/notes.txt", "notes.txt") }},
	{say: "copy src to src-old", rule: "edit.copy", check: func(r *ran) { r.exists("src-old/main.go", "src-old/lib/tool.py", "src/main.go") }},
	{say: "make a copy of notes.txt", rule: "edit.copy", check: func(r *ran) { r.file("notes-copy.txt", "hello world") }},
	{say: "copy all pdfs from downloads to documents", rule: "edit.copy", check: func(r *ran) { r.exists("Documents/report.pdf", "Downloads/report.pdf") }},
	{say: "copy all images to pictures", dir: "Downloads", rule: "edit.copy", check: func(r *ran) { r.exists("Pictures/photo.JPG", "Downloads/photo.JPG") }},
	{say: "back up essay.txt", dir: "Documents", rule: "edit.backup", check: func(r *ran) { r.file("Documents/essay.txt.bak", "quick brown") }},
	{say: "create a folder called projects", rule: "edit.mkdir", check: func(r *ran) { r.exists("projects") }},
	{say: "make a new directory named drafts in documents", rule: "edit.mkdir", check: func(r *ran) { r.exists("Documents/drafts") }},
	{say: `create a folder called "Tax Returns"`, dir: "Documents", rule: "edit.mkdir", check: func(r *ran) { r.exists("Documents/Tax Returns") }},
	{say: "create an empty file called todo.txt", rule: "edit.touch", check: func(r *ran) { r.file("todo.txt", "") }},
	{say: "append all done to notes.txt", rule: "edit.append", check: func(r *ran) { r.file("notes.txt", "hello world\nfoo bar\nfoo baz\nall done\n") }},
	{say: "add 'buy milk; eggs' to todo.txt", rule: "edit.append", check: func(r *ran) { r.file("todo.txt", "buy milk; eggs\n") }},
	{say: "create new.md in documents", rule: "edit.touch", check: func(r *ran) { r.exists("Documents/new.md") }},
	{say: "make the script executable", rule: "edit.executable", check: func(r *ran) { r.mode("deploy.sh", 0o755) }},
	{say: "make deploy.sh executable", rule: "edit.executable", check: func(r *ran) { r.mode("deploy.sh", 0o755) }},
	{say: "give deploy.sh execute permission", rule: "edit.executable", check: func(r *ran) { r.mode("deploy.sh", 0o755) }},
	{say: "make notes.txt read only", rule: "edit.readonly", check: func(r *ran) { r.mode("notes.txt", 0o444) }},
	{say: "make notes.txt private", rule: "edit.private", check: func(r *ran) { r.mode("notes.txt", 0o600) }},
	{say: "delete notes.txt", rule: "edit.delete", check: func(r *ran) { r.gone("notes.txt"); r.exists("names.txt") }},
	{say: "delete the folder src", rule: "edit.delete", check: func(r *ran) { r.gone("src"); r.exists("Documents") }},
	{say: "remove 'notes copy.txt' from downloads", rule: "edit.delete", check: func(r *ran) { r.gone("Downloads/notes copy.txt"); r.exists("notes.txt") }},
	{say: "delete all .tmp files in downloads", rule: "edit.delete", check: func(r *ran) { r.gone("Downloads/old.tmp"); r.exists("Downloads/report.pdf") }},
	{say: "delete empty folders", rule: "edit.delete", check: func(r *ran) { r.gone("Documents/empty-dir"); r.exists("Documents/taxes 2023") }},
	{say: "delete files older than 30 days in downloads", rule: "edit.delete", check: func(r *ran) {
		r.gone("Downloads/big.iso", "Downloads/old.tmp")
		r.exists("Downloads", "Downloads/report.pdf", "Downloads/movie.mp4")
	}},
	{say: "create a symlink to src called code", rule: "edit.link", check: func(r *ran) {
		if got, _ := os.Readlink(r.fx.path("code")); got != r.fx.path("src") {
			r.fail("code points to %q", got)
		}
	}},
	{say: "go to downloads", rule: "nav.cd", then: "pwd", check: func(r *ran) { r.has("/home/Downloads") }},
	{say: "change directory to my projects", dir: "src", rule: "nav.cd", then: "pwd", check: func(r *ran) { r.has("/home/My Projects") }},
	{say: "go up a level", dir: "src", rule: "nav.cd", then: "pwd", check: func(r *ran) { r.is(filepath.Join(r.fx.home)) }},
	// archives
	{say: "extract site.tar.gz", dir: "Downloads", rule: "archive.extract", check: func(r *ran) { r.file("Downloads/site/index.html", "<h1>hi</h1>") }},
	{say: "unzip setup.zip", dir: "Downloads", rule: "archive.extract", check: func(r *ran) { r.file("Downloads/setup/install.sh", "echo install") }},
	{say: "extract setup.zip into unpacked", dir: "Downloads", rule: "archive.extract", check: func(r *ran) { r.exists("Downloads/unpacked/setup/README") }},
	{say: "untar site.tar.gz to web", dir: "Downloads", rule: "archive.extract", check: func(r *ran) { r.exists("Downloads/web/site/style.css") }},
	{say: "extract downloads/site.tar.gz", rule: "archive.extract", check: func(r *ran) { r.exists("site/index.html") }},
	{say: "extract it", dir: "Downloads", rule: "archive.extract", setup: func(fx *fixture) { os.Remove(fx.path("Downloads/setup.zip")) }, check: func(r *ran) { r.exists("Downloads/site/index.html") }},
	{say: "unpack setup.zip here", dir: "Downloads", rule: "archive.extract", check: func(r *ran) { r.exists("Downloads/setup/README") }},
	{say: "extract site.tar.gz in documents", dir: "Downloads", rule: "archive.extract", check: func(r *ran) { r.exists("Documents/site/index.html") }},
	{say: "list the contents of site.tar.gz", dir: "Downloads", rule: "read.show", check: func(r *ran) { r.has("site/index.html", "site/style.css") }},
	{say: "what is in the zip setup.zip", dir: "Downloads", rule: "archive.list", check: func(r *ran) { r.has("setup/install.sh") }},
	{say: "compress src", rule: "archive.create", check: func(r *ran) { r.has(""); r.contains("src.tar.gz", "src/main.go", "src/lib/tool.py") }},
	{say: "zip my projects folder", rule: "archive.create", check: func(r *ran) { r.contains("My Projects.zip", "My Projects/app/main.py") }},
	{say: "make a tarball of documents", dir: "src", rule: "archive.create", check: func(r *ran) {
		r.contains("src/Documents.tar.gz", "Documents/essay.txt", "Documents/taxes 2023/receipt.pdf")
	}},
	{say: "create backup.tar.gz from src", rule: "archive.create", check: func(r *ran) { r.contains("backup.tar.gz", "src/util.go") }},
	{say: "compress this folder", dir: "src", rule: "archive.create", check: func(r *ran) { r.contains("src.tar.gz", "src/main.go"); r.gone("src/src.tar.gz") }},
	{say: "compress notes.txt", rule: "archive.create", check: func(r *ran) { r.exists("notes.txt.gz", "notes.txt") }},
	{say: "zip the pictures folder into pics.zip", rule: "archive.create", check: func(r *ran) { r.contains("pics.zip", "Pictures/cat.png") }},
	// processes
	{say: "what's using the most cpu", rule: "proc.cpu", check: func(r *ran) { r.line(0, "PID"); r.count(11) }},
	{say: "which programs are hogging the processor", rule: "proc.cpu", check: func(r *ran) { r.line(0, "%CPU") }},
	{say: "top 5 processes by memory", rule: "proc.memory", check: func(r *ran) { r.line(0, "%MEM"); r.count(6) }},
	{say: "what is eating all my ram", rule: "proc.memory", check: func(r *ran) { r.line(0, "%MEM") }},
	{say: "list running processes", rule: "proc.list", check: func(r *ran) { r.line(0, "PID") }},
	{say: "is {sleeper} running", rule: "proc.find", check: func(r *ran) { r.has("lshsleep") }},
	{say: "show {sleeper} processes", rule: "proc.find", check: func(r *ran) { r.has("lshsleep") }},
	{say: "kill {sleeper}", rule: "proc.kill", check: func(r *ran) { r.sleeperGone() }},
	{say: "force quit {sleeper}", rule: "proc.kill", check: func(r *ran) { r.sleeperGone(); r.cmd("-KILL") }},
	{say: "stop the {sleeperstem} process", rule: "proc.kill", check: func(r *ran) { r.sleeperGone() }},
	{say: "kill process {pid}", rule: "proc.kill", check: func(r *ran) { r.sleeperGone() }},
	{say: "kill whatever is on port 3000", rule: "proc.kill-port", norun: true, check: func(r *ran) { r.cmd("3000") }},
	// system
	{say: "what os is this", rule: "system.os", check: func(r *ran) { r.has("ID=") }},
	{say: "what version of debian is this", rule: "system.os", check: func(r *ran) { r.has("VERSION") }},
	{say: "which linux distro am i running", rule: "system.os", check: func(r *ran) { r.has("NAME=") }},
	{say: "kernel version", rule: "system.kernel", check: func(r *ran) { r.is(DetectHost().Kernel) }},
	{say: "how long has the computer been on", rule: "system.uptime", check: func(r *ran) { r.has("load average") }},
	{say: "what's the load average", rule: "system.uptime", check: func(r *ran) { r.has("load average") }},
	{say: "how much memory do i have", rule: "system.memory", check: func(r *ran) { r.has("Mem:") }},
	{say: "memory usage", rule: "system.memory", check: func(r *ran) { r.has("Swap:") }},
	{say: "how many cpus do i have", rule: "system.cpus", check: func(r *ran) { r.is(strconv.Itoa(runtime.NumCPU())) }},
	{say: "how many cores", rule: "system.cpus", check: func(r *ran) { r.is(strconv.Itoa(runtime.NumCPU())) }},
	{say: "what cpu do i have", rule: "system.cpuinfo", check: func(r *ran) { r.has("Architecture") }},
	{say: "what time is it", rule: "system.date", check: func(r *ran) { r.has(strconv.Itoa(time.Now().Year())) }},
	{say: "what's today's date", rule: "system.date", check: func(r *ran) { r.has(strconv.Itoa(time.Now().Year())) }},
	{say: "who am i", rule: "system.whoami", check: func(r *ran) { r.has("uid=") }},
	{say: "what's my username", rule: "system.whoami", check: func(r *ran) { r.has("uid=") }},
	{say: "who is logged in", rule: "system.who"},
	{say: "what's my hostname", rule: "system.hostname", check: func(r *ran) { h, _ := os.Hostname(); r.is(h) }},
	{say: "which shell am i using", rule: "system.shell", check: func(r *ran) { r.is("/bin/sh") }},
	{say: "show my path", rule: "system.path", check: func(r *ran) { r.has("/usr/bin\n"); r.hasNot(":/") }},
	{say: "environment variables", rule: "system.env", check: func(r *ran) { r.has("HOME=" + r.fx.home) }},
	{say: "install htop", rule: "package.install", norun: true, check: func(r *ran) { r.cmd("install htop") }},
	{say: "uninstall htop", rule: "package.remove", norun: true, check: func(r *ran) { r.cmd("htop") }},
	{say: "update my system", rule: "package.update", norun: true, check: func(r *ran) { r.cmd("upgrade") }},
	{say: "search for a package for pdf", rule: "package.search", norun: true, check: func(r *ran) { r.cmd("search pdf") }},
	// network
	{say: "what's my ip address", rule: "net.ip", check: func(r *ran) { r.has("127.0.0.1") }},
	{say: "what is my public ip", rule: "net.public-ip", norun: true, check: func(r *ran) { r.cmd("ifconfig.me") }},
	{say: "show listening ports", rule: "net.listening", check: func(r *ran) { r.has("{port}") }},
	{say: "which ports are open", rule: "net.listening", check: func(r *ran) { r.has("{port}") }},
	{say: "what is using port {port}", rule: "net.port", check: func(r *ran) { r.has(":{port}") }},
	{say: "who is listening on port {port}", rule: "net.port", check: func(r *ran) { r.has(":{port}") }},
	{say: "what's listening on {port}", rule: "net.port", check: func(r *ran) { r.has(":{port}") }},
	{say: "is port {port} in use", rule: "net.port", check: func(r *ran) { r.has("LISTEN") }},
	{say: "what is the ip of localhost", rule: "net.dns", check: func(r *ran) { r.has("localhost") }},
	{say: "ping example.com", rule: "net.ping", norun: true, check: func(r *ran) { r.cmd("example.com") }},
	{say: "is example.com up", rule: "net.ping", norun: true, check: func(r *ran) { r.cmd("example.com") }},
	{say: "check internet connection", rule: "net.ping", norun: true},
	{say: "download https://example.com/file.zip", rule: "net.download", norun: true, check: func(r *ran) { r.cmd("https://example.com/file.zip") }},
	{say: "download example.com/a.tar.gz to downloads", rule: "net.download", norun: true, check: func(r *ran) { r.cmd("Downloads/a.tar.gz", "https://example.com/a.tar.gz") }},
	{say: "fetch https://example.com/x.iso into my documents", dir: "src", rule: "net.download", norun: true, check: func(r *ran) { r.cmd("~/Documents/x.iso") }},
	// git
	{say: "what changed", dir: "../repo", rule: "git.status", setup: touchRepo, check: func(r *ran) { r.has("modified:", "a.txt") }},
	{say: "show uncommitted changes", dir: "../repo", rule: "git.status", setup: touchRepo, check: func(r *ran) { r.has("a.txt") }},
	{say: "what changed", dir: "Downloads", rule: "git.status", check: func(r *ran) { r.is("./photo.JPG") }},
	{say: "show me the commit history", dir: "../repo", rule: "git.log", check: func(r *ran) { r.count(2); r.line(0, "second"); r.line(1, "first") }},
	{say: "show the last commit", dir: "../repo", rule: "git.log", check: func(r *ran) { r.count(1); r.has("second") }},
	{say: "commits from the last week", dir: "../repo", rule: "git.log", check: func(r *ran) { r.count(2) }},
	{say: "who changed notes.txt", dir: "../repo", rule: "git.log", check: func(r *ran) { r.has("Ann Tester", "second") }},
	{say: "what branch am i on", dir: "../repo", rule: "git.branch", check: func(r *ran) { r.is("main") }},
	{say: "list branches", dir: "../repo", rule: "git.branches", check: func(r *ran) { r.has("* main") }},
	{say: "switch to branch dev", dir: "../repo", rule: "git.switch", setup: func(fx *fixture) { fx.git(fx.path("../repo"), "branch", "dev") }, check: func(r *ran) {
		if b := r.sh("../repo", "git branch --show-current"); strings.TrimSpace(b) != "dev" {
			r.fail("on branch %q", b)
		}
	}},
	{say: "create a new branch called feature-x", dir: "../repo", rule: "git.new-branch", check: func(r *ran) {
		if b := r.sh("../repo", "git branch --show-current"); strings.TrimSpace(b) != "feature-x" {
			r.fail("on branch %q", b)
		}
	}},
	{say: "show the diff", dir: "../repo", rule: "git.diff", setup: touchRepo, check: func(r *ran) { r.has("+changed") }},
	{say: "what did i change in a.txt", dir: "../repo", rule: "git.diff", setup: touchRepo, check: func(r *ran) { r.has("-a", "+changed") }},
	{say: "show staged changes", dir: "../repo", rule: "git.diff", setup: stageRepo, check: func(r *ran) { r.has("+changed") }},
	{say: "undo my last commit keeping changes", dir: "../repo", rule: "git.undo-commit", check: func(r *ran) {
		if log := r.sh("../repo", "git log --oneline"); strings.Contains(log, "second") {
			r.fail("the commit is still there: %s", log)
		}
		r.file("../repo/notes.txt", "v2")
	}},
	{say: "undo the last commit and discard changes", dir: "../repo", rule: "git.undo-commit", check: func(r *ran) { r.file("../repo/notes.txt", "v1") }},
	{say: "discard changes to a.txt", dir: "../repo", rule: "git.discard", setup: touchRepo, check: func(r *ran) { r.file("../repo/a.txt", "a") }},
	{say: "unstage a.txt", dir: "../repo", rule: "git.unstage", setup: stageRepo, check: func(r *ran) {
		if d := r.sh("../repo", "git diff --cached"); d != "" {
			r.fail("still staged: %s", d)
		}
	}},
	{say: "stage everything", dir: "../repo", rule: "git.stage", setup: touchRepo, check: func(r *ran) {
		if d := r.sh("../repo", "git diff --cached --name-only"); strings.TrimSpace(d) != "a.txt" {
			r.fail("staged: %q", d)
		}
	}},
	{say: `commit everything with message "fix typo"`, dir: "../repo", rule: "git.commit", setup: touchRepo, check: func(r *ran) {
		if log := r.sh("../repo", "git log --oneline -n 1"); !strings.Contains(log, "fix typo") {
			r.fail("last commit: %s", log)
		}
	}},
	{say: "stash my changes", dir: "../repo", rule: "git.stash", setup: touchRepo, check: func(r *ran) { r.file("../repo/a.txt", "a\n") }},
	{say: "push my changes", dir: "../repo", rule: "git.push", norun: true, check: func(r *ran) { r.cmd("git push") }},
	{say: "pull the latest changes", dir: "../repo", rule: "git.pull", norun: true, check: func(r *ran) { r.cmd("git pull") }},
	{say: "clone https://github.com/user/repo.git", rule: "git.clone", norun: true, check: func(r *ran) { r.cmd("git clone https://github.com/user/repo.git") }},
}

func touchRepo(fx *fixture) { fx.write("../repo/a.txt", "changed\n", 0) }

func stageRepo(fx *fixture) {
	touchRepo(fx)
	fx.git(fx.path("../repo"), "add", "a.txt")
}

// contains checks that an archive lists every name.
func (r *ran) contains(archive string, names ...string) {
	r.t.Helper()
	list := "tar -tzf "
	if strings.HasSuffix(archive, ".zip") {
		list = "unzip -Z1 "
	}
	got := r.sh("", list+shellQuote(archive))
	for _, n := range names {
		if !strings.Contains(got, n) {
			r.fail("%s lacks %s; it has:\n%s", archive, n, got)
		}
	}
}

// cmd checks the command line of a request that is not run.
func (r *ran) cmd(subs ...string) {
	r.t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.in.Command, s) {
			r.fail("command lacks %q", s)
		}
	}
}

// sleeperGone waits for the test's lshsleeper process to end.
func (r *ran) sleeperGone() {
	r.t.Helper()
	select {
	case <-r.fx.sleeperDone:
	case <-time.After(5 * time.Second):
		r.fail("the test's sleep process is still running")
	}
}

// mutates reports whether a case's command changes the fixture, so it needs
// a copy of its own; the others share one.
func (tc runCase) mutates() bool {
	cat, task, _ := strings.Cut(tc.rule, ".")
	switch {
	case tc.setup != nil, cat == "edit", cat == "archive" && task != "list", tc.norun:
		return true
	case cat == "git":
		return task != "status" && task != "log" && task != "branch" && task != "branches" && task != "diff"
	case cat == "proc":
		return true // sleepers are per test
	}
	return false
}

func TestRunRenderedCommands(t *testing.T) {
	host := DetectHost()
	shared := newFixture(t)
	sharedFixture := func(t *testing.T) *fixture {
		fx := *shared
		fx.t = t
		return &fx
	}
	for i, tc := range runCases {
		t.Run(tc.say, func(t *testing.T) {
			t.Parallel()
			var fx *fixture
			if tc.mutates() {
				fx = newFixture(t)
			} else {
				fx = sharedFixture(t)
			}
			if tc.setup != nil {
				tc.setup(fx)
			}
			say := tc.say
			if strings.Contains(say, "{pid}") || strings.Contains(say, "{sleeper") {
				// A name of its own per test, so parallel tests never
				// kill each other's process.
				name := fmt.Sprintf("lshsleep%03dx", i)
				pid := fx.startSleeper(name)
				say = strings.ReplaceAll(say, "{pid}", strconv.Itoa(pid))
				say = strings.ReplaceAll(say, "{sleeper}", name)
				say = strings.ReplaceAll(say, "{sleeperstem}", strings.TrimSuffix(name, "x"))
			}
			port := ""
			if strings.Contains(say, "{port}") || strings.Contains(tc.rule, "net.listening") {
				port = fx.listen()
				say = strings.ReplaceAll(say, "{port}", port)
			}
			r := NewRules(host)
			r.Now = func() time.Time { return fx.now }
			if strings.HasPrefix(tc.dir, "../repo") && !fx.exists("../repo/.git") {
				t.Skip("git is not installed here")
			}
			in, ok := r.Match(Request{Text: say, Dir: fx.path(tc.dir), Home: fx.home})
			if in.Kind == KindAnswer && in.Rule == tc.rule && strings.Contains(in.Explanation, "only commands whose programs are installed") {
				// The rules did their job on a machine without the tool.
				t.Skipf("this machine lacks a program: %s", in.Text)
			}
			if !ok || in.Rule != tc.rule || in.Kind != KindCommand {
				t.Fatalf("Match(%q) = %v, rule %q, kind %q, text %q; want a command from %s", say, ok, in.Rule, in.Kind, in.Text, tc.rule)
			}
			checkCommandIntent(t, host, in)
			res := &ran{t: t, fx: fx, in: in}
			if !tc.norun {
				line := in.Command
				if tc.then != "" {
					line += " && " + tc.then
				}
				res.out, res.stderr, res.status = fx.run(tc.dir, line)
				if res.status != tc.status {
					res.fail("exit status %d, want %d", res.status, tc.status)
				}
			}
			if port != "" {
				res.out = strings.ReplaceAll(res.out, ":"+port, ":{port}")
				res.out = strings.ReplaceAll(res.out, port, "{port}")
			}
			if tc.check != nil {
				tc.check(res)
			}
		})
	}
}

// checkCommandIntent checks what every rules command intent promises: a
// confident rule, an explanation, no risk rating (the caller rates), and
// only installed programs.
func checkCommandIntent(t *testing.T, host *Host, in Intent) {
	t.Helper()
	if in.Confidence < 0.75 {
		t.Errorf("confidence %.2f for %q (%s): %s", in.Confidence, in.Request, in.Rule, in.Explanation)
	}
	if in.Source != SourceRules || in.Explanation == "" || in.Risk.Level != "" {
		t.Errorf("intent %+v: want source rules, an explanation and no risk level", in)
	}
	progs, err := programs(in.Command)
	if err != nil {
		t.Fatalf("command %q does not parse: %v", in.Command, err)
	}
	for _, p := range progs {
		if !shellBuiltins.Get()[p] && !host.Has(p) {
			t.Errorf("command %q runs %q, which is not installed", in.Command, p)
		}
	}
}

// startSleeper starts a copy of sleep under a name of its own, so killing
// it by name touches no other process; the fixture's sleeperDone closes
// when it exits.
func (fx *fixture) startSleeper(name string) int {
	fx.t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		fx.t.Skip("no sleep binary")
	}
	data, err := os.ReadFile(sleep)
	fx.must(err)
	bin := filepath.Join(fx.root, name)
	fx.must(os.WriteFile(bin, data, 0o755))
	cmd := exec.Command(bin, "300")
	fx.must(cmd.Start())
	fx.sleeperDone = make(chan struct{})
	go func() {
		cmd.Wait()
		close(fx.sleeperDone)
	}()
	fx.t.Cleanup(func() {
		cmd.Process.Kill()
		<-fx.sleeperDone
	})
	// Wait until /proc shows the new name, so rules that read it see it.
	for i := 0; i < 100; i++ {
		if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid)); strings.TrimSpace(string(comm)) == name {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cmd.Process.Pid
}

// listen opens a TCP port on localhost for the test's life.
func (fx *fixture) listen() string {
	fx.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	fx.must(err)
	fx.t.Cleanup(func() { l.Close() })
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// TestCatalogueCoverage prints how many phrasings each category is tested
// with, and requires the floor of 150.
func TestCatalogueCoverage(t *testing.T) {
	total := 0
	var parts []string
	cats := map[string]int{}
	for _, tc := range runCases {
		cat, _, _ := strings.Cut(tc.rule, ".")
		cats[cat]++
	}
	for _, tc := range intentCases {
		cat, _, _ := strings.Cut(tc.rule, ".")
		cats[cat]++
	}
	for _, tc := range append(append([]evalCase{}, evalCases...), heldOutCases...) {
		if tc.rule != "" {
			cat, _, _ := strings.Cut(tc.rule, ".")
			cats[cat]++
		}
	}
	for cat, n := range cats {
		parts = append(parts, fmt.Sprintf("%s=%d", cat, n))
		total += n
	}
	sort.Strings(parts)
	t.Logf("phrasings tested: %d (%s)", total, strings.Join(parts, " "))
	if total < 150 {
		t.Errorf("only %d phrasings are tested; the catalogue promises 150+", total)
	}
	tested := map[string]bool{}
	for _, tc := range runCases {
		tested[tc.rule] = true
	}
	for _, tc := range intentCases {
		tested[tc.rule] = true
	}
	for _, tc := range append(append([]evalCase{}, evalCases...), heldOutCases...) {
		tested[tc.rule] = true
	}
	for _, name := range RuleNames() {
		if !tested[name] {
			t.Errorf("rule %s has no test phrasing", name)
		}
	}
}
