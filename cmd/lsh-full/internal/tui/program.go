package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/muesli/cancelreader"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// Program runs a tea.Model on a terminal, inline, as tea.Program does,
// with one difference that matters for a shell: it does nothing until a
// message arrives. Input is read by a goroutine blocked in epoll, the
// window size comes with SIGWINCH, and the view is drawn right after the
// Update that changed it; there is no frame ticker. A model that wants
// time to pass (the spinner) asks with tea.Tick, only while it needs to.
//
// Besides what the model's commands return, Program acts on the messages
// of this package's commands: Println, Exec, ClearScreen and Sequence.
// It passes tea.KeyPressMsg, tea.PasteMsg and tea.WindowSizeMsg to the
// model; tea.QuitMsg ends it; tea.BatchMsg runs its commands. Bubble
// Tea's own tea.Sequence, tea.Println and tea.Exec return messages of
// unexported types that only tea.Program understands: models run here use
// this package's Sequence, Println and Exec instead.
type Program struct {
	model   tea.Model
	in, out *os.File
	term    string

	msgs   chan tea.Msg
	done   chan struct{}
	ctx    context.Context // cancelled when Run returns
	cancel context.CancelFunc

	ren *renderer
	// cooked is the terminal's normal mode, which commands run in: as
	// before Run, then as each command left it (so `stty` sticks, as in
	// bash), unless a command left it without line editing (a program
	// that crashed in raw mode must not break the next one).
	cooked *unix.Termios
	input  *inputLoop
	width  int
	height int
	mark   string // the missing-newline mark, styled
}

// ProgramOptions configure a Program.
type ProgramOptions struct {
	// Profile is the terminal's colour profile; styles are downsampled to
	// it. Zero detects it from out and the environment.
	Profile colorprofile.Profile
	// Mark is shown after command output that did not end with a newline,
	// before the prompt moves to a line of its own ("" draws none).
	Mark string
}

// NewProgram prepares m to run on the terminal in/out.
func NewProgram(m tea.Model, in, out *os.File, opts ProgramOptions) *Program {
	p := &Program{
		model: m, in: in, out: out, term: os.Getenv("TERM"),
		msgs: make(chan tea.Msg, 256),
		done: make(chan struct{}),
		mark: opts.Mark,
	}
	prof := opts.Profile
	if prof == colorprofile.Unknown {
		prof = colorprofile.Detect(out, os.Environ())
	}
	var w io.Writer = out
	if prof < colorprofile.TrueColor {
		w = &colorprofile.Writer{Forward: out, Profile: prof}
	}
	p.ren = newRenderer(w, 80, 24)
	return p
}

// Send delivers a message to the model; after Run returned it does
// nothing.
func (p *Program) Send(msg tea.Msg) {
	select {
	case p.msgs <- msg:
	case <-p.done:
	}
}

// Messages of this package's commands.
type (
	printMsg       string
	clearScreenMsg struct{}
	sequenceMsg    []tea.Cmd
	execMsg        struct {
		cmd tea.ExecCommand
		fn  tea.ExecCallback
	}
)

// Println prints text above the live area, where it stays in the
// scrollback as the terminal's own output does.
func Println(text string) tea.Cmd { return func() tea.Msg { return printMsg(text) } }

// Exec runs c with the terminal released to it: normal (cooked) mode, no
// input read by the TUI, the cursor visible. Its standard streams are the
// terminal's. When it returns, the TUI takes the terminal back and fn's
// message goes to the model.
func Exec(c tea.ExecCommand, fn tea.ExecCallback) tea.Cmd {
	return func() tea.Msg { return execMsg{c, fn} }
}

// ClearScreen clears the screen and draws the view at its top (Ctrl-L).
func ClearScreen() tea.Msg { return clearScreenMsg{} }

