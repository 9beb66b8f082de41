package explain

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// explainCases pairs command lines with facts their explanation must
// state, as (part text, words its meaning must contain) pairs; "" as the
// text means anywhere in the rendered explanation.
var explainCases = []struct {
	line  string
	facts [][2]string
}{
	{`tar -xzvf a.tgz -C /tmp`, [][2]string{{"-x", "extract"}, {"-z", "gzip"}, {"-v", "list files"}, {"-f a.tgz", "archive file a.tgz"}, {"-C /tmp", "change to /tmp first"}}},
	{`tar czf backup.tgz docs`, [][2]string{{"c", "create"}, {"z", "gzip"}, {"f backup.tgz", "archive file backup.tgz"}}},
	{`ls -la /etc`, [][2]string{{"ls", "list directory contents"}, {"-l", "long listing"}, {"-a", "hidden"}, {"/etc", "directory to list"}}},
	{`ls -lhS`, [][2]string{{"-h", "1K 234M"}, {"-S", "size"}}},
	{`cd ~/src`, [][2]string{{"cd", "change the current directory"}, {"~", "home"}}},
	{`cp -rv src dst`, [][2]string{{"-r", "directories"}, {"-v", "print each file"}}},
	{`mv -i a b`, [][2]string{{"-i", "ask before overwriting"}}},
	{`rm -rf build`, [][2]string{{"rm", "remove"}, {"-r", "everything in them"}, {"-f", "never ask"}, {"build", "delete"}}},
	{`mkdir -p a/b`, [][2]string{{"-p", "parent directories"}}},
	{`rmdir old`, [][2]string{{"rmdir", "empty directories"}}},
	{`touch -d yesterday f`, [][2]string{{"-d yesterday", "yesterday as the time"}}},
	{`cat -n notes.txt`, [][2]string{{"-n", "number"}}},
	{`less -S big.log`, [][2]string{{"-S", "long lines"}}},
	{`head -n 20 log`, [][2]string{{"-n 20", "first 20 lines"}}},
	{`head -5 log`, [][2]string{{"head", "first lines"}}},
	{`tail -f /var/log/syslog`, [][2]string{{"-f", "keep printing"}}},
	{`grep -rni "todo" src`, [][2]string{{"-r", "recursively"}, {"-n", "line numbers"}, {"-i", "ignore case"}, {`"todo"`, "pattern"}, {"src", "search"}}},
	{`grep -v '^#' config`, [][2]string{{"-v", "NOT match"}, {"'^#'", "single quotes"}}},
	{`find . -name '*.go' -type f`, [][2]string{{"find", "search for files"}, {"-name '*.go'", "*.go"}, {"-type f", "f regular file"}}},
	{`find /tmp -mtime +7 -delete`, [][2]string{{"-mtime +7", "modified"}, {"-delete", "delete every file found"}}},
	{`find . -name '*.o' -exec rm {} \;`, [][2]string{{"-exec", "run rm {} on each file"}, {"rm", "remove"}, {"{}", "each file found"}, {`\;`, "once per file"}}},
	{`find . -print0 | xargs -0 wc -l`, [][2]string{{"xargs", "build and run commands"}, {"-0", "NUL"}, {"wc", "count lines"}, {"|", "pipe"}}},
	{`sed -i 's/foo/bar/g' a.txt`, [][2]string{{"-i", "in place"}, {"'s/foo/bar/g'", "editing script"}}},
	{`sed -n '1,5p' f`, [][2]string{{"-n", "print only"}}},
	{`awk -F: '{print $1}' /etc/passwd`, [][2]string{{"-F:", "split fields on :"}, {"'{print $1}'", "awk program"}}},
	{`sort -nr -k2 data`, [][2]string{{"-n", "numbers"}, {"-r", "reverse"}, {"-k2", "field 2"}}},
	{`uniq -c`, [][2]string{{"-c", "how often"}}},
	{`wc -l *.txt`, [][2]string{{"-l", "count lines"}, {"*.txt", "glob"}}},
	{`cut -d, -f1,3 data.csv`, [][2]string{{"-d,", "separated by ,"}, {"-f1,3", "fields 1,3"}}},
	{`tr a-z A-Z`, [][2]string{{"tr", "translate"}, {"a-z", "characters to replace"}}},
	{`echo hi | tee -a log`, [][2]string{{"tee", "copy input"}, {"-a", "append"}}},
	{`chmod -R u+x bin`, [][2]string{{"-R", "recursively"}, {"u+x", "mode"}}},
	{`chown -R me:me ~/x`, [][2]string{{"chown", "owner"}, {"me:me", "new owner"}}},
	{`ln -s /opt/app/bin/app ~/bin/app`, [][2]string{{"-s", "symbolic link"}}},
	{`gzip -k big.log`, [][2]string{{"-k", "keep the original"}}},
	{`gunzip -c a.gz`, [][2]string{{"-c", "standard output"}}},
	{`zip -r site.zip site`, [][2]string{{"-r", "recursively"}, {"site.zip", "archive"}}},
	{`unzip a.zip -d out`, [][2]string{{"-d out", "extract into out"}}},
	{`curl -fsSL https://x.io -o page.html`, [][2]string{{"-f", "HTTP errors"}, {"-L", "follow redirects"}, {"-o page.html", "write the download to page.html"}}},
	{`wget -c https://x.io/a.iso`, [][2]string{{"-c", "resume"}}},
	{`ssh -p 2222 -i ~/.ssh/key me@host`, [][2]string{{"-p 2222", "connect to 2222"}, {"-i ~/.ssh/key", "private key"}, {"me@host", "host"}}},
	{`scp -r dir host:/tmp`, [][2]string{{"scp", "copy files"}, {"-r", "recursively"}}},
	{`rsync -avz --delete src/ dst/`, [][2]string{{"-a", "archive"}, {"-z", "compress"}, {"--delete", "delete files at the destination"}}},
	{`ps aux`, [][2]string{{"a", "all users"}, {"u", "user-oriented"}, {"x", "without a terminal"}}},
	{`ps -eo pid,comm,%mem --sort=-%mem`, [][2]string{{"-o pid,comm,%mem", "columns pid,comm,%mem"}, {"--sort=-%mem", "sort by -%mem"}}},
	{`kill -9 1234`, [][2]string{{"-9", "KILL"}, {"1234", "process id"}}},
	{`pkill -f firefox`, [][2]string{{"-f", "whole command line"}}},
	{`top -o %MEM`, [][2]string{{"-o %MEM", "sort by %MEM"}}},
	{`df -h`, [][2]string{{"df", "free disk space"}, {"-h", "1K 234M"}}},
	{`du -sh *`, [][2]string{{"-s", "total"}, {"*", "glob"}}},
	{`free -m`, [][2]string{{"-m", "MiB"}}},
	{`uname -a`, [][2]string{{"-a", "everything"}}},
	{`git status -s`, [][2]string{{"git", "version control"}, {"status", "working tree status"}, {"-s", "short"}}},
	{`git commit -am "fix bug"`, [][2]string{{"commit", "record"}, {"-a", "stage modified"}, {`-m "fix bug"`, "fix bug as the commit message"}}},
	{`git push -u origin main`, [][2]string{{"-u", "remember the remote branch"}}},
	{`git log --oneline -n 5`, [][2]string{{"--oneline", "one line per commit"}, {"-n 5", "only 5 commits"}}},
	{`git reset --hard HEAD~1`, [][2]string{{"--hard", "uncommitted changes are lost"}}},
	{`git -C ~/src/app pull --rebase`, [][2]string{{"-C ~/src/app", "as if started in ~/src/app"}, {"pull", "fetch and merge"}, {"--rebase", "rebase"}}},
	{`git checkout -b feature`, [][2]string{{"-b feature", "create feature"}}},
	{`docker run --rm -it -p 8080:80 nginx`, [][2]string{{"run", "new container"}, {"--rm", "remove the container"}, {"-p 8080:80", "port"}, {"nginx", "image"}}},
	{`docker ps -a`, [][2]string{{"-a", "stopped ones too"}}},
	{`systemctl restart nginx`, [][2]string{{"systemctl", "systemd"}, {"restart", "restart services"}}},
	{`journalctl -u nginx --since today`, [][2]string{{"-u nginx", "logs of nginx"}, {"--since today", "since today"}}},
	{`sudo apt install -y vim`, [][2]string{{"sudo", "as root"}, {"install", "install packages"}, {"-y", "yes"}}},
	{`dnf remove httpd`, [][2]string{{"remove", "remove packages"}}},
	{`pacman -Syu`, [][2]string{{"-S", "install packages"}, {"-y", "refresh"}, {"-u", "upgrade every package"}}},
	{`env -i PATH=/bin sh`, [][2]string{{"env", "changed environment"}, {"-i", "empty environment"}}},
	{`export EDITOR=vim`, [][2]string{{"export", "passed to the commands"}, {"EDITOR=vim", "EDITOR to vim"}}},
	{`FOO=1 make`, [][2]string{{"FOO=1", "for this command only"}}},
	{`echo -n "$HOME"`, [][2]string{{"-n", "no newline"}, {"$HOME", "home directory"}}},
	{`printf '%s\n' a b`, [][2]string{{"printf", "formatted"}, {`'%s\n'`, "format"}}},
	{`date +%Y-%m-%d`, [][2]string{{"date", "date and time"}}},
	{`date -d yesterday`, [][2]string{{"-d yesterday", "the time yesterday describes"}}},
	{`diff -u a b`, [][2]string{{"-u", "unified"}}},
	{`which -a python3`, [][2]string{{"which", "locate a command"}}},
	{`man 5 crontab`, [][2]string{{"man", "manual"}}},
	{`nc -zv host 22`, [][2]string{{"-z", "scan"}, {"-v", "verbose"}}},
	{`ss -tlnp`, [][2]string{{"-t", "TCP"}, {"-l", "listening"}, {"-p", "process"}}},
	{`ip addr show`, [][2]string{{"ip", "network"}}},
	{`ping -c 3 example.com`, [][2]string{{"-c 3", "after 3 packets"}}},
	{`dd if=a.iso of=/dev/sdb bs=4M status=progress`, [][2]string{{"if=a.iso", "read from a.iso"}, {"of=/dev/sdb", "write to /dev/sdb"}, {"bs=4M", "4M at a time"}}},
	{`mount -o ro /dev/sdb1 /mnt`, [][2]string{{"-o ro", "mount options"}}},
	{`crontab -l`, [][2]string{{"-l", "list the crontab"}}},
	{`make -j4 install`, [][2]string{{"-j4", "jobs at once"}}},
	{`go test -run TestX ./...`, [][2]string{{"test", "test packages"}, {"-run TestX", "matching TestX"}}},
	{`python3 -m http.server 8000`, [][2]string{{"-m http.server", "module http.server"}}},
	{`bash -c 'ls -l'`, [][2]string{{"-c", "first argument as commands"}, {"ls", "list directory contents"}}},
	{`ls 2>/dev/null`, [][2]string{{"2>/dev/null", "errors (fd 2) to /dev/null (discard it)"}}},
	{`make > build.log 2>&1`, [][2]string{{"> build.log", "write output (fd 1) to build.log"}, {"2>&1", "send errors (fd 2) to where output (fd 1) goes"}}},
	{`sort < in.txt >> out.txt`, [][2]string{{"< in.txt", "read input (fd 0) from in.txt"}, {">> out.txt", "append output (fd 1) to out.txt"}}},
	{`cmd &> all.log`, [][2]string{{"&> all.log", "output and errors"}}},
	{"cat <<EOF\nhi\nEOF", [][2]string{{"<<EOF", "here-document"}}},
	{`grep x <<< "$text"`, [][2]string{{`<<< "$text"`, "here-string"}}},
	{`make && ./run || echo failed`, [][2]string{{"&&", "only if the previous one succeeded"}, {"||", "only if the previous one failed"}}},
	{`sleep 10 &`, [][2]string{{"&", "background"}}},
	{`cd /tmp; ls`, [][2]string{{";", "then"}}},
	{`echo "Today is $(date +%A)"`, [][2]string{{"$(date +%A)", "output of the commands inside"}, {"date", "date and time"}}},
	{"echo `whoami`", [][2]string{{"`whoami`", "backquotes"}}},
	{`diff <(sort a) <(sort b)`, [][2]string{{"<(sort a)", "process substitution"}}},
	{`echo $((1 + 2))`, [][2]string{{"$((1 + 2))", "arithmetic"}}},
	{`echo ${NAME:-world}`, [][2]string{{"${NAME:-world}", "or 'world' if it is unset or empty"}}},
	{`rm -rf "${DIR:?}"/*`, [][2]string{{"${DIR:?}", "stops with an error"}}},
	{`echo $? $$`, [][2]string{{"$?", "exit status"}, {"$$", "process id"}}},
	{`(cd /tmp && ls)`, [][2]string{{"( … )", "subshell"}}},
	{`if [ -f x ]; then cat x; fi`, [][2]string{{"if", "condition"}, {"then", "condition succeeds"}, {"fi", "end of the if"}, {"[", "condition"}}},
	{`for f in *.txt; do wc -l "$f"; done`, [][2]string{{"for", "each item"}, {"f", "loop variable"}, {"*.txt", "glob"}, {"$f", "variable f"}}},
	{`while read -r line; do echo "$line"; done < f`, [][2]string{{"while", "as long as"}, {"done", "end of the loop"}}},
	{`greet() { echo hi; }`, [][2]string{{"greet()", "defines the function greet"}}},
	{`sudo -u bob nice -n 5 timeout 10 ls`, [][2]string{{"sudo", "as root"}, {"-u bob", "run as bob"}, {"nice", "priority"}, {"-n 5", "add 5"}, {"timeout", "time limit"}, {"ls", "list"}}},
	{`/usr/bin/ls -l`, [][2]string{{"/usr/bin/ls", "/usr/bin/ls is ls"}}},
	{`rm -- -weird-name`, [][2]string{{"--", "end of options"}, {"-weird-name", "delete"}}},
}

