package builtins

import (
	"regexp"
	"sync"
)

// lazyRegexp is a regular expression compiled on first use, as cmd/go's
// internal/lazyregexp does: every lsh start (lsh -c true among them) links
// this package, and few run why. Declare one as a composite literal,
// &lazyRegexp{expr: `…`}, so that it costs nothing at init.
type lazyRegexp struct {
	expr string
	once sync.Once
	rx   *regexp.Regexp
}

func (l *lazyRegexp) re() *regexp.Regexp {
	l.once.Do(func() { l.rx = regexp.MustCompile(l.expr) })
	return l.rx
}

func (l *lazyRegexp) MatchString(s string) bool { return l.re().MatchString(s) }

func (l *lazyRegexp) FindStringSubmatch(s string) []string { return l.re().FindStringSubmatch(s) }

func (l *lazyRegexp) FindAllStringSubmatch(s string, n int) [][]string {
	return l.re().FindAllStringSubmatch(s, n)
}

func (l *lazyRegexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return l.re().ReplaceAllStringFunc(src, repl)
}
