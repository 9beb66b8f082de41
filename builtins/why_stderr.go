package builtins

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file is what error messages mean: a table of patterns, tried in
// order, most specific first. A rule's cause and fix are templates:
//
//	$1 … $9   the pattern's groups, as text for people
//	{1} … {9} the same, quoted as one shell word, for commands
//	{name}    the command that failed, as written
//	{line}    the whole command line, as typed
//	{sudo}    "sudo " unless the user is root
//
// A rule whose answer needs more than a template (looking at the
// filesystem, the package database) has a resolve function instead.

// stderrRule is one kind of error message.
type stderrRule struct {
	name string
	// pattern is a regular expression (see stderrPatterns).
	pattern string
	// cause explains the message; fix and fixWhy propose a command and
	// say what it does ("" for no fix); needs is a tool the fix needs.
	cause, fix, fixWhy, needs string
	// action proposes one of lsh's builtins instead of a command.
	action string
	// resolve replaces the templates when set; ok false passes the
	// message on to the next rules.
	resolve func(in *incident, m []string) (answer, bool)
}

// q is the pattern of a name in quotes as tools print them: 'x', ‘x’
// (GNU tools in a UTF-8 locale), "x" or `x'.
const q = "[`‘'\"]([^’'\"\n]+)[’'\"]"

