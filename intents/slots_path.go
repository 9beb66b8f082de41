package intents

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file resolves the paths people say ("Downloads", "my documents",
// "this folder", "~/src/x", "notes.txt") against the real filesystem, and
// writes them back into commands and explanations.

// fsView is what one request sees of the filesystem: its working directory,
// HOME, and the directory listings read so far (each at most once).
type fsView struct {
	cwd, home string
	logDir    string // where system logs live: /var/log, or a test's folder
	now       time.Time
	lists     map[string][]string
	xdg       map[string]string // XDG user dirs: "DOWNLOAD" → absolute path
}

func newFSView(cwd, home string, now time.Time) *fsView {
	return &fsView{cwd: filepath.Clean(cwd), home: filepath.Clean(home), now: now}
}

// names lists the entries of dir, cached.
func (v *fsView) names(dir string) []string {
	if names, ok := v.lists[dir]; ok {
		return names
	}
	if v.lists == nil {
		v.lists = map[string][]string{}
	}
	f, err := os.Open(dir)
	var names []string
	if err == nil {
		names, _ = f.Readdirnames(-1)
		f.Close()
	}
	v.lists[dir] = names
	return names
}

// lookup finds name in dir, exactly or else ignoring case, and returns the
// entry's real name.
func (v *fsView) lookup(dir, name string) (string, bool) {
	names := v.names(dir)
	for _, n := range names {
		if n == name {
			return n, true
		}
	}
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// xdgDir reads a directory from ~/.config/user-dirs.dirs ("DOWNLOAD" →
// "/home/ann/Téléchargements"), so localised folder names resolve.
func (v *fsView) xdgDir(key string) string {
	if v.xdg == nil {
		v.xdg = map[string]string{}
		f, err := os.Open(filepath.Join(v.home, ".config", "user-dirs.dirs"))
		if err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				k, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
				if !ok || !strings.HasPrefix(k, "XDG_") || !strings.HasSuffix(k, "_DIR") {
					continue
				}
				val = strings.Trim(val, `"`)
				val = strings.Replace(val, "$HOME", v.home, 1)
				v.xdg[strings.TrimSuffix(strings.TrimPrefix(k, "XDG_"), "_DIR")] = val
			}
			f.Close()
		}
	}
	return v.xdg[key]
}

// pathVal is a path said in a request, resolved.
type pathVal struct {
	abs    string // absolute and clean
	exists bool
	isDir  bool
	said   string // as the person said it
	// journal, for a system log said by name ("syslog", "the kernel
	// log"), is what selects it in the systemd journal: "system",
	// "kernel" or "auth"; rules read the journal when the file is absent.
	journal string
}

func (v *fsView) stat(abs, said string) *pathVal {
	p := &pathVal{abs: filepath.Clean(abs), said: said}
	if fi, err := os.Stat(p.abs); err == nil {
		p.exists, p.isDir = true, fi.IsDir()
	}
	return p
}

// expand resolves a literal path: "~" and "~/x" against HOME, a relative one
// against the working directory.
func (v *fsView) expand(s string) string {
	switch {
	case s == "~":
		return v.home
	case strings.HasPrefix(s, "~/"):
		return filepath.Join(v.home, s[2:])
	case filepath.IsAbs(s):
		return filepath.Clean(s)
	}
	return filepath.Join(v.cwd, s)
}

// caseFold returns abs with each missing component replaced by an existing
// entry of the same name in another case ("downloads/x" → "Downloads/x"),
// as far as such entries exist.
func (v *fsView) caseFold(abs string) string {
	if _, err := os.Lstat(abs); err == nil || abs == "/" {
		return abs
	}
	parent := v.caseFold(filepath.Dir(abs))
	base := filepath.Base(abs)
	if real, ok := v.lookup(parent, base); ok {
		return filepath.Join(parent, real)
	}
	return filepath.Join(parent, base)
}

// arg writes a path as a command argument: relative when it is under the
// working directory, "~/…" when under HOME, absolute otherwise; quoted for sh
// and never starting with "-". HOME itself is "~" unless it is the working
// directory: a person who said "my home" reads "~", not a path relative to
// wherever they stand.
func (v *fsView) arg(abs string) string {
	if abs == v.cwd {
		return "."
	}
	if abs == v.home {
		return "~"
	}
	if rel, ok := under(v.cwd, abs); ok {
		if strings.HasPrefix(rel, "-") {
			rel = "./" + rel
		}
		return shellQuote(rel)
	}
	if rel, ok := under(v.home, abs); ok {
		return "~/" + shellQuote(rel)
	}
	return shellQuote(abs)
}

