package builtins

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/risk"
)

// whyFixture is a project folder and a home for why to look at:
//
//	DIR/notes.txt  run.sh (not executable)  ok.sh  crlf.sh (#! line ends in \r)
//	DIR/ruby.sh (#!/usr/bin/env ruby)  build/  src/main.c
//	DIR/home/.local/bin/mytool (executable, not on PATH)
func whyFixture(t testing.TB) (dir string, w *world) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]struct {
		body string
		mode os.FileMode
	}{
		"notes.txt":              {"hello\n", 0o644},
		"run.sh":                 {"#!/bin/sh\necho hi\n", 0o644},
		"ok.sh":                  {"#!/bin/sh\necho hi\n", 0o755},
		"crlf.sh":                {"#!/bin/bash\r\necho hi\r\n", 0o755},
		"ruby.sh":                {"#!/usr/bin/env ruby\nputs 1\n", 0o755},
		"src/main.c":             {"int main(){}\n", 0o644},
		"home/.local/bin/mytool": {"#!/bin/sh\n", 0o755},
	}
	for name, f := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f.body), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	hw := hostWorld(&Env{Dir: dir, Getenv: func(string) string { return "" }})
	w = &world{
		dir:     dir,
		home:    filepath.Join(dir, "home"),
		manager: "apt",
		has: fakeHost("ss", "getent", "journalctl", "dmesg", "npm", "file", "man", "python3", "usermod",
			"systemctl", "apt", "dpkg", "ssh-add"),
		commands: func() []string {
			return append([]string{"ls", "git", "grep", "cat", "make", "python3", "top", "cp", "rm", "mkdir",
				"docker", "curl", "ssh", "sed", "sort", "tee", "gzip", "less"}, shellBuiltins...)
		},
		packageOf: func(name string) (string, string) {
			switch name {
			case "gti", "sl", "cowsay":
				return name, "apt"
			case "lolcat":
				return "lolcat", "snap"
			}
			return "", ""
		},
		stat:     hw.stat,
		readDir:  hw.readDir,
		readHead: hw.readHead,
	}
	return dir, w
}

