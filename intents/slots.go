package intents

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file splits a request into tokens and groups tokens into items: a
// plain word, or a typed slot value (a path, a size, a time, a count, a file
// type, a port, a URL, a quoted string). The catalogue's patterns then match
// items, so "over 1 gig" or "in my downloads folder" is one thing to a rule.

// token is one word of a request.
type token struct {
	raw    string // as typed: quotes and trailing punctuation removed, case kept
	low    string // lower-case, contractions expanded: what matching compares
	quoted bool   // the person quoted it ('…', "…", `…`, “…”)
	off    int    // byte offset of the token in the request, quotes included
	end    int    // byte offset just past the token
}

// tokenize splits text into tokens. It never fails: an unterminated quote is
// read as an ordinary character, since people type apostrophes ("what's").
func tokenize(text string) []token {
	var toks []token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		if closer, ok := quoteCloser(r); ok {
			if j := strings.IndexRune(text[i+size:], closer); j >= 0 {
				body := text[i+size : i+size+j]
				end := i + size + j + utf8.RuneLen(closer)
				toks = append(toks, token{raw: body, low: strings.ToLower(body), quoted: true, off: i, end: end})
				i = end
				continue
			}
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		toks = append(toks, wordTokens(text[start:i], start)...)
	}
	return toks
}

// quoteCloser says whether r opens a quoted string and what closes it.
func quoteCloser(r rune) (rune, bool) {
	switch r {
	case '"', '\'', '`':
		return r, true
	case '“':
		return '”', true
	case '‘':
		return '’', true
	}
	return 0, false
}

// wordTokens turns one whitespace-separated word into tokens: it trims
// sentence punctuation and expands contractions ("what's" is "what is").
func wordTokens(w string, off int) []token {
	end := off + len(w)
	w = strings.TrimLeft(w, "(")
	off = end - len(w)
	w = strings.TrimRight(w, ",;!?)")
	if n := len(w); n > 1 && w[n-1] == ':' {
		w = w[:n-1]
	}
	if n := len(w); n > 1 && w[n-1] == '.' && isAlnum(w[n-2]) {
		w = w[:n-1]
	}
	if w == "" {
		return nil
	}
	w = strings.ReplaceAll(w, "’", "'")
	low := strings.ToLower(w)
	mk := func(raw, low string) token { return token{raw: raw, low: low, off: off, end: end} }
	if exp, ok := bareContractions.Get()[low]; ok {
		// "whats my ip": the apostrophe people skip when typing fast.
		var toks []token
		for _, p := range strings.Fields(exp) {
			toks = append(toks, mk(p, p))
		}
		return toks
	}
	if !strings.Contains(low, "'") || strings.ContainsAny(low, "/.~") {
		return []token{mk(w, low)}
	}
	if exp, ok := contractions.Get()[low]; ok {
		var toks []token
		for _, p := range strings.Fields(exp) {
			toks = append(toks, mk(p, p))
		}
		return toks
	}
	stem, suffix, _ := strings.Cut(low, "'")
	rawStem, _, _ := strings.Cut(w, "'")
	switch suffix {
	case "s", "": // possessive: "today's", "users'"
		return []token{mk(rawStem, stem)}
	case "m":
		return []token{mk(rawStem, stem), mk("am", "am")}
	case "re":
		return []token{mk(rawStem, stem), mk("are", "are")}
	case "ve":
		return []token{mk(rawStem, stem), mk("have", "have")}
	case "ll":
		return []token{mk(rawStem, stem), mk("will", "will")}
	case "d":
		return []token{mk(rawStem, stem), mk("would", "would")}
	}
	return []token{mk(w, low)}
}

// contractions whose expansion is not stem + a fixed word.
var contractions = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"what's": "what is", "whats": "what is", "where's": "where is", "who's": "who is", "how's": "how is",
		"that's": "that is", "it's": "it is", "there's": "there is", "here's": "here is", "let's": "let us",
		"don't": "do not", "doesn't": "does not", "didn't": "did not", "isn't": "is not", "aren't": "are not",
		"wasn't": "was not", "weren't": "were not", "won't": "will not", "can't": "can not", "cannot": "can not",
		"couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not", "haven't": "have not",
		"hasn't": "has not", "hadn't": "had not", "i'm": "i am", "im": "i am",
	}
}}