var stderrRules = []stderrRule{
	// ssh and git remotes
	{name: "ssh-publickey", pattern: `Permission denied \(publickey`,
		cause: "The server refused your SSH key: none of the keys ssh offered is authorized there (or the agent offered none).",
		fix:   "ssh-add -l", fixWhy: "List the keys your ssh agent offers.", needs: "ssh-add"},
	{name: "ssh-host-key", pattern: `Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED`,
		cause: "ssh does not trust the server's host key: it is new and could not be confirmed, or it changed since your last visit (a reinstalled server, or someone in between). Check it before removing the old key with ssh-keygen -R HOST."},
	{name: "git-not-repo", pattern: `fatal: not a git repository`,
		cause: "This directory is not inside a git repository: cd into your project, or start one here with git init."},
	{name: "git-conflict", pattern: `CONFLICT \(|Automatic merge failed|Merge conflict in|you need to resolve your current index first|unmerged files`,
		cause: "The merge stopped on conflicting changes: edit the files marked with <<<<<<<, git add them and git commit — or undo the whole merge with git merge --abort.",
		fix:   "git diff --name-only --diff-filter=U", fixWhy: "List the files that still have conflicts."},
	{name: "git-upstream", pattern: `has no upstream branch[\s\S]*?(git push --set-upstream [A-Za-z0-9._/-]+ [A-Za-z0-9._/-]+)`,
		cause: "This branch has never been pushed, so git does not know where to push it.",
		fix:   "$1", fixWhy: "Push the branch and remember the remote branch for later pushes and pulls."},
	{name: "git-rejected", pattern: `\(non-fast-forward\)|\(fetch first\)|Updates were rejected because`,
		cause: "The remote branch has commits you do not have, so git refuses to overwrite them: bring them in first, then push again.",
		fix:   "git pull --rebase", fixWhy: "Fetch the remote commits and replay yours on top of them; then push again."},
	{name: "git-local-changes", pattern: `Your local changes to the following files would be overwritten`,
		cause: "You have uncommitted changes to files the command would replace.",
		fix:   "git stash", fixWhy: "Put your uncommitted changes aside (git stash pop brings them back), then run the command again."},
	{name: "git-detached", pattern: `You are not currently on a branch|detached HEAD|HEAD detached`,
		cause: "You are on a detached HEAD (a commit, not a branch): commits made here belong to no branch. git switch -c NAME makes a branch of them; git switch BRANCH goes back."},
	{name: "git-identity", pattern: `Please tell me who you are|Author identity unknown`,
		cause: "git needs your name and email for commits: git config --global user.name \"Your Name\" and git config --global user.email you@example.com."},
	{name: "git-pathspec", pattern: `pathspec ` + q + ` did not match`,
		cause: "git knows no file or branch called $1: check the spelling (git status lists files, git branch -a branches)."},
	{name: "git-unrelated", pattern: `refusing to merge unrelated histories`,
		cause: "The two branches share no history, so git will not merge them unless told to (--allow-unrelated-histories): make sure you are pulling the right repository."},
	{name: "git-auth", pattern: `Authentication failed for|could not read Username for|terminal prompts disabled`,
		cause: "The git server rejected your credentials: most hosts want a personal access token or an SSH key, not your password."},
	{name: "git-no-repo-remote", pattern: `(?:fatal: )?repository ` + q + ` not found|ERROR: Repository not found`,
		cause: "There is no repository at that address: a typo in the URL, or it is private and you are not signed in."},

	// Python, Node, make, Go, Rust
	{name: "python-module", pattern: `(?:ModuleNotFoundError|ImportError): No module named '?([A-Za-z0-9_.]+)'?`, resolve: pythonModule},
	{name: "pip-externally-managed", pattern: `externally-managed-environment`,
		cause: "This Python belongs to the system's package manager, so pip will not install into it: make a virtual environment and install there, or install the distribution's python3-NAME package.",
		fix:   "python3 -m venv .venv", fixWhy: "Create a virtual environment in .venv; activate it with . .venv/bin/activate and run pip again.", needs: "python3"},
	{name: "python-traceback", pattern: `Traceback \(most recent call last\):`, resolve: pythonTraceback},
	{name: "node-module", pattern: `Cannot find module ` + q, resolve: nodeModule},
	{name: "node-heap", pattern: `JavaScript heap out of memory`,
		cause: "Node ran out of the memory it allows itself; NODE_OPTIONS=--max-old-space-size=4096 raises the limit (in MB)."},
	{name: "npm-missing-script", pattern: `npm (?:ERR!|error) [Mm]issing script:? "?([A-Za-z0-9:._-]+)`,
		cause: "package.json has no script called $1.",
		fix:   "npm run", fixWhy: "List the scripts package.json defines.", needs: "npm"},
	{name: "npm-no-package-json", pattern: `(?s)npm (?:ERR!|error).*(?:ENOENT|enoent).*package\.json`,
		cause: "There is no package.json here: run npm in your project's folder (npm init creates one)."},
	{name: "npm-eresolve", pattern: `npm (?:ERR!|error) code ERESOLVE`,
		cause: "Two packages want incompatible versions of a third (a peer dependency conflict).",
		fix:   "npm install --legacy-peer-deps", fixWhy: "Install while ignoring peer-dependency conflicts, as npm 6 did.", needs: "npm"},
	{name: "npm-eacces", pattern: `npm (?:ERR!|error) code EACCES`,
		cause: "npm tried to write where you may not, usually a global install into /usr: set a prefix in your home (npm config set prefix ~/.npm-global) rather than using sudo."},
	{name: "npm-error", pattern: `npm (?:ERR!|error) code (\S+)`,
		cause: "npm failed with error code $1; the npm lines after it say which package and why."},
	{name: "make-no-makefile", pattern: `No targets specified and no makefile found`,
		cause: "There is no Makefile in this directory: run make in the project's folder."},
	{name: "make-no-rule-needed", pattern: `No rule to make target ` + q + `, needed by ` + q,
		cause: "The Makefile needs $1 to build $2, but that file does not exist and no rule makes it: a missing source file, or a typo in the Makefile."},
	{name: "make-no-rule", pattern: `No rule to make target ` + q,
		cause: "The Makefile has no target called $1: check the spelling against the targets in the Makefile."},
	{name: "go-no-module", pattern: `go: cannot find main module|go\.mod file not found`,
		cause: "There is no go.mod here or above: run go in your module's folder, or create one with go mod init NAME."},
	{name: "cargo-no-manifest", pattern: "could not find `Cargo.toml`",
		cause: "There is no Cargo.toml here or above: run cargo in your crate's folder, or create one with cargo init."},

	// the shell and running programs
	{name: "bad-interpreter", pattern: `(\S+?): (?:bad interpreter: No such file or directory|cannot execute: required file not found)`, resolve: badInterpreter},
	{name: "env-interpreter", pattern: `env: ` + q + `: No such file or directory`, resolve: envInterpreter},
	{name: "exec-format", pattern: `cannot execute binary file|Exec format error`,
		cause: "The file is not a program this machine can run: built for another CPU (arm64 vs x86_64) or another system, or not a program at all.",
		fix:   "file {name}", fixWhy: "Show what kind of file it is and which CPU it was built for.", needs: "file"},
	{name: "syntax-error", pattern: `syntax error near unexpected token|syntax error: unexpected end of file|unexpected EOF while looking for matching|Syntax error:`, resolve: shellSyntax},
	{name: "unbound-variable", pattern: `(\S+): unbound variable`,
		cause: "$1 is used but was never set, and set -u makes that an error."},
	{name: "not-found", pattern: `(?m)(?:^|: )(?:line \d+: )?([^\s:]+): command not found\s*$|(?m)^\S+: \d+: ([^\s:]+): not found|command not found: (\S+)`, resolve: commandNotFound},
	{name: "mkdir-parents", pattern: `mkdir: cannot create directory ` + q + `: No such file or directory`,
		cause: "mkdir creates one level at a time, and the folder $1 should go in does not exist: -p creates the missing parents too.",
		fix:   "{mkdir-p}", fixWhy: "Create the folder and any missing parent folders."},
	{name: "cp-directory", pattern: `cp: -r not specified; omitting directory|cp: omitting directory`,
		cause: "cp copies a directory only with -r (recursive).",
		fix:   "{flag:-r}", fixWhy: "Copy the directory and everything in it."},
	{name: "rm-directory", pattern: `rm: cannot remove ` + q + `: Is a directory`,
		cause: "rm removes a directory only with -r (recursive), which deletes everything inside it.",
		fix:   "{flag:-r}", fixWhy: "Delete the directory and everything in it."},
	{name: "rmdir-not-empty", pattern: `(?:rmdir: failed to remove|rm: cannot remove) ` + q + `: Directory not empty`,
		cause: "rmdir removes only empty directories; $1 still has files in it (rm -r would delete them too)."},
	{name: "is-a-directory", pattern: `(?m)([^\s:]+): Is a directory`, resolve: isADirectory},
	{name: "not-a-directory", pattern: `Not a directory`,
		cause: "A part of the path that should be a directory is a file."},
	{name: "file-exists", pattern: `File exists`,
		cause: "The target already exists, and the command will not replace it."},
	{name: "arg-list-too-long", pattern: `Argument list too long`,
		cause: "The arguments (a glob matching many thousands of files) are more than the kernel passes to a program: use find … -exec {name} {} + or xargs instead of the glob."},
	{name: "text-busy", pattern: `Text file busy`,
		cause: "The program file is running right now, so it cannot be replaced: stop it first."},
	{name: "device-busy", pattern: `Device or resource busy|target is busy`,
		cause: "Something still uses it: a shell whose current directory is inside it, or an open file (lsof or fuser -vm show who)."},

	// permissions, space, limits
	{name: "sudoers", pattern: `is not in the sudoers file|is not allowed to execute|may not run sudo`,
		cause: "Your user may not use sudo here: an administrator must add you to the sudo (or wheel) group."},
	{name: "sudo-no-tty", pattern: `sudo: a terminal is required|sudo: a password is required|no tty present`,
		cause: "sudo needed to ask for your password but had no terminal to ask on: run it from an interactive terminal, or sudo -v first."},
	{name: "docker-socket", pattern: `permission denied while trying to connect to the Docker daemon`,
		cause: "Your user may not use the Docker socket. Joining the docker group allows it (log out and in afterwards) — but that group is as powerful as root.",
		fix:   "{sudo}usermod -aG docker \"$USER\"", fixWhy: "Add your user to the docker group; it takes effect at your next login.", needs: "usermod"},
	{name: "docker-daemon", pattern: `Cannot connect to the Docker daemon`,
		cause: "The Docker daemon is not running.",
		fix:   "{sudo}systemctl start docker", fixWhy: "Start the Docker service.", needs: "systemctl"},
	{name: "apt-root", pattern: `are you root\?`,
		cause: "Package management changes the system, so it must run as root.",
		fix:   "{sudo-line}", fixWhy: "Run the same line as root."},
	{name: "apt-lock", pattern: `Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory`,
		cause: "Another package manager is running (apt, unattended-upgrades, a software center): wait for it to finish, then try again."},
	{name: "apt-locate", pattern: `Unable to locate package (\S+)`,
		cause: "apt's package lists know no package $1: the name is wrong, or the lists are old.",
		fix:   "{sudo}apt update", fixWhy: "Refresh apt's package lists, then install again.", needs: "apt"},
	{name: "apt-no-candidate", pattern: `Package ` + q + ` has no installation candidate`,
		cause: "$1 is known to apt but no source offers it for this release: it was renamed, removed, or lives in a repository not enabled here."},
	{name: "dpkg-interrupted", pattern: `dpkg was interrupted`,
		cause: "An earlier install was interrupted and left packages half configured.",
		fix:   "{sudo}dpkg --configure -a", fixWhy: "Finish configuring the packages the interrupted install left behind.", needs: "dpkg"},
	{name: "no-space", pattern: `No space left on device`,
		cause:  "The disk the command writes to is full (or out of inodes: room for new files).",
		action: "diagnose", fixWhy: "Find which disk is full and what fills it."},
	{name: "quota", pattern: `Disk quota exceeded`,
		cause: "You used all the disk space your account is allowed: delete or move files, or ask for a bigger quota."},
	{name: "read-only-fs", pattern: `Read-only file system`,
		cause: "That filesystem is mounted read-only: an image or a protected system path, or the kernel remounted it after disk errors (journalctl -k shows them)."},
	{name: "too-many-open-files", pattern: `Too many open files`,
		cause: "{name} reached the limit on open files (ulimit -n): raise it for this shell, or look for a program that leaks them.",
		fix:   "ulimit -n 4096", fixWhy: "Raise this shell's open-file limit to 4096 (at most the hard limit, ulimit -Hn); then run the command again."},
	{name: "out-of-memory", pattern: `(?m)^Killed$|Out of memory|Cannot allocate memory|MemoryError|OutOfMemoryError`,
		cause: "The program ran out of memory: close other programs, or give it less to do at once.",
		fix:   "{oom-log}", fixWhy: "Look in the kernel log for the out-of-memory killer."},
	{name: "fork-failed", pattern: `Resource temporarily unavailable|fork: retry`,
		cause: "The limit on processes was reached (ulimit -u), or the machine is out of memory for new ones."},
	{name: "io-error", pattern: `Input/output error`,
		cause: "The disk (or a network filesystem) failed to read or write: a failing drive, a loose cable, or a mount whose server went away.",
		fix:   "journalctl -k -p err", fixWhy: "Show the kernel's recent errors, where disk failures appear.", needs: "journalctl"},
	{name: "stale-handle", pattern: `Stale file handle`,
		cause: "The network filesystem changed under the shell (the directory was removed or the server restarted): cd out and back in, or remount it."},
	{name: "needs-root", pattern: `Interactive authentication required|Access denied|must be run as root|must be superuser|[Yy]ou must be root|need to be root|requires root privileges|Only root can`,
		cause: "This changes the system, so only root may do it.",
		fix:   "{sudo-line}", fixWhy: "Run the same line as root."},
	{name: "permission-denied", pattern: `Permission denied|EACCES`, resolve: permissionDenied},
	{name: "operation-not-permitted", pattern: `Operation not permitted|EPERM`,
		cause: "The kernel refused: the operation needs root, or the file is immutable (lsattr shows the i flag), or the filesystem does not support it.",
		fix:   "{sudo-line}", fixWhy: "Run the same line as root."},
	{name: "no-such-file", pattern: `No such file or directory|ENOENT`, resolve: noSuchFile},

	// network
	{name: "resolve-host", pattern: `Could not resolve host:? ?([A-Za-z0-9.-]*)|Temporary failure in name resolution|Name or service not known|nodename nor servname|no such host|getaddrinfo|ENOTFOUND`,
		cause: "The host name could not be turned into an address: a typo in it, no network, or DNS not working.", resolve: resolveHost},
	{name: "connection-refused", pattern: `Connection refused|ECONNREFUSED`,
		cause: "Nothing listens at that address and port: the server is not running, or it listens on another port or only on localhost.",
		fix:   "{listening}", fixWhy: "List the ports servers listen on here."},
	{name: "address-in-use", pattern: `Address already in use|EADDRINUSE`,
		cause: "Another program already listens on that port: stop it, or use another port.",
		fix:   "{listening-p}", fixWhy: "List the programs listening here and their ports."},
	{name: "unreachable", pattern: `Network is unreachable|No route to host|EHOSTUNREACH`,
		cause: "There is no route to that address: the network is down, or the host is on a network this machine cannot reach (a VPN that is off)."},
	{name: "timed-out", pattern: `Connection timed out|Operation timed out|ETIMEDOUT|timed out`,
		cause: "The other side never answered: the host is down, a firewall drops the packets, or the port is wrong."},
	{name: "tls", pattern: `SSL certificate problem|certificate verify failed|x509: certificate|CERTIFICATE_VERIFY_FAILED|unable to get local issuer certificate`,
		cause: "The server's TLS certificate could not be verified: it expired or is self-signed, this machine's clock is wrong, or the CA certificates are not installed (ca-certificates). Turning verification off is not the fix."},
	{name: "http-error", pattern: `The requested URL returned error: (\d{3})|ERROR (\d{3}): `, resolve: httpError},

	// generic
	{name: "bad-option", pattern: `(?:invalid|unrecognized|unknown|illegal) option`,
		cause: "{name} does not accept one of the options given (options differ between GNU, BSD and BusyBox versions of a tool).",
		fix:   "{manual}", fixWhy: "Read {name}'s manual for the options it takes."},
	{name: "missing-operand", pattern: `missing (?:file |destination file )?operand`,
		cause: "{name} needs more arguments (a file, or where to put it).",
		fix:   "{manual}", fixWhy: "Read {name}'s manual for the arguments it takes."},
	{name: "not-gzip", pattern: `not in gzip format`,
		cause: "The file is not gzip-compressed: a plain .tar, another compression, or an error page downloaded in place of the archive (file shows which)."},
	{name: "make-recipe", pattern: `make(?:\[\d+\])?: \*\*\* \[(?:\S+: )?([^\]]+)\] Error (\d+)`,
		cause: "A command of the recipe for $1 failed with status $2; the error printed above the make line is the real one."},
}

