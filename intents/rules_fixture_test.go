package intents

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixture is a fake HOME in a temporary directory, with files of known
// sizes, ages, types and awkward names, for running rendered commands and
// checking what they did.
type fixture struct {
	t    testing.TB
	root string // the temporary directory
	home string // root/home, the fake HOME
	now  time.Time
	// sleeperDone closes when the process startSleeper started exits.
	sleeperDone chan struct{}
}

const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30
	day = 24 * time.Hour
)

// The fixture tree, built once per test binary and copied for each test
// (copying keeps the sparse files sparse):
//
//	home/Downloads/  big.iso (2 GiB sparse, 40 days), movie.mp4 (300 MiB sparse, 10 days),
//	                 report.pdf (200 KiB, 2 days), photo.JPG (50 KiB, today), old.tmp (40 days),
//	                 empty.txt (0 bytes, 70 hours), "notes copy.txt", setup.zip, site.tar.gz
//	home/Documents/  essay.txt, essay-copy.txt (same bytes), data.csv, table.txt,
//	                 "taxes 2023"/receipt.pdf, empty-dir/
//	home/Pictures/   cat.png, dog.jpg
//	home/My Projects/app/ main.py, util.py, README.md, run.sh (executable)
//	home/src/        main.go, util.go (TODO lines), lib/tool.py
//	home/            notes.txt names.txt numbers.txt app.log deploy.sh "it's here.txt"
//	                 a.txt b.txt special.txt .hidden link -> notes.txt broken -> missing
//	repo/            a git repository (outside HOME): notes.txt, a.txt; commits "first", "second"
var (
	templateOnce sync.Once
	templateDir  string
	templateNow  time.Time
	templateErr  error
)

// TestMain removes the fixture template after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	os.Exit(code)
}

// newFixture copies the template into a fresh temporary directory.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "lsh-intents-fixture-")
		if templateErr != nil {
			return
		}
		templateNow = time.Now()
		build := &fixture{t: t, root: templateDir, home: filepath.Join(templateDir, "home"), now: templateNow}
		build.populate()
	})
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	root := t.TempDir()
	fx := &fixture{t: t, root: root, home: filepath.Join(root, "home"), now: templateNow}
	fx.must(copyTree(templateDir, root))
	return fx
}

// populate writes the fixture tree.
func (fx *fixture) populate() {
	fx.t.Helper()
	fx.sparse("Downloads/big.iso", 2*gib, 40*day)
	fx.sparse("Downloads/movie.mp4", 300*mib, 10*day)
	fx.sized("Downloads/report.pdf", 200*kib, 2*day)
	fx.sized("Downloads/photo.JPG", 50*kib, 0)
	fx.write("Downloads/old.tmp", "scratch\n", 40*day)
	fx.write("Downloads/empty.txt", "", 70*time.Hour)
	fx.write("Downloads/notes copy.txt", "copy of notes\n", 5*day)
	fx.zip("Downloads/setup.zip", map[string]string{"setup/install.sh": "#!/bin/sh\necho install\n", "setup/README": "read me\n"}, 6*day)
	fx.targz("Downloads/site.tar.gz", map[string]string{"site/index.html": "<h1>hi</h1>\n", "site/style.css": "h1{}\n"}, 6*day)
	fx.write("Documents/essay.txt", "the quick brown fox\njumps over the lazy dog\nthe end\n", 20*day)
	fx.write("Documents/essay-copy.txt", "the quick brown fox\njumps over the lazy dog\nthe end\n", 20*day)
	fx.write("Documents/data.csv", "name,age,city\nann,31,oslo\nbob,42,rome\n", 20*day)
	fx.write("Documents/table.txt", "ann 31 oslo\nbob 42 rome\n", 20*day)
	fx.sized("Documents/taxes 2023/receipt.pdf", 30*kib, 300*day)
	fx.mkdir("Documents/empty-dir")
	fx.sized("Pictures/cat.png", 120*kib, 50*day)
	fx.sized("Pictures/dog.jpg", 80*kib, 50*day)
	fx.write("My Projects/app/main.py", "import util\nprint(util.greet())\n", 4*day)
	fx.write("My Projects/app/util.py", "def greet():\n    return 'hi'\n", 4*day)
	fx.write("My Projects/app/README.md", "# app\n", 4*day)
	fx.write("My Projects/app/run.sh", "#!/bin/sh\npython3 main.py\n", 4*day)
	fx.must(os.Chmod(fx.path("My Projects/app/run.sh"), 0o755))
	fx.write("src/main.go", "package main\n\n// TODO: flags\nfunc main() {}\n", 1*day)
	fx.write("src/util.go", "package main\n\n// TODO: tests\n// foo helper\nfunc foo() {}\n", 1*day)
	fx.write("src/lib/tool.py", "# TODO: rewrite\ndef foo():\n    return 'foo'\n", 1*day)
	fx.write("notes.txt", "hello world\nfoo bar\nfoo baz\n", 0)
	fx.write("names.txt", "carol\nalice\nbob\nalice\ncarol\nalice\n", 0)
	fx.write("numbers.txt", "10\n9\n100\n1\n", 0)
	fx.write("app.log", "INFO start\nERROR disk full\nINFO retry\nERROR disk full again error\nINFO done\n", 0)
	fx.write("deploy.sh", "#!/bin/sh\necho deployed\n", 0)
	fx.write("it's here.txt", "quoted name works\n", 0)
	fx.write("a.txt", "one\ntwo\nthree\n", 0)
	fx.write("b.txt", "one\nTWO\nthree\n", 0)
	fx.write("special.txt", "a.b/c and aXb/c\n", 0)
	fx.write(".hidden", "secret\n", 0)
	fx.must(os.Symlink("notes.txt", filepath.Join(fx.home, "link")))
	fx.must(os.Symlink("missing", filepath.Join(fx.home, "broken")))
	if _, err := exec.LookPath("git"); err == nil {
		fx.gitInit("../repo")
	}
}

