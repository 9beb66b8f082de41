package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// Config is what the config file says. A zero field means the file does not
// set it: the code that uses a setting owns its default (and `--flag` or an
// environment variable, where there is one, wins over the file).
//
// The file, with every key lsh knows:
//
//	model    = "qwen2.5-0.5b"      # a name in the models folder, or a path
//	context  = 2048                # context window, tokens
//	threads  = 2                   # 0 or absent: one per core
//	cache_type = "f16"             # the model's KV cache: "f16" or "f32"
//	guard    = true                # rate shell lines before running them
//	source   = "auto"              # "auto", "rules" or "model"
//	endpoint = "http://127.0.0.1:8080/v1"   # a remote OpenAI-compatible engine
//	prompt   = '\u@\h:\w\$ '       # PS1-style prompt format
//
//	[colors]
//	theme = "dark"                 # a theme name
//	error = "#ff5f5f"              # any other key overrides one colour
type Config struct {
	// File is the file read; Exists is false when there was none (which is
	// not an error: every setting is then unset).
	File   string
	Exists bool

	Model    string
	Context  int
	Threads  int
	Guard    *bool // nil: unset
	Source   string
	Endpoint string
	Prompt   string
	Colors   Colors

	// CacheType is how the local model keeps its keys and values
	// (CacheF16, CacheF32; "" when unset: the shell then uses float16).
	CacheType string

	// Warnings are keys lsh does not know: reported, never fatal, so a
	// config written for a newer lsh still loads.
	Warnings []Warning

	pos    map[string]Position // where each known key was set
	loaded map[string]any      // the known keys' values as read, for Save
}

// Colors is the [colors] table: a theme and per-colour overrides, each a
// "#rrggbb" or "#rgb" string or an ANSI colour number 0–255 (kept as its
// decimal string). Which override names exist is the TUI's business.
type Colors struct {
	Theme     string
	Overrides map[string]string
}

// The values of the cache_type key.
const (
	CacheF16 = "f16"
	CacheF32 = "f32"
)

// The values of the source key.
const (
	SourceAuto  = "auto"
	SourceRules = "rules"
	SourceModel = "model"
)

// Position is where something sits in the file, 1-based.
type Position struct {
	Line, Col int
}

// Where returns "FILE:LINE" for the key (as "model" or "colors.theme") if
// the file sets it, else "", so a message about a setting can say where the
// setting came from.
func (c *Config) Where(key string) string {
	if p, ok := c.pos[key]; ok {
		return fmt.Sprintf("%s:%d", c.File, p.Line)
	}
	return ""
}

// Has reports whether the file sets key.
func (c *Config) Has(key string) bool {
	_, ok := c.pos[key]
	return ok
}

// Error is a problem with the file at a place in it: a TOML syntax error or
// a value of the wrong kind.
type Error struct {
	File      string
	Line, Col int
	Key       string // "" for a syntax error
	Msg       string
}

// Error is "FILE:LINE:COL: KEY: message", the shape editors jump to.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Warning is a key lsh does not know, at a place in the file.
type Warning struct {
	File      string
	Line, Col int
	Key       string
	Suggest   string // a known key it resembles, or ""
}

// String is "FILE:LINE:COL: unknown key …", like an Error.
func (w Warning) String() string {
	s := fmt.Sprintf("%s:%d:%d: unknown key %q ignored", w.File, w.Line, w.Col, w.Key)
	if w.Suggest != "" {
		s += fmt.Sprintf(" (did you mean %q?)", w.Suggest)
	}
	return s
}

// Load reads the config file of paths. See LoadFile.
func Load(paths Paths) (*Config, error) { return LoadFile(paths.ConfigFile) }

// Lazy returns a function that loads the config file the first time it is
// called and returns the same result after: the way for `lsh -c`, a script
// or a builtin to pay for the file only when a setting is really needed.
func Lazy(paths Paths) func() (*Config, error) {
	return sync.OnceValues(func() (*Config, error) { return Load(paths) })
}

