package intents

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file recognises sizes, times and file types in a request.

// sizeVal is a file size with a comparison: "over 1 gig" is {1<<30, +1}.
type sizeVal struct {
	bytes int64
	cmp   int // +1 larger than, -1 smaller than, 0 not said (rules read it as larger)
}

// String is the size for people: "1 GiB", "500 KiB", "1.5 GiB".
func (s sizeVal) String() string {
	units := []struct {
		n    int64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}}
	for _, u := range units {
		if s.bytes >= u.n {
			v := math.Round(float64(s.bytes)/float64(u.n)*100) / 100
			return strconv.FormatFloat(v, 'f', -1, 64) + " " + u.name
		}
	}
	if s.bytes == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", s.bytes)
}

// sizeUnits maps unit words to bytes. Sizes are binary (a "MB" is 1 MiB),
// as find, du and ls -h count them.
var sizeUnits = lazy.Value[map[string]int64]{Build: func() map[string]int64 {
	return map[string]int64{
		"b": 1, "byte": 1, "bytes": 1,
		"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "kilobyte": 1 << 10, "kilobytes": 1 << 10, "kilo": 1 << 10, "kilos": 1 << 10,
		"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20, "meg": 1 << 20, "megs": 1 << 20, "megabyte": 1 << 20, "megabytes": 1 << 20,
		"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "gig": 1 << 30, "gigs": 1 << 30, "gigabyte": 1 << 30, "gigabytes": 1 << 30,
		"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40, "terabyte": 1 << 40, "terabytes": 1 << 40,
	}
}}

// comparators are the words before a size or age that say which way it
// compares: +1 more, -1 less. Two-word ones are written with a space.
var comparators = lazy.Value[map[string]int]{Build: func() map[string]int {
	return map[string]int{
		"over": 1, "above": 1, "exceeding": 1, ">": 1, ">=": 1, "more than": 1, "bigger than": 1, "larger than": 1,
		"greater than": 1, "heavier than": 1, "at least": 1, "older than": 1, "longer than": 1,
		"under": -1, "below": -1, "<": -1, "<=": -1, "less than": -1, "smaller than": -1, "lighter than": -1,
		"at most": -1, "up to": -1, "newer than": -1, "younger than": -1, "within": -1,
	}
}}

// scanComparator reads a comparator at i, returning its sign and length.
func scanComparator(toks []token, i int) (int, int) {
	if c, ok := comparators.Get()[lowAt(toks, i)+" "+lowAt(toks, i+1)]; ok {
		return c, 2
	}
	if c, ok := comparators.Get()[lowAt(toks, i)]; ok {
		return c, 1
	}
	return 0, 0
}

// scanAmount reads a number and a unit from unitTable: "10MB", "10 mb",
// "1.5g", "a gig", "3 days". It returns the value, the unit word and the
// tokens used.
func scanAmount(toks []token, i int, units map[string]int64) (float64, string, int) {
	s := lowAt(toks, i)
	if s == "" {
		return 0, "", 0
	}
	// Number and unit in one token: "10mb", "1.5g", "3d".
	k := 0
	for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == '.') {
		k++
	}
	if k > 0 && k < len(s) {
		if _, ok := units[s[k:]]; ok {
			if v, err := strconv.ParseFloat(s[:k], 64); err == nil {
				return v, s[k:], 1
			}
		}
		return 0, "", 0
	}
	var v float64
	switch {
	case s == "a" || s == "an":
		v = 1
	case k == len(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, "", 0
		}
		v = f
	default:
		n, ok := numberWords.Get()[s]
		if !ok {
			return 0, "", 0
		}
		v = float64(n)
	}
	u := lowAt(toks, i+1)
	if _, ok := units[u]; !ok {
		return 0, "", 0
	}
	return v, u, 2
}

// scanSize reads "[comparator] number unit": "over 1 gig", "10MB",
// "smaller than 500k".
func scanSize(toks []token, i int) (item, bool) {
	cmp, n := scanComparator(toks, i)
	v, unit, m := scanAmount(toks, i+n, sizeUnits.Get())
	if m == 0 || v <= 0 {
		return item{}, false
	}
	if unit == "m" || unit == "t" || unit == "b" || unit == "k" || unit == "g" {
		// A lone letter is a unit only glued to its number ("10m"), never
		// a separate word ("5 m" could be minutes, "2 b" a typo).
		if m == 2 {
			return item{}, false
		}
	}
	sz := &sizeVal{bytes: int64(v * float64(sizeUnits.Get()[unit])), cmp: cmp}
	return item{kind: kindSize, from: i, to: i + n + m, raw: rawSpan(toks, i, i+n+m), size: sz}, true
}

