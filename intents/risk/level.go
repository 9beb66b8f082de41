// Package risk rates shell command lines by walking their mvdan.cc/sh/v3
// syntax trees: what a command can destroy, never what its text looks like.
package risk

import "encoding/json"

// Level is a risk level. Levels are ordered: a higher Level is more dangerous,
// and the rating of a compound command is the highest Level of its parts.
type Level string

// The risk levels, from harmless to catastrophic.
const (
	ReadOnly         Level = "read-only"         // reads or prints, changes nothing
	Writes           Level = "writes"            // creates or modifies files or state
	Deletes          Level = "deletes"           // removes or overwrites data
	Privileged       Level = "privileged"        // runs as root or changes the system
	RemoteCode       Level = "remote-code"       // runs code fetched from the network
	SystemDestroying Level = "system-destroying" // can wipe a disk, the home or the system
)

// Levels lists every Level from least to most dangerous.
var Levels = []Level{ReadOnly, Writes, Deletes, Privileged, RemoteCode, SystemDestroying}

// Rank orders levels: ReadOnly is 0, SystemDestroying is 5. An unknown level
// ranks above all known ones, so a typo can never make a command look safer.
func (l Level) Rank() int {
	for i, v := range Levels {
		if v == l {
			return i
		}
	}
	return len(Levels)
}

// Valid reports whether l is one of Levels.
func (l Level) Valid() bool { return l.Rank() < len(Levels) }

// Max returns the more dangerous of two levels.
func (l Level) Max(o Level) Level {
	if o.Rank() > l.Rank() {
		return o
	}
	return l
}

// NeedsTypedYes reports whether confirming a command of this level takes more
// than one keystroke: the person must type "yes".
func (l Level) NeedsTypedYes() bool { return l.Rank() >= Deletes.Rank() }

// Rating is the verdict on one command line.
type Rating struct {
	Level Level `json:"level"`
	// Reasons are human sentences, one per finding, most serious first.
	Reasons []string `json:"reasons"`
	// Alternative is a safer way to get the same result, when one exists.
	Alternative string `json:"alternative,omitempty"`
	// ParseError is set when the line does not parse: the parser's
	// message, starting with line:col. The rest of the rating then covers
	// only the statements before the error.
	ParseError string `json:"parse_error,omitempty"`
}

// Destroying reports whether the line can wipe a disk, the home or the
// system: the rating the guard for typed commands stops at.
func (r Rating) Destroying() bool { return r.Level.Rank() >= SystemDestroying.Rank() }

// MarshalJSON keeps "reasons" an array even when empty, so consumers never
// see null.
func (r Rating) MarshalJSON() ([]byte, error) {
	type plain Rating
	if r.Reasons == nil {
		r.Reasons = []string{}
	}
	return json.Marshal(plain(r))
}