// show writes a path for people: "the current directory", "notes.txt",
// "~/Downloads", "/var/log". Entries directly in the working directory go by
// their name (unless that is HOME); anything else under HOME by its ~/ path.
func (v *fsView) show(abs string) string {
	if abs == v.cwd && v.cwd != v.home {
		return "the current directory"
	}
	if abs == v.home {
		return "your home folder (~)"
	}
	if rel, ok := under(v.cwd, abs); ok && !strings.Contains(rel, "/") && v.cwd != v.home {
		return rel
	}
	if rel, ok := under(v.home, abs); ok {
		return "~/" + rel
	}
	if rel, ok := under(v.cwd, abs); ok {
		return rel
	}
	return abs
}

// under reports whether p is strictly inside dir, and the relative path.
func under(dir, p string) (string, bool) {
	if dir == "/" {
		return strings.TrimPrefix(p, "/"), p != "/"
	}
	if rel, ok := strings.CutPrefix(p, dir+"/"); ok && rel != "" {
		return rel, true
	}
	return "", false
}

// determiners may precede a path: "my downloads", "this folder".
var determiners = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{"my": true, "the": true, "this": true, "that": true, "our": true, "your": true, "current": true, "working": true}
}}

// pathPreps are the words after which an existing name is read as a path:
// "in projects", "from notes".
var pathPreps = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"in": true, "inside": true, "under": true, "within": true, "from": true, "at": true, "on": true, "of": true,
		"into": true, "to": true, "onto": true, "throughout": true, "across": true,
	}
}}

// folderWords end a path phrase: "the downloads folder".
var folderWords = lazy.Value[map[string]bool]{Build: func() map[string]bool { return map[string]bool{"folder": true, "directory": true, "dir": true} }}

// knownFolders are the standard folders of a home, with the words people
// use for them and their XDG key. ctx marks words that also name a file type
// ("find pictures"), which are paths only after "in", "my" or before
// "folder".
var knownFolders = []struct {
	words, name, xdg string
	ctx              bool
}{
	{"downloads", "Downloads", "DOWNLOAD", false},
	{"documents|docs", "Documents", "DOCUMENTS", false},
	{"desktop", "Desktop", "DESKTOP", false},
	{"pictures|photos|pics", "Pictures", "PICTURES", true},
	{"music|songs", "Music", "MUSIC", true},
	{"videos|movies", "Videos", "VIDEOS", true},
}

