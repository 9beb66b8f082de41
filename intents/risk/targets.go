package risk

import (
	"path"
	"strings"

	"github.com/llamashell/lsh/intents/internal/cmdline"

	"github.com/llamashell/lsh/internal/lazy"
)

// class is what a path names, as far as damage goes.
type class uint8

const (
	ordinary   class = iota // a file of the person's own
	sink                    // /dev/null, /dev/stdout: writing there loses nothing
	systemFile              // inside a system directory
	home                    // a home directory, or everything in it
	cwd                     // the current directory, or everything in it
	parent                  // the parent directory
	systemRoot              // a top system directory (/etc, /usr…) or all it holds
	root                    // / or everything in it
	device                  // a disk, a partition or kernel memory
)

// catastrophic reports whether losing what the class names is losing the
// system, the home or a whole working tree.
func (c class) catastrophic() bool {
	switch c {
	case home, cwd, parent, systemRoot, root:
		return true
	}
	return false
}

// system reports whether the class needs root to change.
func (c class) system() bool { return c == systemFile || c == systemRoot || c == root || c == device }

// systemRoots are the top directories whose loss breaks the system, with
// what each holds for the person reading a reason.
var systemRoots = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"/bin": "system programs", "/sbin": "system programs", "/boot": "the kernel and boot loader",
		"/dev": "device files", "/etc": "system configuration", "/home": "every user's home",
		"/lib": "system libraries", "/lib32": "system libraries", "/lib64": "system libraries",
		"/libx32": "system libraries", "/opt": "installed software", "/proc": "the kernel's process table",
		"/root": "root's home", "/run": "running services' state", "/srv": "served data",
		"/sys": "kernel interfaces", "/usr": "installed programs and libraries", "/var": "system state, logs and databases",
		"/snap": "installed snaps", "/nix": "the Nix store", "/usr/bin": "installed programs",
		"/usr/sbin": "system programs", "/usr/lib": "system libraries", "/usr/lib64": "system libraries",
		"/usr/local": "locally installed software", "/usr/share": "shared program data",
		"/usr/include": "system headers", "/usr/libexec": "system helper programs", "/var/lib": "system databases",
		"/var/log": "system logs", "/var/spool": "queued mail and jobs", "/var/mail": "mailboxes",
		"/System": "macOS itself", "/Library": "system-wide settings", "/Applications": "installed applications",
		"/Users": "every user's home", "/private": "system state",
	}
}}

// userAreas are absolute places ordinary users write to.
var userAreas = []string{"/tmp", "/var/tmp", "/dev/shm", "/mnt", "/media", "/run/media", "/run/user"}

// sinks are device files writing to which destroys nothing.
var sinks = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"/dev/null": true, "/dev/zero": true, "/dev/full": true, "/dev/random": true, "/dev/urandom": true,
		"/dev/stdout": true, "/dev/stderr": true, "/dev/stdin": true, "/dev/tty": true, "/dev/console": true,
	}
}}

// devicePrefixes are the names under /dev of disks, partitions and memory.
var devicePrefixes = []string{"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "md", "dm-", "loop", "sr",
	"mapper/", "disk/", "nbd", "zram", "mem", "kmem", "port", "rdisk", "disk", "bcache", "bcachefs"}

// target is one path operand, classified.
type target struct {
	word  cmdline.Word
	class class
	label string // what it is, for a reason: "your home"
	empty bool   // the class comes from an unknown variable being empty
}

// describe renders the target as "~ (your home)".
func (t target) describe() string {
	if t.label == "" {
		return t.word.Text
	}
	return t.word.Text + " (" + t.label + ")"
}

// classify tells what the word names. When a variable in it is unknown and
// the word would name something catastrophic were the variable empty
// ("$DIR/"* is /* then), the result says so with empty set.
func classify(w cmdline.Word, opt Options) target {
	c, label := classifyPath(w.Path, w.Glob, opt)
	t := target{word: w, class: c, label: label}
	if len(w.Vars) > 0 && !w.Guarded && w.IfEmpty != w.Path && w.IfEmpty != "" {
		ec, elabel := classifyPath(w.IfEmpty, w.Glob, opt)
		if ec.catastrophic() && !c.catastrophic() {
			t.class, t.empty = ec, true
			t.label = "if " + strings.Join(w.Vars, " or ") + " is empty or unset, this is " + w.IfEmpty + ": " + elabel
		}
	}
	return t
}