// LoadFile reads and checks a config file. A missing file is no error.
//
// On an error the Config is still returned, with what could be read: after
// a syntax error nothing is set; after a bad value every other key is. lsh
// can then start with its defaults and say what is wrong, instead of
// refusing to start over a typo.
func LoadFile(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{File: file}, nil
	}
	if err != nil {
		return &Config{File: file}, fmt.Errorf("config: %w", err)
	}
	return Parse(file, data)
}

// Parse reads a config file's contents; file names it in messages.
func Parse(file string, data []byte) (*Config, error) {
	c := &Config{File: file, Exists: true, pos: map[string]Position{}, loaded: map[string]any{}}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return c, syntaxError(file, data, err)
	}
	lay := scan(data)
	var errs []*Error
	bad := func(path []string, format string, args ...any) {
		e := &Error{File: file, Key: joinPath(path), Msg: fmt.Sprintf(format, args...)}
		if en, ok := lay.find(path); ok {
			e.Line, e.Col = en.vline, en.vcol
		}
		errs = append(errs, e)
	}
	for key, v := range raw {
		path := []string{key}
		kind, known := schemaKind(key)
		if !known {
			c.warn(lay, path, topKeys())
			continue
		}
		if kind == kindTable {
			c.colors(lay, v, bad)
			continue
		}
		val, msg := check(key, kind, v)
		if msg != "" {
			bad(path, "%s", msg)
			continue
		}
		c.set(key, val)
		c.mark(lay, path, val)
	}
	sort.Slice(c.Warnings, func(i, j int) bool {
		a, b := c.Warnings[i], c.Warnings[j]
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	if len(errs) == 0 {
		return c, nil
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return c, errors.Join(joined...)
}

// syntaxError places a TOML parse error. The library's line and column
// can disagree when the error is at a line's end (it reports the next
// line), so both are computed again from the byte offset, which it always
// sets.
func syntaxError(file string, data []byte, err error) *Error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return &Error{File: file, Msg: err.Error()}
	}
	e := &Error{File: file, Line: pe.Position.Line, Col: pe.Position.Col, Msg: pe.Message}
	if at := pe.Position.Start; at >= 0 && at <= len(data) {
		before := data[:at]
		e.Line = 1 + bytes.Count(before, []byte("\n"))
		e.Col = at - (bytes.LastIndexByte(before, '\n') + 1) + 1
	}
	return e
}

type kind int

const (
	kindString kind = iota
	kindInt
	kindBool
	kindTable
)

// schema is every top-level key lsh reads and what it holds, sorted by
// key. It is a table the compiler lays out rather than a map, so that the
// config package costs nothing when lsh starts without reading the file.
var schema = []struct {
	key  string
	kind kind
}{
	{"cache_type", kindString},
	{"colors", kindTable},
	{"context", kindInt},
	{"endpoint", kindString},
	{"guard", kindBool},
	{"model", kindString},
	{"prompt", kindString},
	{"source", kindString},
	{"threads", kindInt},
}

// schemaKind returns what the top-level key holds, if lsh reads it.
func schemaKind(key string) (kind, bool) {
	for _, e := range schema {
		if e.key == key {
			return e.kind, true
		}
	}
	return 0, false
}

// topKeys lists the keys of the schema, sorted.
func topKeys() []string {
	ks := make([]string, len(schema))
	for i, e := range schema {
		ks[i] = e.key
	}
	return ks
}

