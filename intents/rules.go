package intents

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/llamashell/lsh/intents/risk"

	"github.com/llamashell/lsh/internal/lazy"
)

// Rules is the no-model intent engine: a catalogue of tasks as data (see
// catalogue*.go), each with phrasings, the slots it takes and how to render
// it for a Host. It is safe for concurrent use.
//
// Confidence of a rules Intent, on a [0,1] scale:
//
//	0.95        every word of the request was accounted for
//	0.75–0.9    one word not understood, or a path that does not exist
//	0.5–0.75    a weak match: two words not understood; present it as a
//	            suggestion, not as what was asked
//	≤ 0.3       no rule fits: the Intent is a clarify or answer (never a
//	            command), and Match reports false
type Rules struct {
	host *Host
	// Now is the clock that times ("today", "last week") are relative to;
	// nil means time.Now. Tests fix it.
	Now func() time.Time
}

// NewRules returns the rules engine rendering for host (DetectHost() for
// this machine, a fake in tests); nil means DetectHost().
func NewRules(host *Host) *Rules {
	if host == nil {
		host = DetectHost()
	}
	return &Rules{host: host}
}

// Host is the host the rules render for.
func (r *Rules) Host() *Host { return r.host }

// entry is one catalogue row: a task, the phrasings that ask for it, the
// slots it takes, and how to render it.
type entry struct {
	name string   // the Rule name, "category.task"
	says []string // phrasings, see rules_pattern.go
	// takes lists the slot kinds the task accepts anywhere in the request
	// (floating slots), space separated: "path size time ext count".
	takes string
	// also lists words the task tolerates anywhere, as modifiers its build
	// reads with saidAny ("numerically", "reverse" for sort): they count as
	// understood.
	also string
	// defaults gives slot values used when a slot is not said, as
	// "name=value" pairs: "count=10 path=.".
	defaults string
	// run lists the ways to do the task, best first; the first whose
	// conditions hold on this host and whose tools are installed is used.
	run []alt
	// explain is the explanation template when the chosen alt has none.
	explain string
	// build renders tasks too varied for templates; when set, run and
	// explain are ignored.
	build func(c *call) outcome
}

// alt is one way to render a task: a command template (rules_render.go) and
// the conditions under which it applies.
type alt struct {
	// when is a space-separated list of conditions, all of which must hold:
	// gnu:TOOL, bsd:TOOL, busybox:TOOL (the tool's dialect, !-negatable),
	// os:NAME, git / !git (inside a git work tree), has:SLOT / !has:SLOT,
	// root / !root.
	when    string
	cmd     string
	explain string
}

// compiled is an entry with its patterns parsed.
type compiled struct {
	*entry
	order    int
	patterns []pattern
	floats   map[slotKind]bool
	also     map[string]bool
	defaults map[string]string
}

var (
	catalogueOnce sync.Once
	catalogueList []*compiled
	catalogueErr  error
)

// allEntries gathers the catalogue's parts; each catalogue_*.go file adds
// one category.
func allEntries() []*entry {
	var all []*entry
	for _, part := range [][]*entry{catalogueFind, catalogueDisk, catalogueRead, catalogueEdit,
		catalogueArchive, catalogueProc, catalogueService, catalogueSystem, catalogueNet, catalogueGit, catalogueLsh} {
		all = append(all, part...)
	}
	return all
}

