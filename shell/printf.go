package shell

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// builtinPrintf is POSIX printf, with bash's escapes: the interpreter's
// lacks %X, %e, %f, %g, * widths and flags other than +- and reports no
// bad numbers. The format is reused until the arguments run out; a bad
// number prints what could be read, and the status is 1.
func builtinPrintf(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		c.errorf("printf: usage: printf format [arguments]")
		return exitStatus(2)
	}
	p := &printer{args: args[1:]}
	format := args[0]
	for {
		used := len(p.args)
		if stop := p.run(format); stop {
			break
		}
		if len(p.args) == 0 || len(p.args) == used {
			break
		}
	}
	c.Stdout.Write([]byte(p.out.String()))
	for _, e := range p.errs {
		c.errorf("printf: %s", e)
	}
	if p.fatal {
		return exitStatus(1)
	}
	if len(p.errs) > 0 {
		return exitStatus(1)
	}
	return nil
}

type printer struct {
	out   strings.Builder
	args  []string
	errs  []string
	fatal bool
}

func (p *printer) next() (string, bool) {
	if len(p.args) == 0 {
		return "", false
	}
	a := p.args[0]
	p.args = p.args[1:]
	return a, true
}

// run formats once; it reports whether output must stop (\c or an invalid
// directive).
func (p *printer) run(format string) bool {
	for i := 0; i < len(format); i++ {
		ch := format[i]
		switch {
		case ch == '\\':
			n, stop := escape(&p.out, format[i+1:], false)
			i += n
			if stop {
				return true
			}
		case ch == '%':
			n, stop := p.directive(format[i+1:])
			i += n
			if stop {
				return true
			}
		default:
			p.out.WriteByte(ch)
		}
	}
	return false
}

// escape writes the escape sequence at the start of s (after its
// backslash) and returns how many bytes of s it used. In %b arguments
// (arg) octal escapes are \0NNN and \c stops all output.
func escape(w *strings.Builder, s string, arg bool) (int, bool) {
	if s == "" {
		w.WriteByte('\\')
		return 0, false
	}
	digits := func(from, max int, base int) (int, uint64) {
		j := from
		for j < len(s) && j-from < max && isDigitBase(s[j], base) {
			j++
		}
		n, _ := strconv.ParseUint(s[from:j], base, 32)
		return j, n
	}
	switch c := s[0]; c {
	case 'a':
		w.WriteByte('\a')
	case 'b':
		w.WriteByte('\b')
	case 'e', 'E':
		w.WriteByte(0x1b)
	case 'f':
		w.WriteByte('\f')
	case 'n':
		w.WriteByte('\n')
	case 'r':
		w.WriteByte('\r')
	case 't':
		w.WriteByte('\t')
	case 'v':
		w.WriteByte('\v')
	case '\\':
		w.WriteByte('\\')
	case '"', '?':
		w.WriteByte(c)
	case '\'':
		w.WriteByte(c)
	case 'c':
		if arg {
			return 1, true
		}
		w.WriteString(`\c`)
	case '0', '1', '2', '3', '4', '5', '6', '7':
		from := 0
		if arg && c == '0' {
			from = 1 // \0NNN in %b
		}
		j, n := digits(from, 3, 8)
		if j == 0 {
			j = 1
		}
		w.WriteByte(byte(n))
		return j, false
	case 'x':
		j, n := digits(1, 2, 16)
		if j == 1 {
			w.WriteString(`\x`)
			return 1, false
		}
		w.WriteByte(byte(n))
		return j, false
	case 'u', 'U':
		max := 4
		if c == 'U' {
			max = 8
		}
		j, n := digits(1, max, 16)
		if j == 1 {
			w.WriteByte('\\')
			w.WriteByte(c)
			return 1, false
		}
		w.WriteRune(rune(n))
		return j, false
	default:
		w.WriteByte('\\')
		w.WriteByte(c)
	}
	return 1, false
}