// Sequence runs commands one after the other, each message delivered
// before the next command runs: Println then Exec prints, then runs.
func Sequence(cmds ...tea.Cmd) tea.Cmd {
	var out []tea.Cmd
	for _, c := range cmds {
		if c != nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return func() tea.Msg { return sequenceMsg(out) }
}

// Run takes the terminal, runs the model until it quits, and gives the
// terminal back in its normal mode.
func (p *Program) Run() (tea.Model, error) {
	p.ctx, p.cancel = context.WithCancel(context.Background())
	defer p.cancel()
	defer close(p.done)
	fd := int(p.in.Fd())
	cooked, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return p.model, fmt.Errorf("tui: reading the terminal's mode: %w", err)
	}
	p.cooked = cooked
	if _, err := term.MakeRaw(fd); err != nil {
		return p.model, fmt.Errorf("tui: raw mode: %w", err)
	}
	defer func() { unix.IoctlSetTermios(fd, unix.TCSETS, p.cooked) }()

	p.width, p.height = 80, 24
	if w, h, err := term.GetSize(int(p.out.Fd())); err == nil && w > 0 && h > 0 {
		p.width, p.height = w, h
	}
	p.ren.resize(p.width, p.height)
	p.ren.write("\x1b[?2004h") // bracketed paste
	defer p.ren.write("\x1b[?2004l\x1b[?25h")

	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	go func() {
		for {
			select {
			case <-winch:
				if w, h, err := term.GetSize(int(p.out.Fd())); err == nil && w > 0 && h > 0 {
					p.Send(tea.WindowSizeMsg{Width: w, Height: h})
				}
			case <-p.done:
				return
			}
		}
	}()

	if err := p.startInput(); err != nil {
		return p.model, err
	}
	defer func() { p.stopInput() }()

	p.update(tea.WindowSizeMsg{Width: p.width, Height: p.height})
	p.run(p.model.Init())
	p.ren.render(p.model.View())

	for {
		msg := <-p.msgs
		if quit := p.handle(msg); quit {
			break
		}
		// Draw once the queue is empty: a burst of keys (typing fast, a
		// paste without bracketed paste) costs one redraw.
		if len(p.msgs) == 0 {
			p.ren.render(p.model.View())
		}
	}
	p.ren.render(p.model.View())
	if p.ren.rows > 0 {
		// Leave the last frame in the scrollback, the cursor below it.
		if down := p.ren.rows - 1 - p.ren.curRow; down > 0 {
			p.ren.buf.WriteString("\x1b[" + strconv.Itoa(down) + "B")
		}
		p.ren.write("\r\n")
	}
	return p.model, nil
}

// handle acts on one message and reports whether the program ends.
func (p *Program) handle(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case nil:
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			p.run(c)
		}
	case sequenceMsg:
		go p.runSequence(msg)
	case printMsg:
		p.ren.printAbove(string(msg))
	case clearScreenMsg:
		p.ren.clearScreen()
	case execMsg:
		p.exec(msg)
	case tea.WindowSizeMsg:
		p.width, p.height = msg.Width, msg.Height
		p.ren.resize(msg.Width, msg.Height)
		p.update(msg)
	default:
		p.update(msg)
	}
	return false
}

func (p *Program) update(msg tea.Msg) {
	var cmd tea.Cmd
	p.model, cmd = p.model.Update(msg)
	p.run(cmd)
}

// run runs a command in its own goroutine; its message comes back through
// Send.
func (p *Program) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { p.Send(cmd()) }()
}

func (p *Program) runSequence(cmds sequenceMsg) {
	for _, c := range cmds {
		msg := c()
		switch m := msg.(type) {
		case sequenceMsg:
			p.runSequence(m)
		case tea.BatchMsg:
			for _, c := range m {
				p.run(c)
			}
		case nil:
		default:
			p.Send(msg)
		}
	}
}

