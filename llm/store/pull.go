package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/llamashell/lsh/llm/gguf"
)

// A download of NAME.gguf lives, until it is complete and verified, in
//
//	NAME.gguf.part       the bytes received so far, always a prefix of the file
//	NAME.gguf.part.json  {"url", "validator", "total"}: what the prefix is of
//
// so an interrupted pull resumes where it stopped, and the final name only
// ever holds a whole, checked model (it appears by an atomic rename).
const (
	partSuffix = ".part"
	metaSuffix = ".part.json"
)

// Options control Pull.
type Options struct {
	// Dir is the models folder; it is created if needed.
	Dir string
	// Name saves the model as Dir/Name.gguf. By default a known model's
	// short name, or the file name in the URL.
	Name string
	// SHA256 is the expected hex digest. By default the known model's; for
	// a URL, none (the digest is computed and returned all the same).
	SHA256 string
	// Force downloads again a model that is already there.
	Force bool
	// Progress, if set, is called as bytes arrive (about ten times a
	// second at most) and once at the end.
	Progress func(Progress)
	// Client makes the requests; nil uses a client with connection and
	// response-header timeouts but no overall limit (models are big).
	Client *http.Client
	// StallTimeout ends a transfer that received nothing for this long
	// (default one minute); the part is kept for a resume.
	StallTimeout time.Duration
}

// Result is a model on disk.
type Result struct {
	Name string // the name to use it by
	Path string
	Size int64
	// SHA256 is the file's digest, hex. Verified says it matched the
	// expected one; without one it is computed so it can be pinned.
	SHA256   string
	Verified bool
	// Resumed is how many bytes an earlier, interrupted pull had already
	// fetched.
	Resumed int64
	// AlreadyThere is set when the model was installed before and nothing
	// was downloaded (see Options.Force).
	AlreadyThere bool
}

// Source is what Pull fetches: from a known short name or a URL.
type Source struct {
	URL    string
	Name   string // saved as Name.gguf
	Size   int64  // expected bytes; 0 if unknown
	SHA256 string // expected digest; "" if unknown
}

// ResolveSource turns `model pull`'s argument into a Source: a known short
// name, else an http(s) URL. opts.Name and opts.SHA256 override what the
// table or the URL give.
func ResolveSource(src string, opts Options) (Source, error) {
	var s Source
	if k, ok := LookupKnown(src); ok {
		s = Source{URL: k.URL, Name: k.Name, Size: k.Size, SHA256: k.SHA256}
	} else {
		u, err := url.Parse(src)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			var names []string
			for _, k := range Recommended() {
				names = append(names, k.Name)
			}
			return Source{}, fmt.Errorf("%q is neither a known model (%s) nor an http(s) URL", src, strings.Join(names, ", "))
		}
		if u.Host == "huggingface.co" && strings.Contains(u.Path, "/blob/") {
			// The page's address, copied from a browser: the file itself
			// is at /resolve/.
			u.Path = strings.Replace(u.Path, "/blob/", "/resolve/", 1)
			u.RawPath = ""
		}
		s = Source{URL: u.String(), Name: strings.TrimSuffix(path.Base(u.Path), ".gguf")}
	}
	if opts.Name != "" {
		s.Name = strings.TrimSuffix(opts.Name, ".gguf")
	}
	if opts.SHA256 != "" {
		s.SHA256 = strings.ToLower(opts.SHA256)
	}
	if err := checkName(s.Name); err != nil {
		return Source{}, err
	}
	if s.SHA256 != "" {
		if b, err := hex.DecodeString(s.SHA256); err != nil || len(b) != sha256.Size {
			return Source{}, fmt.Errorf("SHA-256 %q is not 64 hex digits", s.SHA256)
		}
	}
	return s, nil
}

func checkName(name string) error {
	switch {
	case name == "" || name == "." || name == ".." || name == "/":
		return errors.New("cannot tell what to call the model from the URL: give it a name")
	case strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("model name %q holds a path separator", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("model name %q starts with a dot", name)
	case len(name) > 200:
		return fmt.Errorf("model name %q is too long", name)
	}
	return nil
}

// Pull downloads a model into opts.Dir: src is a known short name (see
// Recommended) or an http(s) URL of a GGUF file.
//
// The bytes go to NAME.gguf.part; a later Pull resumes it with a Range
// request (and starts over cleanly if the server ignores the range or the
// file changed). When every byte is there, the SHA-256 is checked if known
// and the file must open as GGUF; only then is it renamed to NAME.gguf. On
// any failure NAME.gguf is untouched: the part is kept if it is a sound
// prefix to resume from (interruption, cancellation through ctx, disk full)
// and removed if it is not (bad checksum, not GGUF, lengths that lie).
func Pull(ctx context.Context, src string, opts Options) (Result, error) {
	s, err := ResolveSource(src, opts)
	if err != nil {
		return Result{}, err
	}
	return PullSource(ctx, s, opts)
}

// PullSource is Pull with the source already resolved.
func PullSource(ctx context.Context, s Source, opts Options) (Result, error) {
	if opts.Dir == "" {
		return Result{}, errors.New("no models folder given")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Result{}, err
	}
	final := filepath.Join(opts.Dir, s.Name+".gguf")
	res := Result{Name: s.Name, Path: final}
	if st, err := os.Stat(final); err == nil && !opts.Force {
		res.Size, res.AlreadyThere = st.Size(), true
		return res, nil
	}
	d := &download{src: s, opts: opts, final: final, part: final + partSuffix,
		meter: newMeter(opts.Progress, nil)}
	if d.opts.Client == nil {
		d.opts.Client = defaultClient()
	}
	if d.opts.StallTimeout <= 0 {
		d.opts.StallTimeout = time.Minute
	}
	if err := d.run(ctx); err != nil {
		return res, err
	}
	res.Size, res.SHA256, res.Verified, res.Resumed = d.have, d.sum, s.SHA256 != "", d.resumedFrom
	return res, nil
}

func defaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return &http.Client{Transport: t}
}

