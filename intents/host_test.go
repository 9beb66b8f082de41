package intents

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadOSRelease(t *testing.T) {
	for _, tc := range []struct{ file, id, version, pretty string }{
		{"testdata/os-release-debian", "debian", "12", "Debian GNU/Linux 12 (bookworm)"},
		{"testdata/os-release-alpine", "alpine", "3.20.3", "Alpine Linux v3.20"},
		{"testdata/os-release-odd", "fedora", "41", "Fedora Linux 41 (Workstation Edition)"},
		{"testdata/no-such-file", "", "", ""},
	} {
		id, version, pretty := readOSRelease(tc.file)
		if id != tc.id || version != tc.version || pretty != tc.pretty {
			t.Errorf("%s: %q %q %q, want %q %q %q", tc.file, id, version, pretty, tc.id, tc.version, tc.pretty)
		}
	}
}

func TestDetectHost(t *testing.T) {
	h := DetectHost()
	if h != DetectHost() {
		t.Error("DetectHost is not cached")
	}
	if h.OS != runtime.GOOS || h.Arch != runtime.GOARCH || h.Home == "" || h.User == "" {
		t.Errorf("DetectHost = %+v", h)
	}
	if runtime.GOOS == "linux" && h.Kernel == "" {
		t.Error("no kernel release")
	}
	if !h.Has("sh") {
		t.Error("sh is not found")
	}
	if h.Has("lsh-no-such-tool-xyz") {
		t.Error("a missing tool is found")
	}
	d := h.Describe()
	if !strings.Contains(d, h.User) || !strings.Contains(d, "userland") {
		t.Errorf("Describe = %q", d)
	}
}

// TestHasCaches checks that each tool is looked up once.
func TestHasCaches(t *testing.T) {
	calls := map[string]int{}
	h := &Host{LookPath: func(name string) (string, error) {
		calls[name]++
		if name == "ss" {
			return "/usr/bin/ss", nil
		}
		return "", exec.ErrNotFound
	}}
	for i := 0; i < 3; i++ {
		if !h.Has("ss") || h.Has("netstat") {
			t.Fatal("wrong answers")
		}
	}
	if calls["ss"] != 1 || calls["netstat"] != 1 {
		t.Errorf("lookups %v, want one each", calls)
	}
}

// TestFlavorProbe probes fake tools: a link to busybox, a tool that
// answers --version, and one that rejects it.
func TestFlavorProbe(t *testing.T) {
	dir := t.TempDir()
	write := func(name, script string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("busybox", "#!/bin/sh\necho 'BusyBox v1.36'\n")
	if err := os.Symlink("busybox", filepath.Join(dir, "sed")); err != nil {
		t.Fatal(err)
	}
	write("find", "#!/bin/sh\necho 'find (GNU findutils) 4.9.0'\n")
	write("stat", "#!/bin/sh\necho 'stat: illegal option -- -' >&2\nexit 1\n")
	write("ps", "#!/bin/sh\necho 'BusyBox v1.36 multi-call binary'\nexit 1\n")
	h := &Host{OS: "linux", LookPath: func(name string) (string, error) {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return "", exec.ErrNotFound
		}
		return p, nil
	}}
	for tool, want := range map[string]Flavor{"sed": BusyBox, "find": GNU, "stat": BSD, "ps": BusyBox, "missing": GNU} {
		if got := h.Flavor(tool); got != want {
			t.Errorf("Flavor(%s) = %s, want %s", tool, got, want)
		}
	}
	mac := &Host{OS: "darwin", LookPath: h.LookPath}
	if got := mac.Flavor("missing"); got != BSD {
		t.Errorf("a missing tool on darwin is %s, want bsd", got)
	}
	fixed := &Host{Userland: BSD, LookPath: h.LookPath}
	if got := fixed.Flavor("find"); got != BSD {
		t.Errorf("Userland does not override the probe: %s", got)
	}
}

func TestPackageManagerAndHints(t *testing.T) {
	for _, tc := range []struct {
		host *Host
		pm   string
		tool string
		hint string
	}{
		{fakeHost("linux", GNU, "ann", "apt", "dnf"), "apt", "ss", "sudo apt install iproute2"},
		{fakeHost("linux", GNU, "root", "apt"), "apt", "netstat", "apt install net-tools"},
		{fakeHost("linux", GNU, "ann", "dnf"), "dnf", "ss", "sudo dnf install iproute"},
		{fakeHost("linux", GNU, "ann", "pacman"), "pacman", "pgrep", "sudo pacman -S procps-ng"},
		{fakeHost("linux", BusyBox, "root", "apk"), "apk", "xdg-open", "apk add xdg-utils"},
		{fakeHost("darwin", BSD, "ann", "brew"), "brew", "rg", "brew install ripgrep"},
		{fakeHost("linux", GNU, "ann", "zypper"), "zypper", "zip", "sudo zypper install zip"},
		{fakeHost("linux", GNU, "ann"), "", "zip", ""},
	} {
		if got := tc.host.PackageManager(); got != tc.pm {
			t.Errorf("PackageManager = %q, want %q", got, tc.pm)
		}
		if got := tc.host.installHint(tc.tool); got != tc.hint {
			t.Errorf("%s: installHint(%s) = %q, want %q", tc.pm, tc.tool, got, tc.hint)
		}
	}
}

func TestToolsAndDescribe(t *testing.T) {
	h := fakeHost("linux", GNU, "ann", "ss", "curl", "apt")
	h.DistroName, h.Kernel = "Debian GNU/Linux 12 (bookworm)", "6.1.0"
	tools := strings.Join(h.Tools(), " ")
	if tools != "apt curl ss" {
		t.Errorf("Tools = %q", tools)
	}
	d := h.Describe()
	for _, s := range []string{"Debian GNU/Linux 12", "kernel 6.1.0", "gnu userland", "user ann", "installed: apt, curl, ss"} {
		if !strings.Contains(d, s) {
			t.Errorf("Describe = %q lacks %q", d, s)
		}
	}
}
