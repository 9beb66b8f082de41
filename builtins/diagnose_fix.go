package builtins

import (
	"strings"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/risk"
)

// This file makes the fixes diagnose and why propose. A fix is an ordinary
// Intent from the rules engine, rated like any other, so the shell confirms
// it like any other: diagnose and why never run anything themselves.

// propose returns a command intent proposing command as a fix, rated from
// its syntax tree. rule names the knowledge that produced it ("why:typo",
// "diagnose:cpu-hog"), for tests and for people debugging a proposal.
func propose(rule, command, explanation string) intents.Intent {
	return intents.Intent{
		Kind:        intents.KindCommand,
		Command:     command,
		Explanation: explanation,
		Risk:        risk.Rate(command),
		Source:      intents.SourceRules,
		Rule:        rule,
	}
}

// proposeAction returns an intent running one of lsh's read-only builtins
// (diagnose, explain): they print and change nothing.
func proposeAction(rule, name string, args []string, explanation string) intents.Intent {
	return intents.Intent{
		Kind:        intents.KindAction,
		Action:      &intents.Action{Name: name, Args: args},
		Explanation: explanation,
		Risk: risk.Rating{Level: risk.ReadOnly,
			Reasons: []string{"runs lsh's " + name + " builtin, which only reads and prints"}},
		Source: intents.SourceRules,
		Rule:   rule,
	}
}

// fixLine renders a proposed fix on one line for the plain-text reports:
// the shell line that would run it and its risk level.
func fixLine(in intents.Intent) string {
	line := in.Command
	if in.Kind == intents.KindAction && in.Action != nil {
		line = in.Action.CommandLine()
	}
	return line + "   [" + string(in.Risk.Level) + "]"
}

// quote quotes s as one word for a POSIX shell when it needs quoting, so
// that names taken from the machine (a process called "Web Content", a file
// called "it's.sh") cannot change what a proposed command does.
func quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '=' || r == ':' || r == ',' || r == '+' || r == '@' || r == '%' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sudo prefixes a command with sudo unless the user is root already.
func sudo(root bool, command string) string {
	if root {
		return command
	}
	return "sudo " + command
}
