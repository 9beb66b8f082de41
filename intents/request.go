package intents

import (
	"context"
	"path/filepath"
)

// Request is one natural-language line and the context it was typed in. The
// rules read the working directory and HOME to resolve "Downloads" or "this
// folder" against the real filesystem; the model path puts the same context in
// its prompt.
type Request struct {
	// Text is what the person typed, without lsh's "?" or "llama" prefix.
	Text string
	// Dir is the working directory; "" means the process's.
	Dir string
	// Home is the session's HOME, which "~" expands to; "" means Host.Home.
	Home string
	// LastCommand is the previous line run in the session, if any, and
	// LastStatus its exit status: "why did that fail" is about them.
	LastCommand string
	LastStatus  int
	// History holds recent lines of the session, oldest first.
	History []string
}

// Resolver turns a Request into an Intent. The rules catalogue implements it
// and so will the model-backed resolver; callers do not care which answered
// except through Intent.Source and Intent.Confidence.
//
// A Resolver never returns a guess presented as certain: when it does not
// understand it returns a KindClarify or KindAnswer intent with a low
// Confidence. The error is for requests it could not look at at all (an empty
// request, a cancelled context, a model that failed to load).
type Resolver interface {
	Resolve(ctx context.Context, req Request) (Intent, error)
}

// dir returns the absolute working directory the request is relative to.
func (r Request) dir() string {
	d := r.Dir
	if d == "" {
		d = "."
	}
	if abs, err := filepath.Abs(d); err == nil {
		return abs
	}
	return d
}
