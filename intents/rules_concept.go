package intents

import (
	"fmt"
	"strings"
)

// conceptQuestion recognises a request that asks what a thing is rather
// than for a task: "what is a symlink", "what's an inode", "what are hard
// links". The catalogue would otherwise match its nouns to a task ("symlink"
// is find.links, "process" lists processes) and answer a question nobody
// asked. It returns the question, lower-case, without its punctuation. Requests about particular things are
// tasks and not concept questions: "what are the biggest files", "what is
// using port 8080", "what is a good way to find big files", "what are my
// ip addresses".
func conceptQuestion(toks []token) (string, bool) {
	var words []string
	for _, t := range toks {
		words = append(words, strings.Fields(t.low)...)
	}
	if len(words) < 3 || words[0] != "what" {
		return "", false
	}
	var rest []string
	switch {
	case words[1] == "is" && (words[2] == "a" || words[2] == "an"):
		rest = words[3:]
	case words[1] == "are":
		rest = words[2:]
	default:
		return "", false
	}
	if len(rest) == 0 || len(rest) > 4 {
		return "", false
	}
	for _, w := range rest {
		if notConcept(strings.TrimRight(w, "?!.")) || strings.ContainsAny(w, "/~0123456789") {
			return "", false
		}
	}
	q := strings.TrimRight(strings.Join(words, " "), "?!. ")
	return q, !strings.HasSuffix(q, " a") && !strings.HasSuffix(q, " an") && !strings.HasSuffix(q, " are")
}

// notConcept reports the words that make "what is a …"/"what are …" ask
// about particular things or a way to do something: determiners, places,
// superlatives, verbs of what a thing is doing. (A switch, not a map: a
// package-level map would be built on every start of lsh.)
func notConcept(w string) bool {
	switch w {
	case "the", "my", "your", "our", "these", "those", "this", "that", "all", "some", "any",
		"here", "there", "in", "on", "at", "under", "inside", "from", "for", "of", "with",
		"way", "ways", "command", "commands", "good", "best", "quick", "easy", "simple", "safe", "better", "fastest",
		"biggest", "largest", "smallest", "newest", "oldest", "latest", "big", "large", "huge", "recent", "current",
		"using", "running", "taking", "listening", "open", "eating", "slowing", "hogging":
		return true
	}
	return false
}

// conceptAnswer is the rules' honest reply to a concept question: they
// carry out tasks and explain commands, but have no definitions to give.
// Its confidence is low, so a model, when there is one, answers instead.
func conceptAnswer(base Intent, question string) Intent {
	base.Kind, base.Rule, base.Confidence = KindAnswer, "concept", 0.3
	base.Text = fmt.Sprintf("“%s?” asks what something is. lsh's built-in rules carry out tasks and explain commands; they do not define terms. "+
		"With a local model lsh answers questions like this (docs/models.md says how to add one). "+
		"To see how a command works, ask for it: what does `ln -s` do?", question)
	base.Explanation = "A question about what something is, not a task. Questions need a model."
	return base
}
