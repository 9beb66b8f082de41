package intents

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/llamashell/lsh/internal/lazy"
)

// Flavor is the dialect of a command-line tool. GNU, BSD and BusyBox tools
// take different flags for the same job (sed -i, find -printf, ps --sort), so
// a command rendered for one may fail or misbehave on another.
type Flavor string

// The tool dialects lsh renders for.
const (
	GNU     Flavor = "gnu"     // GNU coreutils, findutils, sed, procps (and tools that accept GNU flags)
	BSD     Flavor = "bsd"     // macOS and the BSDs
	BusyBox Flavor = "busybox" // Alpine, embedded systems, minimal containers
)

// Host holds the facts about this machine that decide how a command is
// written: which tools exist, which dialect they speak, who the user is. The
// rules render from it, and a model prompt describes the machine with it.
//
// The zero value with a few fields set is a usable fake for tests: fill OS,
// Home and User, set LookPath to decide which tools exist and Userland to fix
// the dialect, and nothing is probed. DetectHost fills everything from the
// real machine.
type Host struct {
	OS            string // runtime.GOOS: "linux", "darwin", "freebsd"…
	Arch          string // runtime.GOARCH
	Distro        string // os-release ID: "debian", "fedora", "alpine"… ("" when unknown)
	DistroVersion string // os-release VERSION_ID
	DistroName    string // os-release PRETTY_NAME, for people
	Kernel        string // kernel release, as uname -r prints it
	User          string // login name
	Home          string // the user's home directory
	Shell         string // the user's login shell ($SHELL)

	// LookPath reports where a tool is installed, like exec.LookPath; nil
	// means exec.LookPath. Tests inject a fake to render for a host without
	// ss or with only BSD tools.
	LookPath func(name string) (string, error)

	// Userland, when set, is the dialect of every tool and nothing is
	// probed. When empty, Flavor asks each tool once (see Flavor).
	Userland Flavor

	// Procs lists the names of running processes; nil means read them from
	// /proc on Linux. It lets "kill firefox" find that the process is really
	// called firefox-esr. A nil result means "unknown".
	Procs func() []string

	// Services lists the names of the installed services (systemd units
	// without ".service", or init scripts); nil means read them from the
	// unit and init.d folders, once. Tests inject a fake.
	Services func() []string

	// Init names the service manager: "systemd", "openrc", "sysv" or
	// "launchd" (Homebrew services); "" means detect it from the tools
	// installed (see ServiceManager).
	Init string

	// LogDir is where the system's log files live; "" means /var/log.
	LogDir string

	// Editor is the person's editor command ($VISUAL, else $EDITOR), as
	// DetectHost read it; "" means none was set.
	Editor string

	mu       sync.Mutex
	found    map[string]bool
	flavours map[string]Flavor
	services []string
	svcRead  bool
}

var (
	detectOnce sync.Once
	detected   *Host
)

// DetectHost describes the machine lsh runs on. The cheap facts (OS, distro,
// kernel, user) are read once and cached for the life of the process; which
// tools exist and which dialect they speak are probed lazily, one tool at a
// time, the first time a rule needs to know.
func DetectHost() *Host {
	detectOnce.Do(func() {
		h := &Host{OS: runtime.GOOS, Arch: runtime.GOARCH, Shell: os.Getenv("SHELL")}
		h.Distro, h.DistroVersion, h.DistroName = readOSRelease("/etc/os-release")
		if h.Distro == "" {
			h.Distro, h.DistroVersion, h.DistroName = readOSRelease("/usr/lib/os-release")
		}
		var u unix.Utsname
		if unix.Uname(&u) == nil {
			h.Kernel = unix.ByteSliceToString(u.Release[:])
		}
		if cu, err := user.Current(); err == nil {
			h.User = cu.Username
			h.Home = cu.HomeDir
		}
		if h.User == "" {
			h.User = os.Getenv("USER")
		}
		if home, err := os.UserHomeDir(); err == nil {
			h.Home = home // $HOME wins over the passwd entry, as in every shell
		}
		h.Editor = os.Getenv("VISUAL")
		if h.Editor == "" {
			h.Editor = os.Getenv("EDITOR")
		}
		detected = h
	})
	return detected
}

// readOSRelease reads the ID, VERSION_ID and PRETTY_NAME of an os-release
// file (systemd's format: KEY=value lines, values optionally quoted).
func readOSRelease(path string) (id, version, pretty string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		val = strings.Trim(val, `"'`)
		switch key {
		case "ID":
			id = val
		case "VERSION_ID":
			version = val
		case "PRETTY_NAME":
			pretty = val
		}
	}
	return id, version, pretty
}

