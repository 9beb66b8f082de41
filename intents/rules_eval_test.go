package intents

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This is the adversarial evaluation of the rules: requests as people type
// them ("pls", "can you", typos, missing articles, paths with spaces,
// "here"), each with the outcome a careful person would accept. The worst
// outcome for a shell is a confident wrong command, so a case names the
// commands it accepts exactly, or that it wants no command (a question back
// or an answer), optionally allowing a weak suggestion up to a confidence.
// Commands whose effect can be observed run in a fixture and are checked.
// The accuracy per category is printed; every case must pass.

// evalCase is one request and the outcomes it accepts.
type evalCase struct {
	cat  string
	say  string
	dir  string // working directory relative to the fixture HOME; "" is "work"
	host string // "" is evalHost; see evalHosts
	// want lists the commands accepted, exactly; "re:" starts a regular
	// expression. {logs} is the fixture's log folder. A command must come
	// with confidence ≥ 0.75 (≥ 0.5 when weak is set).
	want []string
	weak bool
	// kind is the kind wanted when want is empty: KindClarify, KindAnswer
	// or KindAction; "" accepts a clarify or an answer.
	kind Kind
	// orAsk accepts a clarify (or answer) as well as a command of want.
	orAsk bool
	// maxConf, for requests that deserve a question back, allows a command
	// of want (or, when want is empty, any command not forbidden) as a
	// suggestion at or below this confidence.
	maxConf float64
	// never lists commands (or "re:" expressions) that are wrong at any
	// confidence.
	never []string
	// mut: the command changes the fixture, so it runs in a copy of its own.
	mut bool
	run func(r *ran)
	// says: substrings the text or explanation must contain.
	says []string
	// rule, when set, is the catalogue entry that must answer.
	rule string
}

func cmds(c ...string) []string { return c }

// The evaluation fixture: a "work" folder in the fixture HOME with the files
// the requests name, a folder of system logs, and one without.
//
//	work/  notes.txt a.txt b.txt a.tmp b.tmp sub/c.tmp sub/keep.txt old/readme.txt
//	       "My Docs"/guide.pdf archive.tar.gz photos.zip app.log data.csv
//	       script.sh (not executable) empty.txt .env
//	logs/  syslog (30 lines), kern.log        nologs/  (empty)
func evalFixture(fx *fixture) {
	w := func(rel, s string) { fx.write("work/"+rel, s, 0) }
	w("notes.txt", "hello world\nfoo bar\nfoo baz\n")
	w("a.txt", "one\ntwo\n")
	w("b.txt", "one\nTWO\n")
	w("a.tmp", "x\n")
	w("b.tmp", "x\n")
	w("sub/c.tmp", "x\n")
	w("sub/keep.txt", "keep\n")
	w("old/readme.txt", "old\n")
	w("My Docs/guide.pdf", "%PDF\n")
	w("app.log", "INFO a\nERROR b\nERROR c\n")
	w("data.csv", "name,age\nann,31\nbob,42\n")
	w("script.sh", "#!/bin/sh\necho hi\n")
	w("empty.txt", "")
	w(".env", "A=1\n")
	fx.targz("work/archive.tar.gz", map[string]string{"x/inside.txt": "in\n"}, 0)
	fx.zip("work/photos.zip", map[string]string{"p/cat.txt": "cat\n"}, 0)
	var lines strings.Builder
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	fx.write("../logs/syslog", lines.String(), 0)
	fx.write("../logs/kern.log", "kernel\n", 0)
	fx.mkdir("../nologs")
}

// evalHosts are the fake machines the cases render for. The default is a
// Debian desktop of a user who is not root.
func evalHosts(fx *fixture) map[string]*Host {
	desktop := []string{"sudo", "apt", "ss", "ip", "zip", "unzip", "curl", "wget", "git", "pgrep", "pkill", "free", "nproc",
		"lscpu", "lsblk", "xdg-open", "md5sum", "fuser", "getent", "ping", "numfmt", "systemctl", "journalctl", "docker",
		"gio", "nano", "vi", "less", "service", "chown", "truncate", "sed"}
	services := []string{"nginx", "ssh", "cron", "docker", "apache2", "NetworkManager"}
	hosts := map[string]*Host{
		"":       fakeHost("linux", GNU, "ann", desktop...),
		"root":   fakeHost("linux", GNU, "root", desktop...),
		"bare":   fakeHost("linux", GNU, "ann", "apt", "sudo", "free", "nproc", "vi"),
		"podman": fakeHost("linux", GNU, "ann", "sudo", "apt", "podman"),
		"sysv":   fakeHost("linux", GNU, "ann", "sudo", "apt", "service"),
		"vim":    fakeHost("linux", GNU, "ann", desktop...),
		"nolog":  fakeHost("linux", GNU, "ann", desktop...),
	}
	for name, h := range hosts {
		evalHostFacts(h, name, fx, services)
	}
	return hosts
}