// catalogue compiles the catalogue once. A malformed entry is left out and
// reported by catalogueErr (a test asserts there is none).
func catalogue() []*compiled {
	catalogueOnce.Do(func() {
		var errs []error
		names := map[string]bool{}
		for i, e := range allEntries() {
			c, err := compileEntry(e, i)
			if err == nil && names[e.name] {
				err = fmt.Errorf("entry %s: duplicate name", e.name)
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			names[e.name] = true
			catalogueList = append(catalogueList, c)
			noteRequiredWords(c)
		}
		catalogueErr = errors.Join(errs...)
	})
	return catalogueList
}

func compileEntry(e *entry, order int) (*compiled, error) {
	c := &compiled{entry: e, order: order, floats: map[slotKind]bool{}, also: map[string]bool{}, defaults: map[string]string{}}
	for _, w := range strings.Fields(e.also) {
		// Plural and singular forms too, as for literals: "processes"
		// tolerates "process".
		w = strings.ToLower(w)
		c.also[w], c.also[w+"s"], c.also[w+"es"] = true, true, true
		if len(w) > 3 {
			c.also[strings.TrimSuffix(w, "s")] = true
			if strings.HasSuffix(w, "es") {
				c.also[strings.TrimSuffix(w, "es")] = true
			}
		}
	}
	if e.name == "" || !strings.Contains(e.name, ".") {
		return nil, fmt.Errorf("entry %d: name %q is not category.task", order, e.name)
	}
	if len(e.says) == 0 {
		return nil, fmt.Errorf("entry %s: no phrasings", e.name)
	}
	for _, s := range e.says {
		p, err := compilePattern(s)
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w", e.name, err)
		}
		c.patterns = append(c.patterns, p)
	}
	for _, k := range strings.Fields(e.takes) {
		found := false
		for i, name := range kindNames {
			if name == k && i > int(kindQuoted) {
				c.floats[slotKind(i)] = true
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("entry %s: takes unknown slot kind %q", e.name, k)
		}
	}
	for _, kv := range strings.Fields(e.defaults) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("entry %s: default %q is not name=value", e.name, kv)
		}
		c.defaults[k] = v
	}
	if e.build == nil && len(e.run) == 0 {
		return nil, fmt.Errorf("entry %s: neither build nor run", e.name)
	}
	for _, a := range e.run {
		if a.cmd == "" {
			return nil, fmt.Errorf("entry %s: alt with an empty command", e.name)
		}
		if err := checkTemplate(a.cmd); err != nil {
			return nil, fmt.Errorf("entry %s: command %q: %w", e.name, a.cmd, err)
		}
		if err := checkTemplate(a.explain); err != nil {
			return nil, fmt.Errorf("entry %s: explanation %q: %w", e.name, a.explain, err)
		}
		for _, cond := range strings.Fields(a.when) {
			if err := checkCondition(cond); err != nil {
				return nil, fmt.Errorf("entry %s: %w", e.name, err)
			}
		}
	}
	if e.build == nil && e.explain == "" {
		for _, a := range e.run {
			if a.explain == "" {
				return nil, fmt.Errorf("entry %s: an alt has no explanation and the entry none", e.name)
			}
		}
	}
	if err := checkTemplate(e.explain); err != nil {
		return nil, fmt.Errorf("entry %s: explanation: %w", e.name, err)
	}
	return c, nil
}

// maxWords bounds the requests the rules read: alignment time grows with
// the cube of the length, and no task in the catalogue needs more words.
const maxWords = 40

// Match resolves a request with the catalogue alone. ok reports whether a
// catalogue entry matched with at least weak confidence (0.5); when it is
// false the Intent is still usable: an honest clarify or answer saying what
// was understood, with Confidence at most 0.3.
func (r *Rules) Match(req Request) (Intent, bool) {
	text := strings.TrimSpace(req.Text)
	base := Intent{Source: SourceRules, Request: text, Risk: risk.Rating{Level: risk.ReadOnly}}
	if text == "" {
		base.Kind, base.Text = KindClarify, "What would you like to do?"
		base.Explanation = "The request was empty."
		return base, false
	}
	toks := tokenize(text)
	if n := len(toks); n > maxWords {
		base.Kind, base.Rule, base.Confidence = KindClarify, "fallback", 0.05
		base.Text = fmt.Sprintf("That request has %d words; lsh's built-in rules read requests of up to %d. Could you say it in fewer words?", n, maxWords)
		base.Explanation = "Long requests need a model; docs/models.md says how to add one."
		return base, false
	}
	if q, ok := conceptQuestion(toks); ok {
		return conceptAnswer(base, q), false
	}
	rs := r.scan(req, text, toks)
	best, bestRes := r.best(rs)
	if best == nil {
		return r.fallback(rs, base, nil, matchResult{}), false
	}
	c := r.newCall(rs, req, best, &bestRes)
	out := c.render()
	c.notePaths()
	conf := c.confidence(bestRes)
	if conf < 0.5 {
		return r.fallback(rs, base, &out, bestRes), false
	}
	in := c.intent(out, base)
	in.Confidence = conf
	return in, true
}