// whyCases: the last command, then what why must conclude. {dir} in any
// string stands for the fixture's directory.
var whyCases = []struct {
	name    string
	last    LastRun
	rule    string
	what    string   // a substring of What
	cause   []string // substrings of Cause
	fix     string   // the proposed command, "" for none
	level   risk.Level
	tweak   func(w *world)
	failed  string
	stderrs bool
}{
	// Success and bare statuses
	{name: "success", last: LastRun{Command: "ls -la", Status: 0}, rule: "success", what: "The last command (ls -la) succeeded"},
	{name: "status 1 without output", last: LastRun{Command: "./ok.sh", Status: 1}, rule: "status:1", what: "./ok.sh failed with exit status 1", cause: []string{"general"}},
	{name: "status 2 misuse", last: LastRun{Command: "./ok.sh", Status: 2}, rule: "status:2", cause: []string{"used wrongly"}},
	{name: "unknown status", last: LastRun{Command: "./ok.sh --deploy", Status: 42}, rule: "status", cause: []string{"status 42", "up to ./ok.sh"}},
	{name: "a line that does not parse", last: LastRun{Command: `echo "open`, Status: 2}, rule: "status:2", what: "The command failed"},

	// Signals
	{name: "ctrl-c", last: LastRun{Command: "sleep 100", Status: 130}, rule: "signal", what: "sleep was stopped by SIGINT (signal 2)", cause: []string{"You pressed Ctrl-C"}},
	{name: "oom kill", last: LastRun{Command: "./ok.sh", Status: 137}, rule: "signal", what: "SIGKILL (signal 9)", cause: []string{"out-of-memory killer"}, fix: "journalctl -k | grep -i oom", level: risk.ReadOnly},
	{name: "oom kill without journald", last: LastRun{Command: "./ok.sh", Status: 137}, rule: "signal", fix: "dmesg | grep -i oom",
		tweak: func(w *world) { w.has = fakeHost("dmesg") }},
	{name: "segfault", last: LastRun{Command: "./ok.sh", Status: 139, Stderr: "Segmentation fault (core dumped)"}, rule: "signal", what: "SIGSEGV", cause: []string{"a bug in the program"}},
	{name: "sigpipe", last: LastRun{Command: "yes | head -1", Status: 141}, rule: "signal", what: "SIGPIPE", cause: []string{"usually harmless"}},
	{name: "sigterm", last: LastRun{Command: "./ok.sh", Status: 143}, rule: "signal", what: "SIGTERM (signal 15)"},
	{name: "ctrl-z", last: LastRun{Command: "vim notes.txt", Status: 148}, rule: "signal", cause: []string{"Ctrl-Z", "fg"}},
	{name: "a signal without a story", last: LastRun{Command: "./ok.sh", Status: 159}, rule: "signal", what: "SIGSYS (signal 31)"},

	// Command not found
	{name: "typo", last: LastRun{Command: "gti status", Status: 127, Stderr: "lsh: gti: command not found"}, rule: "not-found:typo",
		what: "gti was not found", cause: []string{"Did you mean git?", "the gti package provides it"}, fix: "git status", level: risk.ReadOnly},
	{name: "typo without error output", last: LastRun{Command: "gti log", Status: 127}, rule: "not-found:typo", fix: "git log"},
	{name: "typo by swapped letters", last: LastRun{Command: "sl -la", Status: 127}, rule: "not-found:typo", cause: []string{"Did you mean ls?"}, fix: "ls -la"},
	{name: "typo after sudo", last: LastRun{Command: "sudo -u bob gti pull", Status: 127, Stderr: "sudo: gti: command not found"}, rule: "not-found:typo", failed: "gti", fix: "sudo -u bob git pull"},
	{name: "typo after env assignments", last: LastRun{Command: "env GIT_DIR=x gti log", Status: 127}, rule: "not-found:typo", fix: "env GIT_DIR=x git log"},
	{name: "dash's message", last: LastRun{Command: "gti status", Status: 127, Stderr: "sh: 1: gti: not found"}, rule: "not-found:typo", fix: "git status"},
	{name: "zsh's message", last: LastRun{Command: "gti status", Status: 127, Stderr: "zsh: command not found: gti"}, rule: "not-found:typo", fix: "git status"},
	{name: "a known tool, not a typo of top", last: LastRun{Command: "htop", Status: 127}, rule: "not-found:package",
		cause: []string{"htop is not installed; the htop package provides it", "Or did you mean top?"}, fix: "sudo apt install htop", level: risk.Privileged},
	{name: "the package name differs", last: LastRun{Command: "rg TODO src", Status: 127}, rule: "not-found:package", cause: []string{"the ripgrep package"}, fix: "sudo apt install ripgrep"},
	{name: "per package manager", last: LastRun{Command: "dig example.com", Status: 127}, rule: "not-found:package", fix: "sudo dnf install bind-utils",
		tweak: func(w *world) { w.manager = "dnf" }},
	{name: "as root, no sudo", last: LastRun{Command: "jq . a.json", Status: 127}, rule: "not-found:package", fix: "apt install jq",
		tweak: func(w *world) { w.root = true }},
	{name: "no package manager", last: LastRun{Command: "jq . a.json", Status: 127}, rule: "not-found:package", cause: []string{"the jq package"},
		tweak: func(w *world) { w.manager = "" }},
	{name: "from the distribution's database", last: LastRun{Command: "cowsay hi", Status: 127}, rule: "not-found:package", fix: "sudo apt install cowsay"},
	{name: "a snap", last: LastRun{Command: "lolcat", Status: 127}, rule: "not-found:package", fix: "sudo snap install lolcat"},
	{name: "installed off PATH", last: LastRun{Command: "mytool --go", Status: 127}, rule: "not-found:off-path",
		cause: []string{"installed in {dir}/home/.local/bin, which is not in your PATH"}, fix: `export PATH="$PATH:{dir}/home/.local/bin"`},
	{name: "nothing known", last: LastRun{Command: "frobnicatrix --all", Status: 127}, rule: "not-found", cause: []string{"lsh knows no package"}},
	{name: "a script's inner command", last: LastRun{Command: "./ok.sh", Status: 127, Stderr: "./ok.sh: line 3: jq: command not found"}, rule: "not-found:package",
		what: "jq, which the command runs, was not found", fix: "sudo apt install jq"},

	// Files and paths
	{name: "misspelt file", last: LastRun{Command: "cat note.txt", Status: 1, Stderr: "cat: note.txt: No such file or directory"}, rule: "no-such-file:typo",
		cause: []string{"There is no note.txt in {dir}, but there is notes.txt"}, fix: "cat notes.txt", level: risk.ReadOnly},
	{name: "wrong case, quoted by ls", last: LastRun{Command: "ls -l 'NOTES.txt'", Status: 2, Stderr: "ls: cannot access 'NOTES.txt': No such file or directory"}, rule: "no-such-file:typo", fix: "ls -l notes.txt"},
	{name: "GNU quotes", last: LastRun{Command: "cp notes.tx /tmp", Status: 1, Stderr: "cp: cannot stat ‘notes.tx’: No such file or directory"}, rule: "no-such-file:typo", fix: "cp notes.txt /tmp"},
	{name: "missing folder", last: LastRun{Command: "cd nowhere/deep", Status: 1, Stderr: "lsh: cd: nowhere/deep: No such file or directory"}, rule: "no-such-file:no-folder",
		cause: []string{"{dir}/nowhere does not exist", "the path that does is {dir}"}, fix: "ls -la {dir}"},
	{name: "nothing near", last: LastRun{Command: "cat zzzz.log", Status: 1, Stderr: "cat: zzzz.log: No such file or directory"}, rule: "no-such-file", fix: "ls -la {dir}"},
	{name: "blame the reader of a pipe", last: LastRun{Command: "cat note.txt | grep hello", Status: 1, Stderr: "cat: note.txt: No such file or directory"},
		rule: "no-such-file:typo", failed: "cat", fix: "cat notes.txt | grep hello"},
	{name: "python file not found", last: LastRun{Command: "python3 load.py", Status: 1, Stderr: "Traceback (most recent call last):\n  File \"load.py\", line 2, in <module>\n    open('notes.tx')\nFileNotFoundError: [Errno 2] No such file or directory: 'notes.tx'"},
		rule: "no-such-file:typo", cause: []string{"Python raised FileNotFoundError at load.py line 2", "there is notes.txt"}},
	{name: "mkdir needs -p", last: LastRun{Command: "mkdir a/b/c", Status: 1, Stderr: "mkdir: cannot create directory ‘a/b/c’: No such file or directory"}, rule: "stderr:mkdir-parents", fix: "mkdir -p a/b/c", level: risk.Writes},
	{name: "cp a directory", last: LastRun{Command: "cp src /tmp/x", Status: 1, Stderr: "cp: -r not specified; omitting directory 'src'"}, rule: "stderr:cp-directory", fix: "cp -r src /tmp/x"},
	{name: "rm a directory", last: LastRun{Command: "rm build", Status: 1, Stderr: "rm: cannot remove 'build': Is a directory"}, rule: "stderr:rm-directory", fix: "rm -r build", level: risk.Deletes},
	{name: "cat a directory", last: LastRun{Command: "cat src", Status: 1, Stderr: "cat: src: Is a directory"}, rule: "stderr:is-a-directory", cause: []string{"src is a directory, where cat expected a file"}},
	{name: "run a directory", last: LastRun{Command: "./build", Status: 126, Stderr: "lsh: ./build: Is a directory"}, rule: "not-runnable:directory"},
	{name: "not executable", last: LastRun{Command: "./run.sh --fast", Status: 126, Stderr: "lsh: ./run.sh: Permission denied"}, rule: "not-runnable:mode", fix: "chmod +x ./run.sh", level: risk.Writes},
	{name: "not executable, status only", last: LastRun{Command: "./run.sh", Status: 126}, rule: "not-runnable:mode", fix: "chmod +x ./run.sh"},
	{name: "executable yet refused", last: LastRun{Command: "./ok.sh", Status: 126}, rule: "not-runnable", cause: []string{"noexec"}},
	{name: "windows line endings", last: LastRun{Command: "./crlf.sh", Status: 127, Stderr: "lsh: ./crlf.sh: cannot execute: required file not found"}, rule: "stderr:bad-interpreter",
		cause: []string{"Windows line endings"}, fix: `sed -i 's/\r$//' ./crlf.sh`},
	{name: "missing interpreter", last: LastRun{Command: "./ruby.sh", Status: 127, Stderr: "/usr/bin/env: ‘ruby’: No such file or directory"}, rule: "stderr:env-interpreter",
		cause: []string{"asks for ruby"}, fix: "sudo apt install ruby"},
	{name: "wrong architecture", last: LastRun{Command: "./ok.sh", Status: 126, Stderr: "lsh: ./ok.sh: cannot execute binary file: Exec format error"}, rule: "stderr:exec-format", fix: "file ./ok.sh", level: risk.ReadOnly},

	// Permissions
	{name: "system file needs sudo", last: LastRun{Command: "cp notes.txt /etc/motd", Status: 1, Stderr: "cp: cannot create regular file '/etc/motd': Permission denied"}, rule: "stderr:permission-denied",
		cause: []string{"Only root may change /etc/motd"}, fix: "sudo cp notes.txt /etc/motd", level: risk.Privileged},
	{name: "redirection into a system file", last: LastRun{Command: "echo 127.0.0.1 box >> /etc/hosts", Status: 1, Stderr: "lsh: /etc/hosts: Permission denied"}, rule: "stderr:permission-denied-redirect",
		cause: []string{"the redirection is done by your shell"}, fix: "echo 127.0.0.1 box | sudo tee -a /etc/hosts > /dev/null"},
	{name: "someone else's file", last: LastRun{Command: "cat /home/bob/diary", Status: 1, Stderr: "cat: /home/bob/diary: Permission denied"}, rule: "stderr:permission-denied",
		cause: []string{"belongs to another user"}, fix: "ls -ld /home/bob/diary", level: risk.ReadOnly},
	{name: "apt without root", last: LastRun{Command: "apt install htop", Status: 100, Stderr: "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?"},
		rule: "stderr:apt-root", fix: "sudo apt install htop"},
	{name: "systemctl without root", last: LastRun{Command: "systemctl restart nginx", Status: 1, Stderr: "Failed to restart nginx.service: Interactive authentication required."}, rule: "stderr:needs-root", fix: "sudo systemctl restart nginx"},
	{name: "sudoers", last: LastRun{Command: "sudo ls /root", Status: 1, Stderr: "ann is not in the sudoers file.  This incident will be reported."}, rule: "stderr:sudoers"},
	{name: "docker socket", last: LastRun{Command: "docker ps", Status: 1, Stderr: "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock"}, rule: "stderr:docker-socket",
		fix: `sudo usermod -aG docker "$USER"`, level: risk.Privileged},
	{name: "read-only filesystem", last: LastRun{Command: "touch /mnt/cd/x", Status: 1, Stderr: "touch: cannot touch '/mnt/cd/x': Read-only file system"}, rule: "stderr:read-only-fs"},

	// git
	{name: "not a repository", last: LastRun{Command: "git status", Status: 128, Stderr: "fatal: not a git repository (or any of the parent directories): .git"}, rule: "stderr:git-not-repo", cause: []string{"git init"}},
	{name: "merge conflict", last: LastRun{Command: "git merge feature", Status: 1, Stderr: "Auto-merging a.c\nCONFLICT (content): Merge conflict in a.c\nAutomatic merge failed; fix conflicts and then commit the result."},
		rule: "stderr:git-conflict", fix: "git diff --name-only --diff-filter=U", level: risk.ReadOnly},
	{name: "push rejected", last: LastRun{Command: "git push", Status: 1, Stderr: " ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs"}, rule: "stderr:git-rejected", fix: "git pull --rebase"},
	{name: "no upstream", last: LastRun{Command: "git push", Status: 128, Stderr: "fatal: The current branch feature has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream origin feature\n"},
		rule: "stderr:git-upstream", fix: "git push --set-upstream origin feature"},
	{name: "local changes", last: LastRun{Command: "git checkout main", Status: 1, Stderr: "error: Your local changes to the following files would be overwritten by checkout:\n\ta.c\nPlease commit your changes or stash them before you switch branches."},
		rule: "stderr:git-local-changes", fix: "git stash"},
	{name: "detached head", last: LastRun{Command: "git pull", Status: 1, Stderr: "You are not currently on a branch.\nPlease specify which branch you want to merge with."}, rule: "stderr:git-detached", cause: []string{"git switch -c"}},
	{name: "pathspec", last: LastRun{Command: "git checkout fetaure", Status: 1, Stderr: "error: pathspec 'fetaure' did not match any file(s) known to git"}, rule: "stderr:git-pathspec", cause: []string{"fetaure"}},
	{name: "git fatal, status only", last: LastRun{Command: "git log", Status: 128}, rule: "tool:git", cause: []string{"fatal"}},
	{name: "ssh key refused", last: LastRun{Command: "git push", Status: 128, Stderr: "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository."}, rule: "stderr:ssh-publickey", fix: "ssh-add -l"},
	{name: "host key changed", last: LastRun{Command: "ssh box", Status: 255, Stderr: "@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed."}, rule: "stderr:ssh-host-key"},
	{name: "ssh status only", last: LastRun{Command: "ssh box", Status: 255}, rule: "tool:ssh", cause: []string{"could not connect"}},

	// Languages and build tools
	{name: "python module", last: LastRun{Command: "python3 app.py", Status: 1, Stderr: "Traceback (most recent call last):\n  File \"app.py\", line 1, in <module>\n    import cv2\nModuleNotFoundError: No module named 'cv2'"},
		rule: "stderr:python-module", cause: []string{"opencv-python"}, fix: "python3 -m pip install opencv-python"},
	{name: "python module, that python", last: LastRun{Command: "python3.11 -m app", Status: 1, Stderr: "ModuleNotFoundError: No module named 'requests.adapters'"},
		rule: "stderr:python-module", fix: "python3.11 -m pip install requests"},
	{name: "pip refused", last: LastRun{Command: "pip install requests", Status: 1, Stderr: "error: externally-managed-environment\n\n× This environment is externally managed"}, rule: "stderr:pip-externally-managed", fix: "python3 -m venv .venv"},
	{name: "python exception", last: LastRun{Command: "python3 calc.py", Status: 1, Stderr: "Traceback (most recent call last):\n  File \"calc.py\", line 7, in <module>\n    print(1/0)\nZeroDivisionError: division by zero"},
		rule: "stderr:python-traceback", cause: []string{"Python raised ZeroDivisionError at calc.py line 7: division by zero"}},
	{name: "python interrupted", last: LastRun{Command: "python3 loop.py", Status: 1, Stderr: "Traceback (most recent call last):\n  File \"loop.py\", line 3, in <module>\nKeyboardInterrupt"}, rule: "stderr:python-traceback", cause: []string{"You pressed Ctrl-C"}},
	{name: "node module", last: LastRun{Command: "node server.js", Status: 1, Stderr: "Error: Cannot find module 'express/lib/router'\nRequire stack:\n- /app/server.js"}, rule: "stderr:node-module", fix: "npm install express"},
	{name: "node scoped module", last: LastRun{Command: "node a.js", Status: 1, Stderr: "Error: Cannot find module '@babel/core'"}, rule: "stderr:node-module", fix: "npm install @babel/core"},
	{name: "npm missing script", last: LastRun{Command: "npm run biuld", Status: 1, Stderr: "npm ERR! Missing script: \"biuld\"\nnpm ERR! \nnpm ERR! To see a list of scripts, run:\nnpm ERR!   npm run"}, rule: "stderr:npm-missing-script", cause: []string{"biuld"}, fix: "npm run"},
	{name: "npm peer conflict", last: LastRun{Command: "npm install", Status: 1, Stderr: "npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree"}, rule: "stderr:npm-eresolve", fix: "npm install --legacy-peer-deps"},
	{name: "make target", last: LastRun{Command: "make tset", Status: 2, Stderr: "make: *** No rule to make target 'tset'.  Stop."}, rule: "stderr:make-no-rule", cause: []string{"no target called tset"}},
	{name: "make missing source", last: LastRun{Command: "make", Status: 2, Stderr: "make: *** No rule to make target 'util.c', needed by 'util.o'.  Stop."}, rule: "stderr:make-no-rule-needed", cause: []string{"needs util.c to build util.o"}},
	{name: "no makefile", last: LastRun{Command: "make", Status: 2, Stderr: "make: *** No targets specified and no makefile found.  Stop."}, rule: "stderr:make-no-makefile"},
	{name: "a recipe failed", last: LastRun{Command: "make", Status: 2, Stderr: "cc -c a.c\nmake: *** [Makefile:3: a.o] Error 1"}, rule: "stderr:make-recipe", cause: []string{"recipe for a.o failed with status 1"}},
	{name: "make status only", last: LastRun{Command: "make all", Status: 2}, rule: "tool:make"},
	{name: "a script's syntax", last: LastRun{Command: "./ok.sh", Status: 2, Stderr: "./ok.sh: line 4: syntax error near unexpected token `fi'"}, rule: "stderr:syntax-error",
		cause: []string{"The script ./ok.sh has a syntax error at line 4", "bash -n ./ok.sh"}},
	{name: "a line's syntax", last: LastRun{Command: `sh -c 'if true; echo'`, Status: 2, Stderr: "sh: -c: line 1: syntax error: unexpected end of file"}, rule: "stderr:syntax-error",
		fix: `explain 'sh -c '\''if true; echo'\'''`, level: risk.ReadOnly},

	// Network
	{name: "dns", last: LastRun{Command: "curl https://exmaple.com", Status: 6, Stderr: "curl: (6) Could not resolve host: exmaple.com"}, rule: "stderr:resolve-host", cause: []string{"exmaple.com"}, fix: "getent hosts exmaple.com", level: risk.ReadOnly},
	{name: "dns, status only", last: LastRun{Command: "curl -s https://exmaple.com", Status: 6}, rule: "tool:curl", cause: []string{"resolve"}},
	{name: "refused", last: LastRun{Command: "curl localhost:8080", Status: 7, Stderr: "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused"}, rule: "stderr:connection-refused", fix: "ss -ltn"},
	{name: "refused without ss", last: LastRun{Command: "psql -h db", Status: 2, Stderr: "psql: error: connection to server at \"db\" failed: Connection refused"}, rule: "stderr:connection-refused",
		tweak: func(w *world) { w.has = fakeHost() }},
	{name: "port taken", last: LastRun{Command: "python3 -m http.server 8000", Status: 1, Stderr: "OSError: [Errno 98] Address already in use"}, rule: "stderr:address-in-use", fix: "ss -ltnp"},
	{name: "http 404", last: LastRun{Command: "curl -fO https://x.io/a.tgz", Status: 22, Stderr: "curl: (22) The requested URL returned error: 404"}, rule: "stderr:http-error", cause: []string{"HTTP 404", "nothing at that address"}},
	{name: "certificate", last: LastRun{Command: "curl https://self.signed", Status: 60, Stderr: "curl: (60) SSL certificate problem: self-signed certificate"}, rule: "stderr:tls", cause: []string{"not the fix"}},
	{name: "timeout wrapper", last: LastRun{Command: "timeout 5 ./ok.sh", Status: 124}, rule: "tool:timeout", failed: "./ok.sh", cause: []string{"time limit ran out"}},

	// Resources
	{name: "disk full", last: LastRun{Command: "cp big.iso /mnt/usb", Status: 1, Stderr: "cp: error writing '/mnt/usb/big.iso': No space left on device"}, rule: "stderr:no-space", fix: "diagnose", level: risk.ReadOnly},
	{name: "open files", last: LastRun{Command: "./ok.sh", Status: 1, Stderr: "accept: Too many open files"}, rule: "stderr:too-many-open-files", fix: "ulimit -n 4096"},
	{name: "out of memory", last: LastRun{Command: "./ok.sh", Status: 1, Stderr: "fatal: Out of memory, malloc failed"}, rule: "stderr:out-of-memory", fix: "journalctl -k | grep -i oom"},
	{name: "apt lists", last: LastRun{Command: "sudo apt install htopp", Status: 100, Stderr: "E: Unable to locate package htopp"}, rule: "stderr:apt-locate", cause: []string{"htopp"}, fix: "sudo apt update"},
	{name: "dpkg interrupted", last: LastRun{Command: "sudo apt upgrade", Status: 100, Stderr: "E: dpkg was interrupted, you must manually run 'sudo dpkg --configure -a' to correct the problem."}, rule: "stderr:dpkg-interrupted", fix: "sudo dpkg --configure -a"},
	{name: "bad option", last: LastRun{Command: "grep -P 'a+' notes.txt", Status: 2, Stderr: "grep: invalid option -- P"}, rule: "stderr:bad-option", fix: "man grep", level: risk.ReadOnly},

	// Statuses that are answers
	{name: "grep found nothing", last: LastRun{Command: "grep zebra notes.txt", Status: 1}, rule: "tool:grep", what: "grep returned status 1", cause: []string{"not an error"}},
	{name: "grep at the end of a pipe", last: LastRun{Command: "ps aux | grep zebra", Status: 1}, rule: "tool:grep", failed: "grep"},
	{name: "diff found differences", last: LastRun{Command: "diff a b", Status: 1}, rule: "tool:diff", cause: []string{"differ"}},
	{name: "test false", last: LastRun{Command: "[ -f nope ]", Status: 1}, rule: "tool:[", cause: []string{"false"}},
}

