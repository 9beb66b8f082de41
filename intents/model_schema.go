package intents

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/llamashell/lsh/intents/explain"
	"github.com/llamashell/lsh/intents/risk"
)

// The JSON a model writes is smaller than an Intent: the kind and what the
// kind needs, nothing a model cannot know or must not decide (risk,
// source, confidence):
//
//	{"kind":"command","command":"du -sh ~/Downloads","explanation":"Shows the size of Downloads."}
//	{"kind":"action","action":"diagnose"}
//	{"kind":"action","action":"why"}
//	{"kind":"action","action":"explain","args":["tar -xzf x.tgz"]}
//	{"kind":"answer","text":"A symbolic link is …"}
//	{"kind":"clarify","text":"Which file?"}
//
// The grammar writes the keys in this order, so the kind comes first and
// decides the rest. Bounds are in bytes of JSON text.
const (
	maxCommandBytes     = 400
	maxExplanationBytes = 240
	maxTextBytes        = 600
)

// modelReply is the JSON a model writes.
type modelReply struct {
	Kind        string   `json:"kind"`
	Command     string   `json:"command,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
	Action      string   `json:"action,omitempty"`
	Args        []string `json:"args,omitempty"`
	Text        string   `json:"text,omitempty"`
}

// modelActions are the builtins a model may ask for, and what each does.
var modelActions = []struct {
	name    string
	takes   bool // one argument: the command line
	explain string
}{
	{"diagnose", false, "Runs lsh's diagnose: load, the programs using the most CPU and memory, memory and swap, disk space; each fix it finds is proposed separately for you to confirm."},
	{"why", false, "Explains why the last command failed, from its exit status and error output."},
	{"explain", true, "Explains %s word by word, from its syntax and the manual, without running it."},
}

// ordered is a JSON object that keeps its keys in the order given: the
// grammar writes properties in the schema's order.
type ordered []kv

type kv struct {
	k string
	v any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.k)
		v, err := json.Marshal(p.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// IntentSchema is the JSON Schema of what a model writes, as sent to a
// remote endpoint in response_format and compiled into the local
// decoding grammar (llm/grammar.FromSchema). commands, when not empty,
// lists the words a command may begin with, under the extension keyword
// x-lsh-first-word (lsh's own server honours it; other servers ignore it
// and lsh checks the reply instead).
func IntentSchema(commands []string) []byte {
	object := func(props ...kv) ordered {
		names := make([]string, len(props))
		for i, p := range props {
			names[i] = p.k
		}
		return ordered{{"type", "object"}, {"properties", ordered(props)}, {"required", names}, {"additionalProperties", false}}
	}
	str := func(max int, nonBlank bool) ordered {
		o := ordered{{"type", "string"}, {"maxLength", max}}
		if nonBlank {
			o = append(o, kv{"minLength", 1})
		}
		return o
	}
	cmd := str(maxCommandBytes, true)
	if len(commands) > 0 {
		cmd = append(cmd, kv{"x-lsh-first-word", commands})
	}
	var alts []any
	alts = append(alts, object(kv{"kind", ordered{{"const", "command"}}}, kv{"command", cmd},
		kv{"explanation", str(maxExplanationBytes, false)}))
	for _, a := range modelActions {
		props := []kv{{"kind", ordered{{"const", "action"}}}, {"action", ordered{{"const", a.name}}}}
		if a.takes {
			props = append(props, kv{"args", ordered{{"type", "array"}, {"items", str(maxCommandBytes, true)},
				{"minItems", 1}, {"maxItems", 1}}})
		}
		alts = append(alts, object(props...))
	}
	alts = append(alts, object(kv{"kind", ordered{{"enum", []string{"answer", "clarify"}}}}, kv{"text", str(maxTextBytes, true)}))
	out, err := json.Marshal(ordered{{"title", "lsh_intent"}, {"anyOf", alts}})
	if err != nil {
		panic(err) // the schema is built from constants
	}
	return out
}

// finishOptions tell finish about the place the intent is for.
type finishOptions struct {
	// commands says whether a command's first word exists here; nil
	// skips the check (the grammar enforced it).
	commands func(word string) bool
	home     string
}

// finish turns what a model wrote into an Intent lsh can act on: the risk
// rated here from the command's syntax tree (never by the model), an
// explanation when the model gave none, and an honest answer instead of a
// command that does not parse or names a program that is not installed.
func finish(text []byte, req Request, conf float64, opt finishOptions) (Intent, error) {
	var r modelReply
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Intent{}, fmt.Errorf("intents: the model's reply is not an intent: %w: %q", err, clip(string(text), 200))
	}
	in := Intent{Source: SourceModel, Request: strings.TrimSpace(req.Text), Confidence: conf,
		Risk: risk.Rating{Level: risk.ReadOnly}}
	clarify := func(text string) (Intent, error) {
		in.Kind, in.Text, in.Command = KindClarify, text, ""
		in.Risk = risk.Rating{Level: risk.ReadOnly}
		in.Explanation = "The model's proposal could not be used as it was."
		in.Confidence = math.Min(in.Confidence, 0.2)
		return in, in.Validate()
	}
	switch r.Kind {
	case "command":
		cmd := strings.TrimSpace(r.Command)
		in.Kind, in.Command = KindCommand, cmd
		if cmd == "" {
			return clarify("The model proposed an empty command. Could you rephrase the request?")
		}
		if word := firstWord(cmd); opt.commands != nil && !opt.commands(word) {
			in.Kind, in.Command, in.Risk = KindAnswer, "", risk.Rating{Level: risk.ReadOnly}
			in.Text = fmt.Sprintf("The model proposed `%s`, but %s is not installed here (nor a shell or lsh builtin).", clip(cmd, 80), word)
			in.Explanation = "lsh only proposes commands whose program exists on this machine."
			in.Confidence = math.Min(in.Confidence, 0.2)
			return in, in.Validate()
		}
		in.Risk = rateCommand(cmd, req, opt.home)
		if in.Risk.ParseError != "" {
			return clarify(fmt.Sprintf("The model proposed `%s`, which is not valid shell syntax (%s). Could you rephrase the request?",
				clip(cmd, 80), in.Risk.ParseError))
		}
		in.Explanation = strings.TrimSpace(r.Explanation)
		if in.Explanation == "" {
			if ex, err := explain.New(nil).Explain(cmd); err == nil {
				in.Explanation = ex.Summary()
			}
		}
		if in.Explanation == "" {
			in.Explanation = "A command proposed by the model."
		}
	case "action":
		for _, a := range modelActions {
			if a.name != r.Action {
				continue
			}
			in.Kind, in.Action = KindAction, &Action{Name: a.name}
			in.Explanation = a.explain
			if a.takes {
				if len(r.Args) != 1 || strings.TrimSpace(r.Args[0]) == "" {
					return clarify(fmt.Sprintf("Which command should I %s?", a.name))
				}
				arg := strings.TrimSpace(r.Args[0])
				in.Action.Args = []string{arg}
				in.Explanation = fmt.Sprintf(a.explain, "`"+clip(arg, 60)+"`")
			}
			return in, in.Validate()
		}
		return Intent{}, fmt.Errorf("intents: the model asked for an unknown action %q", r.Action)
	case "answer", "clarify":
		in.Kind, in.Text = Kind(r.Kind), strings.TrimSpace(r.Text)
		in.Explanation = "The model's answer; nothing runs."
		if in.Kind == KindClarify {
			in.Explanation = "The model needs more detail; nothing runs."
		}
	default:
		return Intent{}, fmt.Errorf("intents: the model wrote an unknown kind %q", r.Kind)
	}
	return in, in.Validate()
}

// firstWord is the program a command line starts with, as the grammar
// reads it: up to the first space or ; | & < >.
func firstWord(cmd string) string {
	if i := strings.IndexAny(cmd, " \t\n;|&<>"); i >= 0 {
		return cmd[:i]
	}
	return cmd
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// confidence maps a generation's certainty onto Intent.Confidence: the
// geometric mean of the probabilities the model gave the tokens it chose
// (among those the grammar allowed), kept within [0.05, 0.95] as the rules'
// scale is. Forced text (keys, punctuation) is not counted.
func confidence(logProb float64, sampled int) float64 {
	if sampled == 0 {
		return 0.5
	}
	return math.Max(0.05, math.Min(0.95, math.Exp(logProb/float64(sampled))))
}