// Resolve implements Resolver with the catalogue alone.
func (r *Rules) Resolve(ctx context.Context, req Request) (Intent, error) {
	if err := ctx.Err(); err != nil {
		return Intent{}, err
	}
	if strings.TrimSpace(req.Text) == "" {
		return Intent{}, errors.New("intents: empty request")
	}
	in, _ := r.Match(req)
	return in, nil
}

func (r *Rules) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// scan tokenizes a request and recognises its slot values.
func (r *Rules) scan(req Request, text string, toks []token) *reqState {
	home := req.Home
	if home == "" {
		home = r.host.Home
	}
	fs := newFSView(req.dir(), home, r.now())
	fs.logDir = r.host.logDir()
	rs := &reqState{text: text, toks: toks, fs: fs, items: scan(toks, fs), words: map[string]bool{}, host: r.host}
	for _, t := range toks {
		if !t.quoted {
			rs.addWord(t.low)
		}
	}
	return rs
}

// better orders alignments: the one that leaves fewer words unexplained,
// then the higher score. "how much free space do I have" is "free space"
// with every other word a filler, not "how much space do I have" with
// "free" left over, though the latter matches more words.
func better(a, b matchResult) bool {
	if len(a.unexplained) != len(b.unexplained) {
		return len(a.unexplained) < len(b.unexplained)
	}
	return a.score > b.score+1e-9
}

// best finds the entry and pattern alignment that explains the request
// best (see better); ties go to the entry listed first in the catalogue.
func (r *Rules) best(rs *reqState) (*compiled, matchResult) {
	var best *compiled
	var bestRes matchResult
	for _, c := range catalogue() {
		for i := range c.patterns {
			p := &c.patterns[i]
			if !rs.possible(p) {
				continue
			}
			res, ok := align(rs, p, c.floats, c.also)
			if !ok || res.lits == 0 && len(res.binds) == 0 {
				continue
			}
			if best == nil || better(res, bestRes) {
				best, bestRes = c, res
			}
		}
	}
	return best, bestRes
}

// fallback is the honest answer when no entry fits well: a clarify that
// says what was understood, or an answer that says nothing was.
//
// closest is what the best (but too weak) match would have done, if any.
func (r *Rules) fallback(rs *reqState, in Intent, closest *outcome, res matchResult) Intent {
	in.Rule = "fallback"
	var unknown []string
	if closest != nil {
		for _, i := range res.unexplained {
			unknown = append(unknown, rs.items[i].raw)
		}
	}
	var understood []string
	for _, it := range rs.items {
		if s := describeItem(rs.fs, it); s != "" {
			understood = append(understood, s)
		}
	}
	help := "With a local model lsh understands far more; docs/models.md says how to add one."
	near := nearWords(rs)
	switch {
	case closest != nil:
		in.Kind = KindClarify
		in.Confidence = 0.3
		what := closest.explain
		if closest.kind == KindCommand {
			what = fmt.Sprintf("%s (%s)", strings.TrimSuffix(what, "."), closest.cmd)
		}
		in.Text = fmt.Sprintf("I am not sure what you mean: I did not understand %s. The closest I know: %s. Could you rephrase?",
			quoteList(unknown), strings.TrimSuffix(what, "."))
		in.Explanation = "No rule matched the whole request. " + help
	case len(near) > 0 && len(understood) == 0:
		in.Kind = KindClarify
		in.Confidence = 0.2
		in.Text = fmt.Sprintf("I understood %s, but not what it applies to. Could you say it in full, with the file, folder or name?", quoteList(near))
		in.Explanation = "No rule matched the whole request. " + help
	case len(understood) > 0:
		in.Kind = KindClarify
		in.Confidence = 0.2
		in.Text = fmt.Sprintf("I understood %s, but not what to do with %s. What would you like to do?",
			strings.Join(understood, ", "), pronoun(len(understood)))
		in.Explanation = "No rule matched the request. " + help
	default:
		in.Kind = KindAnswer
		in.Confidence = 0.05
		in.Text = fmt.Sprintf("lsh's built-in rules did not understand %q. Try rephrasing it as a task (\"biggest files in Downloads\"), or type a shell command. %s", in.Request, help)
		in.Explanation = "No rule matched the request. " + help
	}
	return in
}