func TestWhy(t *testing.T) {
	if len(whyCases) < 40 {
		t.Fatalf("only %d cases", len(whyCases))
	}
	for _, tc := range whyCases {
		t.Run(tc.name, func(t *testing.T) {
			dir, w := whyFixture(t)
			if tc.tweak != nil {
				tc.tweak(w)
			}
			sub := func(s string) string { return strings.ReplaceAll(s, "{dir}", dir) }
			r := w.explain(tc.last)
			if r.Rule != tc.rule {
				t.Errorf("rule %q, want %q\n%+v", r.Rule, tc.rule, r)
			}
			if !strings.Contains(r.What, sub(tc.what)) || r.What == "" {
				t.Errorf("what %q, want it to contain %q", r.What, sub(tc.what))
			}
			for _, c := range tc.cause {
				if !strings.Contains(r.Cause, sub(c)) {
					t.Errorf("cause %q, want it to contain %q", r.Cause, sub(c))
				}
			}
			if tc.failed != "" && r.Failed != tc.failed {
				t.Errorf("blamed %q, want %q", r.Failed, tc.failed)
			}
			if r.StderrSeen != (strings.TrimSpace(tc.last.Stderr) != "") {
				t.Errorf("stderr_seen %v", r.StderrSeen)
			}
			got := ""
			if r.Fix != nil {
				checkFix(t, *r.Fix)
				got = r.Fix.Command
				if r.Fix.Kind == intents.KindAction {
					got = r.Fix.Action.CommandLine()
				}
			}
			if got != sub(tc.fix) {
				t.Errorf("fix %q, want %q", got, sub(tc.fix))
			}
			if tc.level != "" && r.Fix != nil && r.Fix.Risk.Level != tc.level {
				t.Errorf("fix rated %s, want %s", r.Fix.Risk.Level, tc.level)
			}
		})
	}
}

