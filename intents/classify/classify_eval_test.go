package classify

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// This is the adversarial evaluation of classification at the prompt:
// requests whose first word runs nothing ("delete notes.txt": the issue's
// rule makes them natural language), requests that start with a command's
// name, command lines that read like English, and typos of commands, which
// stay shell code with a suggestion. Accuracy is printed per category and
// every line must be classified as listed.

type classifyCase struct {
	cat     string
	line    string
	natural bool
	suggest string // for a typo: the line it was probably meant to be
}

// evalContext is the fixture's host with a few more programs: coreutils'
// install and the tools of the examples.
func evalContext(t *testing.T) Context {
	ctx := fixture(t)
	resolve := ctx.Resolve
	ctx.Resolve = func(name string) Kind {
		switch name {
		case "install", "podman", "gio", "journalctl", "service", "nginx", "python3", "htop":
			return Program
		}
		return resolve(name)
	}
	return ctx
}

var classifyCases = []classifyCase{
	// The first word runs nothing: natural language, files named or not.
	{cat: "unknown", line: "delete notes.txt", natural: true},
	{cat: "unknown", line: "edit notes.txt", natural: true},
	{cat: "unknown", line: "extract archive.tar.gz", natural: true},
	{cat: "unknown", line: "delete all .tmp files here", natural: true},
	{cat: "unknown", line: "print working directory", natural: true},
	{cat: "unknown", line: "list all files including hidden", natural: true},
	{cat: "unknown", line: "count files in this folder", natural: true},
	{cat: "unknown", line: "empty the trash", natural: true},
	{cat: "unknown", line: "show the last 20 lines of syslog", natural: true},
	{cat: "unknown", line: "check if google is reachable", natural: true},
	{cat: "unknown", line: "restart nginx", natural: true},
	{cat: "unknown", line: "show running docker containers", natural: true},
	{cat: "unknown", line: "remove old.txt", natural: true},
	{cat: "unknown", line: "rename notes.txt to todo.txt", natural: true},
	{cat: "unknown", line: "copy notes.txt to backup", natural: true},
	{cat: "unknown", line: "move a.txt into docs", natural: true},
	{cat: "unknown", line: "compress the photos folder", natural: true},
	{cat: "unknown", line: "decompress archive.zip", natural: true},
	{cat: "unknown", line: "untar archive.tar.gz", natural: true},
	{cat: "unknown", line: "show me the biggest files", natural: true},
	{cat: "unknown", line: "pls show disk usage", natural: true},
	{cat: "unknown", line: "can you find my pdfs", natural: true},
	{cat: "unknown", line: "how do i untar archive.tar.gz", natural: true},
	{cat: "unknown", line: "remove empty folders here", natural: true},
	{cat: "unknown", line: "backup my documents", natural: true},
	{cat: "unknown", line: "whats my ip", natural: true},
	{cat: "unknown", line: "where am i", natural: true},
	{cat: "unknown", line: "upgrade everything", natural: true},
	{cat: "unknown", line: "shutdown the computer", natural: true},
	{cat: "unknown", line: "stop nginx", natural: true},
	{cat: "unknown", line: "enable ssh at boot", natural: true},
	{cat: "unknown", line: "list docker images", natural: true},
	{cat: "unknown", line: "show nginx logs", natural: true},
	{cat: "unknown", line: "search for TODO in src", natural: true},
	{cat: "unknown", line: "count lines in notes.txt", natural: true},
	{cat: "unknown", line: "erase a.txt", natural: true},
	{cat: "unknown", line: "trash old.txt", natural: true},
	{cat: "unknown", line: "uninstall htop", natural: true},
	{cat: "unknown", line: "display notes.txt", natural: true},
	{cat: "unknown", line: "view data.csv", natural: true},
	{cat: "unknown", line: "go to downloads", natural: true},
	{cat: "unknown", line: "go up one folder", natural: true},
	{cat: "unknown", line: "take me home", natural: true},
	{cat: "unknown", line: "empty notes.txt", natural: true},
	{cat: "unknown", line: "create a folder called projects", natural: true},
	{cat: "unknown", line: "change foo to bar in notes.txt", natural: true},
	{cat: "unknown", line: "replace 'foo' with 'bar' in notes.txt", natural: true},
	{cat: "unknown", line: `delete "my file.txt"`, natural: true},
	{cat: "unknown", line: "show files > 1mb in downloads", natural: true},
	{cat: "unknown", line: "what's eating my cpu", natural: true},
	{cat: "unknown", line: "is google down?", natural: true},
	{cat: "unknown", line: "update my system", natural: true},
	{cat: "unknown", line: "unpack the tarball", natural: true},
	{cat: "unknown", line: "Delete notes.txt", natural: true},
	{cat: "unknown", line: "EXTRACT archive.zip", natural: true},
	{cat: "unknown", line: "print notes.txt", natural: true},
	{cat: "unknown", line: "tell me the time", natural: true},

	// The first word is a command, the line is a request.
	{cat: "command word", line: "install htop", natural: true},
	{cat: "command word", line: "install the htop package", natural: true},
	{cat: "command word", line: "install ripgrep please", natural: true},
	{cat: "command word", line: "open notes.txt in the editor", natural: true},
	{cat: "command word", line: "kill firefox", natural: true},
	{cat: "command word", line: "kill all python processes", natural: true},
	{cat: "command word", line: "find big files in downloads", natural: true},
	{cat: "command word", line: "find all pdfs in my documents", natural: true},
	{cat: "command word", line: "make the script executable", natural: true},
	{cat: "command word", line: "make a folder called projects", natural: true},
	{cat: "command word", line: "which process uses port 8080", natural: true},
	{cat: "command word", line: "free up disk space", natural: true},
	{cat: "command word", line: "who is logged in", natural: true},
	{cat: "command word", line: "sort names.txt alphabetically", natural: true},
	{cat: "command word", line: "cat the readme", natural: true},
	{cat: "command word", line: "top processes by memory", natural: true},
	{cat: "command word", line: "tail the system log", natural: true},
	{cat: "command word", line: "grep for errors in the log", natural: true},
	{cat: "command word", line: "cp my photos to the backup drive", natural: true},
	{cat: "command word", line: "rm all the log files", natural: true},
	{cat: "command word", line: "ls only directories", natural: true},
	{cat: "command word", line: "du of my home folder", natural: true},
	{cat: "command word", line: "df for the root partition", natural: true},
	{cat: "command word", line: "git undo the last commit", natural: true},
	{cat: "command word", line: "docker show me the running containers", natural: true},
	{cat: "command word", line: "systemctl restart the web server", natural: true},
	{cat: "command word", line: "chmod the script so i can run it", natural: true},
	{cat: "command word", line: "zip the photos folder for email", natural: true},
	{cat: "command word", line: "tar up my documents folder", natural: true},
	{cat: "command word", line: "cd to my home folder", natural: true},
	{cat: "command word", line: "ping google to see if the internet works", natural: true},
	{cat: "command word", line: "date of today", natural: true},
	{cat: "command word", line: "sleep for ten minutes", natural: true},
	{cat: "command word", line: "history of my commands", natural: true},
	{cat: "command word", line: "mv the pictures into my photos folder", natural: true},
	{cat: "command word", line: "head of the log file", natural: true},
	{cat: "command word", line: "wc of all python files", natural: true},
	{cat: "command word", line: "diff between a.txt and b.txt", natural: true},
	{cat: "command word", line: "kill whatever is using port 5432", natural: true},
	{cat: "command word", line: "install", natural: false},
	{cat: "command word", line: "open notes.txt please", natural: true},
	{cat: "command word", line: "open the readme in my browser", natural: true},

	// Command lines, some of which read like English.
	{cat: "command", line: "ls -la"},
	{cat: "command", line: "ls"},
	{cat: "command", line: "git status"},
	{cat: "command", line: "git log --oneline -n 5"},
	{cat: "command", line: "cd .."},
	{cat: "command", line: "cd docs"},
	{cat: "command", line: "rm notes.txt"},
	{cat: "command", line: "rm -rf build"},
	{cat: "command", line: "open notes.txt"},
	{cat: "command", line: "cp notes.txt backup"},
	{cat: "command", line: "cp a.txt b.txt"},
	{cat: "command", line: "mv a.txt docs/"},
	{cat: "command", line: "install -m 755 script.sh /usr/local/bin"},
	{cat: "command", line: "install -d build"},
	{cat: "command", line: "install script.sh build"},
	{cat: "command", line: "docker ps"},
	{cat: "command", line: "docker ps -a"},
	{cat: "command", line: "systemctl restart nginx"},
	{cat: "command", line: "sudo systemctl restart nginx"},
	{cat: "command", line: "sudo apt install htop"},
	{cat: "command", line: "apt install htop"},
	{cat: "command", line: "grep -r foo ."},
	{cat: "command", line: "grep error app.log"},
	{cat: "command", line: "find . -name '*.go'"},
	{cat: "command", line: "find src"},
	{cat: "command", line: "tar xzf archive.tar.gz"},
	{cat: "command", line: "make test"},
	{cat: "command", line: "make"},
	{cat: "command", line: "kill 1234"},
	{cat: "command", line: "ping -c 3 google.com"},
	{cat: "command", line: "unzip archive.zip"},
	{cat: "command", line: "diff a.txt b.txt"},
	{cat: "command", line: "echo hello world"},
	{cat: "command", line: "echo please delete the old files"},
	{cat: "command", line: "man ls"},
	{cat: "command", line: "which python3"},
	{cat: "command", line: "sort names.txt"},
	{cat: "command", line: "tail -f app.log"},
	{cat: "command", line: "cat notes.txt"},
	{cat: "command", line: "chmod +x script.sh"},
	{cat: "command", line: "du -sh *"},
	{cat: "command", line: "df -h"},
	{cat: "command", line: "ps aux"},
	{cat: "command", line: "free -h"},
	{cat: "command", line: "uptime"},
	{cat: "command", line: "wc -l notes.txt"},
	{cat: "command", line: "head -n 5 data.csv"},
	{cat: "command", line: "pwd"},
	{cat: "command", line: "history"},
	{cat: "command", line: "ls docs photos"},
	{cat: "command", line: "journalctl -u nginx"},
	{cat: "command", line: "gio trash --empty"},
	{cat: "command", line: "htop"},
	{cat: "command", line: "nginx -t"},
	{cat: "command", line: "frobnicate --all | head"},
	{cat: "command", line: "./build.sh --fast"},
	{cat: "command", line: "NAME=x make build"},
	{cat: "command", line: "podman ps"},
	{cat: "command", line: "reboot"},
	{cat: "command", line: "clear"},

	// Typos of commands: shell code, with the command it probably meant.
	{cat: "typo", line: "gti status", suggest: "git status"},
	{cat: "typo", line: "sl", suggest: "ls"},
	{cat: "typo", line: "sl -la", suggest: "ls -la"},
	{cat: "typo", line: "gerp foo notes.txt", suggest: "grep foo notes.txt"},
	{cat: "typo", line: "mkae test", suggest: "make test"},
	{cat: "typo", line: "dokcer ps", suggest: "docker ps"},
	{cat: "typo", line: "pytohn3 script.sh", suggest: "python3 script.sh"},
	{cat: "typo", line: "cta notes.txt", suggest: "cat notes.txt"},
	{cat: "typo", line: "gitt log", suggest: "git log"},
	{cat: "typo", line: "grpe -r foo .", suggest: "grep -r foo ."},
	{cat: "typo", line: "fit status", suggest: "git status"},
	{cat: "typo", line: "lss", suggest: "ls"},
}