// nearWords lists the request's words that are required words of some
// catalogue phrasing: "delete" alone is understood as a verb whose object
// is missing.
func nearWords(rs *reqState) []string {
	catalogue()
	var out []string
	seen := map[string]bool{}
	for _, it := range rs.items {
		if it.kind == kindWord && !fillers.Get()[it.word] && requiredWords[it.word] && !seen[it.word] {
			seen[it.word] = true
			out = append(out, it.raw)
		}
	}
	return out
}

// requiredWords holds every one-word required literal of the catalogue, in
// the forms wordMatches accepts; catalogue() makes and fills it (nil, it
// holds nothing, and lsh's start builds nothing).
var requiredWords map[string]bool

// changeWords holds the verbs of the tasks that change or destroy
// something ("delete", "kill", "uninstall", "restart"): the one-word
// alternatives of the first required literal of their phrasings. Left
// unexplained by the entry that matched, such a word says the person asked
// for that change and got something else ("kill all processes" is no
// request to list them), which costs confidence. catalogue() makes it.
var changeWords map[string]bool

// changingTasks are the entries whose verbs fill changeWords.
var changingTasks = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"edit.delete": true, "edit.move": true, "edit.rename": true, "edit.replace": true, "proc.kill": true,
		"proc.kill-port": true, "package.remove": true, "package.install": true, "service.stop": true,
		"service.restart": true, "service.disable": true, "container.stop": true, "git.discard": true,
		"git.undo-commit": true, "system.trash": true, "archive.extract": true, "edit.delete-lines": true,
		"edit.truncate": true, "edit.chown": true, "git.delete-branch": true, "container.remove": true, "system.power": true,
	}
}}

func noteRequiredWords(c *compiled) {
	if requiredWords == nil {
		requiredWords, changeWords = map[string]bool{}, map[string]bool{}
	}
	for _, p := range c.patterns {
		lead := changingTasks.Get()[c.name]
		for _, el := range p.elems {
			if el.slot != "" && !el.opt {
				lead = false
			}
			if el.slot != "" || el.opt {
				continue
			}
			if lead {
				for _, alt := range el.alts {
					if len(alt) == 1 && !fillers.Get()[alt[0]] {
						changeWords[alt[0]] = true
					}
				}
				lead = false
			}
			for _, alt := range el.alts {
				if len(alt) == 1 {
					w := alt[0]
					requiredWords[w], requiredWords[w+"s"], requiredWords[w+"es"] = true, true, true
					if len(w) > 3 {
						requiredWords[strings.TrimSuffix(w, "s")] = true
						requiredWords[strings.TrimSuffix(w, "es")] = true
					}
				}
			}
		}
	}
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func quoteList(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = fmt.Sprintf("%q", w)
	}
	return strings.Join(q, ", ")
}

// describeItem names a recognised slot value for a clarify question.
func describeItem(fs *fsView, it item) string {
	switch it.kind {
	case kindPath:
		return "the path " + fs.show(it.path.abs)
	case kindSize:
		return "the size " + sizeSaid(*it.size)
	case kindTime:
		return "the time " + it.time.said
	case kindExt:
		return "the file type " + it.ext.said
	case kindPort:
		return fmt.Sprintf("port %d", it.n)
	case kindURL:
		return "the address " + it.raw
	case kindQuoted:
		return fmt.Sprintf("%q", it.raw)
	}
	return ""
}

// Categories lists the catalogue's categories and how many entries each
// has, for docs and tests.
func Categories() map[string]int {
	out := map[string]int{}
	for _, c := range catalogue() {
		cat, _, _ := strings.Cut(c.name, ".")
		out[cat]++
	}
	return out
}

// RuleNames lists the catalogue's rule names, sorted.
func RuleNames() []string {
	var names []string
	for _, c := range catalogue() {
		names = append(names, c.name)
	}
	sort.Strings(names)
	return names
}
