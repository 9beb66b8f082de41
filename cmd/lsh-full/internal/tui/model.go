package tui

import (
	"context"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/llamashell/lsh/shell/history"
)

// Options configure the TUI's model.
type Options struct {
	Backend Backend
	// History is the persistent history; nil keeps none.
	History *history.Store
	// Styles are the colours; nil uses the dark theme.
	Styles *Styles
	// Now is the clock for the prompt's time escapes and the spinner's
	// elapsed time; nil is time.Now.
	Now func() time.Time
}

// state is which screen the model shows.
type state int

const (
	stateEdit    state = iota // the prompt and the line being typed
	stateSearch               // Ctrl-R
	stateResolve              // a request being understood: the spinner
	stateConfirm              // the confirm card
	stateRun                  // a command has the terminal
)

// Model is the interactive shell's screen: the prompt and editor, and the
// history search, completion list, spinner and confirm card that take
// turns under or in place of it. It owns what is shown and which keys do
// what; everything about shell code and requests it asks its Backend.
type Model struct {
	b     Backend
	hist  *history.Store
	st    *Styles
	now   func() time.Time
	width int

	state state
	ed    Editor
	facts Facts
	class Class // of the line being typed
	// fromRequest is the request the line on the editor came from (the
	// card's edit key, or a recalled history entry): the line is saved
	// with it when it runs.
	fromRequest string

	nav    historyNav
	search *search
	comp   *completion
	res    *resolving
	card   *confirmCard
	echo   string // the prompt and line of the request the spinner or card is about
	seq    int    // request counter: a reply to a cancelled request is dropped
	eofs   int    // consecutive Ctrl-D under ignoreeof
	cache  map[string]bool
}

// InterruptMsg is SIGINT received while no command runs (someone ran
// `kill -INT` on lsh): it drops the line as Ctrl-C does.
type InterruptMsg struct{}

// doneMsg says a command run from the TUI ended.
type doneMsg struct {
	out Outcome
	err error
}

// New makes the model.
func New(o Options) *Model {
	st := o.Styles
	if st == nil {
		st, _ = NewStyles(StyleOptions{Dark: true})
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	m := &Model{b: o.Backend, hist: o.History, st: st, now: now, width: 80}
	m.facts = m.b.Facts()
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		m.paste(msg.Content)
	case InterruptMsg:
		if m.state == stateEdit || m.state == stateSearch {
			m.state = stateEdit
			return m, m.cancelLine()
		}
		return m, m.key(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	case inputErrorMsg:
		return m, Sequence(Println(m.st.Error.Render("lsh: the terminal went away: "+msg.err.Error())), tea.Quit)
	case doneMsg:
		return m, m.finished(msg)
	case resolvedMsg:
		return m, m.resolved(msg)
	case progressMsg:
		if m.state == stateResolve && m.res != nil && msg.id == m.res.id {
			m.res.progress = msg.p
			return m, m.res.waitProgress()
		}
	case spinner.TickMsg:
		if m.state == stateResolve && m.res != nil {
			var cmd tea.Cmd
			m.res.spin, cmd = m.res.spin.Update(msg)
			return m, cmd
		}
	case explainedMsg:
		if m.state == stateConfirm && m.card != nil && msg.id == m.seq {
			m.card.explaining = false
			m.card.explanation = msg.text
			if msg.err != nil {
				m.card.explanation = m.st.Error.Render(msg.err.Error())
			}
		}
	}
	return m, nil
}

// key dispatches a key press to the screen shown.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	switch m.state {
	case stateSearch:
		return m.searchKey(k)
	case stateResolve:
		switch k.String() {
		case "esc", "ctrl+c", "ctrl+g":
			line := m.res.line
			m.res.cancel()
			m.res = nil
			m.state = stateEdit
			m.ed.SetValue(line)
			m.reclassify()
		}
		return nil
	case stateConfirm:
		return m.confirmKey(k)
	case stateRun:
		return nil
	}
	return m.editKey(k)
}

