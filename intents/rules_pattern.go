package intents

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/internal/lazy"
)

// A phrasing pattern is a line of space-separated elements, matched in order
// against a request's items (see slots.go):
//
//	biggest|largest      a word, one of several; plural forms match too
//	taking_up            several words in a row ("taking up")
//	the?                 any element followed by ? is optional
//	{path}               a slot of that kind at this position
//	{dst:path}           the same, bound under the name dst
//	{count?}             an optional slot
//
// Between and around the elements, the request may hold filler words ("the",
// "please", "show me"), which cost nothing; slot values of the kinds the
// catalogue entry takes anywhere (its floating slots: "in Downloads", "over
// 1 gig"), which bind; and other words, which are unexplained and cost
// confidence. The slot kinds are:
//
//	path     an existing or plausible path; a bare word is looked up in the
//	         working directory and HOME, ignoring case
//	newpath  a path to create: taken exactly as said
//	dest     where to put something: an existing path, looked up like path,
//	         or a new one
//	name     one word or quoted string (a process, a branch, a package)
//	text     one or more words or a quoted string ("replace {old:text} with …")
//	cmd      the rest of the request, verbatim (a command line to explain)
//	file     what surely names a file: a recognised path ("notes.txt",
//	         "~/x"), a quoted string or a glob ("*.bak")
//	quoted   a quoted string only
//	service  one word naming a service: an installed one scores above a
//	         name, any other word below it ("stop nginx" is the service,
//	         "stop firefox" the program)
//	port, url, host, count, size, time, ext
//	         the recognised values of slots.go; host is a URL or a word
//
// A pattern needs at least one required element; a pattern whose required
// elements are all slots ("{ext}") matches a request that is just that value
// ("pdfs in Downloads").

// slotKinds are the slot kinds a pattern may name.
var slotKinds = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"path": true, "newpath": true, "name": true, "text": true, "cmd": true, "port": true, "url": true,
		"host": true, "count": true, "size": true, "time": true, "ext": true, "quoted": true, "file": true, "dest": true,
		"service": true,
	}
}}

// elem is one element of a compiled pattern: literal alternatives or a slot.
type elem struct {
	alts [][]string // each alternative is one or more words; nil for a slot
	slot string     // slot kind
	role string     // name the slot value is bound under
	opt  bool
}

// pattern is a compiled phrasing.
type pattern struct {
	src   string
	elems []elem
	need  [][]string // per required literal element: the first words of its alternatives
}

// compilePattern parses one phrasing. Errors name the element and its
// column, since the catalogue is edited by hand.
func compilePattern(src string) (pattern, error) {
	p := pattern{src: src}
	col := 0
	required := false
	for _, f := range strings.Fields(src) {
		col = strings.Index(src[col:], f) + col
		e := elem{}
		if strings.HasSuffix(f, "?") {
			e.opt = true
			f = strings.TrimSuffix(f, "?")
		}
		if strings.HasPrefix(f, "{") {
			if !strings.HasSuffix(f, "}") {
				return p, fmt.Errorf("pattern %q, column %d: slot %q is not closed with }", src, col+1, f)
			}
			body := f[1 : len(f)-1]
			if strings.HasSuffix(body, "?") {
				e.opt = true
				body = strings.TrimSuffix(body, "?")
			}
			role, kind, ok := strings.Cut(body, ":")
			if !ok {
				kind = role
			}
			if !slotKinds.Get()[kind] {
				return p, fmt.Errorf("pattern %q, column %d: unknown slot kind %q", src, col+1, kind)
			}
			if role == "" {
				return p, fmt.Errorf("pattern %q, column %d: empty slot name", src, col+1)
			}
			e.slot, e.role = kind, role
			required = required || !e.opt
		} else {
			for _, a := range strings.Split(f, "|") {
				if a == "" {
					return p, fmt.Errorf("pattern %q, column %d: empty alternative in %q", src, col+1, f)
				}
				if strings.ContainsAny(a, "{}") {
					return p, fmt.Errorf("pattern %q, column %d: brace inside word %q", src, col+1, a)
				}
				e.alts = append(e.alts, strings.Split(strings.ToLower(a), "_"))
			}
			if !e.opt {
				required = true
				var firsts []string
				for _, a := range e.alts {
					firsts = append(firsts, a[0])
				}
				p.need = append(p.need, firsts)
			}
		}
		if len(p.elems) > 0 && p.elems[len(p.elems)-1].slot == "cmd" {
			return p, fmt.Errorf("pattern %q, column %d: nothing may follow a {cmd} slot", src, col+1)
		}
		p.elems = append(p.elems, e)
		col += len(f)
	}
	if !required {
		return p, fmt.Errorf("pattern %q: needs at least one required element", src)
	}
	return p, nil
}

