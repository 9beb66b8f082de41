package intents

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// These tests render for hosts that are not this machine: macOS with BSD
// tools, Alpine with BusyBox, Linux hosts missing ss, zip, curl, sudo… They
// check the command chosen, and that lsh never proposes a program the host
// lacks.

// baseTools are the programs every POSIX-ish host has.
var baseTools = []string{
	"find", "ls", "du", "df", "sort", "head", "tail", "grep", "sed", "awk", "cut", "wc", "uniq", "cat", "mv", "cp",
	"rm", "mkdir", "touch", "chmod", "ln", "tar", "gzip", "gunzip", "ps", "kill", "date", "id", "who", "hostname",
	"uname", "uptime", "env", "tr", "diff", "stat", "top",
}

// fakeHost is a host with the base tools plus extra, speaking dialect fl.
func fakeHost(goos string, fl Flavor, user string, extra ...string) *Host {
	have := map[string]bool{}
	for _, t := range append(append([]string{}, baseTools...), extra...) {
		have[t] = true
	}
	for _, t := range extra {
		if strings.HasPrefix(t, "-") {
			delete(have, t[1:])
		}
	}
	return &Host{
		OS: goos, User: user, Home: "/home/" + user, Userland: fl,
		LookPath: func(name string) (string, error) {
			if have[name] {
				return "/usr/bin/" + name, nil
			}
			return "", exec.ErrNotFound
		},
		Procs: func() []string { return []string{"firefox-esr", "bash", "python3", "python3.11", "sshd"} },
	}
}

var (
	macHost    = fakeHost("darwin", BSD, "ann", "sudo", "brew", "zip", "unzip", "curl", "lsof", "netstat", "open", "sw_vers", "sysctl", "vm_stat", "diskutil", "git", "pgrep", "pkill", "md5", "ping", "bsdtar")
	alpineHost = fakeHost("linux", BusyBox, "root", "apk", "wget", "pgrep", "pkill", "free", "ip", "netstat", "nproc", "md5sum", "unzip")
	debianHost = fakeHost("linux", GNU, "ann", "sudo", "apt", "ss", "ip", "zip", "unzip", "curl", "wget", "git", "pgrep", "pkill", "free", "nproc", "lscpu", "lsblk", "xdg-open", "md5sum", "fuser", "getent", "ping", "numfmt")
	// bareHost is a minimal Linux: no ss, netstat, lsof, ip, zip, unzip,
	// curl, wget, sudo, git, pgrep.
	bareHost = fakeHost("linux", GNU, "ann", "apt", "free", "nproc", "-ps")
)

// hostCase renders one request for a fake host.
type hostCase struct {
	host  *Host
	say   string
	dir   string
	kind  Kind
	has   []string // substrings of the command (or, for answers, the text)
	hasNo []string
}