// partMeaning finds the meaning of the part written text.
func partMeaning(ex Explanation, text string) (string, bool) {
	for _, p := range ex.Parts {
		if p.Text == text {
			return p.Meaning, true
		}
	}
	return "", false
}

func TestExplain(t *testing.T) {
	if len(explainCases) < 60 {
		t.Fatalf("only %d cases; the issue asks for 60", len(explainCases))
	}
	e := New(nil)
	for _, tc := range explainCases {
		ex, err := e.Explain(tc.line)
		if err != nil {
			t.Errorf("Explain(%q): %v", tc.line, err)
			continue
		}
		for _, f := range tc.facts {
			if f[0] == "" {
				if !strings.Contains(ex.String(), f[1]) {
					t.Errorf("Explain(%q) does not say %q:\n%s", tc.line, f[1], ex)
				}
				continue
			}
			m, ok := partMeaning(ex, f[0])
			if !ok || !strings.Contains(m, f[1]) {
				t.Errorf("Explain(%q): part %q means %q, want it to mention %q:\n%s", tc.line, f[0], m, f[1], ex)
			}
		}
	}
}

// TestSpans: every part with a position covers text of the line that
// belongs to it: the part's text, or for a letter of a bundle, that letter.
func TestSpans(t *testing.T) {
	e := New(nil)
	for _, tc := range explainCases {
		ex, _ := e.Explain(tc.line)
		for _, p := range ex.Parts {
			if p.Start < 0 {
				continue
			}
			if p.End > len(tc.line) || p.Start > p.End {
				t.Errorf("%q: part %q has span %d:%d outside the line", tc.line, p.Text, p.Start, p.End)
				continue
			}
			got := tc.line[p.Start:p.End]
			name := strings.TrimLeft(strings.Fields(p.Text + " x")[0], "-")
			if got != p.Text && !strings.HasPrefix(got, name) && !strings.Contains(p.Text, got) {
				t.Errorf("%q: part %q spans %q", tc.line, p.Text, got)
			}
		}
	}
}