// copyTree copies the fixture template: directories, files with their modes
// and times, symlinks; large files are recreated sparse.
func copyTree(from, to string) error {
	return filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case fi.IsDir():
			if err := os.MkdirAll(dst, fi.Mode().Perm()); err != nil {
				return err
			}
		case fi.Size() > mib:
			f, err := os.Create(dst)
			if err != nil {
				return err
			}
			if err := f.Truncate(fi.Size()); err != nil {
				return err
			}
			f.Close()
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
				return err
			}
		}
		return os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	})
}

func (fx *fixture) must(err error) {
	fx.t.Helper()
	if err != nil {
		fx.t.Fatal(err)
	}
}

func (fx *fixture) path(rel string) string { return filepath.Join(fx.home, rel) }

func (fx *fixture) mkdir(rel string) {
	fx.t.Helper()
	fx.must(os.MkdirAll(fx.path(rel), 0o755))
}

// write creates a file with content, modified age ago.
func (fx *fixture) write(rel, content string, age time.Duration) {
	fx.t.Helper()
	p := fx.path(rel)
	fx.must(os.MkdirAll(filepath.Dir(p), 0o755))
	fx.must(os.WriteFile(p, []byte(content), 0o644))
	fx.age(rel, age)
}

// sized creates a file of n real bytes.
func (fx *fixture) sized(rel string, n int, age time.Duration) {
	fx.write(rel, strings.Repeat("x", n), age)
}

// sparse creates a file of n bytes that takes no disk space.
func (fx *fixture) sparse(rel string, n int64, age time.Duration) {
	fx.t.Helper()
	p := fx.path(rel)
	fx.must(os.MkdirAll(filepath.Dir(p), 0o755))
	f, err := os.Create(p)
	fx.must(err)
	fx.must(f.Truncate(n))
	fx.must(f.Close())
	fx.age(rel, age)
}

func (fx *fixture) age(rel string, age time.Duration) {
	fx.t.Helper()
	when := fx.now.Add(-age)
	fx.must(os.Chtimes(fx.path(rel), when, when))
}

func (fx *fixture) zip(rel string, files map[string]string, age time.Duration) {
	fx.t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		w, err := zw.Create(name)
		fx.must(err)
		_, err = w.Write([]byte(files[name]))
		fx.must(err)
	}
	fx.must(zw.Close())
	fx.write(rel, buf.String(), age)
}

func (fx *fixture) targz(rel string, files map[string]string, age time.Duration) {
	fx.t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range sortedKeys(files) {
		fx.must(tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), ModTime: fx.now}))
		_, err := tw.Write([]byte(files[name]))
		fx.must(err)
	}
	fx.must(tw.Close())
	fx.must(gz.Close())
	fx.write(rel, buf.String(), age)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// gitInit makes dir (relative to home) a repository with two commits: the
// first adds notes.txt and a.txt, the second changes notes.txt.
func (fx *fixture) gitInit(rel string) {
	fx.t.Helper()
	dir := fx.path(rel)
	fx.mkdir(rel)
	fx.write(filepath.Join(rel, "notes.txt"), "v1\n", 2*day)
	fx.write(filepath.Join(rel, "a.txt"), "a\n", 2*day)
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "."},
		{"commit", "-q", "-m", "first"},
	} {
		fx.git(dir, args...)
	}
	fx.write(filepath.Join(rel, "notes.txt"), "v2\n", 0)
	fx.git(dir, "commit", "-q", "-am", "second")
}

func (fx *fixture) git(dir string, args ...string) string {
	fx.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = fx.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		fx.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// env is the environment commands run in: the fake HOME, a neutral locale,
// and a git identity that needs no config file.
func (fx *fixture) env() []string {
	return []string{
		"HOME=" + fx.home, "PATH=" + os.Getenv("PATH"), "LC_ALL=C", "TZ=" + os.Getenv("TZ"), "SHELL=/bin/sh",
		"GIT_AUTHOR_NAME=Ann Tester", "GIT_AUTHOR_EMAIL=ann@example.com",
		"GIT_COMMITTER_NAME=Ann Tester", "GIT_COMMITTER_EMAIL=ann@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_PAGER=cat", "PAGER=cat",
	}
}

// run runs a command line with sh in dir (relative to home) and returns its
// standard output, standard error and exit status.
func (fx *fixture) run(rel, line string) (stdout, stderr string, status int) {
	fx.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir = fx.path(rel)
	cmd.Env = fx.env()
	cmd.Stdin = strings.NewReader("")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	if err != nil {
		fx.t.Fatalf("run %q: %v", line, err)
	}
	return o.String(), e.String(), 0
}

func (fx *fixture) exists(rel string) bool {
	_, err := os.Lstat(fx.path(rel))
	return err == nil
}

func (fx *fixture) read(rel string) string {
	fx.t.Helper()
	b, err := os.ReadFile(fx.path(rel))
	if err != nil {
		fx.t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}