func (m *Model) editKey(k tea.KeyPressMsg) tea.Cmd {
	s := k.String()
	if m.comp != nil && s != "tab" && s != "shift+tab" {
		if s == "esc" || s == "ctrl+g" {
			m.ed.Replace(m.comp.word.start, m.comp.word.end, m.comp.original)
			m.comp = nil
			return nil
		}
		m.comp = nil
	}
	switch s {
	case "up", "ctrl+p", "down", "ctrl+n":
	default:
		m.nav.stop()
	}
	if s != "ctrl+d" {
		m.eofs = 0
	}
	switch s {
	case "enter", "ctrl+j":
		return m.accept()
	case "alt+enter":
		m.ed.Insert("\n")
	case "tab":
		m.complete(1)
		return nil
	case "shift+tab":
		m.complete(-1)
		return nil
	case "up", "ctrl+p":
		m.recall(-1)
	case "down", "ctrl+n":
		m.recall(1)
	case "ctrl+r", "ctrl+s":
		m.startSearch()
		return nil
	case "ctrl+c":
		return m.cancelLine()
	case "ctrl+d":
		if m.ed.Value() == "" {
			return m.endOfFile()
		}
		m.ed.DeleteForward()
	case "ctrl+l":
		return ClearScreen
	case "esc", "ctrl+g":
	default:
		if !m.ed.HandleKey(k) {
			return nil
		}
	}
	m.reclassify()
	return nil
}

// reclassify asks how the line typed would be treated, for the hint.
func (m *Model) reclassify() {
	if strings.TrimSpace(m.ed.Value()) == "" {
		m.class = Class{}
		m.fromRequest = ""
		return
	}
	m.class = m.b.Classify(m.ed.Value())
}

func (m *Model) paste(text string) {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	text = strings.TrimSuffix(text, "\n")
	switch m.state {
	case stateEdit:
		m.comp = nil
		m.nav.stop()
		m.ed.Insert(text)
		m.reclassify()
	case stateSearch:
		line, _, _ := strings.Cut(text, "\n")
		m.search.setQuery(m.search.query + line)
	case stateConfirm:
		m.card.paste(text)
	}
}

// accept is Enter: another line for a command the parser says is not
// finished, else run the line or resolve the request.
func (m *Model) accept() tea.Cmd {
	line := m.ed.Value()
	if strings.TrimSpace(line) == "" {
		echo, _ := m.editView()
		m.ed.Reset()
		m.reclassify()
		if notes := m.b.Notices(); len(notes) > 0 {
			echo += "\n" + strings.Join(notes, "\n")
		}
		m.facts = m.b.Facts()
		return Println(echo)
	}
	c := m.b.Classify(line)
	m.class = c
	if c.Incomplete {
		m.ed.Replace(len(line), len(line), "\n")
		return nil
	}
	echo, _ := m.editView()
	request := m.fromRequest
	m.ed.Reset()
	m.fromRequest = ""
	if c.Natural {
		return m.startResolve(line, c, echo)
	}
	return m.runShell(line, request, echo)
}

// runShell prints the line into the scrollback and runs it.
func (m *Model) runShell(line, request, echo string) tea.Cmd {
	m.state = stateRun
	b, hist := m.b, m.hist
	run := &runCommand{run: func() Outcome {
		if hist != nil {
			hist.Add(history.Entry{Command: line, Request: request})
		}
		out := b.Run(context.Background(), line)
		if hist != nil {
			hist.Refresh()
		}
		return out
	}}
	return Sequence(Println(echo), Exec(run, run.done))
}

// ranEcho is what stays in the scrollback for a request whose command
// runs: the request, and the command under it.
func (m *Model) ranEcho(command string) string {
	return m.echo + "\n" + m.st.Dim.Render("  → ") + strings.Join(m.st.Highlight(command, m.resolves), "\n    ")
}

// perform runs a confirmed proposal, saving its command with the request.
func (m *Model) perform(p Proposal, request, echo string) tea.Cmd {
	m.state = stateRun
	m.card = nil
	b, hist := m.b, m.hist
	cmdline := p.Command
	run := &runCommand{run: func() Outcome {
		if hist != nil {
			hist.Add(history.Entry{Command: cmdline, Request: request})
		}
		out := b.Perform(context.Background(), p)
		if hist != nil {
			hist.Refresh()
		}
		return out
	}}
	return Sequence(Println(echo), Exec(run, run.done))
}