func TestSummary(t *testing.T) {
	cases := []struct{ line, want string }{
		{`find ~/Downloads -size +100M -exec ls -lhS {} +`, "Finds files under ~/Downloads larger than 100 MB and runs ls -lhS on each"},
		{`find . -name '*.log' -mtime +30 -delete`, "Finds files under . named '*.log' modified more than 30 days ago and deletes them"},
		{`find / -type d -empty`, "Finds files under / that are directories that are empty"},
		{`tar -xzvf a.tgz -C /tmp`, "Extracts the archive a.tgz into /tmp"},
		{`tar -czf backup.tgz docs notes`, "Creates the archive backup.tgz from docs and notes"},
		{`du -sh * | sort -h`, "Shows how much disk space * uses, then sorts the lines of its input by size"},
		{`ps aux | grep firefox`, "Lists running processes, then searches its input for lines matching firefox"},
		{`make && ./run`, "Builds the default target with make, and if that works, runs ./run"},
		{`cd /tmp; ls -la`, "Changes the current directory to /tmp. Lists the files in the current directory with details including hidden files"},
		{`sudo systemctl restart nginx`, "Restarts the service nginx, as root"},
		{`git commit -am wip`, "Records the staged changes as a commit"},
		{`wc -l notes.txt`, "Counts the lines of notes.txt"},
		{`curl -o page.html https://x.io`, "Downloads https://x.io into page.html"},
		{`ssh web1 uptime`, "Runs uptime on web1"},
		{`journalctl -u nginx --since today`, "Shows the system logs of nginx since today"},
		{`frob --all`, "Runs frob"},
	}
	e := New(nil)
	for _, tc := range cases {
		ex, err := e.Explain(tc.line)
		if err != nil || ex.Summary() != tc.want {
			t.Errorf("Summary(%q)\n got %q (%v)\nwant %q", tc.line, ex.Summary(), err, tc.want)
		}
	}
}