// stderrPatterns are stderrRules' patterns compiled, index for index. They
// are compiled on first use, not at init: every lsh start links this
// package (lsh -c true among them), and few run why.
var stderrPatterns = lazy.Value[[]*regexp.Regexp]{Build: func() []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(stderrRules))
	for i := range stderrRules {
		res[i] = regexp.MustCompile(stderrRules[i].pattern)
	}
	return res
}}

// matchStderr tries the rules in order on the captured error output.
func (in *incident) matchStderr() (answer, bool) {
	if in.stderr == "" {
		return answer{}, false
	}
	patterns := stderrPatterns.Get()
	for i := range stderrRules {
		r := &stderrRules[i]
		m := patterns[i].FindStringSubmatch(in.stderr)
		if m == nil {
			continue
		}
		if r.resolve != nil {
			a, ok := r.resolve(in, m)
			if !ok {
				continue
			}
			if a.rule == "" {
				a.rule = "stderr:" + r.name
			}
			if a.cause == "" {
				a.cause = in.fill(r.cause, m, false)
			}
			return a, true
		}
		a := answer{rule: "stderr:" + r.name, cause: in.fill(r.cause, m, false)}
		if r.action != "" {
			a.fix = ptr(proposeAction("why:"+r.name, r.action, nil, r.fixWhy))
		}
		if r.fix != "" && (r.needs == "" || in.w.has(r.needs)) {
			if cmd := in.fill(r.fix, m, true); cmd != "" {
				a.fix = ptr(propose("why:"+r.name, cmd, in.fill(r.fixWhy, m, false)))
			}
		}
		return a, true
	}
	return answer{}, false
}