var hostCases = []hostCase{
	// macOS: BSD sed, stat, ps, find; open; sysctl; brew.
	{host: macHost, say: "replace foo with bar in notes.txt", kind: KindCommand, has: []string{"sed -i '' -e 's/foo/bar/g' notes.txt"}},
	{host: macHost, say: "replace foo with bar in all python files in src", kind: KindCommand, has: []string{"-exec sed -i '' -e"}},
	{host: macHost, say: "biggest files in downloads", kind: KindCommand, has: []string{"stat -f '%z%t%N'", "sort -rn"}, hasNo: []string{"--apparent-size"}},
	{host: macHost, say: "newest files in downloads", kind: KindCommand, has: []string{"stat -t '%Y-%m-%d %H:%M'"}, hasNo: []string{"-printf"}},
	{host: macHost, say: "what's using the most cpu", kind: KindCommand, has: []string{"ps -Ao pid,user,%cpu,%mem,comm -r"}, hasNo: []string{"--sort"}},
	{host: macHost, say: "top processes by memory", kind: KindCommand, has: []string{"ps -Ao", " -m "}},
	{host: macHost, say: "find broken links", kind: KindCommand, has: []string{"find -L . -type l"}, hasNo: []string{"-xtype"}},
	{host: macHost, say: "what os is this", kind: KindCommand, has: []string{"sw_vers"}},
	{host: macHost, say: "how many cpus do i have", kind: KindCommand, has: []string{"sysctl -n hw.ncpu"}},
	{host: macHost, say: "open notes.txt", kind: KindCommand, has: []string{"open notes.txt"}, hasNo: []string{"xdg-open"}},
	{host: macHost, say: "show listening ports", kind: KindCommand, has: []string{"lsof -nP -iTCP -sTCP:LISTEN"}},
	{host: macHost, say: "memory usage", kind: KindCommand, has: []string{"vm_stat"}},
	{host: macHost, say: "list disks", kind: KindCommand, has: []string{"diskutil list"}},
	{host: macHost, say: "install htop", kind: KindCommand, has: []string{"brew install htop"}, hasNo: []string{"sudo"}},
	{host: macHost, say: "find duplicate files", kind: KindCommand, has: []string{"md5 -r"}},
	{host: macHost, say: "is firefox running", kind: KindCommand, has: []string{"pgrep -l firefox"}},
	// Alpine: BusyBox find sizes in k, top instead of ps sorting, grep
	// without --include, apk as root.
	{host: alpineHost, say: "files over 10MB", kind: KindCommand, has: []string{"-size +10240k"}},
	{host: alpineHost, say: "what's using the most cpu", kind: KindCommand, has: []string{"top -b -n 1"}},
	{host: alpineHost, say: "search for TODO in all python files in src", kind: KindCommand, has: []string{"find src -type f -iname '*.py' -exec grep -Hn -F -e TODO {} +"}},
	{host: alpineHost, say: "install htop", kind: KindCommand, has: []string{"apk add htop"}, hasNo: []string{"sudo"}},
	{host: alpineHost, say: "update my system", kind: KindCommand, has: []string{"apk update && apk upgrade"}},
	{host: alpineHost, say: "download https://example.com/x.iso", kind: KindCommand, has: []string{"wget https://example.com/x.iso"}, hasNo: []string{"curl"}},
	{host: alpineHost, say: "biggest files here", kind: KindCommand, has: []string{"stat -c"}},
	{host: alpineHost, say: "show listening ports", kind: KindCommand, has: []string{"netstat -tulpn"}},
	{host: alpineHost, say: "list running processes", kind: KindCommand, has: []string{"ps"}, hasNo: []string{"ps aux"}},
	// Debian as a normal user: sudo for packages, ss, xdg-open.
	{host: debianHost, say: "install htop", kind: KindCommand, has: []string{"sudo apt install htop"}},
	{host: debianHost, say: "show listening ports", kind: KindCommand, has: []string{"ss -tulpn"}},
	{host: debianHost, say: "open notes.txt", kind: KindCommand, has: []string{"xdg-open notes.txt"}},
	{host: debianHost, say: "kill firefox", kind: KindCommand, has: []string{"pkill -x firefox-esr"}},
	{host: debianHost, say: "kill python", kind: KindClarify, has: []string{"python3", "python3.11"}},
	{host: debianHost, say: "kill sshd", kind: KindCommand, has: []string{"pkill -x sshd"}},
	{host: debianHost, say: "kill thunderbird", kind: KindAnswer, has: []string{"No process named “thunderbird” is running"}},
	// A bare Linux: every missing tool is replaced or named, with the
	// package that ships it.
	{host: bareHost, say: "show listening ports", kind: KindAnswer, has: []string{"`ss`", "`lsof`", "apt install iproute2"}},
	{host: bareHost, say: "what is using port 8080", kind: KindAnswer, has: []string{"`ss`", "sudo apt install iproute2"}},
	{host: bareHost, say: "zip the src folder", kind: KindAnswer, has: []string{"`zip`", "sudo apt install zip"}},
	{host: bareHost, say: "unzip setup.zip", dir: "Downloads", kind: KindAnswer, has: []string{"`unzip`", "sudo apt install unzip"}},
	{host: bareHost, say: "download https://example.com/x.iso", kind: KindAnswer, has: []string{"`curl`", "`wget`", "sudo apt install curl"}},
	{host: bareHost, say: "install htop", kind: KindAnswer, has: []string{"`sudo`"}},
	{host: bareHost, say: "is firefox running", kind: KindAnswer, has: []string{"`ps`", "procps"}},
	{host: bareHost, say: "what's my ip address", kind: KindCommand, has: []string{"hostname -I"}},
	{host: bareHost, say: "what is my public ip", kind: KindAnswer, has: []string{"`curl`", "`wget`"}},
	{host: bareHost, say: "extract site.tar.gz", dir: "Downloads", kind: KindCommand, has: []string{"tar -xzf site.tar.gz"}},
	{host: bareHost, say: "show the commit history", dir: "../repo", kind: KindAnswer, has: []string{"`git`", "apt install git"}},
}