// TestWhyRulesAreReachable checks that no stderr rule is shadowed: each
// is the one that matched in at least one case.
func TestWhyRulesAreReachable(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range whyCases {
		seen[strings.TrimPrefix(tc.rule, "stderr:")] = true
	}
	untested := map[string]bool{ // rules whose messages the table has no case for yet
		"git-identity": true, "git-unrelated": true, "git-auth": true, "git-no-repo-remote": true, "node-heap": true,
		"npm-no-package-json": true, "npm-eacces": true, "npm-error": true, "go-no-module": true, "cargo-no-manifest": true,
		"unbound-variable": true, "rmdir-not-empty": true, "not-a-directory": true, "file-exists": true, "arg-list-too-long": true,
		"text-busy": true, "device-busy": true, "sudo-no-tty": true, "docker-daemon": true, "apt-lock": true, "apt-no-candidate": true,
		"quota": true, "fork-failed": true, "io-error": true, "stale-handle": true, "operation-not-permitted": true,
		"unreachable": true, "timed-out": true, "missing-operand": true, "not-gzip": true,
		"not-found": true, "no-such-file": true, "permission-denied": true, "python-traceback": true, "bad-interpreter": true, "env-interpreter": true,
	}
	for _, r := range stderrRules {
		if !seen[r.name] && !untested[r.name] {
			t.Errorf("stderr rule %s has no case in whyCases", r.name)
		}
	}
}