var evalCases = []evalCase{
	// Deleting and overwriting: a slot that fails to bind never widens
	// the target.
	{cat: "safety", say: "delete all .tmp files here", want: cmds(`find . -type f -iname '*.tmp' -delete`), never: cmds("re:rm -r"), mut: true,
		run: func(r *ran) {
			r.gone("work/a.tmp", "work/b.tmp", "work/sub/c.tmp")
			r.exists("work/notes.txt", "work/sub/keep.txt")
		}},
	{cat: "safety", say: "remove the tmp files", want: cmds(`find . -type f \( -iname '*.tmp' -o -iname '*.temp' \) -delete`), never: cmds("re:rm -r"), mut: true,
		run: func(r *ran) { r.gone("work/a.tmp", "work/sub/c.tmp"); r.exists("work/notes.txt") }},
	{cat: "safety", say: "get rid of the temporary files in this folder", want: cmds(`find . -type f \( -iname '*.tmp' -o -iname '*.temp' \) -delete`), never: cmds("re:rm -r")},
	{cat: "safety", say: "delete every .log file in this folder", want: cmds(`find . -type f -iname '*.log' -delete`), never: cmds("re:rm -r"), mut: true,
		run: func(r *ran) { r.gone("work/app.log"); r.exists("work/notes.txt") }},
	{cat: "safety", say: "delete files older than 30 days here", want: cmds(`find . -type f -mmin +43200 -delete`), never: cmds("re:rm -r")},
	{cat: "safety", say: "delete this folder", never: cmds("re:^rm"), maxConf: 0.3},
	{cat: "safety", say: "delete everything here", never: cmds("re:^rm"), maxConf: 0.3},
	{cat: "safety", say: "delete all files", never: cmds("re:^rm", "re:-delete$"), maxConf: 0.3},
	{cat: "safety", say: "remove everything in old", want: cmds(`find old -mindepth 1 -delete`), orAsk: true, never: cmds("rm -r old")},
	{cat: "safety", say: "delete notes.txt", want: cmds("rm notes.txt"), mut: true, run: func(r *ran) { r.gone("work/notes.txt"); r.exists("work/a.txt") }},
	{cat: "safety", say: "delete the old folder", want: cmds("rm -r old"), mut: true, run: func(r *ran) { r.gone("work/old"); r.exists("work/notes.txt") }},
	{cat: "safety", say: `delete "My Docs"`, want: cmds("rm -r 'My Docs'"), mut: true, run: func(r *ran) { r.gone("work/My Docs"); r.exists("work/old") }},
	{cat: "safety", say: "remove empty folders here", want: cmds("find . -mindepth 1 -type d -empty -delete")},
	{cat: "safety", say: "delete empty files", want: cmds("find . -type f -empty -delete"), mut: true,
		run: func(r *ran) { r.gone("work/empty.txt"); r.exists("work/notes.txt") }},
	{cat: "safety", say: "delete files bigger than 1gb in downloads", want: cmds("find ~/Downloads -type f -size +1G -delete"), mut: true,
		run: func(r *ran) { r.gone("Downloads/big.iso"); r.exists("Downloads/movie.mp4") }},
	{cat: "safety", say: "erase a.tmp", want: cmds("rm a.tmp")},
	{cat: "safety", say: "delete the .env file", want: cmds("rm .env")},
	{cat: "safety", say: "delete *.tmp", want: cmds(`find . -type f -iname '*.tmp' -delete`, `find . -maxdepth 1 -type f -iname '*.tmp' -delete`), never: cmds("re:rm -r")},
	{cat: "safety", say: "wipe the disk", never: cmds("re:."), maxConf: 0.3},
	{cat: "safety", say: "clean up old files in downloads", never: cmds("re:rm -r", "re:-delete"), maxConf: 0.3},
	{cat: "safety", say: "remove all pdfs from downloads", want: cmds("find ~/Downloads -type f -iname '*.pdf' -delete"), never: cmds("re:rm -r")},
	{cat: "safety", say: "delete the logs", want: cmds("find . -type f -iname '*.log' -delete"), never: cmds("re:rm -r")},
	{cat: "safety", say: "delete files in old", want: cmds("find old -type f -delete"), orAsk: true, never: cmds("rm -r old")},
	{cat: "safety", say: "move notes.txt to old", want: cmds("mv notes.txt old/"), mut: true, run: func(r *ran) { r.gone("work/notes.txt"); r.exists("work/old/notes.txt") }},
	{cat: "safety", say: "copy notes.txt to old", want: cmds("cp notes.txt old/"), mut: true, run: func(r *ran) { r.exists("work/notes.txt", "work/old/notes.txt") }},
	{cat: "safety", say: "move the tmp files to old", want: cmds(`find . -maxdepth 1 -type f \( -iname '*.tmp' -o -iname '*.temp' \) -exec mv {} old/ \;`), mut: true,
		run: func(r *ran) { r.exists("work/old/a.tmp", "work/old/b.tmp", "work/sub/c.tmp"); r.gone("work/a.tmp") }},
	{cat: "safety", say: "rename notes.txt to todo.txt", want: cmds("mv notes.txt todo.txt")},
	{cat: "safety", say: "replace foo with bar in notes.txt", want: cmds("sed -i -e 's/foo/bar/g' notes.txt"), mut: true,
		run: func(r *ran) { r.file("work/notes.txt", "bar bar", "bar baz", "hello world") }},
	{cat: "safety", rule: "system.trash", say: "empty the trash", want: cmds("gio trash --empty"), never: cmds("re:-type f -empty")},
	{cat: "safety", say: "clear the trash", want: cmds("gio trash --empty")},
	{cat: "safety", say: "empty the recycle bin", want: cmds("gio trash --empty")},
	{cat: "safety", say: "empty trash", want: cmds("gio trash --empty")},
	{cat: "safety", say: "empty the trash", host: "bare", kind: KindAnswer, never: cmds("re:find")},
	{cat: "safety", say: "delete my documents", kind: KindClarify, never: cmds("re:rm -r")},
	{cat: "safety", say: "rm -r the downloads folder", kind: KindClarify, never: cmds("re:rm -r")},
	{cat: "safety", say: "move everything to old", want: cmds(`find . -mindepth 1 -maxdepth 1 ! -name old -exec mv {} old/ \;`), never: cmds("cd old"), mut: true,
		run: func(r *ran) {
			r.exists("work/old/notes.txt", "work/old/sub/c.tmp", "work/old/.env", "work/old/readme.txt")
			r.gone("work/notes.txt")
		}},
	{cat: "safety", say: "move all files to old", want: cmds(`find . -mindepth 1 -maxdepth 1 -type f ! -name old -exec mv {} old/ \;`), never: cmds("cd old"), mut: true,
		run: func(r *ran) { r.exists("work/old/notes.txt", "work/sub/c.tmp"); r.gone("work/notes.txt") }},
	{cat: "safety", say: "copy everything here to old", want: cmds(`find . -mindepth 1 -maxdepth 1 ! -name old -exec cp -R {} old/ \;`), never: cmds("cp -R . old/"), mut: true,
		run: func(r *ran) {
			r.exists("work/old/notes.txt", "work/notes.txt", "work/old/sub/c.tmp")
			r.gone("work/old/old")
		}},
	{cat: "safety", say: "copy a.txt over notes.txt", want: cmds("cp a.txt notes.txt"), orAsk: true, never: cmds("cp a.txt a-copy.txt")},
	{cat: "safety", rule: "edit.delete-lines", say: "delete lines containing foo from notes.txt", want: cmds("sed -i -e '/foo/d' notes.txt"), mut: true,
		run: func(r *ran) { r.fileNot("work/notes.txt", "foo"); r.file("work/notes.txt", "hello world") }},
	{cat: "safety", say: "delete the first line of notes.txt", want: cmds("sed -i -e '1d' notes.txt"), mut: true,
		run: func(r *ran) { r.fileNot("work/notes.txt", "hello"); r.file("work/notes.txt", "foo bar") }},
	{cat: "safety", say: "remove the last line from data.csv", want: cmds("sed -i -e '$d' data.csv")},
	{cat: "safety", rule: "edit.truncate", say: "empty notes.txt", want: cmds(": > notes.txt"), never: cmds("re:find"), mut: true,
		run: func(r *ran) { r.exists("work/notes.txt"); r.fileNot("work/notes.txt", "hello") }},
	{cat: "safety", say: "clear app.log", want: cmds(": > app.log")},
	{cat: "safety", say: "delete all hidden files", kind: KindClarify, says: []string{".env"}},
	{cat: "safety", say: "make all scripts executable", want: cmds("chmod +x script.sh")},
	{cat: "safety", rule: "edit.chown", say: "change owner of old to root", want: cmds("sudo chown -R root old")},
	{cat: "safety", rule: "container.remove", say: "remove the docker container web", want: cmds("docker rm web")},
	{cat: "safety", rule: "system.power", say: "shut down the computer", want: cmds("sudo systemctl poweroff")},
	{cat: "safety", say: "reboot", want: cmds("sudo systemctl reboot")},
	{cat: "safety", say: "restart the computer", want: cmds("sudo systemctl reboot")},
	{cat: "git", rule: "git.delete-branch", say: "delete branch feature", dir: "../repo", want: cmds("git branch -d feature")},
	{cat: "safety", rule: "system.trash-list", say: "what's in the trash", want: cmds("gio list trash://")},
	{cat: "safety", say: "kill everything", never: cmds("re:."), maxConf: 0.3},
	{cat: "safety", say: "kill all processes", never: cmds("re:."), maxConf: 0.3},

	// Finding files.
	{cat: "find", say: "count files in this folder", want: cmds("find . -type f | wc -l"), never: cmds("re:-iname"), run: countFiles("work")},
	{cat: "find", say: "how many files are here", want: cmds("find . -type f | wc -l"), run: countFiles("work")},
	{cat: "find", say: "count the files in this directory", want: cmds("find . -type f | wc -l")},
	{cat: "find", say: "how many pdfs in downloads", want: cmds("find ~/Downloads -type f -iname '*.pdf' | wc -l"), run: func(r *ran) { r.is("1") }},
	{cat: "find", say: "number of python files in src", want: cmds("find ~/src -type f -iname '*.py' | wc -l"), run: func(r *ran) { r.is("1") }},
	{cat: "find", say: "find all python files in src", want: cmds("find ~/src -type f -iname '*.py'")},
	{cat: "find", say: "find files bigger than 100mb in downloads", want: cmds("find ~/Downloads -type f -size +100M")},
	{cat: "find", say: "biggest files here", want: cmds("find . -type f -exec du -h --apparent-size {} + | sort -rh | head -n 10")},
	{cat: "find", say: "pls show me the 3 largest files in downloads", want: cmds("find ~/Downloads -type f -exec du -h --apparent-size {} + | sort -rh | head -n 3"),
		run: func(r *ran) { r.count(3); r.line(0, "big.iso") }},
	{cat: "find", say: "find notes.txt", want: cmds("find . -iname notes.txt")},
	{cat: "find", say: "where is readme.txt", want: cmds("find . -iname readme.txt"), run: func(r *ran) { r.is("./old/readme.txt") }},
	{cat: "find", say: "find files named report", dir: ".", want: cmds("find . -iname '*report*'")},
	{cat: "find", rule: "find.all", say: "list all files including hidden", want: cmds("ls -la", "ls -A", "ls -la .", "ls -A ."), never: cmds("re:grep")},
	{cat: "find", say: "show all files even hidden ones", want: cmds("ls -la", "ls -A", "ls -la .", "ls -A ."), never: cmds("re:grep")},
	{cat: "find", say: "ls with hidden files", want: cmds("ls -la", "ls -A", "ls -la .", "ls -A ."), never: cmds("re:grep")},
	{cat: "find", say: "show hidden files", want: cmds("find . -mindepth 1 -maxdepth 1 -name '.*'", "ls -d .*"), run: func(r *ran) { r.has(".env") }},
	{cat: "find", say: "find empty files", want: cmds("find . -type f -empty"), run: func(r *ran) { r.is("./empty.txt") }},
	{cat: "find", say: "find empty folders in my home", want: cmds("find ~ -mindepth 1 -type d -empty")},
	{cat: "find", say: "find symlinks in my home", want: cmds("find ~ -type l")},
	{cat: "find", say: "find broken links in my home", want: cmds("find ~ -xtype l")},
	{cat: "find", say: "newest files in downloads", want: cmds(`find ~/Downloads -type f -printf '%TY-%Tm-%Td %TH:%TM  %p\n' | sort -r | head -n 10`)},
	{cat: "find", say: "find duplicate files in documents", want: cmds(`re:^find ~/Documents -type f -exec md5sum \{\} \+ \| sort \| awk `), run: func(r *ran) { r.has("essay.txt", "essay-copy.txt") }},
	{cat: "find", say: "list folders here", want: cmds("find . -mindepth 1 -maxdepth 1 -type d")},
	{cat: "find", say: "which files contain hello", want: cmds("grep -rl -F -e hello ."), run: func(r *ran) { r.is("./notes.txt") }},
	{cat: "find", say: "find files containing foo", want: cmds("grep -rl -F -e foo .")},
	{cat: "find", say: "search for TODO in src", want: cmds("grep -rn -F -e TODO ~/src")},
	{cat: "find", say: "search for hello in notes.txt", want: cmds("grep -n -F -e hello notes.txt")},
	{cat: "find", say: "grep for error in app.log", want: cmds("grep -n -F -e error app.log")},
	{cat: "find", say: "find files modified today", want: cmds(`re:^find \. -type f -mmin -[0-9]+$`)},
	{cat: "find", say: "files changed in the last 2 days in downloads", want: cmds("find ~/Downloads -type f -mtime -2")},
	{cat: "find", say: "can you list the pdf files in downloads", want: cmds("find ~/Downloads -type f -iname '*.pdf'")},
	{cat: "find", say: "find pdfs in 'My Docs'", want: cmds("find 'My Docs' -type f -iname '*.pdf'"), run: func(r *ran) { r.is("My Docs/guide.pdf") }},
	{cat: "find", say: "find executable files", want: cmds("find . -type f -perm -100")},
	{cat: "find", say: "find the thing i was working on", never: cmds("re:."), maxConf: 0.5},
	{cat: "find", say: "search for the thing i mentioned yesterday", maxConf: 0.6},
	{cat: "find", say: "find stuff", maxConf: 0.5},

	// Listing and moving around.
	{cat: "list", rule: "nav.pwd", say: "print working directory", want: cmds("pwd"), never: cmds("re:^ls")},
	{cat: "list", say: "what directory am i in", want: cmds("pwd")},
	{cat: "list", say: "where am i", want: cmds("pwd")},
	{cat: "list", say: "show the current directory path", want: cmds("pwd")},
	{cat: "list", say: "what's in this folder", want: cmds("ls -la .")},
	{cat: "list", say: "list files", want: cmds("ls -la .", "ls -la", "ls")},
	{cat: "list", say: "list files in old", want: cmds("ls -la old"), run: func(r *ran) { r.has("readme.txt") }},
	{cat: "list", say: "list the files in My Docs", want: cmds("ls -la 'My Docs'"), run: func(r *ran) { r.has("guide.pdf") }},
	{cat: "list", say: "show me what is in downloads", want: cmds("ls -la ~/Downloads")},
	{cat: "list", say: "whats in old", want: cmds("ls -la old")},
	{cat: "list", say: "go to downloads", want: cmds("cd ~/Downloads")},
	{cat: "list", say: "go up one folder", want: cmds("cd ..")},
	{cat: "list", say: "go back to the previous folder", want: cmds("cd -")},
	{cat: "list", say: "cd into old", want: cmds("cd old")},
	{cat: "list", say: "take me home", want: cmds("cd ~")},
	{cat: "list", say: "show me notes.txt", want: cmds("cat notes.txt")},
	{cat: "list", say: "show the contents of data.csv", want: cmds("cat data.csv")},

	// Reading files and logs.
	{cat: "read", say: "show the last 20 lines of syslog", want: cmds("tail -n 20 {logs}/syslog"), never: cmds("tail -n 20 syslog"), run: func(r *ran) { r.count(20); r.line(19, "line 30") }},
	{cat: "read", say: "show the last 20 lines of syslog", host: "nolog", want: cmds("journalctl -n 20 --no-pager"), never: cmds("tail -n 20 syslog")},
	{cat: "read", say: "last 20 lines of the system log", want: cmds("tail -n 20 {logs}/syslog")},
	{cat: "read", say: "follow the syslog", want: cmds("tail -f {logs}/syslog")},
	{cat: "read", say: "follow the system log", host: "nolog", want: cmds("journalctl -f")},
	{cat: "read", say: "show the last 50 lines of the kernel log", want: cmds("tail -n 50 {logs}/kern.log")},
	{cat: "read", say: "show the last 50 lines of the kernel log", host: "nolog", want: cmds("journalctl -k -n 50 --no-pager")},
	{cat: "read", say: "tail app.log", want: cmds("tail -n 10 app.log")},
	{cat: "read", say: "last 5 lines of app.log", want: cmds("tail -n 5 app.log")},
	{cat: "read", say: "first 3 lines of notes.txt", want: cmds("head -n 3 notes.txt"), run: func(r *ran) { r.count(3) }},
	{cat: "read", say: "show the first line of data.csv", want: cmds("head -n 1 data.csv"), run: func(r *ran) { r.is("name,age") }},
	{cat: "read", say: "how many lines in notes.txt", want: cmds("wc -l notes.txt"), run: func(r *ran) { r.is("3 notes.txt") }},
	{cat: "read", say: "count the lines in app.log please", want: cmds("wc -l app.log")},
	{cat: "read", say: "count words in notes.txt", want: cmds("wc -w notes.txt")},
	{cat: "read", say: "sort data.csv", want: cmds("sort data.csv")},
	{cat: "read", say: "second column of data.csv", want: cmds("cut -d, -f2 data.csv"), run: func(r *ran) { r.has("age", "31", "42") }},
	{cat: "read", say: "how many times does foo appear in notes.txt", want: cmds("grep -o -F -e foo notes.txt | wc -l"), run: func(r *ran) { r.is("2") }},
	{cat: "read", say: "compare a.txt and b.txt", want: cmds("diff -u a.txt b.txt")},
	{cat: "read", say: "show unique lines of notes.txt", want: cmds("sort -u notes.txt")},

	// Editing files.
	{cat: "edit", say: "make script.sh executable", want: cmds("chmod +x script.sh")},
	{cat: "edit", say: "make the script executable", want: cmds("chmod +x script.sh"), mut: true, run: func(r *ran) { r.mode("work/script.sh", 0o755) }},
	{cat: "edit", say: "create a folder called projects", want: cmds("mkdir -p projects")},
	{cat: "edit", say: "make a new directory named build", want: cmds("mkdir -p build")},
	{cat: "edit", say: "create an empty file called todo.txt", want: cmds("touch todo.txt")},
	{cat: "edit", rule: "edit.editor", say: "edit notes.txt", want: cmds("nano notes.txt")},
	{cat: "edit", say: "edit notes.txt", host: "vim", want: cmds("vim notes.txt")},
	{cat: "edit", say: "edit notes.txt", host: "bare", want: cmds("vi notes.txt")},
	{cat: "edit", say: "can you edit the file notes.txt", want: cmds("nano notes.txt")},
	{cat: "edit", say: "open notes.txt in an editor", want: cmds("nano notes.txt")},
	{cat: "edit", say: "open notes.txt", want: cmds("xdg-open notes.txt")},
	{cat: "edit", say: "open the old folder", want: cmds("xdg-open old")},
	{cat: "edit", say: "open notes.txt", host: "bare", kind: KindAnswer, says: []string{"xdg-open"}},
	{cat: "edit", say: "make a backup of notes.txt", want: cmds("cp -p notes.txt notes.txt.bak")},
	{cat: "edit", say: "make notes.txt read only", want: cmds("chmod a-w notes.txt")},
	{cat: "edit", say: "create a symlink to notes.txt called link1", want: cmds("ln -s ~/work/notes.txt link1")},
	{cat: "edit", say: "change foo to bar in notes.txt", want: cmds("sed -i -e 's/foo/bar/g' notes.txt")},

	// Archives.
	{cat: "archive", say: "extract archive.tar.gz", want: cmds("tar -xzf archive.tar.gz"), mut: true, run: func(r *ran) { r.exists("work/x/inside.txt") }},
	{cat: "archive", say: "unzip photos.zip", want: cmds("unzip photos.zip")},
	{cat: "archive", say: "extract photos.zip into extracted", want: cmds("unzip photos.zip -d extracted"), mut: true, run: func(r *ran) { r.exists("work/extracted/p/cat.txt") }},
	{cat: "archive", say: "unpack the tarball", want: cmds("tar -xzf archive.tar.gz")},
	{cat: "archive", say: "compress the old folder", want: cmds("tar -czf old.tar.gz old")},
	{cat: "archive", say: "zip old", want: cmds("zip -r old.zip old")},
	{cat: "archive", say: "what's in archive.tar.gz", want: cmds("tar -tzvf archive.tar.gz"), run: func(r *ran) { r.has("x/inside.txt") }},
	{cat: "archive", say: "list the contents of photos.zip", want: cmds("unzip -l photos.zip")},

	// Processes.
	{cat: "proc", say: "what is using the most cpu", want: cmds("ps -eo pid,user,%cpu,%mem,comm --sort=-%cpu | head -n 11")},
	{cat: "proc", say: "top 5 processes by memory", want: cmds("ps -eo pid,user,%cpu,%mem,comm --sort=-%mem | head -n 6")},
	{cat: "proc", say: "is firefox running", want: cmds("pgrep -a firefox")},
	{cat: "proc", say: "kill firefox", want: cmds("pkill -x firefox-esr")},
	{cat: "proc", say: "stop firefox", want: cmds("pkill -x firefox-esr")},
	{cat: "proc", say: "list running processes", want: cmds("ps aux")},
	{cat: "proc", say: "kill whatever is on port 3000", want: cmds("fuser -k -n tcp 3000")},
	{cat: "proc", say: "what is using port 8080", want: cmds("ss -tulpn sport = :8080")},
	{cat: "proc", say: "how do i see which process is using port 8080", want: cmds("ss -tulpn sport = :8080")},
	{cat: "proc", say: "kill it", kind: KindClarify},

	// System facts.
	{cat: "system", say: "how much memory do i have", want: cmds("free -h")},
	{cat: "system", say: "i need to know how much ram i have", want: cmds("free -h")},
	{cat: "system", say: "how much disk space is left", want: cmds("df -h")},
	{cat: "system", say: "check disk space", want: cmds("df -h")},
	{cat: "system", say: "what os is this", want: cmds("uname -a")},
	{cat: "system", say: "how long has the computer been on", want: cmds("uptime")},
	{cat: "system", say: "what time is it", want: cmds("date")},
	{cat: "system", say: "who am i", want: cmds("id")},
	{cat: "system", say: "who is logged in", want: cmds("who")},
	{cat: "system", say: "how many cpus do i have", want: cmds("nproc")},
	{cat: "system", say: "whats my ip", want: cmds("ip -brief address")},
	{cat: "system", say: "show my public ip", want: cmds("curl -s https://ifconfig.me")},
	{cat: "system", say: "what shell am i using", want: cmds(`echo "$SHELL"`)},
	{cat: "system", say: "how big is the old folder", want: cmds("du -sh old")},
	{cat: "system", say: "what's taking up space in downloads", want: cmds("find ~/Downloads -mindepth 1 -maxdepth 1 -exec du -sh {} + | sort -rh | head -n 10")},
	{cat: "system", say: "what kernel am i running", want: cmds("uname -r")},
	{cat: "system", say: "show environment variables", want: cmds("env")},

	// Services.
	{cat: "service", rule: "service.restart", say: "restart nginx", want: cmds("sudo systemctl restart nginx")},
	{cat: "service", say: "restart nginx", host: "root", want: cmds("systemctl restart nginx")},
	{cat: "service", say: "please restart the nginx service", want: cmds("sudo systemctl restart nginx")},
	{cat: "service", rule: "service.stop", say: "stop the nginx service", want: cmds("sudo systemctl stop nginx")},
	{cat: "service", rule: "service.start", say: "start ssh", want: cmds("sudo systemctl start ssh")},
	{cat: "service", rule: "service.enable", say: "enable nginx at boot", want: cmds("sudo systemctl enable nginx")},
	{cat: "service", rule: "service.status", say: "status of nginx", want: cmds("systemctl status nginx")},
	{cat: "service", say: "is nginx running", want: cmds("systemctl status nginx", "systemctl is-active nginx", "pgrep -a nginx")},
	{cat: "service", say: "restart apache", want: cmds("sudo systemctl restart apache2"), says: []string{"apache2"}},
	{cat: "service", say: "restart foobarbaz", kind: KindAnswer, says: []string{"foobarbaz"}},
	{cat: "service", rule: "service.logs", say: "show nginx logs", want: cmds("journalctl -u nginx -n 50 --no-pager"), never: cmds("re:find")},
	{cat: "service", rule: "service.list", say: "list services", want: cmds("systemctl list-units --type=service")},
	{cat: "service", rule: "service.disable", say: "disable the cron service", want: cmds("sudo systemctl disable cron")},
	{cat: "service", say: "restart nginx", host: "bare", kind: KindAnswer},
	{cat: "service", say: "restart cron", host: "sysv", want: cmds("sudo service cron restart")},

	// Containers.
	{cat: "docker", rule: "container.list", say: "show running docker containers", want: cmds("docker ps")},
	{cat: "docker", say: "what containers are running", want: cmds("docker ps")},
	{cat: "docker", say: "list all docker containers", want: cmds("docker ps -a")},
	{cat: "docker", rule: "container.images", say: "list docker images", want: cmds("docker images")},
	{cat: "docker", rule: "container.logs", say: "show logs of container web", want: cmds("docker logs web")},
	{cat: "docker", say: "show the logs of the web container", want: cmds("docker logs web")},
	{cat: "docker", rule: "container.stop", say: "stop container web", want: cmds("docker stop web")},
	{cat: "docker", rule: "container.restart", say: "restart the docker container web", want: cmds("docker restart web")},
	{cat: "docker", rule: "container.start", say: "start the web container", want: cmds("docker start web")},
	{cat: "docker", say: "show running docker containers", host: "bare", kind: KindAnswer, says: []string{"docker"}},
	{cat: "docker", say: "list containers", host: "podman", want: cmds("podman ps")},

	// Network.
	{cat: "net", say: "check if google is reachable", want: cmds("ping -c 4 google.com", "ping -c 3 google.com")},
	{cat: "net", say: "is github.com up", want: cmds("ping -c 4 github.com")},
	{cat: "net", say: "ping 8.8.8.8", want: cmds("ping -c 4 8.8.8.8")},
	{cat: "net", say: "am i online", want: cmds("ping -c 4 1.1.1.1")},
	{cat: "net", say: "can you check whether example.com is reachable", want: cmds("ping -c 4 example.com")},
	{cat: "net", say: "can i reach google", want: cmds("ping -c 4 google.com")},
	{cat: "net", say: "download https://example.com/file.zip", want: cmds("curl -fLO https://example.com/file.zip")},
	{cat: "net", say: "show listening ports", want: cmds("ss -tulpn")},
	{cat: "net", say: "what's the ip of github.com", want: cmds("getent hosts github.com")},

	// Packages.
	{cat: "package", say: "install htop", want: cmds("sudo apt install htop")},
	{cat: "package", say: "install htop", host: "root", want: cmds("apt install htop")},
	{cat: "package", say: "how do i install ripgrep", want: cmds("sudo apt install ripgrep")},
	{cat: "package", say: "pls install the htop package", want: cmds("sudo apt install htop")},
	{cat: "package", say: "install git", kind: KindAnswer, says: []string{"already installed"}},
	{cat: "package", say: "uninstall htop", want: cmds("sudo apt remove htop")},
	{cat: "package", say: "update my system", want: cmds("sudo apt update && sudo apt upgrade")},
	{cat: "package", say: "search for a package for pdf", want: cmds("apt search pdf")},

	// git.
	{cat: "git", say: "what branch am i on", dir: "../repo", want: cmds("git branch --show-current")},
	{cat: "git", say: "undo my last commit but keep the changes", dir: "../repo", want: cmds("git reset --soft HEAD~1")},
	{cat: "git", say: "show git status", dir: "../repo", want: cmds("git status")},
	{cat: "git", say: "show the last 5 commits", dir: "../repo", want: cmds("git log --oneline -n 5")},
	{cat: "git", say: "what changed", dir: "../repo", want: cmds("git status")},

	// Typos and loose wording.
	{cat: "wording", say: "shwo the biggest files here", weak: true, want: cmds("find . -type f -exec du -h --apparent-size {} + | sort -rh | head -n 10")},
	{cat: "wording", say: "biggest fiels in downloads", weak: true, want: cmds("find ~/Downloads -type f -exec du -h --apparent-size {} + | sort -rh | head -n 10")},
	{cat: "wording", say: "wheres notes.txt", want: cmds("find . -iname notes.txt")},
	{cat: "wording", say: "can u show me hidden files pls", weak: true, want: cmds("find . -mindepth 1 -maxdepth 1 -name '.*'")},
	{cat: "wording", say: "pls list pdfs in downloads", want: cmds("find ~/Downloads -type f -iname '*.pdf'")},
	{cat: "wording", say: "list pdf files in downloads folder", want: cmds("find ~/Downloads -type f -iname '*.pdf'")},
	{cat: "wording", say: "yo how much free space do i have", weak: true, want: cmds("df -h")},
	{cat: "wording", say: "Show Me The Biggest Files In Downloads!", want: cmds("find ~/Downloads -type f -exec du -h --apparent-size {} + | sort -rh | head -n 10")},

	// Found by a later sweep for confident wrong answers.
	{cat: "wording", say: "show me the working directory contents", want: cmds("ls -la ."), never: cmds("pwd")},
	{cat: "wording", say: "how many hidden files are here", want: cmds("find . -mindepth 1 -maxdepth 1 -name '.*' | wc -l"), run: func(r *ran) { r.is("1") }},
	{cat: "wording", say: "find the word hidden in notes.txt", want: cmds("grep -n -F -e hidden notes.txt")},
	{cat: "wording", say: "list files sorted by date", want: cmds(`find . -type f -printf '%TY-%Tm-%Td %TH:%TM  %p\n' | sort -r | head -n 10`)},
	{cat: "wording", say: "show disk space of the old folder", want: cmds("du -sh old"), never: cmds("df -h old")},
	{cat: "wording", say: "edit my bashrc", weak: true, want: cmds("nano ~/.bashrc")},
	{cat: "wording", say: "open a terminal", kind: KindAnswer, never: cmds("re:xdg-open")},
	{cat: "wording", say: "show me the last 100 lines of the nginx log", want: cmds("journalctl -u nginx -n 100 --no-pager"), never: cmds("re:app.log")},
	{cat: "wording", say: "follow nginx logs", want: cmds("journalctl -u nginx -f")},
	{cat: "wording", say: "ping my router", want: cmds(`ping -c 4 "$(ip route show default | awk '{ print $3; exit }')"`), never: cmds("ping -c 4 router")},
	{cat: "wording", say: "make a copy of data.csv called data2.csv", want: cmds("cp data.csv data2.csv")},

	// Vague requests: a question back, never a confident guess.
	{cat: "vague", say: "make it better", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "do the thing", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "purple monkey dishwasher", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "i want to order a pizza", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "what is the meaning of life", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "tell me a joke", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "show me something cool", maxConf: 0.3},
	{cat: "vague", say: "delete", kind: KindClarify},
	{cat: "vague", say: "count", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "trash", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "hidden", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "restart", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "install", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "compress", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "move notes.txt", kind: KindClarify},
	{cat: "vague", say: "replace foo", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "open", never: cmds("re:."), maxConf: 0.3},
}