// scanPath reads a path phrase at i (strict: only where the words surely
// name a path). See knownFolders and pathPreps for what counts as context.
func scanPath(toks []token, i int, v *fsView) (item, bool) {
	j := i
	det := ""
	for determiners.Get()[lowAt(toks, j)] {
		det = lowAt(toks, j)
		j++
	}
	if j >= len(toks) || toks[j].quoted {
		return item{}, false
	}
	s, r := toks[j].low, toks[j].raw
	prep := pathPreps.Get()[lowAt(toks, i-1)]
	ctx := prep || det == "my" || det == "our" || det == "your"
	// Words that also name a file type ("my photos") are folders only
	// after a preposition or before "folder".
	typeCtx := prep
	mk := func(end int, p *pathVal) (item, bool) {
		if folderWords.Get()[lowAt(toks, end)] {
			end++
		}
		return item{kind: kindPath, from: i, to: end, raw: rawSpan(toks, i, end), path: p}, true
	}
	// A literal path.
	if r == "." || r == ".." || strings.HasPrefix(r, "/") || strings.HasPrefix(r, "~") ||
		strings.HasPrefix(r, "./") || strings.HasPrefix(r, "../") || strings.Contains(r, "/") && !strings.Contains(r, "://") {
		abs := v.caseFold(v.expand(r))
		p := v.stat(abs, r)
		if !p.exists && !filepath.IsAbs(r) && !strings.HasPrefix(r, ".") && !strings.HasPrefix(r, "~") {
			// "src/x" or "downloads/x" may be meant from HOME.
			q := v.stat(v.caseFold(filepath.Join(v.home, r)), r)
			if q.exists || !dirExists(filepath.Dir(p.abs)) && dirExists(filepath.Dir(q.abs)) {
				p = q
			}
		}
		return mk(j+1, p)
	}
	// The working directory.
	if s == "here" || s == "cwd" || (det == "this" || det == "current" || det == "working") && (s == "folder" || s == "directory" || s == "dir") {
		return item{kind: kindPath, from: i, to: j + 1, raw: rawSpan(toks, i, j+1), path: v.stat(v.cwd, rawSpan(toks, i, j+1))}, true
	}
	if det == "current" || det == "working" {
		return item{}, false
	}
	// The parent folder.
	if s == "parent" && folderWords.Get()[lowAt(toks, j+1)] {
		return item{kind: kindPath, from: i, to: j + 2, raw: rawSpan(toks, i, j+2), path: v.stat(filepath.Dir(v.cwd), "..")}, true
	}
	// The system's logs, by name: "syslog", "the kernel log".
	if it, ok := scanLog(toks, i, j, v); ok {
		return it, true
	}
	// HOME and /.
	if s == "home" {
		return mk(j+1, v.stat(v.home, r))
	}
	if s == "root" && (lowAt(toks, j+1) == "folder" || lowAt(toks, j+1) == "directory" || lowAt(toks, j+1) == "filesystem") {
		return item{kind: kindPath, from: i, to: j + 2, raw: rawSpan(toks, i, j+2), path: v.stat("/", "/")}, true
	}
	if (s == "whole" || s == "entire") && oneOf(lowAt(toks, j+1), "system|disk|computer|drive|filesystem|machine") {
		return item{kind: kindPath, from: i, to: j + 2, raw: rawSpan(toks, i, j+2), path: v.stat("/", "/")}, true
	}
	if s == "everywhere" {
		return item{kind: kindPath, from: i, to: j + 1, raw: r, path: v.stat("/", "/")}, true
	}
	// Names of existing entries, up to three words ("My Projects"), in the
	// working directory or HOME; "my" looks in HOME first.
	dirs := []string{v.cwd, v.home}
	if det == "my" || det == "our" {
		dirs = []string{v.home, v.cwd}
	}
	folderAfter := func(end int) bool { return folderWords.Get()[lowAt(toks, end)] }
	// A standard folder's word names the folder of that name here, else the
	// one the XDG user dirs configure ("Téléchargements"), else HOME's.
	for _, kf := range knownFolders {
		if !oneOf(s, kf.words) || kf.ctx && !typeCtx && !folderAfter(j+1) {
			continue
		}
		if real, ok := v.lookup(v.cwd, r); ok && det != "my" {
			return mk(j+1, v.stat(filepath.Join(v.cwd, real), r))
		}
		if x := v.xdgDir(kf.xdg); x != "" && dirExists(x) {
			return mk(j+1, v.stat(x, r))
		}
	}
	// A determiner may be part of the name: "My Projects".
	starts := []int{j}
	if i < j {
		starts = append(starts, i)
	}
	for k := 3; k >= 1; k-- {
		for _, st := range starts {
			if st+k > len(toks) || quotedIn(toks, st, st+k) {
				continue
			}
			name := rawSpan(toks, st, st+k)
			if k > 1 && !ctx && !folderAfter(st+k) && st == j {
				continue
			}
			for _, d := range dirs {
				real, ok := v.lookup(d, name)
				if !ok {
					continue
				}
				if ctx || folderAfter(st+k) || k > 1 || looksLikeFile(name) || isKnownFolderWord(strings.ToLower(name), false) {
					return mk(st+k, v.stat(filepath.Join(d, real), name))
				}
			}
		}
	}
	// Standard folders ("my documents" is ~/Documents even from elsewhere).
	for _, kf := range knownFolders {
		if !oneOf(s, kf.words) || kf.ctx && !typeCtx && !folderAfter(j+1) {
			continue
		}
		for _, w := range strings.Split(kf.words, "|") {
			if real, ok := v.lookup(v.home, w); ok {
				return mk(j+1, v.stat(filepath.Join(v.home, real), r))
			}
		}
		return mk(j+1, v.stat(filepath.Join(v.home, kf.name), r))
	}
	// A file name, or a name called a folder, that does not exist (yet).
	// ".tmp" alone is a file type, not a file, unless it exists.
	// "the build folder" names a folder that may not exist; "a new folder"
	// does not (no determiner).
	if looksLikeFile(r) && !strings.HasPrefix(r, ".") || folderAfter(j+1) && !fillers.Get()[s] && det != "" && !notFolderNames.Get()[s] {
		return mk(j+1, v.stat(filepath.Join(v.cwd, r), r))
	}
	return item{}, false
}

// notFolderNames are words that describe a folder rather than name one:
// "the previous folder" is where cd - goes, not a folder called previous;
// "the largest folder" is a question about sizes.
var notFolderNames = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{"new": true, "previous": true, "last": true, "next": true, "other": true, "same": true, "right": true,
		"wrong": true, "first": true, "second": true, "whole": true, "entire": true, "empty": true, "old": true,
		"up": true, "above": true, "top": true, "another": true, "different": true, "original": true, "one": true,
		"biggest": true, "largest": true, "heaviest": true, "smallest": true, "newest": true, "oldest": true, "fullest": true}
}}

