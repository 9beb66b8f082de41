package intents

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokenize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"what's taking up space?", "what|is|taking|up|space"},
		{"Don't delete 'my file.txt'", "do|not|delete|[my file.txt]"},
		{"why didn't that work", "why|did|not|that|work"},
		{"today's date", "today|date"},
		{`replace "a b" with “c d”`, "replace|[a b]|with|[c d]"},
		{"explain `ls -la`", "explain|[ls -la]"},
		{"biggest files in ~/Downloads.", "biggest|files|in|~/downloads"},
		{"show notes.txt, please!", "show|notes.txt|please"},
		{"it's 5 o'clock", "it|is|5|o'clock"},
		{"an 'unterminated quote", "an|'unterminated|quote"},
		{"(in src)", "in|src"},
	} {
		var parts []string
		for _, tok := range tokenize(tc.in) {
			if tok.quoted {
				parts = append(parts, "["+tok.raw+"]")
			} else {
				parts = append(parts, tok.low)
			}
		}
		if got := strings.Join(parts, "|"); got != tc.want {
			t.Errorf("tokenize(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// scanOne scans a phrase and returns its single item, failing when the
// phrase is not exactly one item.
func scanOne(t *testing.T, fs *fsView, phrase string) (item, bool) {
	t.Helper()
	items := scan(tokenize(phrase), fs)
	if len(items) != 1 {
		return item{}, false
	}
	return items[0], true
}

// scanKind returns the first item of a kind in a phrase.
func scanKind(fs *fsView, phrase string, k slotKind) (item, bool) {
	for _, it := range scan(tokenize(phrase), fs) {
		if it.kind == k {
			return it, true
		}
	}
	return item{}, false
}

func TestSizes(t *testing.T) {
	fs := newFSView(t.TempDir(), t.TempDir(), time.Now())
	for _, tc := range []struct {
		say   string
		bytes int64
		cmp   int
		said  string
	}{
		{"10MB", 10 << 20, 0, "larger than 10 MiB"},
		{"10 mb", 10 << 20, 0, "larger than 10 MiB"},
		{"over 1 gig", 1 << 30, 1, "larger than 1 GiB"},
		{"more than 1.5 GB", 3 << 29, 1, "larger than 1.5 GiB"},
		{"bigger than a gig", 1 << 30, 1, "larger than 1 GiB"},
		{"smaller than 500k", 500 << 10, -1, "smaller than 500 KiB"},
		{"under 100 bytes", 100, -1, "smaller than 100 bytes"},
		{"at least 2 terabytes", 2 << 40, 1, "larger than 2 TiB"},
		{"500K", 500 << 10, 0, "larger than 500 KiB"},
	} {
		it, ok := scanOne(t, fs, tc.say)
		if !ok || it.kind != kindSize || it.size.bytes != tc.bytes || it.size.cmp != tc.cmp || sizeSaid(*it.size) != tc.said {
			t.Errorf("%q: %v %+v %v, want %d bytes cmp %d %q", tc.say, ok, it.kind, it.size, tc.bytes, tc.cmp, tc.said)
		}
	}
	for _, say := range []string{"5 m", "top 10", "1.5", "version 2", "10 files"} {
		for _, it := range scan(tokenize(say), fs) {
			if it.kind == kindSize {
				t.Errorf("%q reads as a size", say)
			}
		}
	}
}

func TestTimes(t *testing.T) {
	// A Wednesday, 14:30.
	now := time.Date(2025, 3, 12, 14, 30, 0, 0, time.Local)
	fs := newFSView(t.TempDir(), t.TempDir(), now)
	sinceMidnight := 14*60 + 30 + 1
	for _, tc := range []struct {
		say         string
		newer       bool
		min, upto   int
		said        string
		findArgs    string
		wholeDays   int
		isWholeDays bool
	}{
		{"today", true, sinceMidnight, 0, "today", "-mmin -871", 0, false},
		{"yesterday", true, sinceMidnight + 1440, sinceMidnight, "yesterday", "-mmin -2311 -mmin +871", 0, false},
		{"last week", true, 7 * 1440, 0, "in the last week", "-mtime -7", 7, true},
		{"in the last 3 days", true, 3 * 1440, 0, "in the last 3 days", "-mtime -3", 3, true},
		{"past 24 hours", true, 24 * 60, 0, "in the last 24 hours", "-mtime -1", 1, true},
		{"the past hour", true, 60, 0, "in the last hour", "-mmin -60", 0, false},
		{"2 weeks ago", true, 14 * 1440, 0, "in the last 2 weeks", "-mtime -14", 14, true},
		{"within 10 minutes", true, 10, 0, "in the last 10 minutes", "-mmin -10", 0, false},
		{"older than 30 days", false, 30 * 1440, 0, "more than 30 days ago", "-mmin +43200", 30, true},
		{"more than a month old", false, 30 * 1440, 0, "more than a month ago", "-mmin +43200", 30, true},
		{"not modified in 6 months", false, 180 * 1440, 0, "more than 6 months ago", "-mmin +259200", 180, true},
		{"this week", true, 2*1440 + sinceMidnight, 0, "this week", "-mmin -3751", 0, false},
		{"recently", true, 1440, 0, "in the last day", "-mtime -1", 1, true},
	} {
		it, ok := scanKind(fs, tc.say, kindTime)
		if !ok {
			t.Errorf("%q: no time in %v", tc.say, scan(tokenize(tc.say), fs))
			continue
		}
		tv := *it.time
		if tv.newer != tc.newer || tv.min != tc.min || tv.upto != tc.upto || tv.said != tc.said {
			t.Errorf("%q = %+v, want newer %v min %d upto %d %q", tc.say, tv, tc.newer, tc.min, tc.upto, tc.said)
		}
		if got := timeArgs(tv); got != tc.findArgs {
			t.Errorf("%q: find %s, want %s", tc.say, got, tc.findArgs)
		}
		if d, ok := tv.days(); ok != tc.isWholeDays || d != tc.wholeDays {
			t.Errorf("%q: days() = %d, %v; want %d, %v", tc.say, d, ok, tc.wholeDays, tc.isWholeDays)
		}
	}
	for _, say := range []string{"last 20 lines", "last commit", "the last one", "5 files"} {
		for _, it := range scan(tokenize(say), fs) {
			if it.kind == kindTime {
				t.Errorf("%q reads as a time: %+v", say, it.time)
			}
		}
	}
}

func TestFileTypes(t *testing.T) {
	fs := newFSView(t.TempDir(), t.TempDir(), time.Now())
	for _, tc := range []struct{ say, exts, said string }{
		{"python files", "py", "Python files"},
		{"shell scripts", "sh", "shell scripts"},
		{"images", "jpg jpeg png gif webp bmp heic tiff svg", "images"},
		{"pdfs", "pdf", "PDF files"},
		{"*.go", "go", "*.go files"},
		{".log files", "log", "*.log files"},
		{".csv", "csv", "*.csv files"},
		{"tsv files", "tsv", ".tsv files"},
		{"*.tar.gz", "tar.gz", "*.tar.gz files"},
		{"mp3s", "mp3 flac ogg wav m4a aac opus", "audio files"},
	} {
		it, ok := scanOne(t, fs, tc.say)
		if !ok || it.kind != kindExt || strings.Join(it.ext.exts, " ") != tc.exts || it.ext.said != tc.said {
			t.Errorf("%q = %v %+v, want %q %q", tc.say, it.kind, it.ext, tc.exts, tc.said)
		}
	}
	for _, say := range []string{"big files", "old files", ".bashrc", "python", "the files", "go"} {
		for _, it := range scan(tokenize(say), fs) {
			if it.kind == kindExt {
				t.Errorf("%q reads as a file type: %+v", say, it.ext)
			}
		}
	}
	if got := extArgs(&extVal{exts: []string{"jpg", "png"}}); got != `\( -iname '*.jpg' -o -iname '*.png' \)` {
		t.Errorf("extArgs = %s", got)
	}
}

func TestCountsPortsURLs(t *testing.T) {
	fs := newFSView(t.TempDir(), t.TempDir(), time.Now())
	for _, tc := range []struct {
		say  string
		kind slotKind
		n    int
		raw  string
	}{
		{"5", kindCount, 5, "5"},
		{"top ten", kindCount, 10, "top ten"},
		{"2nd", kindCount, 2, "2nd"},
		{"third", kindCount, 3, "third"},
		{"port 8080", kindPort, 8080, "port 8080"},
		{"port number 22", kindPort, 22, "port number 22"},
		{":3000", kindPort, 3000, ":3000"},
		{"https://example.com/a.zip?x=1", kindURL, 0, "https://example.com/a.zip?x=1"},
		{"example.com/file.zip", kindURL, 0, "example.com/file.zip"},
		{"www.kernel.org", kindURL, 0, "www.kernel.org"},
		{"github.com", kindURL, 0, "github.com"},
	} {
		it, ok := scanOne(t, fs, tc.say)
		if !ok || it.kind != tc.kind || it.n != tc.n || it.raw != tc.raw {
			t.Errorf("%q = %v %v %d %q, want %v %d %q", tc.say, ok, it.kind, it.n, it.raw, tc.kind, tc.n, tc.raw)
		}
	}
	for _, say := range []string{"port 70000", "deploy.sh", "notes.txt", "main.go", "v1.2"} {
		for _, it := range scan(tokenize(say), fs) {
			if it.kind == kindPort || it.kind == kindURL {
				t.Errorf("%q reads as a %v", say, it.kind)
			}
		}
	}
}

// TestPaths resolves the paths people say against a real directory tree.
func TestPaths(t *testing.T) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	cwd := filepath.Join(home, "work")
	for _, d := range []string{"Downloads", "Documents", "My Projects", "work/build", "work/Reports", "Téléchargements"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(cwd, "notes.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(cwd, ".env"), nil, 0o644)
	fs := newFSView(cwd, home, time.Now())
	for _, tc := range []struct {
		say    string
		abs    string // relative to root
		exists bool
	}{
		{"Downloads", "home/Downloads", true},
		{"in my downloads folder", "home/Downloads", true},
		{"DOWNLOADS", "home/Downloads", true},
		{"my documents", "home/Documents", true},
		{"in docs", "home/Documents", true},
		{"this folder", "home/work", true},
		{"here", "home/work", true},
		{"the current directory", "home/work", true},
		{"my home folder", "home", true},
		{"~/src/x", "home/src/x", false},
		{"/var/log", "/var/log", true},
		{"notes.txt", "home/work/notes.txt", true},
		{"todo.txt", "home/work/todo.txt", false},
		{"in my projects", "home/My Projects", true},
		{"in reports", "home/work/Reports", true},
		{"the build folder", "home/work/build", true},
		{"the release folder", "home/work/release", false},
		{"in desktop", "home/Desktop", false},
		{".env", "home/work/.env", true},
		{"the whole disk", "/", true},
		{"../work", "home/work", true},
		{"downloads/x", "home/Downloads/x", false},
	} {
		items := scan(tokenize(tc.say), fs)
		var p *pathVal
		for _, it := range items {
			if it.kind == kindPath {
				p = it.path
			}
		}
		want := tc.abs
		if !strings.HasPrefix(want, "/") {
			want = filepath.Join(root, want)
		}
		if p == nil || p.abs != want || p.exists != tc.exists {
			t.Errorf("%q = %+v, want %s (exists %v)", tc.say, p, want, tc.exists)
		}
	}
	for _, say := range []string{"build", "make a new folder", "the files", "pictures", "find reports"} {
		for _, it := range scan(tokenize(say), fs) {
			if it.kind == kindPath {
				t.Errorf("%q reads as the path %s", say, it.path.abs)
			}
		}
	}
	// XDG user dirs name localised folders.
	os.MkdirAll(filepath.Join(home, ".config"), 0o755)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte("XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n"), 0o644)
	fs = newFSView(cwd, home, time.Now())
	if it, ok := scanOne(t, fs, "downloads"); !ok || it.path.abs != filepath.Join(home, "Téléchargements") {
		t.Errorf("with XDG dirs, downloads = %+v", it.path)
	}
}

func TestPathArgAndShow(t *testing.T) {
	fs := newFSView("/home/ann/work", "/home/ann", time.Now())
	for _, tc := range []struct{ abs, arg, show string }{
		{"/home/ann/work", ".", "the current directory"},
		{"/home/ann/work/notes.txt", "notes.txt", "notes.txt"},
		{"/home/ann/work/a b/c.txt", "'a b/c.txt'", "~/work/a b/c.txt"},
		{"/home/ann/work/-rf", "./-rf", "-rf"},
		{"/home/ann", "~", "your home folder (~)"},
		{"/home/ann/My Projects", "~/'My Projects'", "~/My Projects"},
		{"/home/ann/it's", `~/'it'\''s'`, "~/it's"},
		{"/var/log", "/var/log", "/var/log"},
		{"/tmp/x y", "'/tmp/x y'", "/tmp/x y"},
	} {
		if got := fs.arg(tc.abs); got != tc.arg {
			t.Errorf("arg(%s) = %s, want %s", tc.abs, got, tc.arg)
		}
		if got := fs.show(tc.abs); got != tc.show {
			t.Errorf("show(%s) = %s, want %s", tc.abs, got, tc.show)
		}
	}
	// Standing above HOME, HOME is still "~", what a person said; what is
	// below it is relative to where they stand.
	fs = newFSView("/home", "/home/ann", time.Now())
	for _, tc := range []struct{ abs, arg, show string }{
		{"/home/ann", "~", "your home folder (~)"},
		{"/home/ann/Downloads", "ann/Downloads", "~/Downloads"},
		{"/home/bob", "bob", "bob"},
	} {
		if got := fs.arg(tc.abs); got != tc.arg {
			t.Errorf("in /home: arg(%s) = %s, want %s", tc.abs, got, tc.arg)
		}
		if got := fs.show(tc.abs); got != tc.show {
			t.Errorf("in /home: show(%s) = %s, want %s", tc.abs, got, tc.show)
		}
	}
}

// TestArgsSurviveTheShell passes awkward values through sh: what arrives
// must be what was meant.
func TestArgsSurviveTheShell(t *testing.T) {
	home := t.TempDir()
	fs := newFSView(home, home, time.Now())
	for _, v := range []string{"plain", "two words", "it's", `"dq"`, "$HOME", "`id`", "a\\b", "*", "-rf", "tab\there", "ünï"} {
		abs := filepath.Join(home, "sub", v)
		line := "printf '%s\\n' " + fs.arg(abs) + " " + shellQuote(v)
		cmd := exec.Command("sh", "-c", line)
		cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}
		out, err := cmd.Output()
		want := "sub/" + v + "\n" + v + "\n"
		if err != nil || string(out) != want {
			t.Errorf("%q: sh printed %q (%v), want %q", line, out, err, want)
		}
	}
}

// TestSedEscaping runs sed with escaped texts: the replacement must be
// literal, whatever the text holds.
func TestSedEscaping(t *testing.T) {
	if DetectHost().Flavor("sed") != GNU {
		t.Skip("runs GNU sed")
	}
	for _, tc := range []struct{ old, new string }{
		{"a.b", "x&y"},
		{"[x]", "\\1"},
		{"^start$", "/slash/"},
		{"back\\slash", "&&"},
		{"a*b", "it's"},
	} {
		in := "(" + tc.old + ") (aXb)\n"
		expr := quoteAlways("s/" + sedRegex(tc.old) + "/" + sedReplacement(tc.new) + "/g")
		cmd := exec.Command("sh", "-c", "sed -e "+expr)
		cmd.Stdin = strings.NewReader(in)
		out, err := cmd.Output()
		want := "(" + tc.new + ") (aXb)\n"
		if err != nil || string(out) != want {
			t.Errorf("replace %q with %q: %q (%v), want %q", tc.old, tc.new, out, err, want)
		}
	}
}