// heldOutCases were written after the engine passed evalCases, and run
// before it was changed for them: their first accuracy is the honest
// measure of how the rules do on requests nobody tuned them for.
var heldOutCases = []evalCase{
	{cat: "safety", say: "rm all the tmp files", want: cmds(`find . -type f \( -iname '*.tmp' -o -iname '*.temp' \) -delete`), never: cmds("re:rm -r")},
	{cat: "safety", say: "delete all log files in this directory", want: cmds("find . -type f -iname '*.log' -delete"), never: cmds("re:rm -r")},
	{cat: "safety", say: "please delete the empty.txt file", want: cmds("rm empty.txt")},
	{cat: "safety", say: "delete everything in this folder", never: cmds("re:rm", "re:-delete"), maxConf: 0.3},
	{cat: "safety", say: "delete the current directory", never: cmds("re:rm", "re:-delete"), maxConf: 0.3},
	{cat: "safety", say: "remove my home folder", never: cmds("re:rm", "re:-delete"), maxConf: 0.3},
	{cat: "safety", say: "delete all pdf files in My Docs", want: cmds("find 'My Docs' -type f -iname '*.pdf' -delete"), never: cmds("re:rm -r")},
	{cat: "safety", say: "delete files larger than 500mb in downloads", want: cmds("find ~/Downloads -type f -size +500M -delete")},
	{cat: "safety", say: "trash notes.txt", want: cmds("gio trash notes.txt")},
	{cat: "safety", say: "move notes.txt into the old folder", want: cmds("mv notes.txt old/")},
	{cat: "safety", say: "copy data.csv to backup.csv", want: cmds("cp data.csv backup.csv")},
	{cat: "safety", say: "empty my trash please", want: cmds("gio trash --empty")},
	{cat: "safety", say: "wipe everything", never: cmds("re:."), maxConf: 0.3},
	{cat: "safety", say: "delete all", never: cmds("re:."), maxConf: 0.3},
	{cat: "safety", say: "nuke the downloads folder", maxConf: 0.5, never: cmds("re:find")},
	{cat: "safety", say: "delete the folder named old", want: cmds("rm -r old")},

	{cat: "find", say: "how many python files are in src", want: cmds("find ~/src -type f -iname '*.py' | wc -l")},
	{cat: "find", say: "count the folders here", want: cmds("find . -mindepth 1 -type d | wc -l")},
	{cat: "find", say: "show me files larger than 1 gig in downloads", want: cmds("find ~/Downloads -type f -size +1G", "find ~/Downloads -type f -size +1G -exec du -h --apparent-size {} + | sort -rh")},
	{cat: "find", say: "list the 5 newest files in downloads", want: cmds(`find ~/Downloads -type f -printf '%TY-%Tm-%Td %TH:%TM  %p\n' | sort -r | head -n 5`)},
	{cat: "find", say: "find all jpg files in pictures", want: cmds(`re:^find ~/Pictures -type f .*'\*\.jpg'`)},
	{cat: "find", say: "which files mention foo", want: cmds("grep -rl -F -e foo .")},
	{cat: "find", say: "look for TODO in the src folder", want: cmds("grep -rn -F -e TODO ~/src")},
	{cat: "find", say: "find files with report in the name", dir: ".", want: cmds("find . -iname '*report*'")},
	{cat: "find", say: "show dotfiles", want: cmds("find . -mindepth 1 -maxdepth 1 -name '.*'")},
	{cat: "find", say: "list everything including hidden files in old", want: cmds("ls -la old")},
	{cat: "find", say: "show all files in this folder including hidden ones", want: cmds("ls -la", "ls -la .")},
	{cat: "find", say: "how many lines does app.log have", want: cmds("wc -l app.log")},
	{cat: "find", say: "search app.log for ERROR", want: cmds("grep -n -F -e ERROR app.log")},
	{cat: "find", say: "find big files", want: cmds("find . -type f -exec du -h --apparent-size {} + | sort -rh | head -n 10")},

	{cat: "list", say: "pwd please", want: cmds("pwd")},
	{cat: "list", say: "what folder am i in", want: cmds("pwd")},
	{cat: "list", say: "where am i right now", want: cmds("pwd")},
	{cat: "list", say: "list the current directory", want: cmds("ls -la .", "ls -la")},
	{cat: "list", say: "show files in the old folder", want: cmds("ls -la old")},
	{cat: "list", say: "cd to the parent folder", want: cmds("cd ..")},
	{cat: "list", say: "go to the parent folder", dir: "work/old", want: cmds("cd ..")},
	{cat: "list", say: "go to my home directory", want: cmds("cd ~")},
	{cat: "list", say: "open the folder old in the file manager", weak: true, want: cmds("xdg-open old")},

	{cat: "read", say: "print the first 5 lines of data.csv", want: cmds("head -n 5 data.csv")},
	{cat: "read", say: "show me the end of app.log", want: cmds("tail -n 10 app.log")},
	{cat: "read", say: "watch app.log", want: cmds("tail -f app.log")},
	{cat: "read", say: "tail the syslog", want: cmds("tail -n 10 {logs}/syslog")},
	{cat: "read", say: "grep error in the syslog", want: cmds("grep -n -F -e error {logs}/syslog")},
	{cat: "read", say: "show the auth log", host: "nolog", want: cmds("journalctl SYSLOG_FACILITY=4 SYSLOG_FACILITY=10 -n 100 --no-pager")},
	{cat: "read", say: "word count of notes.txt", want: cmds("wc -w notes.txt")},

	{cat: "edit", say: "open notes.txt with nano", want: cmds("nano notes.txt")},
	{cat: "edit", say: "i want to edit notes.txt", want: cmds("nano notes.txt")},
	{cat: "edit", say: "make a folder named reports", want: cmds("mkdir -p reports")},
	{cat: "edit", say: "rename a.txt as c.txt", want: cmds("mv a.txt c.txt")},
	{cat: "edit", say: "chmod +x script.sh", want: cmds("chmod +x script.sh")},

	{cat: "archive", say: "extract the zip file", want: cmds("unzip photos.zip")},
	{cat: "archive", say: "decompress archive.tar.gz", want: cmds("tar -xzf archive.tar.gz")},
	{cat: "archive", say: "make a zip of the old folder", want: cmds("zip -r old.zip old")},
	{cat: "archive", say: "create a tarball of old", want: cmds("tar -czf old.tar.gz old")},

	{cat: "proc", say: "what's eating my cpu", want: cmds("ps -eo pid,user,%cpu,%mem,comm --sort=-%cpu | head -n 11")},
	{cat: "proc", say: "which process uses the most ram", want: cmds("ps -eo pid,user,%cpu,%mem,comm --sort=-%mem | head -n 11")},
	{cat: "proc", say: "force kill firefox", want: cmds("pkill -KILL -x firefox-esr")},
	{cat: "proc", say: "kill process 1234", want: cmds("kill 1234")},
	{cat: "proc", say: "show all processes", want: cmds("ps aux")},

	{cat: "system", say: "how much free memory", want: cmds("free -h")},
	{cat: "system", say: "disk usage", want: cmds("df -h")},
	{cat: "system", say: "what linux version am i running", want: cmds("uname -a")},
	{cat: "system", say: "whats the time", want: cmds("date")},
	{cat: "system", say: "how many cores does this machine have", want: cmds("nproc")},
	{cat: "system", say: "what's my hostname", want: cmds("hostname")},

	{cat: "service", say: "restart the ssh service", want: cmds("sudo systemctl restart ssh")},
	{cat: "service", rule: "service.reload", say: "reload nginx", want: cmds("sudo systemctl reload nginx")},
	{cat: "service", say: "is the docker service running", want: cmds("systemctl status docker")},
	{cat: "service", say: "check nginx status", want: cmds("systemctl status nginx")},
	{cat: "service", say: "show the logs of the ssh service", want: cmds("journalctl -u ssh -n 50 --no-pager")},
	{cat: "service", say: "restart NetworkManager", want: cmds("sudo systemctl restart NetworkManager")},
	{cat: "service", say: "stop docker", want: cmds("sudo systemctl stop docker")},
	{cat: "service", say: "start mysql", kind: KindAnswer, says: []string{"mysql"}},

	{cat: "docker", say: "docker containers", want: cmds("docker ps")},
	{cat: "docker", say: "show all containers including stopped ones", want: cmds("docker ps -a")},
	{cat: "docker", say: "what docker images do i have", want: cmds("docker images")},
	{cat: "docker", say: "tail the logs of container api", want: cmds("docker logs api", "docker logs --tail 10 api")},
	{cat: "docker", say: "stop the db container", want: cmds("docker stop db")},

	{cat: "net", say: "is google down", want: cmds("ping -c 4 google.com")},
	{cat: "net", say: "test my internet connection", want: cmds("ping -c 4 1.1.1.1")},
	{cat: "net", say: "what ports are open", want: cmds("ss -tulpn")},
	{cat: "net", say: "who is listening on port 443", want: cmds("ss -tulpn sport = :443")},
	{cat: "net", say: "download example.com/file.tar.gz", want: cmds("curl -fLO https://example.com/file.tar.gz")},
	{cat: "net", say: "resolve github.com", want: cmds("getent hosts github.com")},

	{cat: "package", say: "install nodejs", want: cmds("sudo apt install nodejs")},
	{cat: "package", say: "can you install vlc for me", want: cmds("sudo apt install vlc")},
	{cat: "package", say: "remove the package htop", want: cmds("sudo apt remove htop")},
	{cat: "package", say: "upgrade all packages", want: cmds("sudo apt update && sudo apt upgrade")},
	{cat: "package", say: "get me htop", weak: true, orAsk: true, want: cmds("sudo apt install htop")},

	{cat: "git", say: "show me the diff", dir: "../repo", want: cmds("git diff")},
	{cat: "git", say: "stage everything", dir: "../repo", want: cmds("git add -A")},
	{cat: "git", say: "list branches", dir: "../repo", want: cmds("git branch -a")},

	{cat: "vague", say: "help me", kind: KindAnswer},
	{cat: "vague", say: "make it faster", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "fix it", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "do something", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "undo", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "clean up", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "sort it out", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "show me", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "kill", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "search", never: cmds("re:."), maxConf: 0.3},
	{cat: "vague", say: "what is this", never: cmds("re:."), maxConf: 0.3},
}