// download is one Pull in progress.
type download struct {
	src   Source
	opts  Options
	final string
	part  string
	meter *meter

	f           *os.File
	have        int64     // bytes in the part file, all of them hashed
	hash        hash.Hash // SHA-256 of those bytes
	meta        partMeta
	resumedFrom int64
	sum         string
}

// partMeta is the NAME.gguf.part.json sidecar.
type partMeta struct {
	URL string `json:"url"`
	// Validator is the server's strong ETag or Last-Modified, sent back as
	// If-Range so a server whose file changed sends all of it again.
	Validator string `json:"validator,omitempty"`
	Total     int64  `json:"total"` // -1 when unknown
}

func readMeta(final string) (partMeta, error) {
	var m partMeta
	data, err := os.ReadFile(final + metaSuffix)
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(data, &m)
	return m, err
}

func (d *download) writeMeta() error {
	data, _ := json.Marshal(d.meta)
	return os.WriteFile(d.final+metaSuffix, data, 0o644)
}

// discard removes a part that must not be resumed.
func (d *download) discard() {
	if d.f != nil {
		d.f.Truncate(0)
	}
	os.Remove(d.part)
	os.Remove(d.final + metaSuffix)
}

func (d *download) run(ctx context.Context) error {
	f, err := os.OpenFile(d.part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	d.f = f
	defer func() {
		if d.f != nil {
			d.f.Close()
		}
	}()
	if busy, err := lockPart(f); busy {
		return fmt.Errorf("another `model pull` is downloading %s (%s)", d.src.Name, d.part)
	} else if err != nil {
		return fmt.Errorf("locking %s: %w", d.part, err)
	}
	err = d.loadPrefix()
	if err == nil {
		err = d.transfer(ctx)
	}
	if err == nil {
		err = d.install()
	}
	if err != nil && d.have == 0 {
		d.discard() // nothing to resume: leave no empty part behind
	}
	return err
}

// loadPrefix takes stock of the part file: it is resumed only if it comes
// from the same URL, is not longer than the model, starts like a GGUF file,
// and its bytes are hashed again so the final digest covers them.
func (d *download) loadPrefix() error {
	st, err := d.f.Stat()
	if err != nil {
		return err
	}
	d.have = st.Size()
	d.hash = sha256.New()
	d.meta = partMeta{URL: d.src.URL, Total: -1}
	if m, err := readMeta(d.final); err == nil && m.URL == d.src.URL {
		d.meta = m
	} else if d.have > 0 {
		d.have = 0 // a part from another URL, or of unknown origin
	}
	if d.src.Size > 0 && d.have > d.src.Size {
		d.have = 0
	}
	if d.have > 0 && d.have < 4 {
		d.have = 0
	}
	if d.have > 0 {
		var magic [4]byte
		if _, err := d.f.ReadAt(magic[:], 0); err != nil || string(magic[:]) != gguf.Magic {
			d.have = 0
		}
	}
	if d.have == 0 {
		return d.restart()
	}
	if _, err := io.Copy(d.hash, io.NewSectionReader(d.f, 0, d.have)); err != nil {
		return fmt.Errorf("reading %s: %w", d.part, err)
	}
	return nil
}

// restart empties the part file to download from the first byte.
func (d *download) restart() error {
	d.have = 0
	d.hash.Reset()
	if err := d.f.Truncate(0); err != nil {
		return fmt.Errorf("truncating %s: %w", d.part, err)
	}
	return nil
}

// install checks the complete part and renames it into place.
func (d *download) install() error {
	if d.src.Size > 0 && d.have != d.src.Size {
		d.discard()
		return fmt.Errorf("%s: %w: received %d bytes, %s is %d bytes; nothing was installed", d.src.URL, ErrLength, d.have, d.src.Name, d.src.Size)
	}
	if err := d.f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", d.part, err)
	}
	d.sum = hex.EncodeToString(d.hash.Sum(nil))
	if d.src.SHA256 != "" && d.sum != d.src.SHA256 {
		d.discard()
		return &ChecksumError{URL: d.src.URL, Want: d.src.SHA256, Got: d.sum}
	}
	m, err := gguf.Open(d.part)
	if err != nil {
		d.discard()
		return fmt.Errorf("%s: %w: %v; nothing was installed", d.src.URL, ErrNotGGUF, err)
	}
	m.Close()
	if err := os.Rename(d.part, d.final); err != nil {
		return fmt.Errorf("installing %s: %w", d.final, err)
	}
	os.Remove(d.final + metaSuffix)
	syncDir(filepath.Dir(d.final))
	d.meter.finish(d.have)
	return nil
}

// syncDir makes a rename durable; failure only weakens that, so it is
// ignored.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