// Has reports whether a tool is installed (on PATH, or at that path when name
// contains a slash). Answers are cached.
func (h *Host) Has(name string) bool {
	h.mu.Lock()
	if ok, seen := h.found[name]; seen {
		h.mu.Unlock()
		return ok
	}
	h.mu.Unlock()
	look := h.LookPath
	if look == nil {
		look = exec.LookPath
	}
	_, err := look(name)
	h.mu.Lock()
	if h.found == nil {
		h.found = map[string]bool{}
	}
	h.found[name] = err == nil
	h.mu.Unlock()
	return err == nil
}

// Flavor reports the dialect of one tool. With Userland set it is that;
// otherwise the tool is asked once: a tool that is a link to busybox is
// BusyBox, a tool whose --version succeeds (GNU, procps, uutils…) is GNU, and
// one that rejects --version is BSD. A tool that is not installed gets the
// platform's usual dialect.
func (h *Host) Flavor(tool string) Flavor {
	if h.Userland != "" {
		return h.Userland
	}
	h.mu.Lock()
	if f, ok := h.flavours[tool]; ok {
		h.mu.Unlock()
		return f
	}
	h.mu.Unlock()
	f := h.probeFlavor(tool)
	h.mu.Lock()
	if h.flavours == nil {
		h.flavours = map[string]Flavor{}
	}
	h.flavours[tool] = f
	h.mu.Unlock()
	return f
}

func (h *Host) platformFlavor() Flavor {
	switch h.OS {
	case "darwin", "freebsd", "openbsd", "netbsd", "dragonfly":
		return BSD
	}
	return GNU
}

// probeFlavor runs "tool --version" with a short timeout. It is only called
// when Userland is empty, which is the real host: fakes set Userland.
func (h *Host) probeFlavor(tool string) Flavor {
	look := h.LookPath
	if look == nil {
		look = exec.LookPath
	}
	path, err := look(tool)
	if err != nil {
		return h.platformFlavor()
	}
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Base(real) == "busybox" {
		return BusyBox
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").CombinedOutput()
	switch {
	case bytes.Contains(out, []byte("BusyBox")):
		return BusyBox
	case err == nil:
		return GNU
	}
	return BSD
}

// PackageManager names the system package manager, the first of apt, dnf,
// yum, pacman, zypper, apk and brew that is installed, or "" when none is.
func (h *Host) PackageManager() string {
	for _, pm := range packageManagers {
		if h.Has(pm) {
			return pm
		}
	}
	return ""
}

var packageManagers = []string{"apt", "dnf", "yum", "pacman", "zypper", "apk", "brew"}

// ServiceManager names the tool that starts and stops services here:
// "systemd" (systemctl), "openrc" (rc-service), "sysv" (service) or
// "launchd" (brew services), or "" when there is none. Init, when set, is
// the answer; otherwise systemd is chosen when systemctl is installed and
// either systemd runs (/run/systemd/system exists) or no other manager is
// installed, since systemctl in a container without systemd only fails.
func (h *Host) ServiceManager() string {
	if h.Init != "" {
		return h.Init
	}
	switch {
	case h.Has("systemctl") && (dirExists("/run/systemd/system") || !h.Has("service") && !h.Has("rc-service")):
		return "systemd"
	case h.Has("rc-service"):
		return "openrc"
	case h.Has("service"):
		return "sysv"
	case h.OS == "darwin" && h.Has("brew"):
		return "launchd"
	}
	return ""
}

// serviceDirs are where systemd units and init scripts are installed.
var serviceDirs = []string{"/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
	"/usr/local/lib/systemd/system", "/etc/init.d"}

// ServiceNames lists the installed services, sorted, without ".service":
// from Services when set, otherwise from the unit and init.d folders, read
// once. Template units ("getty@") and non-service units are left out.
func (h *Host) ServiceNames() []string {
	if h.Services != nil {
		return h.Services()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.svcRead {
		h.svcRead = true
		seen := map[string]bool{}
		for _, dir := range serviceDirs {
			ents, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, e := range ents {
				n := e.Name()
				if dir != "/etc/init.d" {
					var ok bool
					if n, ok = strings.CutSuffix(n, ".service"); !ok {
						continue
					}
				}
				if n == "" || strings.HasSuffix(n, "@") || strings.HasPrefix(n, ".") || n == "README" || seen[n] {
					continue
				}
				seen[n] = true
				h.services = append(h.services, n)
			}
		}
		sort.Strings(h.services)
	}
	return h.services
}

// logDir is where the system logs live.
func (h *Host) logDir() string {
	if h.LogDir != "" {
		return h.LogDir
	}
	return "/var/log"
}

// knownTools are the tools whose presence changes what the rules render;
// Tools reports them for a model prompt and for lsh's own diagnostics.
var knownTools = []string{
	"ss", "netstat", "ip", "ifconfig", "lsof", "fd", "fdfind", "rg", "zip", "unzip", "curl", "wget",
	"xdg-open", "open", "git", "sudo", "lsblk", "free", "pgrep", "pkill", "numfmt",
}

// Tools lists which of the tools the rules care about are installed, sorted.
func (h *Host) Tools() []string {
	var have []string
	for _, t := range append(knownTools, packageManagers...) {
		if h.Has(t) {
			have = append(have, t)
		}
	}
	sort.Strings(have)
	return have
}

// Root reports whether the user is root, in which case commands are rendered
// without sudo.
func (h *Host) Root() bool { return h.User == "root" }

// Describe is a one-paragraph description of the host for a model prompt:
// "Debian GNU/Linux 12 (bookworm), kernel 6.1.0, amd64; GNU userland; user
// ann, home /home/ann, shell /bin/bash; installed: apt, curl, git…".
func (h *Host) Describe() string {
	var b strings.Builder
	name := h.DistroName
	if name == "" {
		name = h.OS
	}
	b.WriteString(name)
	if h.Kernel != "" {
		b.WriteString(", kernel " + h.Kernel)
	}
	if h.Arch != "" {
		b.WriteString(", " + h.Arch)
	}
	b.WriteString("; " + string(h.Flavor("sed")) + " userland")
	b.WriteString("; user " + h.User + ", home " + h.Home)
	if h.Shell != "" {
		b.WriteString(", shell " + h.Shell)
	}
	if tools := h.Tools(); len(tools) > 0 {
		b.WriteString("; installed: " + strings.Join(tools, ", "))
	}
	return b.String()
}

// processNames lists running process names, or nil when they cannot be known.
func (h *Host) processNames() []string {
	if h.Procs != nil {
		return h.Procs()
	}
	if h.OS != "linux" {
		return nil
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); n[0] < '0' || n[0] > '9' {
			continue
		}
		comm, err := os.ReadFile("/proc/" + e.Name() + "/comm")
		if err != nil {
			continue
		}
		names = append(names, strings.TrimSpace(string(comm)))
	}
	return names
}

// installHint says how to install a tool on this host: "sudo apt install
// iproute2", or "" when lsh does not know the package.
func (h *Host) installHint(tool string) string {
	pm := h.PackageManager()
	if pm == "" {
		return ""
	}
	pkg := tool
	if pkgs, ok := toolPackages.Get()[tool]; ok {
		if p, ok := pkgs[pm]; ok {
			pkg = p
		} else if p, ok := pkgs["*"]; ok {
			pkg = p
		}
	}
	cmd := packageInstall.Get()[pm] + " " + pkg
	if pm != "brew" && !h.Root() {
		cmd = "sudo " + cmd
	}
	return cmd
}

// packageInstall is how each package manager installs a package.
var packageInstall = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"apt": "apt install", "dnf": "dnf install", "yum": "yum install", "pacman": "pacman -S",
		"zypper": "zypper install", "apk": "apk add", "brew": "brew install",
	}
}}