// timeVal is a window of modification times. newer means "modified within
// the last min minutes"; otherwise "modified more than min minutes ago". A
// window closed at both ends (yesterday) also has upto: "and more than upto
// minutes ago". said is how to say it to a person.
type timeVal struct {
	newer bool
	min   int
	upto  int
	said  string
}

// Days reports the window in whole days when it is one, for find -mtime and
// git --since.
func (t timeVal) days() (int, bool) {
	if t.min%(24*60) == 0 && t.upto == 0 {
		return t.min / (24 * 60), true
	}
	return 0, false
}

// timeUnits maps unit words to minutes.
var timeUnits = lazy.Value[map[string]int64]{Build: func() map[string]int64 {
	return map[string]int64{
		"minute": 1, "minutes": 1, "min": 1, "mins": 1,
		"hour": 60, "hours": 60, "hr": 60, "hrs": 60, "h": 60,
		"day": 1440, "days": 1440, "d": 1440,
		"week": 7 * 1440, "weeks": 7 * 1440, "wk": 7 * 1440, "wks": 7 * 1440, "w": 7 * 1440,
		"month": 30 * 1440, "months": 30 * 1440, "mo": 30 * 1440,
		"year": 365 * 1440, "years": 365 * 1440, "yr": 365 * 1440, "yrs": 365 * 1440, "y": 365 * 1440,
	}
}}

// unitSaid names an amount of a time unit for people: "3 days", "a week".
func unitSaid(v float64, unit string) string {
	names := map[int64]string{1: "minute", 60: "hour", 1440: "day", 7 * 1440: "week", 30 * 1440: "month", 365 * 1440: "year"}
	name := names[timeUnits.Get()[unit]]
	if v == 1 {
		if name == "hour" {
			return "an hour"
		}
		return "a " + name
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + " " + name + "s"
}

// scanTime reads the time phrases people use about files and commits:
// "today", "yesterday", "this week", "in the last 3 days", "past hour",
// "2 weeks ago", "recently", "since yesterday", "older than 30 days",
// "more than a month old", "not modified in 6 months".
func scanTime(toks []token, i int, now time.Time) (item, bool) {
	s := lowAt(toks, i)
	mk := func(n int, tv timeVal) (item, bool) {
		return item{kind: kindTime, from: i, to: i + n, raw: rawSpan(toks, i, i+n), time: &tv}, true
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	sinceMidnight := int(now.Sub(midnight).Minutes()) + 1
	switch s {
	case "today":
		return mk(1, timeVal{newer: true, min: sinceMidnight, said: "today"})
	case "yesterday":
		return mk(1, timeVal{newer: true, min: sinceMidnight + 1440, upto: sinceMidnight, said: "yesterday"})
	case "recently", "lately":
		return mk(1, timeVal{newer: true, min: 1440, said: "in the last day"})
	case "since":
		if lowAt(toks, i+1) == "yesterday" {
			return mk(2, timeVal{newer: true, min: sinceMidnight + 1440, said: "since yesterday"})
		}
	case "this":
		start := midnight
		switch lowAt(toks, i+1) {
		case "week":
			start = midnight.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
		case "month":
			start = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
		case "year":
			start = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, now.Location())
		default:
			return item{}, false
		}
		return mk(2, timeVal{newer: true, min: int(now.Sub(start).Minutes()) + 1, said: "this " + lowAt(toks, i+1)})
	case "last", "past", "previous":
		// "last week", "past 3 days", "the last hour"; not "last 20 lines".
		j := i + 1
		v, unit, m := scanAmount(toks, j, timeUnits.Get())
		if m == 0 {
			if _, ok := timeUnits.Get()[lowAt(toks, j)]; !ok || len(lowAt(toks, j)) < 3 {
				return item{}, false
			}
			v, unit, m = 1, lowAt(toks, j), 1
		}
		return mk(1+m, timeVal{newer: true, min: int(v * float64(timeUnits.Get()[unit])), said: "in the last " + strings.TrimPrefix(strings.TrimPrefix(unitSaid(v, unit), "a "), "an ")})
	case "not":
		// "not modified in 6 months", "not touched for a year", "not used since last year".
		if !untouchedVerbs.Get()[lowAt(toks, i+1)] {
			return item{}, false
		}
		j := i + 2
		for _, w := range []string{"in", "for", "within", "since", "the", "last", "past"} {
			if lowAt(toks, j) == w {
				j++
			}
		}
		v, unit, m := scanAmount(toks, j, timeUnits.Get())
		if m == 0 {
			if _, ok := timeUnits.Get()[lowAt(toks, j)]; !ok || len(lowAt(toks, j)) < 3 {
				return item{}, false
			}
			v, unit, m = 1, lowAt(toks, j), 1
		}
		return mk(j+m-i, timeVal{min: int(v * float64(timeUnits.Get()[unit])), said: "more than " + unitSaid(v, unit) + " ago"})
	}
	// "[older than|more than|over|within] N unit [old|ago]".
	cmp, n := scanComparator(toks, i)
	v, unit, m := scanAmount(toks, i+n, timeUnits.Get())
	if m == 0 || len(unit) < 2 && m == 2 {
		return item{}, false
	}
	end := i + n + m
	tail := lowAt(toks, end)
	minutes := int(v * float64(timeUnits.Get()[unit]))
	switch {
	case tail == "old" && cmp >= 0, tail == "ago" && cmp > 0:
		return mk(end+1-i, timeVal{min: minutes, said: "more than " + unitSaid(v, unit) + " ago"})
	case tail == "ago":
		return mk(end+1-i, timeVal{newer: true, min: minutes, said: "in the last " + unitSaid(v, unit)})
	case tail == "old" && cmp < 0:
		return mk(end+1-i, timeVal{newer: true, min: minutes, said: "in the last " + unitSaid(v, unit)})
	case cmp > 0 && (lowAt(toks, i) == "older" || lowAt(toks, i) == "more" || lowAt(toks, i) == "over" || lowAt(toks, i) == "longer"):
		return mk(end-i, timeVal{min: minutes, said: "more than " + unitSaid(v, unit) + " ago"})
	case cmp < 0:
		return mk(end-i, timeVal{newer: true, min: minutes, said: "in the last " + unitSaid(v, unit)})
	}
	return item{}, false
}

// untouchedVerbs follow "not" in "not modified in 6 months".
var untouchedVerbs = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"modified": true, "changed": true, "touched": true, "used": true, "accessed": true, "opened": true, "edited": true, "updated": true,
	}
}}

