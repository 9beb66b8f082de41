package classify

import (
	"strings"
	"unicode"

	"github.com/llamashell/lsh/internal/lazy"
)

// class is what a word looks like on its own, before the command's grammar
// has a say.
type class int

const (
	cPlain       class = iota // letters, maybe digits, - or _: "firefox", "build"
	cStop                     // an English function word: "the", "in", "my"
	cRequest                  // a word of requests: "files", "biggest", "running"
	cContraction              // "what's", "i've", "don't"
	cPunct                    // ends in English punctuation: "in?", "space.", "files,"
	cFlag                     // -x, --long, +x
	cNumber                   // 10, 0.5, 100M, 5m, 50%
	cPath                     // has a slash, starts with ~ or ., or looks like name.ext
	cOther                    // anything else: user@host, a=b, *.go, a:b
)

// classOf classifies a word (its value after quote removal).
func classOf(v string) class {
	switch {
	case v == "":
		return cOther
	case len(v) > 1 && (v[0] == '-' || v[0] == '+'):
		if isNumber(v[1:]) && v[0] == '+' {
			return cNumber
		}
		return cFlag
	case isNumber(v):
		return cNumber
	case isContraction(v):
		return cContraction
	case strings.ContainsAny(v, "/~") || v[0] == '.':
		return cPath
	}
	if last := v[len(v)-1]; strings.IndexByte("?!,;:.", last) >= 0 && len(v) > 1 && isLetters(v[:len(v)-1]) {
		return cPunct
	}
	if hasExtension(v) {
		return cPath
	}
	lower := strings.ToLower(v)
	w := wordTable.Get()
	switch {
	case w.stop[lower]:
		return cStop
	case w.request[lower]:
		return cRequest
	case isWordish(v):
		return cPlain
	}
	return cOther
}

// isNumber reports whether s is a number a command takes: 10, 0.5, 100M,
// 5m, 1.5GiB, 50%.
func isNumber(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' && i > 0) {
		i++
	}
	if i == 0 {
		return false
	}
	rest := s[i:]
	return len(rest) <= 3 && (rest == "" || rest == "%" || isLetters(rest))
}

// isContraction reports an English contraction: letters, an apostrophe,
// and one of the endings English contracts to.
func isContraction(s string) bool {
	i := strings.IndexAny(s, "'’")
	if i <= 0 || !isLetters(s[:i]) {
		return false
	}
	rest := strings.TrimRight(strings.ToLower(s[i:]), "?!.,")
	switch strings.TrimLeft(rest, "'’") {
	case "s", "t", "re", "ve", "ll", "d", "m":
		return true
	}
	return false
}

// hasExtension reports whether s looks like a file name: name.ext with a
// short alphanumeric extension (notes.txt, archive.tar.gz).
func hasExtension(s string) bool {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 || len(s)-i-1 > 5 {
		return false
	}
	for _, r := range s[i+1:] {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// isWordish: letters, digits, - and _ with at least one letter.
func isWordish(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r) || r == '-' || r == '_':
		default:
			return false
		}
	}
	return letter
}

// isIdentifier reports whether s is a shell variable name.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isAssignment reports whether s is NAME=value.
func isAssignment(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	return ok && isIdentifier(k)
}

// words holds the vocabulary, built on first use.
type words struct {
	stop, request, verbs map[string]bool
}

// requestWord reports whether a word (lower case) belongs to the words
// requests are made of: a function word, a word of requests, or a verb
// people start requests with ("print", "delete", "extract"). Such a word
// is never taken for a typo of a command.
func requestWord(w string) bool {
	t := wordTable.Get()
	return t.stop[w] || t.request[w] || t.verbs[w]
}

var wordTable = lazy.Value[words]{Build: func() words {
	w := words{stop: map[string]bool{}, request: map[string]bool{}, verbs: map[string]bool{}}
	// Verbs requests start with.
	for _, s := range strings.Fields(`print show list delete remove erase open edit extract install uninstall
		restart start stop reload enable disable check count tell give go get help display clean clear empty update
		upgrade search compress decompress download upload change rename copy move create make find kill where what
		which how who why please pls run reboot shutdown turn switch set unzip untar unpack zip backup sort read view
		see look watch follow ping test fix undo discard reset save play close launch trash wipe purge add put
		take bring let tidy organise organize convert resize merge split share send mount eject format scan
		monitor track measure compare summarize explain describe`) {
		w.verbs[s] = true
	}
	// Function words: articles, pronouns, prepositions, auxiliaries,
	// question words, quantifiers. A command's operands are almost never
	// these, a request almost always has one.
	for _, s := range strings.Fields(`the a an my me mine i im you your yours we our us it its itself this that
		these those to for of in on at by from with into onto about than is are am be was were been being
		have has had do does did what whats which who whom whose how hows why where wheres when can could would
		will should shall may might must all every each some any not only just also very more most
		less least much many few there here and or but so as up out off over under again too same other such
		both either neither via per using within without through during before after above below between
		among please pls kindly someone something anything everything nothing everyone anyone thing things
		next whatever whichever whenever wherever currently now today yesterday tomorrow ago`) {
		w.stop[s] = true
	}
	// Words of requests about files, processes and the system: nouns and
	// adjectives people ask with, which are rarely file names or operands.
	for _, s := range strings.Fields(`file files folder folders directory directories dir dirs document documents
		photo photos picture pictures image images video videos music song songs download downloads
		big bigger biggest large larger largest huge small smaller smallest tiny old older oldest new newer
		newest recent recently latest last first empty hidden duplicate duplicates modified changed created
		edited deleted container containers running installed open opened used using uses use free disk disks space memory ram cpu
		process processes program programs app apps application applications port ports network internet
		connection wifi ip address size sizes week weeks month months year years hour hours
		minute minutes second seconds ago day days line lines word words text content contents name names
		everything computer machine system laptop server logged log logs error errors current whole entire
		total count number amount list lists show find delete remove copy move rename make create sort
		compress extract backup version versions user users home downloads desktop screen ten five two three
		four six seven eight nine twenty hundred slow fast frozen stuck broken available left remaining
		named called containing contains contain ending starts start ends end type kind`) {
		w.request[s] = true
	}
	return w
}}