// bareContractions are contractions typed without their apostrophe. Only
// forms that are no English word of their own are listed ("its", "were",
// "well", "ill", "id" are words).
var bareContractions = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"whats": "what is", "wheres": "where is", "whos": "who is", "hows": "how is", "thats": "that is",
		"dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not", "arent": "are not",
		"wasnt": "was not", "cant": "can not", "couldnt": "could not", "wouldnt": "would not",
		"shouldnt": "should not", "havent": "have not", "hasnt": "has not", "ive": "i have", "im": "i am",
		"youre": "you are", "theres": "there is",
	}
}}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// slotKind is what an item is: a plain word or a kind of slot value.
type slotKind uint8

// The item kinds, in the order the recognisers try them at each position.
const (
	kindWord   slotKind = iota // a plain word
	kindQuoted                 // a quoted string: a name, a pattern, a command
	kindURL                    // https://…, www.…, example.com/x
	kindTime                   // "last week", "in the last 3 days", "older than a month"
	kindSize                   // "10MB", "over 1 gig", "smaller than 500k"
	kindPort                   // "port 8080", ":8080"
	kindPath                   // "Downloads", "my documents", "this folder", "~/src/x", "notes.txt"
	kindExt                    // "python files", "images", "*.go", ".log files"
	kindCount                  // "5", "top ten", "the 5 biggest" (the number)
)

var kindNames = [...]string{"word", "quoted", "url", "time", "size", "port", "path", "ext", "count"}

func (k slotKind) String() string { return kindNames[k] }

// item is a word or a recognised slot value spanning tokens [from, to).
type item struct {
	kind     slotKind
	from, to int
	word     string // lower-case word (kindWord)
	raw      string // the text as typed (joined tokens; a quoted string's body)
	n        int    // kindCount, kindPort
	path     *pathVal
	size     *sizeVal
	time     *timeVal
	ext      *extVal
}

// scan turns tokens into items, trying at each position the recognisers in
// kind order and taking the first that matches.
func scan(toks []token, fs *fsView) []item {
	var items []item
	for i := 0; i < len(toks); {
		it, ok := recognise(toks, i, fs)
		if !ok && toks[i].quoted && i > 0 && !toks[i-1].quoted && pathPreps.Get()[toks[i-1].low] {
			// "in 'My Docs'": a quoted name after "in" that names
			// something that exists is a place, not a pattern.
			if p := fs.resolveName(toks[i].raw); p.exists {
				it, ok = item{kind: kindPath, from: i, to: i + 1, raw: toks[i].raw, path: p}, true
			}
		}
		if !ok {
			t := toks[i]
			kind := kindWord
			if t.quoted {
				kind = kindQuoted
			}
			it = item{kind: kind, from: i, to: i + 1, word: t.low, raw: t.raw}
		}
		items = append(items, it)
		i = it.to
	}
	return items
}

func recognise(toks []token, i int, fs *fsView) (item, bool) {
	if toks[i].quoted {
		return item{}, false
	}
	if it, ok := scanURL(toks, i); ok {
		return it, true
	}
	if it, ok := scanTime(toks, i, fs.now); ok {
		return it, true
	}
	if it, ok := scanSize(toks, i); ok {
		return it, true
	}
	if it, ok := scanPort(toks, i); ok {
		return it, true
	}
	if it, ok := scanPath(toks, i, fs); ok {
		return it, true
	}
	if it, ok := scanExt(toks, i); ok {
		return it, true
	}
	if it, ok := scanCount(toks, i); ok {
		return it, true
	}
	return item{}, false
}

// rawSpan joins the raw text of tokens [from, to).
func rawSpan(toks []token, from, to int) string {
	parts := make([]string, 0, to-from)
	for _, t := range toks[from:to] {
		parts = append(parts, t.raw)
	}
	return strings.Join(parts, " ")
}