// countFiles checks a file count against the fixture.
func countFiles(rel string) func(r *ran) {
	return func(r *ran) {
		n := 0
		filepath.Walk(r.fx.path(rel), func(p string, fi os.FileInfo, err error) error {
			if err == nil && fi.Mode().IsRegular() {
				n++
			}
			return nil
		})
		r.is(strconv.Itoa(n))
	}
}

// matches reports whether cmd is one of the accepted commands.
func evalMatches(accepted []string, cmd, logs string) bool {
	for _, a := range accepted {
		a = strings.ReplaceAll(a, "{logs}", logs)
		if re, ok := strings.CutPrefix(a, "re:"); ok {
			if regexp.MustCompile(re).MatchString(cmd) {
				return true
			}
		} else if a == cmd {
			return true
		}
	}
	return false
}

// judge returns "" when the intent is acceptable, else why not.
func (tc evalCase) judge(in Intent, logs string) string {
	if tc.rule != "" && in.Rule != tc.rule {
		return fmt.Sprintf("answered by %s (%s %q %q); want %s", in.Rule, in.Kind, in.Command, in.Text, tc.rule)
	}
	if in.Kind == KindCommand && evalMatches(tc.never, in.Command, logs) {
		return fmt.Sprintf("proposes %q, which is wrong for this request (confidence %.2f)", in.Command, in.Confidence)
	}
	text := in.Text + " " + in.Explanation
	for _, s := range tc.says {
		if !strings.Contains(text, s) {
			return fmt.Sprintf("does not say %q: %q", s, text)
		}
	}
	if in.Kind == KindCommand {
		switch {
		case tc.maxConf > 0 && in.Confidence <= tc.maxConf && (len(tc.want) == 0 || evalMatches(tc.want, in.Command, logs)):
			return ""
		case len(tc.want) == 0:
			return fmt.Sprintf("proposes %q at confidence %.2f; want no command", in.Command, in.Confidence)
		case !evalMatches(tc.want, in.Command, logs):
			return fmt.Sprintf("proposes %q (%s, %.2f); want %q", in.Command, in.Rule, in.Confidence, tc.want)
		case in.Confidence < 0.75 && !tc.weak || in.Confidence < 0.5:
			return fmt.Sprintf("proposes the right command at confidence %.2f only", in.Confidence)
		}
		return ""
	}
	if len(tc.want) > 0 && !tc.orAsk {
		return fmt.Sprintf("%s (%s): %q; want %q", in.Kind, in.Rule, in.Text, tc.want)
	}
	switch {
	case tc.kind != "" && in.Kind != tc.kind:
		return fmt.Sprintf("%s (%s): %q; want a %s", in.Kind, in.Rule, in.Text, tc.kind)
	case tc.kind == "" && in.Kind != KindClarify && in.Kind != KindAnswer:
		return fmt.Sprintf("%s (%s); want a question back or an answer", in.Kind, in.Rule)
	}
	return ""
}