// fakeManual serves the captured pages in testdata.
func fakeManual(t *testing.T) (Manual, *[]string) {
	var asked []string
	return func(tool string) (string, string, error) {
		asked = append(asked, tool)
		switch tool {
		case "nl":
			b, err := os.ReadFile("testdata/nl.man")
			if err != nil {
				t.Fatal(err)
			}
			return string(b), "man", nil
		case "shuf":
			b, err := os.ReadFile("testdata/shuf.help")
			if err != nil {
				t.Fatal(err)
			}
			return string(b), "--help", nil
		}
		return "", "", errors.New("no manual")
	}, &asked
}

func TestUnknownTools(t *testing.T) {
	manual, asked := fakeManual(t)
	e := New(manual)
	ex, err := e.Explain(`nl -b a -w 3 notes.txt | shuf -n 2 | frobnicate --zap`)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{
		{"nl", "number lines of files"},
		{"-b a", "use a for numbering body lines"},
		{"-w 3", "use 3 columns for line numbers"},
		{"shuf", "Write a random permutation of the input lines to standard output"},
		{"-n 2", "output at most 2 lines"},
		{"frobnicate", "a command lsh does not know"},
		{"--zap", "an option of frobnicate that lsh does not know"},
	}
	for _, f := range want {
		if m, ok := partMeaning(ex, f[0]); !ok || !strings.Contains(m, f[1]) {
			t.Errorf("part %q means %q, want %q:\n%s", f[0], m, f[1], ex)
		}
	}
	for _, p := range ex.Parts {
		if (p.Text == "frobnicate" || p.Text == "--zap") != p.Unknown {
			t.Errorf("part %q: Unknown = %v", p.Text, p.Unknown)
		}
	}
	if !strings.Contains(ex.String(), "frobnicate") || !strings.Contains(ex.String(), "(?)") {
		t.Errorf("String() does not flag the unknown command:\n%s", ex)
	}
	for _, c := range ex.Commands {
		if c.Name == "nl" && c.From != "man" || c.Name == "shuf" && c.From != "--help" || c.Name == "frobnicate" && c.From != "" {
			t.Errorf("command %s: From = %q", c.Name, c.From)
		}
	}
	// The table answers first: known tools never reach the manual, and
	// each unknown tool is looked up once.
	e.Explain(`ls -l; nl x; nl y`)
	n := 0
	for _, a := range *asked {
		if a == "ls" {
			t.Errorf("the manual was asked about ls, which the table knows")
		}
		if a == "nl" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("nl looked up %d times, want once (cached)", n)
	}
}