var placeholder = &lazyRegexp{expr: `\$[1-9]|\{[a-z0-9:-]+\}`}

// fill expands a template (see the top of this file). For a command, an
// empty group or a placeholder lsh cannot fill empties the result: no
// fix is better than a wrong one.
func (in *incident) fill(tmpl string, m []string, command bool) string {
	bad := false
	out := placeholder.ReplaceAllStringFunc(tmpl, func(ph string) string {
		v, ok := in.expand(ph, m, command)
		if !ok {
			bad = true
		}
		return v
	})
	if command && bad {
		return ""
	}
	return out
}

// expand gives the value of one placeholder; false when it has none here.
func (in *incident) expand(ph string, m []string, command bool) (string, bool) {
	group := func(d byte) string {
		if n := int(d - '0'); n < len(m) {
			return m[n]
		}
		return ""
	}
	c := in.failed
	switch {
	case ph[0] == '$':
		v := group(ph[1])
		return v, v != ""
	case len(ph) == 3 && ph[1] >= '1' && ph[1] <= '9':
		v := group(ph[1])
		return quote(v), v != ""
	case ph == "{name}":
		switch {
		case c == nil:
			return "the command", !command
		case command:
			return quote(c.name), true
		}
		return c.name, true
	case ph == "{line}":
		return in.last.Command, true
	case ph == "{sudo}":
		if in.w.root {
			return "", true
		}
		return "sudo ", true
	case ph == "{sudo-line}":
		if c == nil || c.wraps("sudo") || in.w.root {
			return "", false
		}
		return "sudo " + in.last.Command, true
	case ph == "{mkdir-p}":
		if c == nil || c.base != "mkdir" {
			return "", false
		}
		v := in.insertFlag("-p")
		return v, v != ""
	case strings.HasPrefix(ph, "{flag:"):
		v := in.insertFlag(strings.TrimSuffix(strings.TrimPrefix(ph, "{flag:"), "}"))
		return v, v != ""
	case ph == "{oom-log}":
		switch {
		case in.w.has("journalctl"):
			return "journalctl -k | grep -i oom", true
		case in.w.has("dmesg"):
			return "dmesg | grep -i oom", true
		}
		return "", false
	case ph == "{listening}" || ph == "{listening-p}":
		p := strings.TrimPrefix(strings.TrimSuffix(ph, "}"), "{listening")
		p = strings.TrimPrefix(p, "-")
		switch {
		case in.w.has("ss"):
			return "ss -ltn" + p, true
		case in.w.has("netstat"):
			return "netstat -ltn" + p, true
		}
		return "", false
	case ph == "{manual}":
		switch {
		case c == nil:
			return "", false
		case in.w.has("man"):
			return "man " + quote(c.base), true
		}
		return quote(c.name) + " --help", true
	}
	return ph, true // not a placeholder: literal text such as find's {}
}