func TestRenderForOtherHosts(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range hostCases {
		if tc.dir == "../repo" && !fx.exists("../repo/.git") {
			continue // git is not installed here to make the repository
		}
		r := NewRules(tc.host)
		r.Now = func() time.Time { return fx.now }
		in, ok := r.Match(Request{Text: tc.say, Dir: fx.path(tc.dir), Home: fx.home})
		got := in.Command
		if in.Kind != KindCommand {
			got = in.Text
		}
		if !ok || in.Kind != tc.kind {
			t.Errorf("%s %s: %q → %s %q (ok %v), want %s", tc.host.OS, tc.host.Userland, tc.say, in.Kind, got, ok, tc.kind)
			continue
		}
		for _, s := range tc.has {
			if !strings.Contains(got, s) {
				t.Errorf("%s %s: %q → %q lacks %q", tc.host.OS, tc.host.Userland, tc.say, got, s)
			}
		}
		for _, s := range tc.hasNo {
			if strings.Contains(got, s) {
				t.Errorf("%s %s: %q → %q has %q", tc.host.OS, tc.host.Userland, tc.say, got, s)
			}
		}
	}
}

// TestNeverAMissingProgram renders every tested phrasing for every fake
// host: whatever a rule proposes must run only programs the host has.
func TestNeverAMissingProgram(t *testing.T) {
	fx := newFixture(t)
	hosts := []*Host{macHost, alpineHost, debianHost, bareHost}
	n := 0
	for _, h := range hosts {
		r := NewRules(h)
		r.Now = func() time.Time { return fx.now }
		for _, tc := range runCases {
			say := strings.NewReplacer("{pid}", "4242", "{port}", "8080", "{sleeper}", "firefox", "{sleeperstem}", "firefox").Replace(tc.say)
			in, _ := r.Match(Request{Text: say, Dir: fx.path(tc.dir), Home: fx.home})
			if in.Kind != KindCommand {
				continue
			}
			n++
			progs, err := programs(in.Command)
			if err != nil {
				t.Errorf("%s: %q renders %q, which does not parse: %v", h.OS, say, in.Command, err)
				continue
			}
			for _, p := range progs {
				if !shellBuiltins.Get()[p] && !h.Has(p) {
					t.Errorf("%s %s: %q renders %q, which runs %q: not installed there", h.OS, h.Userland, say, in.Command, p)
				}
			}
		}
	}
	t.Logf("%d commands rendered for %d fake hosts, all with installed programs only", n, len(hosts))
}

func TestProgramsOfACommand(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want string
	}{
		{"ls -l", "ls"},
		{"sudo apt install htop", "sudo apt"},
		{"sudo -E env FOO=1 make", "sudo env make"},
		{"find . -exec du -h {} + | sort -rh | head -n 3", "find du sort head"},
		{"mkdir -p x && (cd x && zip -r a.zip b)", "mkdir cd zip"},
		{"kill $(lsof -t -i :80)", "kill lsof"},
		{`echo "$PATH" | tr : '\n'`, "echo tr"},
	} {
		got, err := programs(tc.cmd)
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("programs(%q) = %q, %v; want %q", tc.cmd, got, err, tc.want)
		}
	}
	if _, err := programs("ls 'unterminated"); err == nil {
		t.Error("programs accepted a command that does not parse")
	}
}

// TestMissingTreatsUnparsableAsMissing checks the fail-closed side: a
// command that does not parse, or runs a program named by an expansion, is
// never proposed.
func TestMissingTreatsUnparsableAsMissing(t *testing.T) {
	c := &call{host: debianHost}
	for _, cmd := range []string{"ls 'x", "$EDITOR notes.txt"} {
		if len(c.missing(cmd)) == 0 {
			t.Errorf("missing(%q) is empty", cmd)
		}
	}
	if m := c.missing("ls | sort"); len(m) != 0 {
		t.Errorf("missing(ls | sort) = %v", m)
	}
}
