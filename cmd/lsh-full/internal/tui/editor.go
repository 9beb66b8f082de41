package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
)

// Editor is the line being typed: its text, the cursor, the kill ring
// and the undo list. The text may hold newlines when a command spans
// lines. The cursor is a byte offset that always sits on a grapheme
// boundary, so a cursor never splits "é" written as e + U+0301 or a
// family emoji.
//
// The keys are emacs's, as readline binds them (see editKeys).
type Editor struct {
	text   string
	cursor int

	ring     []string // killed text, most recent last
	lastKill int      // ≠0: the last action killed (1 forward, -1 backward), so the next kill joins it
	yanked   [2]int   // the span the last yank inserted, for yank-pop; yanked[1] == 0 if none
	yankIdx  int      // which ring entry that yank inserted

	undo       []editSnapshot
	lastInsert bool // the last action typed text: typing more joins its undo step
}

type editSnapshot struct {
	text   string
	cursor int
}

const (
	maxRing = 16
	maxUndo = 200
)

// Value is the text being edited.
func (e *Editor) Value() string { return e.text }

// Cursor is the cursor's byte offset in Value.
func (e *Editor) Cursor() int { return e.cursor }

// SetValue replaces the text, cursor at its end, as recalling history does.
func (e *Editor) SetValue(s string) {
	e.save(false)
	e.text, e.cursor = s, len(s)
	e.settle()
}

// Reset empties the editor for a new line, keeping the kill ring.
func (e *Editor) Reset() {
	e.text, e.cursor = "", 0
	e.undo = nil
	e.settle()
}

// settle ends kill and yank sequences: the action just done was neither.
func (e *Editor) settle() {
	e.lastKill = 0
	e.yanked = [2]int{}
	e.lastInsert = false
}

// save pushes an undo step before a change; typing joins the step of the
// typing just before it.
func (e *Editor) save(typing bool) {
	if typing && e.lastInsert {
		return
	}
	if n := len(e.undo); n > 0 && e.undo[n-1].text == e.text && e.undo[n-1].cursor == e.cursor {
		return
	}
	e.undo = append(e.undo, editSnapshot{e.text, e.cursor})
	if len(e.undo) > maxUndo {
		e.undo = e.undo[len(e.undo)-maxUndo:]
	}
}

// Insert types s at the cursor.
func (e *Editor) Insert(s string) {
	if s == "" {
		return
	}
	e.save(true)
	e.text = e.text[:e.cursor] + s + e.text[e.cursor:]
	e.cursor += len(s)
	e.lastKill = 0
	e.yanked = [2]int{}
	e.lastInsert = true
}

// Replace puts s in place of text[start:end] and the cursor after it, as
// completion does.
func (e *Editor) Replace(start, end int, s string) {
	e.save(false)
	e.text = e.text[:start] + s + e.text[end:]
	e.cursor = start + len(s)
	e.settle()
}

// editAction is one editing command.
type editAction func(e *Editor)

// editKeys binds keys to editing commands, as readline's emacs mode does.
// Keys the editor does not own (Enter, Tab, Up, Ctrl-R, Ctrl-C, Ctrl-D…)
// are the Model's.
var editKeys = map[string]editAction{
	"ctrl+a": (*Editor).lineStart, "home": (*Editor).lineStart,
	"ctrl+e": (*Editor).lineEnd, "end": (*Editor).lineEnd,
	"ctrl+b": (*Editor).left, "left": (*Editor).left,
	"ctrl+f": (*Editor).right, "right": (*Editor).right,
	"alt+b": (*Editor).wordLeft, "ctrl+left": (*Editor).wordLeft, "alt+left": (*Editor).wordLeft,
	"alt+f": (*Editor).wordRight, "ctrl+right": (*Editor).wordRight, "alt+right": (*Editor).wordRight,
	"backspace": (*Editor).deleteBack, "ctrl+h": (*Editor).deleteBack,
	"delete":        (*Editor).DeleteForward,
	"ctrl+k":        (*Editor).killEnd,
	"ctrl+u":        (*Editor).killStart,
	"ctrl+w":        (*Editor).killBigWordBack,
	"alt+backspace": (*Editor).killWordBack, "ctrl+backspace": (*Editor).killWordBack,
	"alt+d": (*Editor).killWordForward, "alt+delete": (*Editor).killWordForward,
	"ctrl+y": (*Editor).yank,
	"alt+y":  (*Editor).yankPop,
	"ctrl+t": (*Editor).transpose,
	"ctrl+_": (*Editor).Undo, "ctrl+/": (*Editor).Undo,
}