// errPath finds the path an error message is about: in "cat: notes.txt:
// No such file or directory" the segment before the message, without
// quotes or a verb such as "cannot access"; in Python's "No such file or
// directory: 'data.csv'" the quoted name after it.
func errPath(stderr, marker string) string {
	for _, line := range strings.Split(stderr, "\n") {
		i := strings.Index(line, marker)
		if i < 0 {
			continue
		}
		if rest := strings.TrimPrefix(line[i+len(marker):], ": "); rest != line[i+len(marker):] {
			if m := regexp.MustCompile(`^` + q).FindStringSubmatch(rest); m != nil {
				return m[1]
			}
		}
		parts := strings.Split(line[:i], ": ")
		for j := len(parts) - 1; j >= 0; j-- {
			p := strings.TrimSpace(parts[j])
			if p == "" || p == "Cannot open" || p == "cannot execute" || strings.HasPrefix(p, "[Errno") {
				continue
			}
			for _, verb := range []string{"cannot access ", "cannot stat ", "can't open file ", "can't open ", "cannot open ", "cannot remove ",
				"cannot create directory ", "cannot create regular file ", "cannot touch ", "failed to open ", "cannot read ", "can't cd to ", "open ", "stat "} {
				if strings.HasPrefix(p, verb) {
					p = strings.TrimPrefix(p, verb)
					break
				}
			}
			p = strings.Trim(p, "`‘’'\"")
			if p == "" || strings.ContainsAny(p, "\n") {
				return ""
			}
			return p
		}
	}
	return ""
}

