package intents

import (
	"fmt"
	"sort"
	"strings"
)

// lsh's own actions: diagnose a slow computer, explain a command, explain
// why the last command failed, and help.

var catalogueLsh = []*entry{
	{
		name: "lsh.diagnose",
		says: []string{
			"slow|sluggish|laggy|lagging|unresponsive|freezing|freezes|hanging|crawling|stuttering",
			"slowing down",
			"slow_down|slowdown",
			"why is|does my? computer|pc|laptop|machine|system|it so? slow|lag|hang|freeze|freezing|lagging|hanging",
			"diagnose|diagnostics|health_check|performance_check|checkup|check_up",
			"what is wrong with my? computer|pc|laptop|machine|system",
			"speed up my? computer|pc|laptop|machine|system",
			"computer|pc|laptop|machine|system performance|health",
		},
		also: "why computer pc laptop machine system everything keeps always suddenly today running feels",
		build: func(c *call) outcome {
			return c.action("diagnose", "Runs lsh's diagnose: load against the number of cores, the programs using the most CPU and memory, memory pressure and swap, disk space and I/O wait; each fix it finds is proposed separately for you to confirm.")
		},
	},
	{
		name: "lsh.explain",
		says: []string{
			"explain|describe {cmd?}",
			"what does|do {cmd:quoted} do|mean",
			"what does|do {cmd}",
			"meaning|explanation of {cmd}",
			"what is|are {cmd:quoted}",
			"how does {cmd:quoted} work",
		},
		build: buildExplain,
	},
	{
		name: "lsh.why",
		says: []string{
			"why did|does|has that|it|this|the_last_command|the_command|my_command fail|failed|break|broke|crash|crashed|error|die|stop|not_work|go_wrong",
			"why did|does not that|it|this work|run|succeed",
			"what went|is wrong",
			"what happened",
			"what does|do that|this|the error|errors|message|output mean",
			"why the|that|this? error|failure",
			"why|how come it|that failed",
			"why",
		},
		build: buildWhy,
	},
	{
		name: "lsh.help",
		says: []string{"what can you|lsh|i do|ask|say|type", "help", "how do i use you|lsh|this", "what do you understand|know"},
		build: func(c *call) outcome {
			// catalogueList, not Categories(): the catalogue cannot refer
			// to the function that compiles it.
			seen := map[string]bool{}
			var names []string
			for _, e := range catalogueList {
				cat, _, _ := strings.Cut(e.name, ".")
				if !seen[cat] {
					seen[cat] = true
					names = append(names, cat)
				}
			}
			sort.Strings(names)
			text := "Type a shell command and it runs as sh would. Or ask in plain English, for example: " +
				"“biggest files in Downloads”, “what's using port 8080”, “replace 'foo' with 'bar' in notes.txt”, " +
				"“extract backup.tar.gz”, “undo my last commit”, “my computer feels slow”, “explain tar -xzf x.tgz”. " +
				"Without a model lsh knows tasks in these areas: " + strings.Join(names, ", ") +
				". With a local model it understands far more (docs/models.md). Nothing runs before you confirm it."
			return c.answer(text, "lsh's built-in intent rules are listed in docs/intents.md.")
		},
	},
}

// buildExplain explains a command line given after "explain", or the last
// command when none is given ("explain that").
func buildExplain(c *call) outcome {
	cmd, _ := c.str("cmd")
	cmd = strings.TrimSpace(cmd)
	for _, tail := range []string{" do", " mean", " work", " does", "?"} {
		cmd = strings.TrimSpace(strings.TrimSuffix(cmd, tail))
	}
	cmd = strings.Trim(cmd, "`")
	switch strings.ToLower(cmd) {
	case "", "that", "it", "this", "the last command", "last command", "the command", "that command":
		if c.req.LastCommand == "" {
			return c.clarify("Explain which command? Type it after “explain”.")
		}
		cmd = c.req.LastCommand
	default:
		if b := c.binds["cmd"]; b.it.kind != kindQuoted && !c.looksLikeCommand(cmd) {
			// "what is the meaning of life" asks about no command.
			return c.clarify(fmt.Sprintf("“%s” is not a command installed here. To have a command explained, type it after “explain”, or quote it: what does `ls -la` do?", cmd))
		}
	}
	return c.action("explain", "Explains "+quoteCmd(cmd)+" word by word, from its syntax and the manual, without running it.", cmd)
}

// lshBuiltin reports whether name is one of lsh's own commands, which
// explain knows too.
func lshBuiltin(name string) bool {
	switch name {
	case "llama", "explain", "diagnose", "why", "model", "help":
		return true
	}
	return false
}

// looksLikeCommand reports whether text unquoted reads as a command line:
// its first word is a builtin or an installed program, or it holds shell
// syntax or options.
func (c *call) looksLikeCommand(text string) bool {
	f := strings.Fields(text)
	if len(f) == 0 {
		return false
	}
	if shellBuiltins.Get()[f[0]] || lshBuiltin(f[0]) || c.host.Has(f[0]) || strings.ContainsAny(text, "|&;<>$`=/") {
		return true
	}
	for _, w := range f[1:] {
		if strings.HasPrefix(w, "-") {
			return true
		}
	}
	return false
}

func quoteCmd(s string) string {
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return "`" + s + "`"
}

// buildWhy explains the last command's failure; with nothing run yet, or
// nothing failed, it says so.
func buildWhy(c *call) outcome {
	last := c.req.LastCommand
	if last == "" {
		return c.answer("No command has run in this session yet, so nothing has failed.", "lsh explains the last command's exit status and error output.")
	}
	if c.req.LastStatus == 0 {
		return c.action("why", fmt.Sprintf("Explains the last command, %s. It exited with status 0, which means it succeeded; lsh looks at its output for warnings.", quoteCmd(last)))
	}
	return c.action("why", fmt.Sprintf("Explains why %s failed (exit status %d) from its status and error output.", quoteCmd(last), c.req.LastStatus))
}