// HandleKey applies an editing key and reports whether it was one: a
// binding in editKeys, or text to type.
func (e *Editor) HandleKey(k tea.KeyPressMsg) bool {
	if act, ok := editKeys[k.String()]; ok {
		act(e)
		return true
	}
	if k.Text != "" && k.Mod&^tea.ModShift == 0 {
		e.Insert(k.Text)
		return true
	}
	return false
}

// graphemeBefore returns the offset of the grapheme boundary before i.
func (e *Editor) graphemeBefore(i int) int {
	if i <= 0 {
		return 0
	}
	prev, state := 0, -1
	rest := e.text
	pos := 0
	for len(rest) > 0 && pos < i {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		prev = pos
		pos += len(cluster)
	}
	return prev
}

// graphemeAfter returns the offset of the grapheme boundary after i.
func (e *Editor) graphemeAfter(i int) int {
	if i >= len(e.text) {
		return len(e.text)
	}
	cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(e.text[i:], -1)
	return i + len(cluster)
}

func (e *Editor) left()  { e.cursor = e.graphemeBefore(e.cursor); e.settle() }
func (e *Editor) right() { e.cursor = e.graphemeAfter(e.cursor); e.settle() }

// lineStart and lineEnd move within the current line of a multi-line text.
func (e *Editor) lineStart() { e.cursor = e.lineStartOf(e.cursor); e.settle() }
func (e *Editor) lineEnd()   { e.cursor = e.lineEndOf(e.cursor); e.settle() }

func (e *Editor) lineStartOf(i int) int { return strings.LastIndexByte(e.text[:i], '\n') + 1 }

func (e *Editor) lineEndOf(i int) int {
	if j := strings.IndexByte(e.text[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(e.text)
}

// Line is the cursor's line, 0-based.
func (e *Editor) Line() int { return strings.Count(e.text[:e.cursor], "\n") }

// VerticalMove moves the cursor to the line above (dir -1) or below (+1),
// at the same column in cells as far as that line allows, and reports
// whether there was such a line.
func (e *Editor) VerticalMove(dir int) bool {
	start := e.lineStartOf(e.cursor)
	col := ansi.StringWidth(e.text[start:e.cursor])
	var target int
	switch {
	case dir < 0 && start > 0:
		target = e.lineStartOf(start - 1)
	case dir > 0 && e.lineEndOf(e.cursor) < len(e.text):
		target = e.lineEndOf(e.cursor) + 1
	default:
		return false
	}
	end := e.lineEndOf(target)
	pos, w := target, 0
	for pos < end {
		next := e.graphemeAfter(pos)
		cw := ansi.StringWidth(e.text[pos:next])
		if w+cw > col {
			break
		}
		w += cw
		pos = next
	}
	e.cursor = pos
	e.settle()
	return true
}

// isWordRune is readline's word character: letters and digits.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordStartBefore is where alt+b lands: the start of the word before i.
func (e *Editor) wordStartBefore(i int) int {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(e.text[:i])
		if isWordRune(r) {
			break
		}
		i -= n
	}
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(e.text[:i])
		if !isWordRune(r) {
			break
		}
		i -= n
	}
	return i
}