func isADirectory(in *incident, m []string) (answer, bool) {
	if c := in.failed; c != nil && m[1] == c.name && strings.Contains(c.name, "/") {
		return in.notRunnable(c.name), true
	}
	name := "the command"
	if in.failed != nil {
		name = in.failed.name
	}
	return answer{cause: fmt.Sprintf("%s is a directory, where %s expected a file.", m[1], name)}, true
}

func noSuchFile(in *incident, m []string) (answer, bool) {
	p := errPath(in.stderr, "No such file or directory")
	if p == "" {
		return answer{cause: "A file or folder the command needs does not exist."}, true
	}
	cause, fix, rule := in.missingPath(p)
	return answer{cause: cause, fix: fix, rule: rule}, true
}

// systemRoots are the directories only root may change.
var systemRoots = []string{"/etc", "/usr", "/var", "/opt", "/boot", "/root", "/srv", "/lib", "/lib64", "/bin", "/sbin", "/sys", "/proc", "/dev"}

// rootTools change the system and need root whatever their arguments.
var rootTools = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"apt": true, "apt-get": true, "dpkg": true, "dnf": true, "yum": true, "pacman": true, "zypper": true, "apk": true,
		"systemctl": true, "mount": true, "umount": true, "useradd": true, "usermod": true, "groupadd": true,
		"modprobe": true, "iptables": true, "nft": true, "ufw": true, "snap": true, "reboot": true, "shutdown": true,
		"fdisk": true, "parted": true, "mkfs": true, "swapon": true, "swapoff": true, "sysctl": true, "hostnamectl": true,
	}
}}

func permissionDenied(in *incident, m []string) (answer, bool) {
	p := errPath(in.stderr, "Permission denied")
	c := in.failed
	// The command itself could not be executed.
	if c != nil && (p == c.name || in.last.Status == 126 && p == "") && strings.Contains(c.name, "/") {
		return in.notRunnable(c.name), true
	}
	system := c != nil && rootTools.Get()[c.base]
	if p != "" {
		full := in.abs(p)
		for _, r := range systemRoots {
			if under(full, r) {
				system = true
			}
		}
	}
	if system && p != "" && !in.w.root {
		if a, ok := in.redirectedTo(p); ok {
			return a, true
		}
	}
	if system && c != nil && !c.wraps("sudo") && !in.w.root {
		what := "the system"
		if p != "" {
			what = p
		}
		return answer{cause: fmt.Sprintf("Only root may change %s.", what),
			fix: ptr(propose("why:sudo", "sudo "+in.last.Command, "Run the same line as root."))}, true
	}
	if p != "" {
		full := in.abs(p)
		return answer{cause: fmt.Sprintf("You lack permission for %s: it belongs to another user, or its mode does not let you read, write or enter it.", p),
			fix: ptr(propose("why:ls-ld", "ls -ld "+quote(full), "Show who owns "+p+" and its permissions."))}, true
	}
	return answer{cause: "You lack permission for a file or folder the command uses."}, true
}

// redirectedTo explains a denied write through a redirection: the shell
// opens the file before sudo runs, so `sudo cmd > /etc/x` cannot work;
// piping into sudo tee can.
func (in *incident) redirectedTo(p string) (answer, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(in.last.Command), "")
	if err != nil || len(f.Stmts) != 1 {
		return answer{}, false
	}
	st := f.Stmts[0]
	if len(st.Redirs) != 1 || st.Background {
		return answer{}, false
	}
	rd := st.Redirs[0]
	if wordLit(rd.Word) != p || rd.N != nil {
		return answer{}, false
	}
	tee := "tee"
	switch rd.Op {
	case syntax.RdrOut, syntax.RdrClob:
	case syntax.AppOut:
		tee = "tee -a"
	default:
		return answer{}, false
	}
	line := in.last.Command
	start, end := int(rd.OpPos.Offset()), int(rd.Word.End().Offset())
	cmd := strings.TrimSpace(line[:start] + line[end:])
	cmd = strings.TrimSpace(strings.TrimPrefix(cmd, "sudo "))
	a := answer{cause: fmt.Sprintf("Only root may write %s, and the redirection is done by your shell before any sudo runs: pipe into sudo tee instead.", p),
		rule: "stderr:permission-denied-redirect"}
	a.fix = ptr(propose("why:sudo-tee", cmd+" | sudo "+tee+" "+quote(p)+" > /dev/null", "Run the command as you, and write its output to "+p+" as root."))
	return a, true
}