func TestSystemManualRefuses(t *testing.T) {
	for _, tool := range []string{"../../bin/sh", "-rf", "rm; reboot", "a b", ""} {
		if _, _, err := SystemManual(tool); err == nil || !strings.Contains(err.Error(), "not a plain command name") {
			t.Errorf("SystemManual(%q) = %v, want a refusal", tool, err)
		}
	}
	// Dangerous tools are never run with --help, even when no man page
	// exists (the name below has none anywhere).
	if _, _, err := SystemManual("mkfs.lsh-test-nonexistent"); err == nil {
		t.Errorf("SystemManual ran --help on a mkfs tool")
	}
}

func TestParseError(t *testing.T) {
	ex, err := New(nil).Explain(`ls -l; if then`)
	if err == nil || !strings.HasPrefix(err.Error(), "1:") {
		t.Fatalf("want a line:col error, got %v", err)
	}
	if m, ok := partMeaning(ex, "ls"); !ok || !strings.Contains(m, "list") {
		t.Errorf("the statement before the error was not explained: %v", ex.Parts)
	}
}

// TestTable checks the knowledge table covers the tools the issue names
// and agrees with the grammar risk rating splits lines with.
func TestTable(t *testing.T) {
	k := table()
	for _, name := range strings.Fields(`ls cd cp mv rm mkdir rmdir touch cat less head tail grep find xargs sed awk
		sort uniq wc cut tr tee chmod chown ln tar gzip gunzip zip unzip curl wget ssh scp rsync ps kill pkill top df du
		free uname git docker systemctl journalctl apt dnf pacman sudo env export echo printf date diff which man nc ss
		ip ping dd mount crontab make go python` + ` git_status git_add git_commit git_push git_pull git_log git_diff
		git_checkout git_branch git_merge git_rebase git_reset git_clone git_stash docker_run docker_ps docker_exec`) {
		name = strings.ReplaceAll(name, "_", " ")
		tl, ok := k.lookup(name)
		if !ok {
			t.Errorf("the table has no entry for %q", name)
			continue
		}
		if tl.Summary == "" || len(tl.Says) == 0 && !strings.Contains(name, " ") {
			t.Errorf("%q has no summary or sentence", name)
		}
	}
	for key, tl := range k.tools {
		g, ok := cmdline.LookupGrammar(key)
		if !ok {
			continue
		}
		for _, o := range tl.Options {
			if o.Arg == "" || o.Optional || g.Style == cmdline.KeyValue || g.Bundled && len(o.Forms) == 1 && !strings.HasPrefix(o.Forms[0], "-") {
				continue
			}
			for _, f := range o.Forms {
				n := strings.TrimLeft(f, "-")
				short := len(n) == 1 && !strings.HasPrefix(f, "--") && g.Style != cmdline.SingleDash
				if short && !strings.Contains(g.Short, n) || !short && !contains(g.Long, n) && !contains(g.Until, n) {
					t.Errorf("%s %s takes a value in the table but not in cmdline.Grammars", key, f)
				}
			}
		}
	}
}
