// Package history is lsh's persistent command history: the lines a person
// ran, kept in one file under the XDG state directory
// ($XDG_STATE_HOME/lsh/history, see config.Paths.HistoryFile) and shared by
// every interactive lsh of that person.
//
// Several sessions use the file at once, as several terminals do. Each
// appends its lines with O_APPEND under an exclusive flock, so lines never
// interleave; each re-reads what others appended when the file changed
// (Refresh). What a session offers is:
//
//   - Up and Down (Recall): the history as it was when the session started,
//     plus the session's own lines — another terminal's commands do not
//     appear in the middle of what this one is walking through;
//   - search (All): everything, other sessions' new lines included.
//
// Both lists collapse duplicates, keeping the most recent use. A line that
// starts with a space is never saved (bash's HISTCONTROL=ignorespace), nor
// an empty one. A command that came from a natural-language request is
// saved with that request, so search finds it by either.
package history

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Entry is one history line.
//
// On disk each entry is one line of JSON, appended in the order lines ran:
//
//	{"t":1732612345,"s":"3fa2c81e","cmd":"du -sh * | sort -h","req":"show disk usage"}
//
// t is the Unix time in seconds, s the writing session's identifier, cmd
// the command line (newlines of a multi-line command are escaped by JSON),
// req the natural-language request the command came from, if any. A line
// that is not such an object is read as a plain command, so a bash history
// file appended to this one is understood.
type Entry struct {
	Command string
	// Request is the natural-language text the command was made from; ""
	// for a line typed as shell code.
	Request string
	Time    time.Time
	// Session identifies the lsh that ran the line ("" for plain lines).
	Session string
}

// record is Entry's form on disk.
type record struct {
	T   int64  `json:"t"`
	S   string `json:"s,omitempty"`
	Cmd string `json:"cmd"`
	Req string `json:"req,omitempty"`
}

// DefaultMax is how many distinct lines the file keeps when Options.Max is
// zero, as bash's HISTFILESIZE.
const DefaultMax = 10000

// Options configure a Store.
type Options struct {
	// Max is how many distinct lines to keep (0: DefaultMax). The file is
	// compacted to that many when it holds more than twice as many lines.
	Max int
	// Now is the clock (nil: time.Now); tests set it.
	Now func() time.Time
}

// Store is one session's view of the history file. Its methods are safe
// for concurrent use.
type Store struct {
	path    string
	max     int
	now     func() time.Time
	session string
	start   time.Time // when the session opened the store

	mu      sync.Mutex
	entries []Entry // every line read or added, in file order
	// live marks the entries other sessions added after this one
	// started (same indexes as entries), which Recall leaves out.
	live    []bool
	opening bool   // the first read, in Open: nothing read is live
	offset  int64  // bytes of the file already read
	partial []byte // an incomplete last line, awaiting its end
	ident   fileIdent
}

// fileIdent tells one file from another and a grown file from a replaced one.
type fileIdent struct {
	dev, ino uint64
	size     int64
	mtime    time.Time
}