func commandNotFound(in *incident, m []string) (answer, bool) {
	name := ""
	for _, g := range m[1:] {
		if g != "" {
			name = g
			break
		}
	}
	if name == "" {
		return answer{}, false
	}
	return in.notFound(name), true
}

// pipPackages are Python modules whose package on PyPI has another name.
var pipPackages = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"cv2": "opencv-python", "yaml": "PyYAML", "PIL": "Pillow", "sklearn": "scikit-learn", "skimage": "scikit-image",
		"bs4": "beautifulsoup4", "dateutil": "python-dateutil", "dotenv": "python-dotenv", "Crypto": "pycryptodome",
		"serial": "pyserial", "usb": "pyusb", "jwt": "PyJWT", "magic": "python-magic", "git": "GitPython",
		"attr": "attrs", "OpenSSL": "pyOpenSSL", "docx": "python-docx", "pptx": "python-pptx", "fitz": "PyMuPDF",
		"zmq": "pyzmq", "psycopg2": "psycopg2-binary", "MySQLdb": "mysqlclient", "mpl_toolkits": "matplotlib",
		"telegram": "python-telegram-bot", "discord": "discord.py", "Levenshtein": "python-Levenshtein", "gi": "PyGObject",
	}
}}

func pythonModule(in *incident, m []string) (answer, bool) {
	mod, _, _ := strings.Cut(m[1], ".")
	pkg := mod
	if p, ok := pipPackages.Get()[mod]; ok {
		pkg = p
	}
	py := "python3"
	if c := in.failed; c != nil && regexp.MustCompile(`^python[0-9.]*$`).MatchString(c.base) {
		py = c.name
	}
	a := answer{cause: fmt.Sprintf("The Python module %s is not installed for %s; the %s package provides it. (In a virtual environment, activate it first; a system Python may refuse pip: then use python3 -m venv.)", m[1], py, pkg)}
	a.fix = ptr(propose("why:pip", py+" -m pip install "+quote(pkg), "Install "+pkg+" with pip for "+py+"."))
	return a, true
}

var (
	pyFrame = &lazyRegexp{expr: `(?m)^\s*File "([^"]+)", line (\d+)`}
	pyError = &lazyRegexp{expr: `(?m)^([A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception|Interrupt|Exit|Warning)|[A-Za-z_][A-Za-z0-9_.]*Error)(?:: (.*))?$`}
)

func pythonTraceback(in *incident, m []string) (answer, bool) {
	errs := pyError.FindAllStringSubmatch(in.stderr, -1)
	if len(errs) == 0 {
		return answer{cause: "Python stopped on an uncaught exception; the last lines of the traceback say which."}, true
	}
	e := errs[len(errs)-1]
	where := ""
	if fr := pyFrame.FindAllStringSubmatch(in.stderr, -1); len(fr) > 0 {
		last := fr[len(fr)-1]
		where = fmt.Sprintf(" at %s line %s", last[1], last[2])
	}
	if e[1] == "KeyboardInterrupt" {
		return answer{cause: "You pressed Ctrl-C: Python stopped" + where + "."}, true
	}
	if e[1] == "FileNotFoundError" {
		if p := errPath(e[0], "No such file or directory"); p != "" {
			cause, fix, rule := in.missingPath(p)
			return answer{cause: "Python raised FileNotFoundError" + where + ". " + cause, fix: fix, rule: rule}, true
		}
	}
	msg := ""
	if e[2] != "" {
		msg = ": " + e[2]
	}
	return answer{cause: fmt.Sprintf("Python raised %s%s%s. The frames above it in the traceback show how it got there.", e[1], where, msg)}, true
}

func nodeModule(in *incident, m []string) (answer, bool) {
	mod := m[1]
	if strings.HasPrefix(mod, ".") || strings.HasPrefix(mod, "/") {
		return answer{cause: fmt.Sprintf("Node cannot find the file %s: a wrong path, or a build step that has not run.", mod)}, true
	}
	pkg := mod
	if strings.HasPrefix(mod, "@") {
		parts := strings.SplitN(mod, "/", 3)
		if len(parts) >= 2 {
			pkg = parts[0] + "/" + parts[1]
		}
	} else {
		pkg, _, _ = strings.Cut(mod, "/")
	}
	a := answer{cause: fmt.Sprintf("The Node package %s is not installed here (node_modules).", pkg)}
	if in.w.has("npm") {
		a.fix = ptr(propose("why:npm", "npm install "+quote(pkg), "Install "+pkg+" into this project's node_modules."))
	}
	return a, true
}