// exec hands the terminal to a command and takes it back.
func (p *Program) exec(m execMsg) {
	p.ren.release()
	p.ren.write("\x1b[?2004l")
	pending := p.stopInput()
	fd := int(p.in.Fd())
	unix.IoctlSetTermios(fd, unix.TCSETS, p.cooked)

	m.cmd.SetStdin(p.in)
	m.cmd.SetStdout(p.out)
	m.cmd.SetStderr(os.Stderr)
	err := m.cmd.Run()

	if now, gerr := unix.IoctlGetTermios(fd, unix.TCGETS); gerr == nil && now.Lflag&unix.ICANON != 0 {
		p.cooked = now
	}
	if _, rerr := term.MakeRaw(fd); rerr != nil && err == nil {
		err = fmt.Errorf("tui: raw mode: %w", rerr)
	}
	p.markMissingNewline()
	p.ren.restart()
	p.ren.write("\x1b[?2004h")
	if w, h, serr := term.GetSize(int(p.out.Fd())); serr == nil && (w != p.width || h != p.height) && w > 0 && h > 0 {
		p.handle(tea.WindowSizeMsg{Width: w, Height: h})
	}
	if ierr := p.startInput(); ierr != nil && err == nil {
		err = ierr
	}
	if m.fn != nil {
		p.update(m.fn(err))
	}
	for _, msg := range pending {
		p.handle(msg)
	}
}

// markMissingNewline puts the prompt on a line of its own after output
// that did not end with a newline, as zsh does: it prints the mark and
// then spaces to the end of the row, then returns to the start of the
// row. At the start of a row that fills the row exactly, so the return
// lands on it again and the prompt covers the mark; in the middle of a
// row the spaces wrap, and the mark stays after the output.
func (p *Program) markMissingNewline() {
	if p.mark == "" || p.width < 2 {
		return
	}
	p.ren.write(p.mark + strings.Repeat(" ", p.width-1) + "\r")
}

// inputLoop reads the terminal and sends what it decodes.
type inputLoop struct {
	cr      cancelreader.CancelReader
	done    chan struct{}
	stopped atomic.Bool // stopInput stopped it (rather than the terminal ending)
}

func (p *Program) startInput() error {
	cr, err := uv.NewCancelReader(p.in)
	if err != nil {
		return fmt.Errorf("tui: reading the terminal: %w", err)
	}
	l := &inputLoop{cr: cr, done: make(chan struct{})}
	events := make(chan uv.Event)
	reader := uv.NewTerminalReader(cr, p.term)
	stop := make(chan struct{})
	go func() {
		defer close(l.done)
		defer close(stop)
		err := reader.StreamEvents(p.ctx, events)
		if l.stopped.Load() || p.ctx.Err() != nil {
			return
		}
		if err == nil || errors.Is(err, cancelreader.ErrCanceled) {
			err = io.EOF
		}
		go p.Send(inputErrorMsg{err})
	}()
	go func() {
		for {
			select {
			case ev := <-events:
				if msg := translate(ev); msg != nil {
					p.Send(msg)
				}
			case <-stop:
				return
			}
		}
	}()
	p.input = l
	return nil
}

// stopInput stops reading the terminal and returns the messages that came
// in meanwhile, to handle after what stopped it.
func (p *Program) stopInput() []tea.Msg {
	l := p.input
	if l == nil {
		return nil
	}
	p.input = nil
	l.stopped.Store(true)
	l.cr.Cancel()
	var pending []tea.Msg
	for {
		select {
		case <-l.done:
			l.cr.Close()
			// Keys decoded just before the stop may still be on their way.
			for {
				select {
				case msg := <-p.msgs:
					pending = append(pending, msg)
				default:
					return pending
				}
			}
		case msg := <-p.msgs:
			pending = append(pending, msg)
		}
	}
}

// inputErrorMsg reports that the terminal could not be read (it went
// away): the model ends the shell as at end of file.
type inputErrorMsg struct{ err error }

// translate turns a terminal event into the Bubble Tea message for it.
func translate(ev uv.Event) tea.Msg {
	switch e := ev.(type) {
	case uv.KeyPressEvent:
		return tea.KeyPressMsg(e)
	case uv.PasteEvent:
		return tea.PasteMsg(e)
	case uv.PasteStartEvent:
		return tea.PasteStartMsg(e)
	case uv.PasteEndEvent:
		return tea.PasteEndMsg(e)
	}
	return nil
}