// TestWhyMoreMessages covers the rules the main table does not, one
// message each: the rule that must match and a word of its cause.
func TestWhyMoreMessages(t *testing.T) {
	tests := []struct{ cmd, stderr, rule, cause, fix string }{
		{"git commit", "*** Please tell me who you are.", "git-identity", "user.email", ""},
		{"git pull other", "fatal: refusing to merge unrelated histories", "git-unrelated", "share no history", ""},
		{"git clone https://h/x", "fatal: Authentication failed for 'https://h/x'", "git-auth", "access token", ""},
		{"git clone https://h/x", "remote: Repository not found.\nfatal: repository 'https://h/x/' not found", "git-no-repo-remote", "no repository", ""},
		{"node build.js", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory", "node-heap", "max-old-space-size", ""},
		{"npm install", "npm ERR! code ENOENT\nnpm ERR! syscall open\nnpm ERR! path /home/ann/package.json", "npm-no-package-json", "no package.json", ""},
		{"npm install -g x", "npm ERR! code EACCES", "npm-eacces", "prefix", ""},
		{"npm install", "npm ERR! code E404", "npm-error", "E404", ""},
		{"go build", "go: go.mod file not found in current directory or any parent directory", "go-no-module", "go mod init", ""},
		{"cargo build", "error: could not find `Cargo.toml` in `/x` or any parent directory", "cargo-no-manifest", "cargo init", ""},
		{"./ok.sh", "./ok.sh: line 2: DIR: unbound variable", "unbound-variable", "DIR is used", ""},
		{"rmdir build", "rmdir: failed to remove 'build': Directory not empty", "rmdir-not-empty", "build still has files", ""},
		{"cat notes.txt/x", "cat: notes.txt/x: Not a directory", "not-a-directory", "is a file", ""},
		{"ln -s a b", "ln: failed to create symbolic link 'b': File exists", "file-exists", "already exists", ""},
		{"rm *.log", "lsh: rm: Argument list too long", "arg-list-too-long", "xargs", ""},
		{"cp app /usr/local/bin/app", "cp: cannot create regular file '/usr/local/bin/app': Text file busy", "text-busy", "running right now", ""},
		{"umount /mnt", "umount: /mnt: target is busy.", "device-busy", "fuser", ""},
		{"sudo ls", "sudo: a terminal is required to read the password", "sudo-no-tty", "no terminal", ""},
		{"docker ps", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "docker-daemon", "not running", "sudo systemctl start docker"},
		{"sudo apt install x", "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (unattended-upgr)", "apt-lock", "Another package manager", ""},
		{"sudo apt install python", "E: Package 'python' has no installation candidate", "apt-no-candidate", "python is known", ""},
		{"cp a /home/x", "cp: error writing '/home/x': Disk quota exceeded", "quota", "quota", ""},
		{"make -j64", "bash: fork: retry: Resource temporarily unavailable", "fork-failed", "ulimit -u", ""},
		{"cp /mnt/usb/a .", "cp: error reading '/mnt/usb/a': Input/output error", "io-error", "failing drive", "journalctl -k -p err"},
		{"ls", "ls: cannot open directory '.': Stale file handle", "stale-handle", "network filesystem", ""},
		{"kill 1", "lsh: kill: (1) - Operation not permitted", "operation-not-permitted", "needs root", "sudo kill 1"},
		{"ping 10.9.9.9", "ping: connect: Network is unreachable", "unreachable", "no route", ""},
		{"ssh box", "ssh: connect to host box port 22: Connection timed out", "timed-out", "never answered", ""},
		{"cp notes.txt", "cp: missing destination file operand after 'notes.txt'", "missing-operand", "needs more arguments", "man cp"},
		{"tar xzf a.tar", "gzip: stdin: not in gzip format", "not-gzip", "not gzip-compressed", ""},
	}
	for _, tc := range tests {
		_, w := whyFixture(t)
		r := w.explain(LastRun{Command: tc.cmd, Status: 1, Stderr: tc.stderr})
		if r.Rule != "stderr:"+tc.rule || !strings.Contains(r.Cause, tc.cause) {
			t.Errorf("%s: rule %q cause %q, want %s and %q", tc.stderr, r.Rule, r.Cause, tc.rule, tc.cause)
		}
		got := ""
		if r.Fix != nil {
			checkFix(t, *r.Fix)
			got = r.Fix.Command
		}
		if got != tc.fix {
			t.Errorf("%s: fix %q, want %q", tc.stderr, got, tc.fix)
		}
	}
}

func TestWhyBuiltin(t *testing.T) {
	fn, ok := Lookup("why")
	if !ok {
		t.Fatal("why is not registered")
	}
	dir, _ := whyFixture(t)
	run := func(last LastRun, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Dir: dir, Last: last, Getenv: func(n string) string {
			if n == "PATH" {
				return os.Getenv("PATH")
			}
			return ""
		}}
		st := fn(context.Background(), env, append([]string{"why"}, args...))
		return st, out.String(), errb.String()
	}

	st, out, errs := run(LastRun{})
	if st != 1 || out != "" || errs != "why: no command has run yet in this shell\n" {
		t.Errorf("no last command: %d %q %q", st, out, errs)
	}
	st, out, _ = run(LastRun{Command: "true", Status: 0})
	if st != 0 || out != "The last command (true) succeeded: exit status 0.\n" {
		t.Errorf("success: %d %q", st, out)
	}
	st, out, _ = run(LastRun{Command: "cat note.txt", Status: 1, Stderr: "cat: note.txt: No such file or directory\n"})
	want := "cat failed with exit status 1.\nThere is no note.txt in " + dir + ", but there is notes.txt.\nFix: Run the line with notes.txt instead of note.txt.\n     cat notes.txt   [read-only]\n"
	if st != 0 || out != want {
		t.Errorf("report\n got %q\nwant %q", out, want)
	}
	_, out, _ = run(LastRun{Command: "./ok.sh", Status: 3})
	if !strings.Contains(out, "lsh has no error output from it") {
		t.Errorf("no stderr captured, yet the report does not say so:\n%s", out)
	}
	st, out, _ = run(LastRun{Command: "cat note.txt", Status: 1, Stderr: "cat: note.txt: No such file or directory"}, "--json")
	var r WhyReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || st != 0 {
		t.Fatalf("--json: %v %d\n%s", err, st, out)
	}
	if r.Rule != "no-such-file:typo" || r.Fix == nil || r.Fix.Command != "cat notes.txt" || !r.StderrSeen || r.Failed != "cat" {
		t.Errorf("json %+v", r)
	}
	if strings.Contains(out, `\u003e`) {
		t.Errorf("json escapes HTML")
	}
	if st, _, errs := run(LastRun{Command: "ls"}, "--verbose"); st != 2 || !strings.HasPrefix(errs, `why: unexpected argument "--verbose"`) {
		t.Errorf("bad argument: %d %q", st, errs)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"git", "git", 0}, {"gti", "git", 1}, {"sl", "ls", 1}, {"gerp", "grep", 1},
		{"pyhton", "python", 1}, {"mkdri", "mkdir", 1}, {"dokcer", "docker", 1}, {"kitten", "sitting", 3},
		{"", "abc", 3}, {"ca", "abc", 3}, {"naïve", "naive", 1},
	}
	for _, tc := range tests {
		if d := editDistance(tc.a, tc.b); d != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func TestClosest(t *testing.T) {
	cands := []string{"ls", "git", "grep", "top", "cat", "python3", "docker", "make", "sort", "gzip", "gti2"}
	tests := []struct{ word, want string }{
		{"gti", "git"}, {"sl", "ls"}, {"gerp", "grep"}, {"pyhton3", "python3"}, {"dcoker", "docker"},
		{"mkae", "make"}, {"xyzzy", ""}, {"s", ""}, {"ab", ""}, {"gi", ""}, {"ct", ""}, {"git", ""},
	}
	for _, tc := range tests {
		if got, _ := closest(tc.word, cands); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestPackageTable(t *testing.T) {
	tests := []struct{ cmd, manager, want string }{
		{"rg", "apt", "ripgrep"}, {"fd", "apt", "fd-find"}, {"fd", "pacman", "fd"}, {"dig", "dnf", "bind-utils"},
		{"dig", "apk", "bind-tools"}, {"htop", "brew", "htop"}, {"python", "apt", "python-is-python3"}, {"frob", "apt", ""},
	}
	for _, tc := range tests {
		if got := tablePackageOf(tc.cmd, tc.manager); got != tc.want {
			t.Errorf("%s with %s: %q, want %q", tc.cmd, tc.manager, got, tc.want)
		}
	}
	if got := installCommand("brew", "htop", false); got != "brew install htop" {
		t.Errorf("brew needs no sudo: %q", got)
	}
	if got := installCommand("pacman", "fd", false); got != "sudo pacman -S fd" {
		t.Errorf("pacman: %q", got)
	}
	if got := installCommand("nix", "fd", false); got != "" {
		t.Errorf("unknown manager: %q", got)
	}
}

// TestInstallAdvice reads the advice of the distributions' command-not-found
// helpers, as they print it.
func TestInstallAdvice(t *testing.T) {
	tests := []struct{ text, manager, pkg string }{
		{"Command 'htop' not found, but can be installed with:\n\nsudo apt install htop\n", "apt", "htop"},
		{"Command 'lolcat' not found, but can be installed with:\n\nsudo snap install lolcat  # version 1.1\nsudo apt  install lolcat  # version 100.0.1-2\n\nSee 'snap info lolcat' for additional versions.\n", "snap", "lolcat"},
		{"Command 'gcc' not found, but can be installed with:\n\napt install gcc\nPlease ask your administrator.\n", "apt", "gcc"},
		{"Command 'frob' not found, did you mean:\n  command 'from' from deb mailutils (1:3.17-1)\nTry: sudo apt install <deb name>\n", "", ""},
		{"frob: command not found\n", "", ""},
	}
	for _, tc := range tests {
		m := installLine.FindStringSubmatch(tc.text)
		got, pkg := "", ""
		if m != nil {
			got, pkg = m[1], m[2]
		}
		if got != tc.manager || pkg != tc.pkg {
			t.Errorf("%q: %s %s, want %s %s", tc.text, got, pkg, tc.manager, tc.pkg)
		}
	}
}

// BenchmarkWhyTypo measures "command not found" on this host: listing
// every command on PATH and comparing each with the typo.
func BenchmarkWhyTypo(b *testing.B) {
	env := &Env{Getenv: os.Getenv, Last: LastRun{Command: "gti status", Status: 127, Stderr: "lsh: gti: command not found"}}
	for b.Loop() {
		if r := Why(env); r.Rule != "not-found:typo" {
			b.Fatalf("%+v", r)
		}
	}
}

// BenchmarkWhyStderr measures matching an error message against every
// rule: the worst case, a message no rule knows.
func BenchmarkWhyStderr(b *testing.B) {
	_, w := whyFixture(b)
	last := LastRun{Command: "./ok.sh", Status: 1, Stderr: strings.Repeat("something odd happened here\n", 40)}
	for b.Loop() {
		if r := w.explain(last); r.Rule != "status:1" {
			b.Fatalf("%+v", r)
		}
	}
}