// wordMatches reports whether a request word matches a pattern word: equal,
// or one is the other's plural ("file"/"files", "process"/"processes").
func wordMatches(input, pat string) bool {
	if input == pat {
		return true
	}
	if len(input) < 3 || len(pat) < 3 {
		return false
	}
	return pluralOf(input, pat) || pluralOf(pat, input)
}

// pluralOf reports whether a is b+"s" or b+"es", without building strings.
func pluralOf(a, b string) bool {
	switch len(a) - len(b) {
	case 1:
		return a[len(b)] == 's' && a[:len(b)] == b
	case 2:
		return a[len(b):] == "es" && a[:len(b)] == b
	}
	return false
}

// fillers are words a request may hold anywhere without changing what it
// asks: articles, politeness, generic verbs of asking. The set is built on
// first use, not at every lsh start.
var fillers = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the a an my me i you your we our us it its this that these those
		please pls can could would will should shall do does did just some any all every each also really
		actually currently right now exactly kindly want wanna need like to for of in on at by from with into
		inside within about is are am be was were been being have has had what which how list show display print
		get give tell see view let know find look check lsh llama hey hi ok okay thanks thank so up out and or
		file files one ones thing things stuff everything anything something other there then again over
		recursively help computer machine system word string text occurrences occurrence instances instance
		ending extension extensions exist existing contents content much many feel feels feeling seems seem
		getting very too bit little pretty quite rather super terribly awfully most lot`) {
		m[w] = true
	}
	return m
}}

// notNames are words that describe rather than name a process, branch or
// package: "list running processes" names no process "running".
var notNames = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"running": true, "active": true, "open": true, "current": true, "background": true, "user": true,
		"new": true, "old": true, "big": true, "every": true, "process": true, "processes": true, "program": true,
		"service": true, "services": true, "daemon": true, "container": true, "containers": true,
		"image": true, "images": true, "server": true, "unit": true,
	}
}}

// textTrim are words dropped from the ends of an unquoted {text} slot:
// "replace the word foo with bar" replaces "foo".
var textTrim = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"the": true, "a": true, "an": true, "word": true, "string": true, "text": true, "all": true, "every": true,
		"occurrences": true, "occurrence": true, "instances": true, "of": true, "in": true, "on": true, "from": true,
		"inside": true, "within": true, "at": true, "for": true, "pattern": true, "phrase": true, "called": true, "named": true,
		"file": true, "files": true, "line": true, "lines": true, "containing": true, "with": true,
	}
}}

// binding is a slot value bound by a match.
type binding struct {
	it    item
	value string // the text of name/text/cmd/host slots
	path  *pathVal
	// swallowed counts the ordinary words an unquoted free-text slot took
	// as its value (see swallowed); each costs confidence.
	swallowed int
	// weak: a bare word taken as a path though nothing names it a path
	// (it does not exist and does not look like a file name).
	weak bool
}

// matchResult is the best alignment of one pattern with a request.
type matchResult struct {
	score       float64
	lits        int // literal words matched
	binds       map[string]binding
	unexplained []int // indexes of items nothing accounted for
	floating    []int // indexes of items bound as floating slots
}

// Costs of the alignment. A matched literal word or a positional slot is
// worth more than a floating slot, so a pattern that places a value beats one
// that merely tolerates it; an unexplained word outweighs a literal, so an
// entry that explains more of the request wins.
const (
	scoreLiteral     = 2.0
	scoreSlot        = 2.0
	scoreFloating    = 1.0
	scoreUnexplained = -3.0
	scoreAlso        = 0.5 // a word the entry tolerates anywhere ("numerically" for sort)
	scoreWeakPath    = -0.5
	// scoreText is a free-text slot: less than a typed slot, so "change
	// directory to my projects" is a cd (a path) before it is a replace.
	scoreText = 1.9
	// scoreService is a word naming an installed service: more than a
	// name, so "stop nginx" stops the service rather than its processes;
	// scoreWeakName is any other word in a service slot, less than a name.
	scoreService  = 2.5
	scoreWeakName = 1.0
	// scoreSwallowed is each ordinary word a free-text slot takes.
	scoreSwallowed = 0.3
)

// matcher aligns patterns with one request's items.
type matcher struct {
	req    *reqState
	p      *pattern
	skip   []float64 // cost of leaving each item to the gaps
	floats map[slotKind]bool
	memo   []float64
	done   []bool
	pick   []step
	nElem  int
}

// step records the choice made at one (element, item) state.
type step struct {
	op   uint8 // 0 skip item, 1 skip optional element, 2 element consumes items [i, to)
	to   int
	bind binding
}

// reqState is one request, scanned, shared by all patterns.
type reqState struct {
	text  string
	toks  []token
	items []item
	words map[string]bool // every word's lower-case form, for the prefilter
	fs    *fsView
	host  *Host
}

// possible reports whether every required literal of p occurs in the
// request, which rules out most patterns before any alignment.
func (rs *reqState) possible(p *pattern) bool {
	for _, firsts := range p.need {
		ok := false
		for _, w := range firsts {
			if rs.words[w] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// addWord records a request word and the forms wordMatches relates it to
// (its plural and singular), so possible is a map lookup.
func (rs *reqState) addWord(w string) {
	rs.words[w] = true
	rs.words[w+"s"] = true
	rs.words[w+"es"] = true
	if s, ok := strings.CutSuffix(w, "s"); ok {
		rs.words[s] = true
	}
	if s, ok := strings.CutSuffix(w, "es"); ok {
		rs.words[s] = true
	}
}

// align finds the best alignment of p with the request, given which item
// kinds the entry takes as floating slots. ok is false when no alignment
// places every required element.
func align(rs *reqState, p *pattern, floats map[slotKind]bool, also map[string]bool) (matchResult, bool) {
	n := len(rs.items)
	m := &matcher{req: rs, p: p, nElem: len(p.elems), floats: floats}
	m.skip = make([]float64, n)
	for i, it := range rs.items {
		switch {
		case it.kind == kindWord && also[it.word]:
			m.skip[i] = scoreAlso
		case it.kind == kindWord && fillers.Get()[it.word]:
			m.skip[i] = 0
		case it.kind != kindWord && floats[it.kind]:
			m.skip[i] = scoreFloating
		case it.kind == kindQuoted && floats[kindPath] && rs.fs.resolveName(it.raw).exists:
			m.skip[i] = scoreFloating // "… in 'my file.txt'"
		default:
			m.skip[i] = scoreUnexplained
		}
	}
	size := (m.nElem + 1) * (n + 1)
	m.memo = make([]float64, size)
	m.done = make([]bool, size)
	m.pick = make([]step, size)
	best := m.best(0, 0)
	if best < -1e8 {
		return matchResult{}, false
	}
	res := matchResult{score: best, binds: map[string]binding{}}
	e, i := 0, 0
	seen := map[slotKind]bool{}
	for e < m.nElem || i < n {
		st := m.pick[e*(n+1)+i]
		switch st.op {
		case 0:
			it := rs.items[i]
			switch {
			case m.skip[i] == scoreFloating && !(seen[floatKind(it)] && it.kind != kindExt):
				seen[floatKind(it)] = true
				res.floating = append(res.floating, i)
			case m.skip[i] != 0 && m.skip[i] != scoreAlso:
				if m.skip[i] == scoreFloating {
					res.score += scoreUnexplained - scoreFloating // a second size or path: nothing to bind it to
				}
				res.unexplained = append(res.unexplained, i)
			}
			i++
		case 1:
			e++
		case 2:
			el := p.elems[e]
			if el.slot == "" {
				res.lits += st.to - i
			} else {
				res.binds[el.role] = st.bind
			}
			e++
			i = st.to
		}
	}
	return res, true
}

// floatKind is the kind an item binds as when floating: a quoted string
// naming an existing file binds as a path.
func floatKind(it item) slotKind {
	if it.kind == kindQuoted {
		return kindPath
	}
	return it.kind
}

const impossible = -1e9

// best is the highest score aligning elements [e:] with items [i:].
func (m *matcher) best(e, i int) float64 {
	n := len(m.req.items)
	k := e*(n+1) + i
	if m.done[k] {
		return m.memo[k]
	}
	m.done[k] = true
	m.memo[k] = impossible
	if e == m.nElem {
		s := 0.0
		for j := i; j < n; j++ {
			s += m.skip[j]
		}
		m.memo[k] = s
		m.pick[k] = step{op: 0}
		return s
	}
	bestScore, bestStep := impossible, step{}
	try := func(s float64, st step) {
		if s > bestScore {
			bestScore, bestStep = s, st
		}
	}
	el := m.p.elems[e]
	if el.opt {
		if r := m.best(e+1, i); r > impossible {
			try(r, step{op: 1})
		}
	}
	if i < n {
		cands := m.consume(el, i)
		if el.slot != "" && el.slot != "text" && el.slot != "cmd" && m.afterLooseLocation(e, i) {
			cands = nil
		}
		for _, c := range cands {
			if r := m.best(e+1, c.to); r > impossible {
				try(r+c.score, step{op: 2, to: c.to, bind: c.bind})
			}
		}
		if r := m.best(e, i+1); r > impossible {
			try(r+m.skip[i], step{op: 0})
		}
	}
	m.memo[k], m.pick[k] = bestScore, bestStep
	return bestScore
}

// candidate is one way an element can consume items starting at i.
type candidate struct {
	to    int
	score float64
	bind  binding
}

// literalAt matches the words of one literal alternative from item i and
// returns the item after them. A recognised value matches too when its words
// spell the literal exactly: "working directory" is a path, but also the
// words of "print working_directory"; "one" is a count, but also the word of
// "go up one level"; "logs" is a file type, but also the word of "docker
// logs". A quoted string never matches a literal.
func (m *matcher) literalAt(alt []string, i int) (int, bool) {
	items := m.req.items
	k, j := 0, i
	for k < len(alt) {
		if j >= len(items) {
			return 0, false
		}
		x := items[j]
		switch x.kind {
		case kindWord:
			if !wordMatches(x.word, alt[k]) {
				return 0, false
			}
			k++
		case kindQuoted:
			return 0, false
		default:
			n, ok := spells(m.req.toks[x.from:x.to], alt[k:])
			if !ok {
				return 0, false
			}
			k += n
		}
		j++
	}
	return j, true
}

// spells reports whether tokens spell the first words of alt, and how many.
// Leading filler tokens may be left out ("the current directory" spells
// current_directory).
func spells(toks []token, alt []string) (int, bool) {
	for {
		if len(toks) <= len(alt) {
			ok := true
			for k, t := range toks {
				if t.quoted || !wordMatches(t.low, alt[k]) {
					ok = false
					break
				}
			}
			if ok {
				return len(toks), true
			}
		}
		if len(toks) < 2 || toks[0].quoted || !fillers.Get()[toks[0].low] {
			return 0, false
		}
		toks = toks[1:]
	}
}

// afterLooseLocation reports whether item i is a path said as a location
// ("… in downloads") whose preposition the pattern does not place: such a
// path is a floating slot, never the direct object of a positional one, so
// "delete files older than 30 days in downloads" cannot delete downloads.
func (m *matcher) afterLooseLocation(e, i int) bool {
	it := m.req.items[i]
	if it.kind != kindPath || it.from == 0 || !m.floats[kindPath] {
		return false
	}
	prev := m.req.toks[it.from-1]
	if prev.quoted || !pathPreps.Get()[prev.low] || prev.low == "to" || prev.low == "into" || prev.low == "of" {
		return false
	}
	if e > 0 {
		for _, alt := range m.p.elems[e-1].alts {
			if wordMatches(prev.low, alt[len(alt)-1]) {
				return false
			}
		}
	}
	return true
}

// consume lists the ways element el can match items from i.
func (m *matcher) consume(el elem, i int) []candidate {
	items := m.req.items
	it := items[i]
	if el.slot == "" {
		var out []candidate
		for _, alt := range el.alts {
			if to, ok := m.literalAt(alt, i); ok {
				out = append(out, candidate{to: to, score: scoreLiteral * float64(len(alt))})
			}
		}
		return out
	}
	one := func(b binding) []candidate {
		b.it = it
		return []candidate{{to: i + 1, score: scoreSlot, bind: b}}
	}
	plainWord := it.kind == kindWord && !fillers.Get()[it.word]
	fs := m.req.fs
	switch el.slot {
	case "path":
		switch {
		case it.kind == kindPath:
			return one(binding{path: it.path})
		case it.kind == kindQuoted:
			return one(binding{path: fs.resolveName(it.raw)})
		case plainWord || it.kind == kindCount:
			// A bare word is surely a path if it names something that
			// exists, looks like a file name, or names a kind of file
			// ("the script"), which the entry resolves itself. Any other
			// word may still be a path that does not exist, but a weak
			// one: "list symlinks" is not about a folder "symlinks".
			p := fs.resolveName(it.raw)
			if _, kind := kindOfFile(it.word); p.exists || looksLikeFile(it.raw) || kind != "" {
				return one(binding{path: p})
			}
			if strings.HasPrefix(it.raw, "-") {
				return nil // an option ("rm -r …"), not a file that does not exist
			}
			return []candidate{{to: i + 1, score: scoreWeakPath, bind: binding{it: it, path: p, weak: true}}}
		}
	case "newpath":
		switch {
		case it.kind == kindPath && !strings.ContainsAny(it.path.said, "/~") && looksLikeName(it.path.said):
			// "a folder called downloads" is ./downloads, not ~/Downloads.
			return one(binding{path: fs.resolveNew(it.path.said)})
		case it.kind == kindPath:
			return one(binding{path: it.path})
		case it.kind == kindQuoted || plainWord || it.kind == kindCount:
			return one(binding{path: fs.resolveNew(it.raw)})
		}
	case "dest":
		switch {
		case it.kind == kindPath:
			return one(binding{path: it.path})
		case it.kind == kindQuoted || plainWord || it.kind == kindCount:
			return one(binding{path: fs.resolveName(it.raw)})
		}
	case "name":
		switch {
		case it.kind == kindQuoted || plainWord && !notNames.Get()[it.word] || it.kind == kindCount:
			return one(binding{value: it.raw})
		case it.kind == kindPath && !strings.Contains(it.raw, " "):
			return one(binding{value: it.raw})
		}
	case "service":
		if it.kind == kindQuoted || plainWord && !notNames.Get()[it.word] || it.kind == kindPath && !strings.ContainsAny(it.raw, " /") {
			if u, _ := m.req.host.findService(it.raw); u != "" && len(m.req.host.ServiceNames()) > 0 {
				return []candidate{{to: i + 1, score: scoreService, bind: binding{it: it, value: it.raw}}}
			}
			return []candidate{{to: i + 1, score: scoreWeakName, bind: binding{it: it, value: it.raw}}}
		}
	case "host":
		if it.kind == kindURL || it.kind == kindQuoted || plainWord {
			return one(binding{value: it.raw})
		}
	case "url":
		if it.kind == kindURL || it.kind == kindQuoted && strings.Contains(it.raw, "://") {
			return one(binding{value: it.raw})
		}
	case "port":
		if it.kind == kindPort || it.kind == kindCount && it.n > 0 && it.n < 65536 {
			return one(binding{})
		}
	case "count":
		if it.kind == kindCount {
			return one(binding{})
		}
	case "size":
		if it.kind == kindSize {
			return one(binding{})
		}
	case "time":
		if it.kind == kindTime {
			return one(binding{})
		}
	case "ext":
		if it.kind == kindExt {
			return one(binding{})
		}
	case "file":
		switch {
		case it.kind == kindPath && (looksLikeFile(filepath.Base(it.path.said)) || it.path.exists && !it.path.isDir):
			return one(binding{path: it.path})
		case it.kind == kindQuoted && (looksLikeFile(it.raw) || strings.ContainsAny(it.raw, "*?/")):
			return one(binding{value: it.raw, path: fs.resolveName(it.raw)})
		case it.kind == kindWord && strings.ContainsAny(it.raw, "*?"):
			return one(binding{value: it.raw, path: fs.resolveName(it.raw)})
		}
	case "quoted":
		if it.kind == kindQuoted {
			return one(binding{value: it.raw})
		}
	case "cmd":
		if it.kind == kindQuoted && i == len(items)-1 {
			return one(binding{value: it.raw})
		}
		tok := m.req.toks[it.from]
		return []candidate{{to: len(items), score: scoreSlot, bind: binding{it: it, value: strings.TrimSpace(m.req.text[tok.off:])}}}
	case "text":
		if it.kind == kindQuoted {
			return []candidate{{to: i + 1, score: scoreText + 0.001, bind: binding{it: it, value: it.raw}}}
		}
		var out []candidate
		for j := i + 1; j <= len(items); j++ {
			if items[j-1].kind == kindQuoted {
				break
			}
			v := textValue(items[i:j])
			if v == "" {
				continue
			}
			sw := 0
			if el.role != "msg" { // a commit message is English by nature
				sw = swallowed(items[i:j]) + 2*vagueBefore(items, i)
			}
			// Longer runs score a hair more, so a text slot absorbs the
			// words it spans rather than leaving them unexplained; words
			// that read as English rather than as a pattern cost a little.
			out = append(out, candidate{to: j, score: scoreText + 0.001*float64(j-i) - scoreSwallowed*float64(sw), bind: binding{it: it, value: v, swallowed: sw}})
		}
		return out
	}
	return nil
}

// looksLikeName reports whether a path phrase's core is a plain name
// ("projects", "notes.txt"), not "here" or ".".
func looksLikeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.Contains(s, " ") && !fillers.Get()[strings.ToLower(s)] &&
		strings.ToLower(s) != "here" && strings.ToLower(s) != "home" && strings.ToLower(s) != "cwd"
}

// swallowed counts what in an unquoted free-text value reads as ordinary
// English rather than as text to search for or replace: filler words ("the
// thing i mentioned"), words the catalogue's phrasings require ("hidden",
// "count", "trash": the request was probably another task), recognised
// values (a time, a path), and one more for a value of three words or more,
// since patterns people search for are a word or are quoted. Words trimmed
// from the ends (textTrim) are not counted.
func swallowed(items []item) int {
	for len(items) > 0 && items[0].kind == kindWord && textTrim.Get()[items[0].word] {
		items = items[1:]
	}
	for len(items) > 0 && items[len(items)-1].kind == kindWord && textTrim.Get()[items[len(items)-1].word] {
		items = items[:len(items)-1]
	}
	n := 0
	for _, it := range items {
		switch {
		case it.kind == kindQuoted || it.kind == kindCount:
		case it.kind != kindWord:
			n++
		case it.raw != it.word && strings.ToUpper(it.raw) == it.raw:
			// "ERROR", "TODO": typed as a pattern, not as English.
		case fillers.Get()[it.word] || requiredWords[it.word]:
			n++
		}
	}
	if len(items) >= 3 {
		n++
	}
	return n
}

// vagueWords stand for something the person did not name: "the thing i
// mentioned", "search for it".
var vagueWords = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{"thing": true, "things": true, "stuff": true, "something": true, "anything": true, "everything": true,
		"whatever": true, "it": true, "that": true, "this": true, "i": true, "you": true, "we": true, "one": true}
}}

// vagueBefore counts the vague words among the filler words right before
// item i: "search for the thing i mentioned" searches for something it
// never names.
func vagueBefore(items []item, i int) int {
	n := 0
	for k := i - 1; k >= 0 && items[k].kind == kindWord && fillers.Get()[items[k].word]; k-- {
		if vagueWords.Get()[items[k].word] {
			n++
		}
	}
	return n
}

// textValue is the text of a run of items with filler words trimmed from
// its ends.
func textValue(items []item) string {
	for len(items) > 0 && items[0].kind == kindWord && textTrim.Get()[items[0].word] {
		items = items[1:]
	}
	for len(items) > 0 && items[len(items)-1].kind == kindWord && textTrim.Get()[items[len(items)-1].word] {
		items = items[:len(items)-1]
	}
	parts := make([]string, 0, len(items))
	for _, it := range items {
		parts = append(parts, it.raw)
	}
	return strings.Join(parts, " ")
}