func TestEvaluation(t *testing.T) {
	t.Run("tuned", func(t *testing.T) { evaluate(t, evalCases, "rules evaluation") })
	t.Run("held-out", func(t *testing.T) { evaluate(t, heldOutCases, "rules evaluation, held-out cases") })
	if n := len(evalCases) + len(heldOutCases); n < 150 {
		t.Errorf("the evaluation has %d cases; it needs at least 150", n)
	}
}

// evaluate runs one table of cases and prints its accuracy per category.
func evaluate(t *testing.T, cases []evalCase, title string) {
	shared := newFixture(t)
	evalFixture(shared)
	sharedHosts := evalHosts(shared)
	type tally struct{ pass, all int }
	cats := map[string]*tally{}
	for _, tc := range cases {
		if cats[tc.cat] == nil {
			cats[tc.cat] = &tally{}
		}
		name := tc.say
		if tc.host != "" {
			name += " [" + tc.host + "]"
		}
		skipped := false
		ok := t.Run(name, func(t *testing.T) {
			fx, hosts := shared, sharedHosts
			if tc.mut {
				fx = newFixture(t)
				evalFixture(fx)
				hosts = evalHosts(fx)
			}
			fx.t = t
			dir := tc.dir
			if dir == "" {
				dir = "work"
			}
			if strings.HasPrefix(dir, "../repo") && !fx.exists("../repo/.git") {
				skipped = true
				t.Skip("git is not installed here to make the repository")
			}
			r := NewRules(hosts[tc.host])
			r.Now = func() time.Time { return fx.now }
			in, _ := r.Match(Request{Text: tc.say, Dir: fx.path(dir), Home: fx.home})
			if why := tc.judge(in, shellQuote(fx.path("../logs"))); why != "" {
				t.Fatal(why)
			}
			if in.Kind == KindCommand && tc.run != nil {
				res := &ran{t: t, fx: fx, in: in}
				res.out, res.stderr, res.status = fx.run(dir, in.Command)
				if res.status != 0 {
					res.fail("exit status %d", res.status)
				}
				tc.run(res)
			}
		})
		if skipped {
			continue
		}
		cats[tc.cat].all++
		if ok {
			cats[tc.cat].pass++
		}
	}
	var names []string
	total, passed := 0, 0
	for name, c := range cats {
		names = append(names, name)
		total += c.all
		passed += c.pass
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		c := cats[name]
		fmt.Fprintf(&b, "  %-8s %3d/%-3d %5.1f%%\n", name, c.pass, c.all, 100*float64(c.pass)/float64(max(c.all, 1)))
	}
	t.Logf("%s: %d/%d correct (%.1f%%)\n%s", title, passed, total, 100*float64(passed)/float64(max(total, 1)), b.String())
}

// evalHostFacts sets what a fake host knows beyond its tools.
func evalHostFacts(h *Host, name string, fx *fixture, services []string) {
	h.LogDir = fx.path("../logs")
	switch name {
	case "", "root", "vim", "nolog":
		h.Init = "systemd"
		h.Services = func() []string { return services }
	case "sysv":
		h.Init = "sysv"
		h.Services = func() []string { return services }
	default:
		h.Services = func() []string { return nil }
	}
	switch name {
	case "vim":
		h.Editor = "vim"
		h.LookPath = withTools(h.LookPath, "vim")
	case "nolog":
		h.LogDir = fx.path("../nologs")
	}
}

// withTools adds tools to a fake host's PATH.
func withTools(look func(string) (string, error), tools ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, t := range tools {
			if t == name {
				return "/usr/bin/" + name, nil
			}
		}
		return look(name)
	}
}