func TestClassifyEvaluation(t *testing.T) {
	ctx := evalContext(t)
	type tally struct{ pass, all int }
	cats := map[string]*tally{}
	var failed []string
	for _, tc := range classifyCases {
		if cats[tc.cat] == nil {
			cats[tc.cat] = &tally{}
		}
		cats[tc.cat].all++
		r := Classify(tc.line, ctx)
		why := ""
		switch {
		case r.Natural != tc.natural:
			why = fmt.Sprintf("natural %v (%s), want %v", r.Natural, r.Reason, tc.natural)
		case r.Suggestion != tc.suggest:
			why = fmt.Sprintf("suggestion %q (%s), want %q", r.Suggestion, r.Reason, tc.suggest)
		case r.Natural && r.Request != strings.TrimSpace(tc.line):
			why = fmt.Sprintf("request %q", r.Request)
		}
		if why != "" {
			failed = append(failed, fmt.Sprintf("%-12s %q: %s", tc.cat, tc.line, why))
			continue
		}
		cats[tc.cat].pass++
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
		fmt.Fprintf(&b, "  %-12s %3d/%-3d %5.1f%%\n", name, c.pass, c.all, 100*float64(c.pass)/float64(c.all))
	}
	t.Logf("classification evaluation: %d/%d correct (%.1f%%)\n%s", passed, total, 100*float64(passed)/float64(total), b.String())
	for _, f := range failed {
		t.Error(f)
	}
	if len(classifyCases) < 150 {
		t.Errorf("the evaluation has %d lines; it needs at least 150", len(classifyCases))
	}
}

// TestNearMissIsBounded checks that looking for a typo's command costs a
// bounded number of lookups, whatever the word.
func TestNearMissIsBounded(t *testing.T) {
	n := 0
	ctx := Context{Resolve: func(string) Kind { n++; return NotFound }}
	for _, w := range []string{"ab", "abcd", "abcdefgh", "abcdefghijkl"} {
		n = 0
		if got := ctx.nearMiss(w); got != "" {
			t.Errorf("nearMiss(%q) = %q with nothing installed", w, got)
		}
		if n > 200 {
			t.Errorf("nearMiss(%q) resolved %d candidates", w, n)
		}
	}
}