func isDigitBase(b byte, base int) bool {
	switch {
	case b >= '0' && b <= '7':
		return true
	case base >= 10 && b >= '8' && b <= '9':
		return true
	case base == 16 && (b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'):
		return true
	}
	return false
}

// directive formats the conversion at the start of s (after its %) and
// returns how many bytes of s it used.
func (p *printer) directive(s string) (int, bool) {
	i := 0
	flags := ""
	for i < len(s) && strings.IndexByte("-+ #0", s[i]) >= 0 {
		flags += s[i : i+1]
		i++
	}
	number := func() string {
		if i < len(s) && s[i] == '*' {
			i++
			a, _ := p.next()
			n, _ := p.integer(a)
			return strconv.FormatInt(n, 10)
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return s[j:i]
	}
	width := number()
	if strings.HasPrefix(width, "-") {
		flags += "-"
		width = width[1:]
	}
	prec := ""
	hasPrec := false
	if i < len(s) && s[i] == '.' {
		i++
		hasPrec = true
		prec = number()
	}
	// Length modifiers mean nothing here; C programmers write them.
	for i < len(s) && strings.IndexByte("hlLqjzt", s[i]) >= 0 {
		i++
	}
	if i == len(s) {
		p.errs = append(p.errs, "%"+s+": missing format character")
		return i, true
	}
	conv := s[i]
	spec := "%" + flags + width
	if hasPrec {
		spec += "." + prec
	}
	switch conv {
	case '%':
		p.out.WriteByte('%')
	case 's':
		a, _ := p.next()
		fmt.Fprintf(&p.out, spec+"s", a)
	case 'b':
		a, _ := p.next()
		var b strings.Builder
		stop := false
		for j := 0; j < len(a); j++ {
			if a[j] == '\\' {
				n, st := escape(&b, a[j+1:], true)
				j += n
				if st {
					stop = true
					break
				}
				continue
			}
			b.WriteByte(a[j])
		}
		fmt.Fprintf(&p.out, spec+"s", b.String())
		if stop {
			return i + 1, true
		}
	case 'c':
		// The first character; an empty argument gives a NUL byte, as
		// C's printf("%c", '\0') does in sh.
		a, _ := p.next()
		c := "\x00"
		if a != "" {
			_, size := utf8.DecodeRuneInString(a)
			c = a[:size]
		}
		fmt.Fprintf(&p.out, spec+"s", c)
	case 'd', 'i':
		a, _ := p.next()
		n, _ := p.integer(a)
		fmt.Fprintf(&p.out, spec+"d", n)
	case 'o', 'u', 'x', 'X':
		a, _ := p.next()
		n, _ := p.integer(a)
		verb := string(conv)
		if conv == 'u' {
			verb = "d"
		}
		fmt.Fprintf(&p.out, spec+verb, uint64(n))
	case 'e', 'E', 'f', 'F', 'g', 'G':
		a, _ := p.next()
		f := p.float(a)
		verb := string(conv)
		if conv == 'F' {
			verb = "f"
		}
		out := fmt.Sprintf(spec+verb, f)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			out = strings.ToLower(out)
			if conv == 'E' || conv == 'F' || conv == 'G' {
				out = strings.ToUpper(out)
			}
		}
		p.out.WriteString(out)
	default:
		p.errs = append(p.errs, "%"+string(conv)+": invalid directive")
		p.fatal = true
		return i + 1, true
	}
	return i + 1, false
}

// integer reads a numeric argument as C's strtoimax with base 0 does,
// plus 'c and "c for a character's code.
func (p *printer) integer(a string) (int64, bool) {
	t := strings.TrimLeft(a, " \t\n")
	if t == "" {
		return 0, true
	}
	if t[0] == '\'' || t[0] == '"' {
		if len(t) == 1 {
			return 0, true
		}
		r, _ := utf8.DecodeRuneInString(t[1:])
		return int64(r), true
	}
	j := 0
	if t[j] == '+' || t[j] == '-' {
		j++
	}
	base := 10
	start := j
	switch {
	case strings.HasPrefix(t[j:], "0x") || strings.HasPrefix(t[j:], "0X"):
		base, j, start = 16, j+2, j+2
	case strings.HasPrefix(t[j:], "0"):
		base = 8
	}
	for j < len(t) && isDigitBase(t[j], base) {
		j++
	}
	digits := t[start:j]
	neg := t[0] == '-'
	var n uint64
	var err error
	if digits != "" {
		n, err = strconv.ParseUint(digits, base, 64)
	}
	v := int64(n)
	if neg {
		v = -v
	}
	if err != nil || j < len(t) || digits == "" && base != 8 {
		if err != nil {
			p.errs = append(p.errs, a+": Numerical result out of range")
		} else {
			p.errs = append(p.errs, a+": invalid number")
		}
		return v, false
	}
	return v, true
}

func (p *printer) float(a string) float64 {
	t := strings.TrimSpace(a)
	if t == "" {
		return 0
	}
	if t[0] == '\'' || t[0] == '"' {
		if len(t) == 1 {
			return 0
		}
		r, _ := utf8.DecodeRuneInString(t[1:])
		return float64(r)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		// Read the longest prefix that is a number, as strtod does.
		for k := len(t) - 1; k > 0; k-- {
			if g, e := strconv.ParseFloat(t[:k], 64); e == nil {
				f = g
				break
			}
		}
		p.errs = append(p.errs, a+": invalid number")
	}
	return f
}
