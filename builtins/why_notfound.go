package builtins

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file answers "command not found": was it a typo of a command that
// exists, is it installed somewhere PATH does not reach, or which package
// provides it.

// shellBuiltins are the commands a POSIX shell (and lsh) runs itself, so a
// typo of one is found though no file has its name.
var shellBuiltins = []string{
	".", ":", "alias", "bg", "break", "cd", "command", "continue", "declare", "echo", "eval", "exec", "exit",
	"export", "false", "fg", "getopts", "hash", "history", "jobs", "kill", "let", "local", "printf", "pwd",
	"read", "readonly", "return", "set", "shift", "source", "test", "times", "trap", "true", "type", "ulimit",
	"umask", "unalias", "unset", "wait",
}

// commonCommands are what people type every day. A misspelling is far
// more likely to be one of these than a request for an obscure package of
// a similar name (sl, the steam locomotive, is one letter from ls).
var commonCommands = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"ls": true, "cd": true, "cat": true, "grep": true, "git": true, "find": true, "echo": true, "cp": true,
		"mv": true, "rm": true, "mkdir": true, "make": true, "python3": true, "python": true, "pip": true,
		"docker": true, "sudo": true, "ssh": true, "curl": true, "wget": true, "vim": true, "nano": true,
		"less": true, "tar": true, "chmod": true, "chown": true, "ps": true, "kill": true, "top": true, "man": true,
		"npm": true, "node": true, "go": true, "cargo": true, "apt": true, "systemctl": true, "journalctl": true,
		"du": true, "df": true, "head": true, "tail": true, "sort": true, "uniq": true, "wc": true, "sed": true,
		"awk": true, "touch": true, "which": true, "clear": true, "exit": true, "history": true, "pwd": true,
	}
}}

// userBinDirs are where tools get installed outside the default PATH, as
// a path relative to HOME or absolute.
var userBinDirs = []string{"~/.local/bin", "~/bin", "~/go/bin", "~/.cargo/bin", "~/.npm-global/bin", "/usr/local/go/bin", "/snap/bin", "/usr/games", "/opt/homebrew/bin"}

// commandsOnPath lists the names of the executables in the directories of
// path (a $PATH value).
func commandsOnPath(path string) []string {
	var names []string
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(path) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if seen[e.Name()] || e.IsDir() {
				continue
			}
			if info, err := e.Info(); err != nil || info.Mode()&0o111 == 0 && info.Mode()&os.ModeSymlink == 0 {
				continue
			}
			seen[e.Name()] = true
			names = append(names, e.Name())
		}
	}
	return names
}

// closest returns the candidate nearest to word by edit distance (with
// transpositions), within a limit that grows with the word's length: one
// edit up to four letters, two beyond. Two-letter words only match by
// swapping their letters (sl → ls); everything is one edit from them.
// Among equally near candidates common commands win, then the shorter
// name, then the alphabetically first.
func closest(word string, candidates []string) (string, int) {
	limit := 2
	if len(word) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	better := func(c string, d int) bool {
		switch {
		case d != bestD:
			return d < bestD
		case commonCommands.Get()[c] != commonCommands.Get()[best]:
			return commonCommands.Get()[c]
		case len(c) != len(best):
			return len(c) < len(best)
		}
		return c < best
	}
	for _, c := range candidates {
		if c == word || abs(len(c)-len(word)) > limit {
			continue
		}
		d := editDistance(word, c)
		if len(word) <= 2 && !(d == 1 && len(c) == len(word) && sameLetters(word, c)) {
			continue
		}
		if d <= limit && better(c, d) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return "", 0
	}
	return best, bestD
}