// toolPackages maps a tool to the package that ships it, per package
// manager; "*" is the name everywhere else. Tools absent here ship in a
// package of their own name. The table (a map per tool) is built on first
// use, not at every lsh start.
var toolPackages = lazy.Value[map[string]map[string]string]{Build: func() map[string]map[string]string {
	return map[string]map[string]string{
		"ss":         {"*": "iproute2", "dnf": "iproute", "yum": "iproute"},
		"ip":         {"*": "iproute2", "dnf": "iproute", "yum": "iproute"},
		"netstat":    {"*": "net-tools"},
		"ifconfig":   {"*": "net-tools"},
		"ps":         {"*": "procps", "dnf": "procps-ng", "yum": "procps-ng", "pacman": "procps-ng"},
		"pgrep":      {"*": "procps", "dnf": "procps-ng", "yum": "procps-ng", "pacman": "procps-ng"},
		"pkill":      {"*": "procps", "dnf": "procps-ng", "yum": "procps-ng", "pacman": "procps-ng"},
		"free":       {"*": "procps", "dnf": "procps-ng", "yum": "procps-ng", "pacman": "procps-ng"},
		"uptime":     {"*": "procps", "dnf": "procps-ng", "yum": "procps-ng", "pacman": "procps-ng"},
		"top":        {"*": "procps", "dnf": "procps-ng", "yum": "procps-ng", "pacman": "procps-ng"},
		"lsblk":      {"*": "util-linux"},
		"lscpu":      {"*": "util-linux"},
		"xdg-open":   {"*": "xdg-utils"},
		"ping":       {"*": "iputils", "apt": "iputils-ping"},
		"fd":         {"*": "fd", "apt": "fd-find", "dnf": "fd-find"},
		"rg":         {"*": "ripgrep"},
		"xz":         {"*": "xz", "apt": "xz-utils"},
		"7z":         {"*": "p7zip", "apt": "p7zip-full"},
		"fuser":      {"*": "psmisc"},
		"who":        {"*": "coreutils"},
		"gio":        {"*": "glib2", "apt": "libglib2.0-bin"},
		"docker":     {"*": "docker", "apt": "docker.io"},
		"systemctl":  {"*": "systemd"},
		"journalctl": {"*": "systemd"},
		"nproc":      {"*": "coreutils"},
	}
}}