// lowAt returns the lower-case token at i, or "" past the end or for a quoted
// token (a quoted "gig" is a name, not a unit).
func lowAt(toks []token, i int) string {
	if i < 0 || i >= len(toks) || toks[i].quoted {
		return ""
	}
	return toks[i].low
}

// numberWords are the spelled numbers people use in requests.
var numberWords = lazy.Value[map[string]int]{Build: func() map[string]int {
	return map[string]int{
		"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
		"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
		"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
		"forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "dozen": 12, "couple": 2,
	}
}}

// ordinals name columns and fields: "the second column". "first" is left to
// the patterns, where it usually means the start of a file.
var ordinals = lazy.Value[map[string]int]{Build: func() map[string]int {
	return map[string]int{
		"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
	}
}}

// parseInt reads a small non-negative integer written in digits or words.
func parseInt(s string) (int, bool) {
	if n, ok := numberWords.Get()[s]; ok {
		return n, true
	}
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseOrdinal reads "2nd", "3rd", "10th" or "second".
func parseOrdinal(s string) (int, bool) {
	if n, ok := ordinals.Get()[s]; ok {
		return n, true
	}
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(s, suf) {
			if n, ok := parseInt(strings.TrimSuffix(s, suf)); ok && n > 0 {
				return n, true
			}
		}
	}
	return 0, false
}

// scanCount reads a count: "5", "ten", "top 5", "2nd".
func scanCount(toks []token, i int) (item, bool) {
	j := i
	if lowAt(toks, i) == "top" {
		j++
	}
	s := lowAt(toks, j)
	n, ok := parseInt(s)
	if !ok {
		n, ok = parseOrdinal(s)
	}
	if !ok || s == "couple" { // "a couple of" is vague, not 2
		return item{}, false
	}
	return item{kind: kindCount, from: i, to: j + 1, n: n, raw: rawSpan(toks, i, j+1)}, true
}

// scanPort reads "port 8080", "port number 8080" or ":8080".
func scanPort(toks []token, i int) (item, bool) {
	s := lowAt(toks, i)
	if strings.HasPrefix(s, ":") {
		if n, ok := parseInt(s[1:]); ok && n > 0 && n < 65536 {
			return item{kind: kindPort, from: i, to: i + 1, n: n, raw: toks[i].raw}, true
		}
		return item{}, false
	}
	if s != "port" {
		return item{}, false
	}
	j := i + 1
	if lowAt(toks, j) == "number" || lowAt(toks, j) == "no" {
		j++
	}
	n, ok := parseInt(strings.TrimPrefix(lowAt(toks, j), ":"))
	if !ok || n <= 0 || n > 65535 {
		return item{}, false
	}
	return item{kind: kindPort, from: i, to: j + 1, n: n, raw: rawSpan(toks, i, j+1)}, true
}

// scanURL reads a URL with a scheme, a www. address or a domain name with a
// well-known top-level domain ("example.com/file.zip").
func scanURL(toks []token, i int) (item, bool) {
	s := lowAt(toks, i)
	raw := ""
	if i < len(toks) {
		raw = strings.TrimRight(toks[i].raw, ".")
	}
	switch {
	case s == "":
		return item{}, false
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "ftp://"):
	case strings.HasPrefix(s, "www.") && len(s) > 6:
	default:
		host, _, _ := strings.Cut(s, "/")
		dot := strings.LastIndexByte(host, '.')
		if dot <= 0 || !urlTLDs.Get()[host[dot+1:]] || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") {
			return item{}, false
		}
		for _, r := range host {
			if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return item{}, false
			}
		}
	}
	return item{kind: kindURL, from: i, to: i + 1, raw: raw}, true
}

// urlTLDs are top-level domains common enough to read "name.tld" as a host.
// File extensions that are also TLDs (sh, md, py, rs, pl…) are left out so
// "deploy.sh" stays a file.
var urlTLDs = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"com": true, "org": true, "net": true, "io": true, "dev": true, "edu": true, "gov": true, "co": true,
		"uk": true, "de": true, "fr": true, "app": true, "ai": true, "info": true, "xyz": true, "us": true,
		"ca": true, "eu": true, "nl": true, "ch": true, "jp": true, "be": true, "se": true, "at": true,
	}
}}