// extVal is a set of file extensions, without dots, and how to name them.
type extVal struct {
	exts []string
	said string // "Python files", "images", "*.log files"
}

// fileTypes are the kinds of files people name, with the extensions they
// mean. names are the words that say the kind before "files" ("python
// files"); alone are words that say it by themselves ("images", "pdfs").
var fileTypes = []struct {
	names, alone, exts, said string
}{
	{"python|py", "", "py", "Python files"},
	{"go|golang", "", "go", "Go files"},
	{"javascript|js", "", "js mjs cjs", "JavaScript files"},
	{"typescript|ts", "", "ts tsx", "TypeScript files"},
	{"rust|rs", "", "rs", "Rust files"},
	{"c", "", "c h", "C files"},
	{"c++|cpp", "", "cpp cc cxx hpp hh", "C++ files"},
	{"java", "", "java", "Java files"},
	{"ruby|rb", "", "rb", "Ruby files"},
	{"php", "", "php", "PHP files"},
	{"shell|bash|sh", "", "sh", "shell scripts"},
	{"html", "", "html htm", "HTML files"},
	{"css", "", "css", "CSS files"},
	{"json", "", "json", "JSON files"},
	{"yaml|yml", "", "yaml yml", "YAML files"},
	{"xml", "", "xml", "XML files"},
	{"toml", "", "toml", "TOML files"},
	{"csv", "csvs", "csv", "CSV files"},
	{"markdown|md", "", "md markdown", "Markdown files"},
	{"text|txt", "", "txt", "text files"},
	{"log", "logs|logfiles", "log", "log files"},
	{"pdf", "pdfs", "pdf", "PDF files"},
	{"word|docx|doc", "", "doc docx odt", "Word documents"},
	{"excel|xlsx|spreadsheet", "spreadsheets", "xls xlsx ods", "spreadsheets"},
	{"image|picture|photo|jpeg|jpg|png|gif", "images|pictures|photos|pics|jpgs|jpegs|pngs|gifs|screenshots", "jpg jpeg png gif webp bmp heic tiff svg", "images"},
	{"video|movie|mp4", "videos|movies|mp4s", "mp4 mkv mov avi webm m4v", "videos"},
	{"audio|music|mp3|sound", "mp3s|songs|music", "mp3 flac ogg wav m4a aac opus", "audio files"},
	{"archive|zip|compressed|tarball", "archives|zips|tarballs", "zip tar gz tgz bz2 xz 7z rar zst", "archives"},
	{"iso", "isos", "iso img", "disk images"},
	{"backup|bak", "backups", "bak", "backup files"},
	{"temp|temporary|tmp", "", "tmp temp", "temporary files"},
}