func sameLetters(a, b string) bool {
	x, y := []byte(a), []byte(b)
	sort.Slice(x, func(i, j int) bool { return x[i] < x[j] })
	sort.Slice(y, func(i, j int) bool { return y[i] < y[j] })
	return string(x) == string(y)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent letters each
// cost one, the typos fingers make.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the dynamic programming table: i-2, i-1 and i.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// safeCommandName matches names lsh will pass to a package lookup helper.
var safeCommandName = &lazyRegexp{expr: `^[A-Za-z0-9_][A-Za-z0-9._+-]*$`}

// helperTimeout bounds one run of the distribution's command-not-found
// helper (Ubuntu's is a Python program taking a fraction of a second).
const helperTimeout = 3 * time.Second

// installLine finds "apt install foo" or "snap install foo" in a helper's
// advice.
var installLine = &lazyRegexp{expr: `(?m)^\s*(?:sudo\s+)?(apt|apt-get|snap|dnf|pacman|zypper|apk)\s+(?:install|-S|add)\s+([A-Za-z0-9][A-Za-z0-9._+:-]*)`}

// systemPackageOf asks the distribution which package provides a command:
// Debian and Ubuntu's command-not-found database through its helper, or
// Arch's pkgfile. It returns the package and the manager that installs it
// ("apt", "snap", "pacman"), or "" when neither knows or exists.
func systemPackageOf(name string) (pkg, manager string) {
	if !safeCommandName.MatchString(name) {
		return "", ""
	}
	for _, helper := range []string{"/usr/lib/command-not-found", "/usr/share/command-not-found/command-not-found"} {
		if _, err := os.Stat(helper); err != nil {
			continue
		}
		out := runHelper(helper, "--", name)
		if m := installLine.FindStringSubmatch(out); m != nil {
			mgr := m[1]
			if mgr == "apt-get" {
				mgr = "apt"
			}
			return m[2], mgr
		}
		return "", ""
	}
	if p, err := exec.LookPath("pkgfile"); err == nil {
		out := strings.TrimSpace(runHelper(p, "-b", "--", name))
		if line, _, _ := strings.Cut(out, "\n"); line != "" {
			_, pkg, _ := strings.Cut(line, "/")
			if safeCommandName.MatchString(pkg) {
				return pkg, "pacman"
			}
		}
	}
	return "", ""
}

// runHelper runs a lookup program with no input, in the temporary
// directory, for a few seconds at most, returning what it printed on
// either stream (the command-not-found helper advises on stderr).
func runHelper(path string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	_ = cmd.Run() // the helper exits non-zero when it found the command missing
	return out.String()
}

// packageTable says which package provides a command, for hosts without a
// command-not-found database. Each line: the command, then the package
// everywhere ("*=") and the exceptions per package manager.
const packageTable = `
7z          *=p7zip-full dnf=p7zip pacman=p7zip
ag          *=silversearcher-ag dnf=the_silver_searcher pacman=the_silver_searcher brew=the_silver_searcher
bat         *=bat
batcat      *=bat
bc          *=bc
cargo       *=cargo
clang       *=clang
cmake       *=cmake
convert     *=imagemagick dnf=ImageMagick
curl        *=curl
dig         *=dnsutils dnf=bind-utils pacman=bind apk=bind-tools
docker      *=docker.io dnf=docker pacman=docker apk=docker brew=docker
emacs       *=emacs
fd          *=fd-find pacman=fd brew=fd apk=fd
fdfind      *=fd-find
ffmpeg      *=ffmpeg
file        *=file
g++         *=g++ dnf=gcc-c++ pacman=gcc
gcc         *=gcc
gdb         *=gdb
gh          *=gh
git         *=git
go          *=golang-go dnf=golang pacman=go apk=go brew=go
gpg         *=gnupg dnf=gnupg2
htop        *=htop
http        *=httpie
identify    *=imagemagick dnf=ImageMagick
ifconfig    *=net-tools
iostat      *=sysstat
iotop       *=iotop
ip          *=iproute2 dnf=iproute
java        *=default-jre dnf=java-latest-openjdk pacman=jre-openjdk apk=openjdk17-jre brew=openjdk
javac       *=default-jdk dnf=java-latest-openjdk-devel pacman=jdk-openjdk apk=openjdk17 brew=openjdk
jq          *=jq
killall     *=psmisc
less        *=less
lsb_release *=lsb-release dnf=redhat-lsb-core
lsof        *=lsof
make        *=make
man         *=man-db
mysql       *=default-mysql-client dnf=mysql pacman=mariadb-clients
nano        *=nano
nc          *=netcat-openbsd dnf=nmap-ncat pacman=openbsd-netcat
ncdu        *=ncdu
neofetch    *=neofetch
netstat     *=net-tools
ninja       *=ninja-build pacman=ninja
nmap        *=nmap
node        *=nodejs
npm         *=npm
nslookup    *=dnsutils dnf=bind-utils pacman=bind
nvim        *=neovim
pandoc      *=pandoc
perl        *=perl
php         *=php-cli dnf=php-cli pacman=php
ping        *=iputils-ping dnf=iputils pacman=iputils
pip         *=python3-pip dnf=python3-pip pacman=python-pip brew=python
pip3        *=python3-pip dnf=python3-pip pacman=python-pip brew=python
pkill       *=procps dnf=procps-ng pacman=procps-ng
pstree      *=psmisc
psql        *=postgresql-client dnf=postgresql pacman=postgresql
python      *=python-is-python3 dnf=python3 pacman=python brew=python
python3     *=python3 pacman=python brew=python
redis-cli   *=redis-tools dnf=redis pacman=redis
rg          *=ripgrep
rsync       *=rsync
ruby        *=ruby
rustc       *=rustc
scp         *=openssh-client dnf=openssh-clients pacman=openssh
screen      *=screen
shellcheck  *=shellcheck dnf=ShellCheck
sqlite3     *=sqlite3 dnf=sqlite pacman=sqlite
ss          *=iproute2 dnf=iproute
ssh         *=openssh-client dnf=openssh-clients pacman=openssh
strace      *=strace
tmux        *=tmux
traceroute  *=traceroute
tree        *=tree
unzip       *=unzip
vim         *=vim dnf=vim-enhanced
wget        *=wget
xclip       *=xclip
xdg-open    *=xdg-utils
yq          *=yq
zip         *=zip
`

// packages is packageTable parsed: command → manager ("*" for any) →
// package. It is parsed on first use, not at every lsh start.
var packages = lazy.Value[map[string]map[string]string]{Build: func() map[string]map[string]string {
	m := map[string]map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(packageTable))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		per := map[string]string{}
		for _, kv := range f[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				panic("builtins: packageTable: " + kv + " is not manager=package")
			}
			per[k] = v
		}
		m[f[0]] = per
	}
	return m
}}

// tablePackageOf looks a command up in packageTable for a package manager.
func tablePackageOf(name, manager string) string {
	per, ok := packages.Get()[name]
	if !ok {
		return ""
	}
	if p, ok := per[manager]; ok {
		return p
	}
	return per["*"]
}

// installer is how a package manager installs a package, and whether that
// needs root.
type installer struct {
	manager, cmd string
	root         bool
}

// installCommands are the package managers lsh knows (a table the compiler
// lays out: nothing is built when lsh starts).
var installCommands = []installer{
	{"apt", "apt install", true}, {"dnf", "dnf install", true}, {"yum", "yum install", true},
	{"pacman", "pacman -S", true}, {"zypper", "zypper install", true}, {"apk", "apk add", true},
	{"brew", "brew install", false}, {"snap", "snap install", true},
}

// installCommand renders the command installing pkg with manager.
func installCommand(manager, pkg string, root bool) string {
	i := slices.IndexFunc(installCommands, func(ic installer) bool { return ic.manager == manager })
	if i < 0 {
		return ""
	}
	ic := installCommands[i]
	c := ic.cmd + " " + quote(pkg)
	if ic.root {
		c = sudo(root, c)
	}
	return c
}