// runCommand is a command the Program runs with the terminal released.
// The shell session already writes to the terminal, so the streams the
// Program offers are not needed.
type runCommand struct {
	run func() Outcome
	out Outcome
}

func (r *runCommand) Run() error             { r.out = r.run(); return nil }
func (r *runCommand) SetStdin(io.Reader)     {}
func (r *runCommand) SetStdout(io.Writer)    {}
func (r *runCommand) SetStderr(io.Writer)    {}
func (r *runCommand) done(err error) tea.Msg { return doneMsg{out: r.out, err: err} }

// finished comes back to the prompt after a command.
func (m *Model) finished(d doneMsg) tea.Cmd {
	m.state = stateEdit
	m.card, m.res = nil, nil
	m.cache = nil
	var cmds []tea.Cmd
	for _, err := range []error{d.out.Err, d.err} {
		if err != nil {
			cmds = append(cmds, Println(m.st.Error.Render("lsh: "+err.Error())))
		}
	}
	// Notices first: taking them forgets the jobs they report, which the
	// prompt then no longer counts.
	if notes := m.b.Notices(); len(notes) > 0 {
		cmds = append(cmds, Println(strings.Join(notes, "\n")))
	}
	m.facts = m.b.Facts()
	m.reclassify()
	if d.out.Exited {
		cmds = append(cmds, tea.Quit)
	}
	return Sequence(cmds...)
}

// cancelLine is Ctrl-C: the line stays in the scrollback with ^C after
// it, and a new prompt starts, as bash does.
func (m *Model) cancelLine() tea.Cmd {
	m.comp = nil
	m.nav.stop()
	m.search = nil
	echo, _ := m.editView()
	m.ed.Reset()
	m.fromRequest = ""
	m.reclassify()
	return Println(echo + m.st.Dim.Render("^C"))
}

// endOfFile is Ctrl-D on an empty line: the shell ends, unless ignoreeof.
func (m *Model) endOfFile() tea.Cmd {
	if m.facts.IgnoreEOF && m.eofs < 10 {
		m.eofs++
		return Println(`Use "exit" to leave the shell.`)
	}
	echo, _ := m.editView()
	m.state = stateRun
	return Sequence(Println(echo+"exit"), tea.Quit)
}

// recall is Up (dir -1) and Down (+1): a line up or down in a multi-line
// command, else through the history.
func (m *Model) recall(dir int) {
	if !m.nav.active && m.ed.VerticalMove(dir) {
		return
	}
	if m.hist == nil {
		return
	}
	if !m.nav.active {
		m.hist.Refresh()
		m.nav.start(m.hist.Recall(), m.ed.Value(), m.ed.Cursor() == len(m.ed.Value()))
	}
	text, e, ok := m.nav.step(dir, m.ed.Value())
	if !ok {
		return
	}
	m.ed.SetValue(text)
	m.fromRequest = ""
	if e != nil {
		m.fromRequest = e.Request
	}
	m.class = Class{}
	if strings.TrimSpace(text) != "" {
		m.class = m.b.Classify(text)
	}
}

func (m *Model) startSearch() {
	if m.hist == nil {
		return
	}
	m.hist.Refresh()
	m.search = newSearch(m.hist.All(), m.ed.Value())
	m.state = stateSearch
}