// Open reads the history file at path, creating nothing yet (the file and
// its directory appear with the first Add). An empty path gives a store
// that lives in memory only, for sessions with nowhere to write.
func Open(path string, opts Options) (*Store, error) {
	s := &Store{path: path, max: opts.Max, now: opts.Now}
	if s.max <= 0 {
		s.max = DefaultMax
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.start = s.now()
	var id [4]byte
	rand.Read(id[:])
	s.session = hex.EncodeToString(id[:])
	if path == "" {
		return s, nil
	}
	// Whatever the file holds now predates the session.
	s.opening = true
	defer func() { s.opening = false }()
	if err := s.reload(); err != nil {
		return s, err
	}
	if len(s.entries) > 2*s.max {
		if err := s.compact(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// Saved reports whether Add would keep line: not empty, not starting with
// a space.
func Saved(line string) bool {
	return strings.TrimSpace(line) != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t")
}

// Add records a line the session ran. A line that Saved refuses is
// ignored, as is a repeat of the session's previous line. The error says
// why the file could not be written; the entry is kept in memory anyway.
func (s *Store) Add(e Entry) error {
	if !Saved(e.Command) {
		return nil
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Session = s.session
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.entries) - 1; i >= 0; i-- {
		if s.entries[i].Session == s.session {
			if s.entries[i].Command == e.Command && s.entries[i].Request == e.Request {
				return nil
			}
			break
		}
	}
	if s.path == "" {
		s.appendLocked(e, false)
		return nil
	}
	line, err := json.Marshal(record{T: e.Time.Unix(), S: e.Session, Cmd: e.Command, Req: e.Request})
	if err != nil {
		s.appendLocked(e, false)
		return fmt.Errorf("history: %w", err)
	}
	line = append(line, '\n')
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		s.appendLocked(e, false)
		return fmt.Errorf("history: %w", err)
	}
	f, err := s.openLocked(os.O_RDWR|os.O_APPEND|os.O_CREATE, unix.LOCK_EX)
	if err != nil {
		s.appendLocked(e, false)
		return err
	}
	defer f.Close()
	// Read what others appended first: their lines precede ours.
	err = s.syncLocked(f)
	s.appendLocked(e, false)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("history: writing %s: %w", s.path, err)
	}
	if fi, err := f.Stat(); err == nil {
		s.offset = fi.Size()
		s.ident = identOf(fi)
	}
	return nil
}

// Refresh reads the lines other sessions appended since the last read, or
// the whole file again when it was replaced (another session compacted
// it). It costs one stat when nothing changed.
func (s *Store) Refresh() error {
	if s.path == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := os.Stat(s.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("history: %w", err)
	}
	if identOf(fi) == s.ident {
		return nil
	}
	return s.readLocked()
}

// Recall is the list Up and Down walk, oldest first: the lines saved
// before this session started and the session's own, each command once
// (at its most recent use).
func (s *Store) Recall() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := make([]Entry, 0, len(s.entries))
	for i, e := range s.entries {
		if !s.live[i] {
			keep = append(keep, e)
		}
	}
	return dedup(keep, nil)
}

// All is every line, other sessions' recent ones included, oldest first,
// each command once: what search looks through.
func (s *Store) All() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return dedup(s.entries, nil)
}

// appendLocked adds an entry read from the file or added by the session.
// An entry is live when another session wrote it after this one started:
// read after Open, or, when the file was replaced and is read again,
// dated after the start.
func (s *Store) appendLocked(e Entry, reread bool) {
	live := e.Session != s.session && !s.opening
	if reread && live {
		// Read again after another session replaced the file: only the
		// time tells what is new.
		live = !e.Time.Before(s.start.Truncate(time.Second))
	}
	s.entries = append(s.entries, e)
	s.live = append(s.live, live)
}