// badInterpreter explains a script whose #! line names a missing
// interpreter, or carries a Windows line ending.
func badInterpreter(in *incident, m []string) (answer, bool) {
	script := m[1]
	if in.failed != nil && !strings.Contains(script, "/") {
		script = in.failed.name
	}
	head, err := in.w.readHead(in.abs(script))
	if err != nil {
		return answer{cause: fmt.Sprintf("The #! line of %s names an interpreter that is not installed.", script)}, true
	}
	first, _, _ := strings.Cut(string(head), "\n")
	if strings.HasSuffix(first, "\r") {
		return answer{cause: fmt.Sprintf("%s has Windows line endings (CRLF): its first line asks for %q, with an invisible carriage return, which does not exist.", script, strings.TrimSuffix(first, "\r")),
			fix: ptr(propose("why:crlf", `sed -i 's/\r$//' `+quote(script), "Remove the carriage returns from "+script+"."))}, true
	}
	interp := strings.Fields(strings.TrimPrefix(first, "#!"))
	if len(interp) == 0 {
		return answer{cause: fmt.Sprintf("%s starts with an empty #! line.", script)}, true
	}
	prog := interp[0]
	if filepath.Base(prog) == "env" && len(interp) > 1 {
		prog = interp[len(interp)-1]
	}
	return in.missingInterpreter(script, filepath.Base(prog)), true
}

func envInterpreter(in *incident, m []string) (answer, bool) {
	prog := m[1]
	script := "the script"
	if in.failed != nil {
		script = in.failed.name
	}
	if strings.HasSuffix(prog, "\r") || strings.Contains(in.stderr, "\r") {
		return answer{cause: script + " has Windows line endings (CRLF): its #! line asks for the interpreter with an invisible carriage return after its name.",
			fix: ptr(propose("why:crlf", `sed -i 's/\r$//' `+quote(script), "Remove the carriage returns from "+script+"."))}, true
	}
	return in.missingInterpreter(script, prog), true
}

// missingInterpreter proposes installing a script's interpreter.
func (in *incident) missingInterpreter(script, prog string) answer {
	a := answer{cause: fmt.Sprintf("%s asks for %s in its #! line, which is not installed.", script, prog)}
	pkg := tablePackageOf(prog, in.w.manager)
	if pkg == "" {
		pkg, _ = in.w.packageOf(prog)
	}
	if pkg != "" {
		if cmd := installCommand(in.w.manager, pkg, in.w.root); cmd != "" {
			a.fix = ptr(propose("why:install", cmd, "Install the "+pkg+" package, which provides "+prog+"."))
		}
	}
	return a
}

// scriptLine finds "FILE: line N:" in a shell's error: the error is in a
// script, not in the line typed.
var scriptLine = &lazyRegexp{expr: `(?m)^(\S+): line (\d+): `}

// shellNames prefix errors in lines typed (or given to -c), not scripts.
var shellNames = []string{"sh", "bash", "lsh", "dash", "zsh", "ksh"}

func shellSyntax(in *incident, m []string) (answer, bool) {
	if sm := scriptLine.FindStringSubmatch(in.stderr); sm != nil && !slices.Contains(shellNames, sm[1]) {
		return answer{cause: fmt.Sprintf("The script %s has a syntax error at line %s (or just before it): a quote, bracket, fi, done or esac is missing or extra. bash -n %s checks a script without running it; shellcheck explains more.", sm[1], sm[2], sm[1])}, true
	}
	a := answer{cause: "The shell could not parse the line: a quote, bracket or keyword is missing or extra."}
	a.fix = ptr(proposeAction("why:explain", "explain", []string{in.last.Command}, "Take the line apart to see where it stops making sense."))
	return a, true
}

func resolveHost(in *incident, m []string) (answer, bool) {
	a := answer{cause: "The host name could not be turned into an address: a typo in it, no network, or DNS not working."}
	host := m[1]
	if host != "" {
		a.cause = fmt.Sprintf("The host name %s could not be turned into an address: a typo in it, no network, or DNS not working.", host)
		if in.w.has("getent") {
			a.fix = ptr(propose("why:getent", "getent hosts "+quote(host), "Ask the system's resolver for "+host+": no answer means DNS or the network is the problem."))
		}
	}
	return a, true
}

// httpStatuses explain the HTTP errors downloads meet most.
var httpStatuses = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"400": "the server found the request malformed",
		"401": "the server wants you to sign in (credentials or a token)",
		"403": "the server refuses you access to it",
		"404": "there is nothing at that address: check the URL",
		"405": "the server does not allow that method there",
		"408": "the server gave up waiting for the request",
		"429": "you sent too many requests: wait, then try again",
		"500": "the server failed (its fault, not yours)",
		"502": "a gateway in front of the server got no valid answer from it",
		"503": "the server is down or overloaded for now",
		"504": "a gateway in front of the server timed out waiting for it",
	}
}}

func httpError(in *incident, m []string) (answer, bool) {
	code := m[1]
	if code == "" {
		code = m[2]
	}
	meaning, ok := httpStatuses.Get()[code]
	if !ok {
		meaning = "the request failed"
	}
	return answer{cause: fmt.Sprintf("The server answered HTTP %s: %s.", code, meaning)}, true
}
