package tui

import (
	"strings"

	"github.com/llamashell/lsh/shell/history"
)

// historyNav is Up and Down through the history. The list is taken when
// the walk starts (history.Store.Recall: the lines from before this
// session and its own). A line typed before the first Up is both kept,
// to come back to with Down past the newest entry, and used as a prefix:
// "git<Up>" walks only the lines starting with "git", as fish and zsh's
// history-beginning-search do; an empty line walks everything.
type historyNav struct {
	active  bool
	entries []history.Entry
	pos     int    // index of the entry shown; len(entries) is the typed line
	saved   string // the line typed before the walk
	prefix  string // what the entries walked start with
}

// start begins a walk from the line typed. A one-line text with the
// cursor at its end is the prefix; otherwise every entry is walked.
func (h *historyNav) start(entries []history.Entry, typed string, atEnd bool) {
	h.active = true
	h.entries = entries
	h.pos = len(entries)
	h.saved = typed
	h.prefix = ""
	if atEnd && !strings.Contains(typed, "\n") {
		h.prefix = typed
	}
}

// step moves to the previous (dir -1) or next (dir +1) entry matching the
// prefix, skipping entries equal to the one shown, and returns the text to
// show; ok is false when there is nowhere to go.
func (h *historyNav) step(dir int, shown string) (text string, entry *history.Entry, ok bool) {
	for i := h.pos + dir; i >= 0 && i <= len(h.entries); i += dir {
		if i == len(h.entries) {
			h.pos = i
			return h.saved, nil, true
		}
		e := &h.entries[i]
		if !strings.HasPrefix(e.Command, h.prefix) || e.Command == shown {
			continue
		}
		h.pos = i
		return e.Command, e, true
	}
	return "", nil, false
}

func (h *historyNav) stop() { *h = historyNav{} }

// search is Ctrl-R: an incremental search through every line (other
// sessions' recent ones too), newest first, matching the command or the
// request it came from, case-insensitively. Ctrl-R again finds the next
// older match, Ctrl-S the next newer.
type search struct {
	query    string
	entries  []history.Entry
	match    int    // index of the match shown, -1 for none
	original string // the line before the search, for Esc
}

func newSearch(entries []history.Entry, original string) *search {
	s := &search{entries: entries, match: -1, original: original}
	return s
}

// matches reports whether entry i contains the query.
func (s *search) matches(i int) bool {
	q := strings.ToLower(s.query)
	e := s.entries[i]
	return strings.Contains(strings.ToLower(e.Command), q) || e.Request != "" && strings.Contains(strings.ToLower(e.Request), q)
}

// find looks for a match from index from in direction dir and keeps the
// current match when there is none.
func (s *search) find(from, dir int) bool {
	for i := from; i >= 0 && i < len(s.entries); i += dir {
		if s.matches(i) {
			s.match = i
			return true
		}
	}
	return false
}

// setQuery changes the query and searches again from the newest line.
func (s *search) setQuery(q string) {
	s.query = q
	s.match = -1
	if q != "" {
		s.find(len(s.entries)-1, -1)
	}
}

// older and newer step to the next match.
func (s *search) older() {
	if s.query != "" {
		s.find(s.match-1, -1)
	}
}

func (s *search) newer() {
	if s.query != "" && s.match >= 0 {
		s.find(s.match+1, 1)
	}
}

// found is the matching entry, or nil.
func (s *search) found() *history.Entry {
	if s.match < 0 || s.query == "" {
		return nil
	}
	return &s.entries[s.match]
}

// view draws the search line and the cursor's column on it.
func (s *search) view(st *Styles) (string, int) {
	label := "(search)"
	if s.query != "" && s.found() == nil {
		label = "(failed search)"
	}
	head := st.Dim.Render(label) + " " + s.query + st.Dim.Render(": ")
	cursor := len([]rune(label)) + 1 + textWidth(s.query)
	e := s.found()
	if e == nil {
		return head, cursor
	}
	line := e.Command
	low, q := strings.ToLower(line), strings.ToLower(s.query)
	if len(low) == len(line) && len(q) == len(s.query) {
		if i := strings.Index(low, q); i >= 0 {
			line = line[:i] + st.Match.Render(line[i:i+len(s.query)]) + line[i+len(s.query):]
		}
	}
	out := head + line
	if e.Request != "" {
		out += "\n" + st.Annotation.Render("  from: "+e.Request)
	}
	return out, cursor
}
