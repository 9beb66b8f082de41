package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// The TOML library encodes a whole value and drops comments, so lsh never
// writes a config file through it. A change is an edit of the text: the
// bytes of one value are replaced, one `key = value` line is added or
// removed, and everything else a person wrote stays as it was. Each edit is
// checked by parsing the result before the file is replaced.

// newFileHeader starts a config file lsh creates.
const newFileHeader = "# lsh configuration: see docs/models.md for the keys.\n"

// Set sets key (as "model" or "colors.theme") to value — a string, an int
// or a bool — in the config file at file, creating the file if needed.
func Set(file, key string, value any) error {
	return editFile(file, func(src []byte) ([]byte, error) { return setValue(src, splitKey(key), value) })
}

// Unset removes key's line from the config file. Removing a key that is
// not there is no error.
func Unset(file, key string) error {
	return editFile(file, func(src []byte) ([]byte, error) { return unsetValue(src, splitKey(key)) })
}

// Save writes the settings of c that changed since it was loaded into
// c.File, leaving every other line — comments, unknown keys, settings
// someone else changed meanwhile — as it is now on disk.
func Save(c *Config) error {
	now := c.flatten()
	var keys []string
	for k := range now {
		keys = append(keys, k)
	}
	for k := range c.loaded {
		if _, ok := now[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	err := editFile(c.File, func(src []byte) ([]byte, error) {
		for _, k := range keys {
			v, set := now[k]
			old, was := c.loaded[k]
			if set == was && reflect.DeepEqual(v, old) {
				continue
			}
			var err error
			if set {
				src, err = setValue(src, splitKey(k), v)
			} else {
				src, err = unsetValue(src, splitKey(k))
			}
			if err != nil {
				return nil, err
			}
		}
		return src, nil
	})
	if err != nil {
		return err
	}
	c.loaded = now
	c.Exists = true
	return nil
}

// flatten returns the set fields of c by key.
func (c *Config) flatten() map[string]any {
	m := map[string]any{}
	put := func(k string, v any, set bool) {
		if set {
			m[k] = v
		}
	}
	put("model", c.Model, c.Model != "")
	put("context", c.Context, c.Context != 0)
	put("threads", c.Threads, c.Threads != 0 || c.Has("threads"))
	put("cache_type", c.CacheType, c.CacheType != "")
	if c.Guard != nil {
		m["guard"] = *c.Guard
	}
	put("source", c.Source, c.Source != "")
	put("endpoint", c.Endpoint, c.Endpoint != "")
	put("prompt", c.Prompt, c.Prompt != "" || c.Has("prompt"))
	put("colors.theme", c.Colors.Theme, c.Colors.Theme != "")
	for k, v := range c.Colors.Overrides {
		m["colors."+k] = v
	}
	return m
}

func splitKey(key string) []string { return strings.Split(key, ".") }

// editFile applies edit to the file's contents (empty if it does not exist
// yet) and replaces the file with the result.
func editFile(file string, edit func([]byte) ([]byte, error)) error {
	src, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	if err != nil {
		src = []byte(newFileHeader)
	} else if _, err := toml.Decode(string(src), new(map[string]any)); err != nil {
		// Never edit a file lsh cannot read: the person's text would be
		// at the mercy of a guess.
		e := syntaxError(file, src, err)
		e.Msg += " (fix this before lsh can change the file)"
		return e
	}
	out, err := edit(src)
	if err != nil {
		return fmt.Errorf("config: %s: %w", file, err)
	}
	if bytes.Equal(out, src) {
		if _, err := os.Stat(file); err == nil {
			return nil // nothing changed: leave the file (and its mtime) alone
		}
	}
	return writeFileAtomic(file, out)
}

// setValue returns src with path set to v.
func setValue(src []byte, path []string, v any) ([]byte, error) {
	enc, err := encodeValue(v)
	if err != nil {
		return nil, err
	}
	lay := scan(src)
	var out []byte
	if e, ok := lay.find(path); ok {
		out = splice(src, e.valStart, e.valEnd, enc)
	} else {
		out = insertKey(src, lay, path, enc)
	}
	if err := verify(out, path, v, true); err != nil {
		return nil, err
	}
	return out, nil
}

// unsetValue returns src without path's line.
func unsetValue(src []byte, path []string) ([]byte, error) {
	lay := scan(src)
	e, ok := lay.find(path)
	if !ok {
		return src, nil
	}
	if e.inline {
		return nil, fmt.Errorf("%s is inside an inline table; remove it by hand", joinPath(path))
	}
	start := lineStart(src, e.keyStart)
	end := lineEnd(src, e.valEnd)
	out := splice(src, start, end, "")
	if err := verify(out, path, nil, false); err != nil {
		return nil, err
	}
	return out, nil
}

// insertKey adds `key = enc` where a person would have written it: after
// the last key of its table, else under its table's header, else in a new
// table at the end of the file.
func insertKey(src []byte, lay layout, path []string, enc string) []byte {
	table, name := path[:len(path)-1], path[len(path)-1]
	line := quoteKey(name) + " = " + enc + "\n"
	// The section of the table: from its header (or the file's start, for
	// the root table) to the next header.
	secStart, secEnd, found := 0, len(src), len(table) == 0
	if len(lay.headers) > 0 && len(table) == 0 {
		secEnd = lay.headers[0].start
	}
	for i, h := range lay.headers {
		if !h.array && equalPath(h.path, table) {
			secStart, secEnd, found = h.end, len(src), true
			if i+1 < len(lay.headers) {
				secEnd = lay.headers[i+1].start
			}
			break
		}
	}
	if !found {
		var b bytes.Buffer
		b.Write(src)
		if len(src) > 0 && src[len(src)-1] != '\n' {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "\n[%s]\n%s", joinQuoted(table), line)
		return b.Bytes()
	}
	at := -1
	for _, e := range lay.entries {
		if !e.inline && e.keyStart >= secStart && e.keyStart < secEnd {
			at = lineEnd(src, e.valEnd)
		}
	}
	switch {
	case at >= 0:
		// After the table's last key.
	case len(table) == 0 && len(lay.headers) > 0:
		// No root key yet: above the first table and the comments that
		// introduce it, with a blank line between.
		at = commentBlockStart(src, lineStart(src, secEnd))
		line += "\n"
	case len(table) == 0:
		at = len(src) // no table either: at the end
	default:
		at = secStart // right under the table's header
	}
	if at == len(src) && len(src) > 0 && src[len(src)-1] != '\n' {
		line = "\n" + line
	}
	return splice(src, at, at, line)
}

// commentBlockStart walks up from the line starting at off over the comment
// lines directly above it.
func commentBlockStart(src []byte, off int) int {
	for off > 0 {
		prev := lineStart(src, off-1)
		if !strings.HasPrefix(strings.TrimSpace(string(src[prev:off])), "#") {
			break
		}
		off = prev
	}
	return off
}

// verify parses an edited document and checks that path holds want (or,
// with present false, is absent): the guard against an edit that would
// change what the file means beyond that one key.
func verify(doc []byte, path []string, want any, present bool) error {
	var raw map[string]any
	if _, err := toml.Decode(string(doc), &raw); err != nil {
		return fmt.Errorf("cannot change %s without breaking the file (%v); edit it by hand", joinPath(path), err)
	}
	var cur any = raw
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			cur = nil
			break
		}
		cur, ok = m[p]
		if !ok {
			cur = nil
			break
		}
	}
	if !present {
		if cur != nil {
			return fmt.Errorf("cannot remove %s: it is still set after the edit; edit the file by hand", joinPath(path))
		}
		return nil
	}
	if i, ok := want.(int); ok {
		want = int64(i)
	}
	if !reflect.DeepEqual(cur, want) {
		return fmt.Errorf("cannot set %s: the file would hold %v; edit it by hand", joinPath(path), cur)
	}
	return nil
}