// dedup keeps the entries keep accepts (nil: all), each command only at
// its last occurrence, in order.
func dedup(entries []Entry, keep func(Entry) bool) []Entry {
	seen := make(map[string]bool, len(entries))
	out := make([]Entry, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if keep != nil && !keep(e) || seen[e.Command] {
			continue
		}
		seen[e.Command] = true
		out = append(out, e)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (s *Store) reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readLocked()
}

// readLocked brings the entries up to date with the file under a shared
// lock, so that it never sees half of another session's line.
func (s *Store) readLocked() error {
	f, err := s.openLocked(os.O_RDONLY, unix.LOCK_SH)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer f.Close()
	return s.syncLocked(f)
}

// openLocked opens the history file and locks it. A session that compacts
// the file renames a new one over it while others may wait for the old
// one's lock; whoever gets a lock on a file that is no longer at the path
// tries again, so no line is written into a file nobody reads.
func (s *Store) openLocked(flag, how int) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(s.path, flag, 0o600)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			return nil, fmt.Errorf("history: %w", err)
		}
		if err := flock(f, how); err != nil {
			f.Close()
			return nil, fmt.Errorf("history: locking %s: %w", s.path, err)
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(s.path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("history: %s keeps being replaced", s.path)
}

// syncLocked reads f, which the caller has locked, from where the last
// read stopped; when f is another file than last time, or shorter, it
// starts over, keeping the session's own lines the new file lacks.
func (s *Store) syncLocked(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	id := identOf(fi)
	var own []Entry
	reread := false
	if id.dev != s.ident.dev || id.ino != s.ident.ino || fi.Size() < s.offset {
		for _, e := range s.entries {
			if e.Session == s.session {
				own = append(own, e)
			}
		}
		reread = s.offset > 0 || len(s.entries) > 0
		s.entries, s.live, s.offset, s.partial = nil, nil, 0, nil
	}
	if _, err := f.Seek(s.offset, io.SeekStart); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	// Read what the stat promised in one go (the file only grows under
	// our lock), then whatever a writer without the lock added.
	data := make([]byte, max(fi.Size()-s.offset, 0), max(fi.Size()-s.offset, 0)+512)
	n, err := io.ReadFull(f, data)
	data = data[:n]
	if err == nil {
		var more []byte
		more, err = io.ReadAll(f)
		data = append(data, more...)
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("history: reading %s: %w", s.path, err)
	}
	s.offset += int64(len(data))
	s.ident = id
	s.ident.size = s.offset
	if len(s.partial) > 0 {
		data = append(s.partial, data...)
	}
	end := bytes.LastIndexByte(data, '\n')
	s.partial = append([]byte(nil), data[end+1:]...)
	data = data[:end+1]
	if n := bytes.Count(data, []byte{'\n'}); cap(s.entries)-len(s.entries) < n {
		s.entries = append(make([]Entry, 0, len(s.entries)+n), s.entries...)
		s.live = append(make([]bool, 0, len(s.live)+n), s.live...)
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if e, ok := parseLine(data[:i]); ok {
			s.appendLocked(e, reread)
		}
		data = data[i+1:]
	}
	if len(own) > 0 {
		present := make(map[string]bool)
		for _, e := range s.entries {
			if e.Session == s.session {
				present[e.Command] = true
			}
		}
		for _, e := range own {
			if !present[e.Command] {
				s.appendLocked(e, false)
			}
		}
	}
	return nil
}

// parseLine reads one line of the file: a JSON record, or a plain command.
func parseLine(line []byte) (Entry, bool) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if len(bytes.TrimSpace(line)) == 0 {
		return Entry{}, false
	}
	if line[0] == '{' {
		if r, ok := parseRecord(line); ok {
			return Entry{Command: r.Cmd, Request: r.Req, Time: time.Unix(r.T, 0), Session: r.S}, true
		}
		var r record
		if json.Unmarshal(line, &r) == nil && r.Cmd != "" {
			return Entry{Command: r.Cmd, Request: r.Req, Time: time.Unix(r.T, 0), Session: r.S}, true
		}
	}
	// bash writes "#1732612345" time stamps before lines with HISTTIMEFORMAT.
	if line[0] == '#' && len(line) > 1 && isDigits(line[1:]) {
		return Entry{}, false
	}
	return Entry{Command: string(line)}, true
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// compact rewrites the file with its last s.max distinct lines, under the
// exclusive lock, through a new file renamed over the old one (a session
// that has the old one open reads the new one on its next Refresh).
func (s *Store) compact() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.openLocked(os.O_RDONLY, unix.LOCK_EX)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := s.syncLocked(f); err != nil {
		return err
	}
	keep := dedup(s.entries, nil)
	if len(keep) > s.max {
		keep = keep[len(keep)-s.max:]
	}
	var buf bytes.Buffer
	for _, e := range keep {
		line, _ := json.Marshal(record{T: e.Time.Unix(), S: e.Session, Cmd: e.Command, Req: e.Request})
		buf.Write(line)
		buf.WriteByte('\n')
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".history-*")
	if err != nil {
		return fmt.Errorf("history: compacting: %w", err)
	}
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("history: compacting: %w", err)
	}
	s.entries, s.live = nil, nil
	for _, e := range keep {
		s.appendLocked(e, true)
	}
	s.offset = int64(buf.Len())
	s.partial = nil
	if fi, err := os.Stat(s.path); err == nil {
		s.ident = identOf(fi)
	}
	return nil
}

func identOf(fi fs.FileInfo) fileIdent {
	id := fileIdent{size: fi.Size(), mtime: fi.ModTime()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.dev, id.ino = uint64(st.Dev), st.Ino
	}
	return id
}

// flock takes or releases an advisory lock, retrying when a signal
// interrupts the wait.
func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