func (m *Model) searchKey(k tea.KeyPressMsg) tea.Cmd {
	s := m.search
	take := func() {
		if e := s.found(); e != nil {
			m.ed.SetValue(e.Command)
			m.fromRequest = e.Request
		} else {
			m.ed.SetValue(s.original)
		}
		m.search = nil
		m.state = stateEdit
		m.reclassify()
	}
	switch k.String() {
	case "ctrl+r":
		s.older()
	case "ctrl+s":
		s.newer()
	case "backspace", "ctrl+h":
		if q := []rune(s.query); len(q) > 0 {
			s.setQuery(string(q[:len(q)-1]))
		}
	case "esc", "ctrl+g":
		m.ed.SetValue(s.original)
		m.search = nil
		m.state = stateEdit
		m.reclassify()
	case "ctrl+c":
		m.search = nil
		m.state = stateEdit
		m.ed.SetValue(s.original)
		return m.cancelLine()
	case "enter", "ctrl+j":
		take()
		if s.found() == nil {
			return nil
		}
		return m.accept()
	default:
		if k.Text != "" && k.Mod&^tea.ModShift == 0 {
			s.setQuery(s.query + k.Text)
			return nil
		}
		// Any other key takes the match to the editor and acts there.
		take()
		return m.editKey(k)
	}
	return nil
}

// complete is Tab (dir 1) and Shift-Tab (-1); see complete.go.
func (m *Model) complete(dir int) {
	if c := m.comp; c != nil && len(c.candidates) > 1 {
		n := len(c.candidates)
		if c.selected < 0 && dir < 0 {
			c.selected = n - 1
		} else {
			c.selected = (c.selected + dir + n) % n
		}
		ins := c.word.insertion(c.candidates[c.selected].Text, false)
		m.ed.Replace(c.word.start, c.word.end, ins)
		c.word.end = c.word.start + len(ins)
		return
	}
	line, cur := m.ed.Value(), m.ed.Cursor()
	w := wordAtCursor(line, cur, m.resolves)
	var cands []Candidate
	for _, c := range m.b.Complete(Query{Word: w.value, Kind: w.kind}) {
		if strings.HasPrefix(c.Text, w.value) {
			cands = append(cands, c)
		}
	}
	cands = sortCandidates(cands)
	switch len(cands) {
	case 0:
		return
	case 1:
		m.ed.Replace(w.start, w.end, w.insertion(cands[0].Text, true))
	default:
		if p := commonPrefix(cands); len(p) > len(w.value) {
			m.ed.Replace(w.start, w.end, w.insertion(p, false))
			return
		}
		m.comp = &completion{word: w, original: line[w.start:w.end], candidates: cands, selected: -1}
	}
	m.reclassify()
}

// resolves says whether a command word runs something, remembering the
// answers until the next command (which may change PATH or define
// functions).
func (m *Model) resolves(name string) bool {
	if v, ok := m.cache[name]; ok {
		return v
	}
	if m.cache == nil {
		m.cache = make(map[string]bool)
	}
	v := m.b.Resolves(name)
	m.cache[name] = v
	return v
}

// startResolve shows the spinner and asks the backend to understand the
// request.
func (m *Model) startResolve(line string, c Class, echo string) tea.Cmd {
	m.seq++
	ctx, cancel := context.WithCancel(context.Background())
	r := newResolving(m.seq, c, line, m.st, m.now())
	r.cancel = cancel
	m.res, m.echo, m.state = r, echo, stateResolve
	hist := m.hist
	save := func() {
		if hist != nil {
			hist.Add(history.Entry{Command: line})
		}
	}
	return tea.Batch(r.understand(ctx, m.b, save), r.waitProgress(), r.spin.Tick)
}

// resolved acts on the intent a request became.
func (m *Model) resolved(msg resolvedMsg) tea.Cmd {
	if m.state != stateResolve || m.res == nil || msg.id != m.res.id {
		return nil // cancelled
	}
	r := m.res
	r.cancel()
	m.res = nil
	if msg.err != nil {
		m.state = stateEdit
		m.ed.SetValue(r.line)
		m.reclassify()
		return Println(m.echo + "\n" + m.st.Error.Render("lsh: "+msg.err.Error()))
	}
	in := msg.prop
	if len(in.Warnings) > 0 {
		var w []string
		for _, s := range in.Warnings {
			w = append(w, m.st.Error.Render("lsh: ")+s)
		}
		m.echo += "\n" + strings.Join(w, "\n")
	}
	switch in.Kind {
	case KindShell:
		return m.runShell(in.Command, "", m.echo)
	case KindCommand, KindAction:
		if in.Proceed {
			return m.perform(in, r.class.Request, m.ranEcho(in.Command))
		}
		m.card = newConfirmCard(in, r.class, r.line)
		m.state = stateConfirm
		return nil
	case KindClarify:
		// A question back: the request stays on the line to be completed.
		m.state = stateEdit
		m.ed.SetValue(r.line)
		m.reclassify()
		return Println(m.echo + "\n" + m.st.Answer.Render(wrap(in.Text, max(m.width-1, 20))))
	default:
		m.state = stateEdit
		m.reclassify()
		return Println(m.echo + "\n" + m.st.Answer.Render(wrap(in.Text, max(m.width-1, 20))))
	}
}