// check validates one value and returns it in its Go form, or a message
// saying what is wrong with it.
func check(key string, k kind, v any) (any, string) {
	switch k {
	case kindString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Sprintf("want a string, got %s", describe(v))
		}
		switch key {
		case "model":
			if strings.TrimSpace(s) == "" {
				return nil, "is empty (remove the line to use no model)"
			}
		case "cache_type":
			if s != CacheF16 && s != CacheF32 {
				return nil, fmt.Sprintf("%q is not one of \"f16\", \"f32\"", s)
			}
		case "source":
			if s != SourceAuto && s != SourceRules && s != SourceModel {
				return nil, fmt.Sprintf("%q is not one of \"auto\", \"rules\", \"model\"", s)
			}
		case "endpoint":
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, fmt.Sprintf("%q is not an http:// or https:// URL", s)
			}
		}
		return s, ""
	case kindInt:
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Sprintf("want an integer, got %s", describe(v))
		}
		switch key {
		case "context":
			if n < 1 || n > 1<<20 {
				return nil, fmt.Sprintf("%d is out of range (1 to %d tokens)", n, 1<<20)
			}
		case "threads":
			if n < 0 || n > 1024 {
				return nil, fmt.Sprintf("%d is out of range (0 for one per core, up to 1024)", n)
			}
		}
		return int(n), ""
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Sprintf("want true or false, got %s", describe(v))
		}
		return b, ""
	}
	return nil, "unsupported"
}

func (c *Config) colors(lay layout, v any, bad func([]string, string, ...any)) {
	t, ok := v.(map[string]any)
	if !ok {
		bad([]string{"colors"}, "want a table ([colors] with theme = \"…\"), got %s", describe(v))
		return
	}
	for k, cv := range t {
		path := []string{"colors", k}
		if k == "theme" {
			s, ok := cv.(string)
			if !ok || s == "" {
				bad(path, "want a theme name, got %s", describe(cv))
				continue
			}
			c.Colors.Theme = s
			c.mark(lay, path, s)
			continue
		}
		col, ok := colorValue(cv)
		if !ok {
			bad(path, "want \"#rrggbb\", \"#rgb\" or an ANSI colour number 0-255, got %s", describe(cv))
			continue
		}
		if c.Colors.Overrides == nil {
			c.Colors.Overrides = map[string]string{}
		}
		c.Colors.Overrides[k] = col
		c.mark(lay, path, col)
	}
}

// colorValue accepts what a terminal colour can be written as.
func colorValue(v any) (string, bool) {
	switch v := v.(type) {
	case int64:
		if v >= 0 && v <= 255 {
			return strconv.FormatInt(v, 10), true
		}
	case string:
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n <= 255 {
			return strconv.Itoa(n), true
		}
		if len(v) == 4 || len(v) == 7 {
			if v[0] != '#' {
				return "", false
			}
			for _, r := range v[1:] {
				if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
					return "", false
				}
			}
			return v, true
		}
	}
	return "", false
}

func (c *Config) set(key string, v any) {
	switch key {
	case "model":
		c.Model = v.(string)
	case "context":
		c.Context = v.(int)
	case "threads":
		c.Threads = v.(int)
	case "cache_type":
		c.CacheType = v.(string)
	case "guard":
		b := v.(bool)
		c.Guard = &b
	case "source":
		c.Source = v.(string)
	case "endpoint":
		c.Endpoint = v.(string)
	case "prompt":
		c.Prompt = v.(string)
	}
}

// mark records where a known key was set and the value read, for Where,
// Has and Save.
func (c *Config) mark(lay layout, path []string, v any) {
	key := joinPath(path)
	p := Position{}
	if en, ok := lay.find(path); ok {
		p = Position{en.line, en.col}
	}
	c.pos[key] = p
	c.loaded[key] = v
}

func (c *Config) warn(lay layout, path []string, known []string) {
	w := Warning{File: c.File, Key: joinPath(path), Suggest: closest(path[len(path)-1], known)}
	if en, ok := lay.find(path); ok {
		w.Line, w.Col = en.line, en.col
	} else {
		// A table of that name: point at its header.
		for _, h := range lay.headers {
			if len(h.path) > 0 && h.path[0] == path[0] {
				w.Line, w.Col = h.line, 1
				break
			}
		}
	}
	c.Warnings = append(c.Warnings, w)
}

// describe names a TOML value's kind for a message.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case int64:
		return fmt.Sprintf("the integer %d", v)
	case float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("%v", v)
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

// closest returns the known word within edit distance 2 of w, if one is.
func closest(w string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(w, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