// systemLogs are the system logs people name, the words that name them,
// the files that hold them under the log folder (first found wins) and
// what selects them in the systemd journal.
var systemLogs = []struct {
	words   string // first word; "log" or "logs" may follow
	alone   bool   // the first word names the log by itself ("syslog")
	files   []string
	journal string
}{
	{"syslog|syslogs", true, []string{"syslog", "messages"}, "system"},
	{"system|sys", false, []string{"syslog", "messages"}, "system"},
	{"kernel|kern", false, []string{"kern.log"}, "kernel"},
	{"kern.log|dmesg", true, []string{"kern.log"}, "kernel"},
	{"auth|authentication|login|security", false, []string{"auth.log", "secure"}, "auth"},
	{"auth.log", true, []string{"auth.log", "secure"}, "auth"},
}

// scanLog reads a system log said by name at j (after determiners from
// i): "syslog", "the system log", "kernel logs", "auth.log". A name that
// is an entry of the working directory is left to the other rules.
func scanLog(toks []token, i, j int, v *fsView) (item, bool) {
	s := lowAt(toks, j)
	if _, ok := v.lookup(v.cwd, toks[j].raw); ok || v.logDir == "" {
		return item{}, false
	}
	for _, l := range systemLogs {
		if !oneOf(s, l.words) {
			continue
		}
		end := j + 1
		switch next := lowAt(toks, end); {
		case next == "log" || next == "logs" || next == "journal" || l.journal == "system" && next == "messages":
			end++
		case !l.alone:
			continue
		}
		for _, f := range l.files {
			p := v.stat(filepath.Join(v.logDir, f), rawSpan(toks, j, end))
			if p.exists {
				p.journal = l.journal
				return item{kind: kindPath, from: i, to: end, raw: rawSpan(toks, i, end), path: p}, true
			}
		}
		p := v.stat(filepath.Join(v.logDir, l.files[0]), rawSpan(toks, j, end))
		p.journal = l.journal
		return item{kind: kindPath, from: i, to: end, raw: rawSpan(toks, i, end), path: p}, true
	}
	return item{}, false
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func quotedIn(toks []token, from, to int) bool {
	for _, t := range toks[from:to] {
		if t.quoted {
			return true
		}
	}
	return false
}

// isKnownFolderWord reports whether s names a standard folder; withCtx
// includes the words that need context.
func isKnownFolderWord(s string, withCtx bool) bool {
	for _, kf := range knownFolders {
		if oneOf(s, kf.words) && (withCtx || !kf.ctx) {
			return true
		}
	}
	return false
}

// looksLikeFile reports whether s reads as a file name: "notes.txt",
// "deploy.sh", ".bashrc" — a name and an alphanumeric extension, not a
// number ("1.5") nor a sentence end.
func looksLikeFile(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 || dot == len(s)-1 || strings.ContainsAny(s, " /*?[") {
		return false
	}
	ext := s[dot+1:]
	if len(ext) > 8 {
		return false
	}
	for i := 0; i < len(ext); i++ {
		if !isAlnum(ext[i]) {
			return false
		}
	}
	stem := s[:dot]
	if stem == "" {
		return len(ext) > 1 // ".bashrc"
	}
	if strings.Trim(s, "0123456789.") == "" {
		return false // an IP address or a version, 8.8.8.8
	}
	digits := true
	for i := 0; i < len(stem); i++ {
		if stem[i] < '0' || stem[i] > '9' {
			digits = false
		}
	}
	return !digits
}

// resolveName resolves a name used where a rule expects a path ("compress
// reports", "open notes"): an existing entry in the working directory or
// HOME, ignoring case, or else the name under the working directory.
func (v *fsView) resolveName(raw string) *pathVal {
	if strings.Contains(raw, "/") || strings.HasPrefix(raw, "~") || raw == "." || raw == ".." {
		return v.stat(v.caseFold(v.expand(raw)), raw)
	}
	for _, d := range []string{v.cwd, v.home} {
		if real, ok := v.lookup(d, raw); ok {
			return v.stat(filepath.Join(d, real), raw)
		}
	}
	// "my bashrc" is ~/.bashrc: a dotfile said without its dot.
	if !strings.HasPrefix(raw, ".") {
		if _, ok := v.lookup(v.home, "."+raw); ok || oneOf(strings.ToLower(raw), "bashrc|zshrc|vimrc|profile|bash_profile|gitconfig|inputrc|tmux.conf|bash_aliases") {
			return v.stat(filepath.Join(v.home, "."+strings.ToLower(raw)), raw)
		}
	}
	for _, kf := range knownFolders {
		if oneOf(strings.ToLower(raw), kf.words) {
			return v.stat(filepath.Join(v.home, kf.name), raw)
		}
	}
	return v.stat(filepath.Join(v.cwd, raw), raw)
}

// resolveNew resolves a name for something to be created ("mkdir
// projects"): exactly as said, relative to the working directory.
func (v *fsView) resolveNew(raw string) *pathVal {
	return v.stat(v.expand(raw), raw)
}