// classifyPath classifies a path spelt with ~ for the home.
func classifyPath(p string, glob bool, opt Options) (class, string) {
	if p == "/"+cmdline.Unknown {
		return systemFile, "files anywhere on the system"
	}
	if p == "" || strings.HasPrefix(p, cmdline.Unknown) {
		return ordinary, ""
	}
	if opt.Home != "" && (p == opt.Home || strings.HasPrefix(p, strings.TrimSuffix(opt.Home, "/")+"/")) {
		p = "~" + strings.TrimPrefix(p, strings.TrimSuffix(opt.Home, "/"))
	}
	if strings.HasPrefix(p, "~") {
		if p == "~" || p == "~/" || strings.HasPrefix(p, "~/") {
			p = "~" + path.Clean("/"+strings.TrimPrefix(p, "~"))
			p = strings.TrimSuffix(p, "/")
		}
	} else {
		p = path.Clean(p)
	}
	// Everything in a directory is as much as the directory.
	if glob {
		if dir, ok := allIn(p); ok {
			c, label := classifyPath(dir, false, opt)
			if c.catastrophic() {
				return c, "everything in " + label
			}
			if c == systemFile {
				return c, label
			}
			return ordinary, ""
		}
		for r, what := range systemRoots.Get() {
			if ok, _ := path.Match(p, r); ok {
				return systemRoot, "matches " + r + ", " + what
			}
		}
	}
	switch {
	case p == ".":
		return cwd, "the current directory"
	case p == ".." || strings.HasPrefix(p, "../") && strings.Trim(p, "./") == "":
		return parent, "the parent directory"
	case p == "~":
		return home, "your home"
	case strings.HasPrefix(p, "~") && !strings.HasPrefix(p, "~/") && !strings.Contains(p, "/"):
		return home, strings.TrimPrefix(p, "~") + "'s home"
	case p == "/":
		return root, "the whole filesystem"
	}
	if !strings.HasPrefix(p, "/") {
		if opt.Dir != "" && !strings.HasPrefix(p, "~") {
			c, label := classifyPath(path.Join(opt.Dir, p), glob, Options{Home: opt.Home})
			if c != ordinary {
				return c, label + " here"
			}
		}
		return ordinary, ""
	}
	if what, ok := systemRoots.Get()[p]; ok {
		if p == "/root" {
			return systemRoot, "root's home"
		}
		return systemRoot, what
	}
	if sinks.Get()[p] || strings.HasPrefix(p, "/dev/fd/") || strings.HasPrefix(p, "/dev/pts/") || strings.HasPrefix(p, "/proc/self/fd/") {
		return sink, ""
	}
	if strings.HasPrefix(p, "/dev/") {
		name := strings.TrimPrefix(p, "/dev/")
		for _, d := range devicePrefixes {
			if strings.HasPrefix(name, d) {
				return device, "a disk, partition or memory device"
			}
		}
		return systemFile, "a device file"
	}
	if d, rest, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/"); ok && (d == "home" || d == "Users") && !strings.Contains(rest, "/") {
		return home, rest + "'s home"
	}
	for _, a := range userAreas {
		if p == a || strings.HasPrefix(p, a+"/") {
			return ordinary, ""
		}
	}
	if strings.HasPrefix(p, "/home/") || strings.HasPrefix(p, "/Users/") {
		return ordinary, ""
	}
	for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
		if _, ok := systemRoots.Get()[dir]; ok {
			return systemFile, "a system file"
		}
	}
	return ordinary, ""
}

// allIn reports whether a glob names everything in a directory (dir/*,
// dir/.*, *), and which directory.
func allIn(p string) (string, bool) {
	for _, suffix := range []string{"/*", "/.*", "/*.*", "/{*,.*}", "/.[!.]*"} {
		if strings.HasSuffix(p, suffix) {
			dir := strings.TrimSuffix(p, suffix)
			if dir == "" {
				dir = "/"
			}
			return dir, true
		}
	}
	switch p {
	case "*", ".*", "*.*", "{*,.*}":
		return ".", true
	}
	return "", false
}

// isURLish reports whether an operand looks like what a downloader fetches.
func isURLish(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "www.")
}
