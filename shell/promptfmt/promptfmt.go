// Package promptfmt expands the backslash escapes of a bash-style prompt
// format (PS1). The shell's PS1 and the TUI's prompt format share it: the
// escapes whose text is fixed (times, \n, \e, octal bytes…) are expanded
// here, and those that name the session's state (user, directory, jobs…)
// are asked of the caller, which knows where that state lives and computes
// only what the format uses.
package promptfmt

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Expand expands the escapes of format at time now:
//
//	\n newline  \r carriage return  \t HH:MM:SS  \T hh:mm:ss  \@ hh:mm AM
//	\A HH:MM  \d "Tue May 26"  \s "lsh"  \e escape  \a bell  \\ backslash
//	\nnn octal byte  \[ \] markers of non-printing text (dropped)
//
// and any other escape through value(c), which returns the text of \c, or
// false to keep the escape as written (bash keeps an unknown escape).
func Expand(format string, now time.Time, value func(c byte) (string, bool)) string {
	if !strings.Contains(format, `\`) {
		return format
	}
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '\\' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch c := format[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteString(now.Format("15:04:05"))
		case 'T':
			b.WriteString(now.Format("03:04:05"))
		case '@':
			b.WriteString(now.Format("03:04 PM"))
		case 'A':
			b.WriteString(now.Format("15:04"))
		case 'd':
			b.WriteString(now.Format("Mon Jan 02"))
		case 's':
			b.WriteString("lsh")
		case 'e':
			b.WriteByte(0x1b)
		case 'a':
			b.WriteByte(0x07)
		case '\\':
			b.WriteByte('\\')
		case '[', ']':
			// Markers of non-printing text, for line editors that count.
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(format) && j < i+3 && format[j] >= '0' && format[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(format[i:j], 8, 8)
			b.WriteByte(byte(n))
			i = j - 1
		default:
			if s, ok := value(c); ok {
				b.WriteString(s)
			} else {
				b.WriteByte('\\')
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// ShortDir is dir with the home directory replaced by "~" (\w).
func ShortDir(dir, home string) string {
	if home != "" && home != "/" {
		home = strings.TrimSuffix(home, "/")
		if dir == home {
			return "~"
		}
		if strings.HasPrefix(dir, home+"/") {
			return "~" + dir[len(home):]
		}
	}
	return dir
}

// BaseDir is the last element of dir, "~" for the home directory (\W).
func BaseDir(dir, home string) string {
	if dir == "/" || dir == "" {
		return dir
	}
	if home != "" && home != "/" && dir == strings.TrimSuffix(home, "/") {
		return "~"
	}
	return filepath.Base(dir)
}

// ShortHost is host up to its first "." (\h).
func ShortHost(host string) string {
	h, _, _ := strings.Cut(host, ".")
	return h
}