func splice(src []byte, start, end int, s string) []byte {
	out := make([]byte, 0, len(src)-(end-start)+len(s))
	out = append(out, src[:start]...)
	out = append(out, s...)
	return append(out, src[end:]...)
}

func lineStart(src []byte, i int) int {
	for i > 0 && src[i-1] != '\n' {
		i--
	}
	return i
}

// lineEnd returns the offset just past the newline ending the line that
// holds offset i (or len(src)).
func lineEnd(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	if i < len(src) {
		i++
	}
	return i
}

// encodeValue writes v as a TOML value.
func encodeValue(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return quoteString(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("cannot write a %T to the config file", v)
}

// quoteString writes a TOML basic string. Go's strconv.Quote is not TOML:
// it writes \x escapes TOML does not have.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func quoteKey(k string) string {
	if k != "" && strings.IndexFunc(k, func(r rune) bool { return r > 0x7f || !isBare(byte(r)) }) < 0 {
		return k
	}
	return quoteString(k)
}

func joinQuoted(path []string) string {
	q := make([]string, len(path))
	for i, p := range path {
		q[i] = quoteKey(p)
	}
	return strings.Join(q, ".")
}

// writeFileAtomic replaces path with data through a temporary file in the
// same folder, so a crash leaves the old file or the new one, never half of
// one. A symlinked config (dotfile managers do that) is written through:
// the link stays and its target changes.
func writeFileAtomic(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("config: writing %s: %w", path, err)
	}
	return nil
}