// fileNouns follow a file-type word: "python files", "shell scripts".
var fileNouns = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"file": true, "files": true, "script": true, "scripts": true, "code": true, "source": true, "sources": true,
		"document": true, "documents": true, "program": true, "programs": true,
	}
}}

// scanExt reads a file type: "python files", "images", "*.go", ".log files",
// "txt files".
func scanExt(toks []token, i int) (item, bool) {
	s := lowAt(toks, i)
	if s == "" {
		return item{}, false
	}
	withNoun := func(n int) int {
		if fileNouns.Get()[lowAt(toks, i+n)] {
			return n + 1
		}
		return n
	}
	// "*.go", ".log", "*.tar.gz"
	if e, ok := strings.CutPrefix(s, "*."); ok || strings.HasPrefix(s, ".") && len(s) > 1 && !strings.Contains(s[1:], "/") && s != ".." {
		if !ok {
			e = s[1:]
		}
		// ".bashrc" is a file; ".log", ".conf files" and "*.x" are types.
		if isExtWord(e) && (ok || fileNouns.Get()[lowAt(toks, i+1)] || knownExt(e)) {
			n := withNoun(1)
			return item{kind: kindExt, from: i, to: i + n, raw: rawSpan(toks, i, i+n), ext: &extVal{exts: []string{e}, said: "*." + e + " files"}}, true
		}
		return item{}, false
	}
	for _, ft := range fileTypes {
		if oneOf(s, ft.alone) {
			n := withNoun(1)
			return item{kind: kindExt, from: i, to: i + n, raw: rawSpan(toks, i, i+n), ext: &extVal{exts: strings.Fields(ft.exts), said: ft.said}}, true
		}
		if oneOf(s, ft.names) && fileNouns.Get()[lowAt(toks, i+1)] {
			return item{kind: kindExt, from: i, to: i + 2, raw: rawSpan(toks, i, i+2), ext: &extVal{exts: strings.Fields(ft.exts), said: ft.said}}, true
		}
	}
	// "tsv files", "conf files": an unknown extension said before "files".
	if lowAt(toks, i+1) == "files" && len(s) <= 5 && isExtWord(s) && !fillers.Get()[s] && !commonWords.Get()[s] && !taskWord(s) {
		return item{kind: kindExt, from: i, to: i + 2, raw: rawSpan(toks, i, i+2), ext: &extVal{exts: []string{s}, said: "." + s + " files"}}, true
	}
	return item{}, false
}

// commonWords are short words that precede "files" without naming a type:
// "big files", "old files", "all files".
var commonWords = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"big": true, "new": true, "old": true, "large": true, "huge": true, "small": true, "tiny": true, "empty": true,
		"my": true, "the": true, "all": true, "any": true, "some": true, "hidden": true, "open": true, "these": true,
		"those": true, "top": true, "most": true, "few": true, "many": true, "max": true, "dup": true, "two": true,
		"ten": true, "five": true, "other": true, "junk": true, "fat": true, "dot": true, "your": true, "our": true,
		"same": true, "both": true, "such": true, "last": true, "first": true, "next": true,
	}
}}

// taskWord reports whether w is a word the catalogue's phrasings require
// ("count", "list", "delete"): "count files" counts files, it does not
// name *.count files.
func taskWord(w string) bool {
	catalogue()
	return requiredWords[w]
}

// knownExt reports whether e is one of the extensions in fileTypes.
func knownExt(e string) bool {
	for _, ft := range fileTypes {
		for _, x := range strings.Fields(ft.exts) {
			if x == e {
				return true
			}
		}
	}
	return false
}

// isExtWord reports whether e could be a file extension: short and
// alphanumeric, dots allowed between parts ("tar.gz").
func isExtWord(e string) bool {
	if e == "" || len(e) > 10 || e[0] == '.' || e[len(e)-1] == '.' {
		return false
	}
	for i := 0; i < len(e); i++ {
		if !isAlnum(e[i]) && e[i] != '.' && e[i] != '+' {
			return false
		}
	}
	return true
}

// oneOf reports whether s is one of the |-separated words in list.
func oneOf(s, list string) bool {
	for list != "" {
		var w string
		w, list, _ = strings.Cut(list, "|")
		if w == s {
			return true
		}
	}
	return false
}