// wordEndAfter is where alt+f lands: the end of the word after i.
func (e *Editor) wordEndAfter(i int) int {
	for i < len(e.text) {
		r, n := utf8.DecodeRuneInString(e.text[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	for i < len(e.text) {
		r, n := utf8.DecodeRuneInString(e.text[i:])
		if !isWordRune(r) {
			break
		}
		i += n
	}
	return i
}

func (e *Editor) wordLeft()  { e.cursor = e.wordStartBefore(e.cursor); e.settle() }
func (e *Editor) wordRight() { e.cursor = e.wordEndAfter(e.cursor); e.settle() }

func (e *Editor) deleteBack() {
	if e.cursor == 0 {
		return
	}
	e.save(false)
	start := e.graphemeBefore(e.cursor)
	e.text = e.text[:start] + e.text[e.cursor:]
	e.cursor = start
	e.settle()
}

// DeleteForward deletes the grapheme under the cursor (Delete, and Ctrl-D
// on a line that is not empty).
func (e *Editor) DeleteForward() {
	if e.cursor >= len(e.text) {
		return
	}
	e.save(false)
	end := e.graphemeAfter(e.cursor)
	e.text = e.text[:e.cursor] + e.text[end:]
	e.settle()
}

// kill removes text[start:end] into the kill ring. Consecutive kills make
// one ring entry, as in readline, so Ctrl-W Ctrl-W then Ctrl-Y puts both
// words back.
func (e *Editor) kill(start, end int, dir int) {
	if start == end {
		e.lastKill = dir
		return
	}
	e.save(false)
	cut := e.text[start:end]
	if e.lastKill != 0 && len(e.ring) > 0 {
		last := len(e.ring) - 1
		if dir < 0 {
			e.ring[last] = cut + e.ring[last]
		} else {
			e.ring[last] += cut
		}
	} else {
		e.ring = append(e.ring, cut)
		if len(e.ring) > maxRing {
			e.ring = e.ring[1:]
		}
	}
	e.text = e.text[:start] + e.text[end:]
	e.cursor = start
	e.lastKill = dir
	e.yanked = [2]int{}
	e.lastInsert = false
}

// killEnd is Ctrl-K: to the end of the line, or the newline at its end.
func (e *Editor) killEnd() {
	end := e.lineEndOf(e.cursor)
	if end == e.cursor && end < len(e.text) {
		end++
	}
	e.kill(e.cursor, end, 1)
}

// killStart is Ctrl-U: to the start of the line.
func (e *Editor) killStart() { e.kill(e.lineStartOf(e.cursor), e.cursor, -1) }

// killBigWordBack is Ctrl-W: the whitespace-delimited word before the
// cursor (readline's unix-word-rubout), so "rm -rf ./build" loses
// "./build" whole.
func (e *Editor) killBigWordBack() {
	i := e.cursor
	for i > 0 && (e.text[i-1] == ' ' || e.text[i-1] == '\t') {
		i--
	}
	for i > 0 && e.text[i-1] != ' ' && e.text[i-1] != '\t' && e.text[i-1] != '\n' {
		i--
	}
	e.kill(i, e.cursor, -1)
}

// killWordBack is Alt-Backspace: the letters-and-digits word before the
// cursor.
func (e *Editor) killWordBack() { e.kill(e.wordStartBefore(e.cursor), e.cursor, -1) }

// killWordForward is Alt-D.
func (e *Editor) killWordForward() { e.kill(e.cursor, e.wordEndAfter(e.cursor), 1) }

// yank is Ctrl-Y: the last killed text, at the cursor.
func (e *Editor) yank() {
	if len(e.ring) == 0 {
		return
	}
	e.yankIdx = len(e.ring) - 1
	e.insertYank(e.ring[e.yankIdx])
}

// yankPop is Alt-Y right after a yank: replace what was yanked with the
// kill before it.
func (e *Editor) yankPop() {
	if e.yanked[1] == 0 || len(e.ring) < 2 {
		return
	}
	e.yankIdx = (e.yankIdx - 1 + len(e.ring)) % len(e.ring)
	e.text = e.text[:e.yanked[0]] + e.text[e.yanked[1]:]
	e.cursor = e.yanked[0]
	e.insertYank(e.ring[e.yankIdx])
}

func (e *Editor) insertYank(s string) {
	e.save(false)
	start := e.cursor
	e.text = e.text[:start] + s + e.text[start:]
	e.cursor = start + len(s)
	e.lastKill = 0
	e.lastInsert = false
	e.yanked = [2]int{start, e.cursor}
}

// transpose is Ctrl-T: swap the graphemes before and at the cursor (the
// two before it at the end of the line) and move past them.
func (e *Editor) transpose() {
	if len(e.text) < 2 || e.cursor == 0 {
		return
	}
	at := e.cursor
	if at == e.lineEndOf(at) {
		at = e.graphemeBefore(at)
	}
	if at == e.lineStartOf(at) {
		return
	}
	a := e.graphemeBefore(at)
	b := e.graphemeAfter(at)
	e.save(false)
	e.text = e.text[:a] + e.text[at:b] + e.text[a:at] + e.text[b:]
	e.cursor = b
	e.settle()
}

// Undo is Ctrl-_: back one change.
func (e *Editor) Undo() {
	n := len(e.undo)
	if n == 0 {
		return
	}
	s := e.undo[n-1]
	e.undo = e.undo[:n-1]
	e.text, e.cursor = s.text, s.cursor
	e.settle()
}