func (m *Model) confirmKey(k tea.KeyPressMsg) tea.Cmd {
	c := m.card
	switch c.key(k) {
	case choiceRun:
		return m.perform(c.prop, c.class.Request, m.ranEcho(c.command()))
	case choiceEdit:
		m.state = stateEdit
		m.ed.SetValue(c.command())
		m.fromRequest = c.class.Request
		m.card = nil
		m.reclassify()
		return Println(m.echo)
	case choiceExplain:
		if c.explaining || c.explanation != "" {
			return nil
		}
		c.explaining = true
		id, b, cmdline := m.seq, m.b, c.command()
		return func() tea.Msg {
			text, err := b.Explain(context.Background(), cmdline)
			return explainedMsg{id: id, text: text, err: err}
		}
	case choiceRunTyped:
		m.card = nil
		return m.runShell(c.line, "", m.echo)
	case choiceCancel:
		m.state = stateEdit
		m.card = nil
		m.reclassify()
		return Println(m.echo + "\n" + m.st.Dim.Render("  cancelled"))
	}
	return nil
}

// editView draws the prompt and the line, and says where the cursor is.
func (m *Model) editView() (string, *tea.Cursor) {
	prompt := m.st.renderPrompt(m.facts, m.class.Natural, m.now())
	plines := strings.Split(prompt, "\n")
	text := m.ed.Value()
	var lines []string
	if m.class.Natural {
		for _, l := range strings.Split(text, "\n") {
			lines = append(lines, render(m.st.Natural, visible(l)))
		}
	} else {
		lines = m.st.Highlight(text, m.resolves)
	}
	cont := m.st.Dim.Render("> ")
	var b strings.Builder
	for i, pl := range plines[:len(plines)-1] {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(pl)
	}
	if len(plines) > 1 {
		b.WriteByte('\n')
	}
	last := plines[len(plines)-1]
	for i, l := range lines {
		if i == 0 {
			b.WriteString(last)
		} else {
			b.WriteString("\n" + cont)
		}
		b.WriteString(l)
	}
	cur := m.ed.Cursor()
	y := len(plines) - 1 + m.ed.Line()
	start := strings.LastIndexByte(text[:cur], '\n') + 1
	x := textWidth(text[start:cur])
	if start == 0 {
		x += textWidth(stripANSI(last))
	} else {
		x += 2
	}
	return b.String(), tea.NewCursor(x, y)
}

// View implements tea.Model.
func (m *Model) View() tea.View {
	var v tea.View
	switch m.state {
	case stateRun:
		return v
	case stateEdit:
		content, cur := m.editView()
		if m.comp != nil {
			content += "\n" + m.comp.view(m.st, m.width)
		}
		v.SetContent(content)
		v.Cursor = cur
	case stateSearch:
		content, x := m.search.view(m.st)
		v.SetContent(content)
		v.Cursor = tea.NewCursor(x, 0)
	case stateResolve:
		v.SetContent(m.echo + "\n" + m.res.view(m.st, m.width, m.now()))
	case stateConfirm:
		card := m.card.view(m.st, m.width, m.resolves)
		v.SetContent(m.echo + "\n" + card)
		if x, y, ok := m.card.cursor(card); ok {
			v.Cursor = tea.NewCursor(x, y+strings.Count(m.echo, "\n")+1)
		}
	}
	return v
}
