package intents

import (
	"fmt"
	"strings"
)

// git: status, history, branches, diffs, undoing, committing, syncing.
// Every entry but clone needs the working directory to be in a repository;
// outside one it says so instead of proposing a command that would fail.

var catalogueGit = []*entry{
	{
		name: "git.status",
		says: []string{
			"what changed|changes",
			"what did|have i change|changed|modify|modified|edit|edited|touch|touched",
			"uncommitted|unstaged|pending|local|outstanding|unsaved changes|work|files|edits",
			"git|repo|repository status|state",
			"status of the? repo|repository|git|project",
			"modified|changed|untracked files",
			"anything to commit",
		},
		takes: "path",
		build: buildGitStatus,
	},
	{
		name: "git.log",
		says: []string{
			"commit history|log|logs",
			"git history|log",
			"recent|last|latest|previous {count?} commits|commit",
			"show|list commits",
			"history of the? repo|repository|project",
			"{count?} commits",
			"who committed|changed|modified",
		},
		takes:    "count time path",
		defaults: "count=10",
		build:    buildGitLog,
	},
	{
		name: "git.branch",
		says: []string{"what|which|current branch", "branch am_i on|name|i_am_on", "on which branch"},
		build: func(c *call) outcome {
			return c.gitCommand("git branch --show-current", "Prints the name of the branch you are on.")
		},
	},
	{
		name: "git.branches",
		says: []string{"list|all|show branches", "branches", "which|what branches are there|exist"},
		build: func(c *call) outcome {
			return c.gitCommand("git branch -a", "Lists the local and remote-tracking branches; the current one is marked with *.")
		},
	},
	{
		name: "git.switch",
		says: []string{"switch|change|checkout|check_out|go|move to|onto? the? branch {b:name}", "switch|change|checkout|go to {b:name} branch"},
		build: func(c *call) outcome {
			b, _ := c.str("b")
			return c.gitCommand("git switch "+shellQuote(b), "Switches to the branch "+b+"; uncommitted changes come along, or git refuses if they conflict.")
		},
	},
	{
		name: "git.new-branch",
		says: []string{"create|make|new|start a? new? branch called|named? {b:name}"},
		build: func(c *call) outcome {
			b, _ := c.str("b")
			return c.gitCommand("git switch -c "+shellQuote(b), "Creates the branch "+b+" from the current commit and switches to it.")
		},
	},
	{
		name: "git.delete-branch",
		says: []string{"delete|remove the? branch {b:name}", "delete|remove the? {b:name} branch"},
		build: func(c *call) outcome {
			b, _ := c.str("b")
			if b == "" || strings.HasPrefix(b, "-") {
				return c.clarify("Delete which branch?")
			}
			return c.gitCommand("git branch -d "+shellQuote(b), "Deletes the local branch "+b+"; git refuses if its commits are not merged anywhere (-D would force it).")
		},
	},
	{
		name: "git.diff",
		says: []string{
			"diff|differences",
			"show|see|view the? changes|changed|edits|diff in|to|of? {file:path?}",
			"what did|have i change|changed in {file:path}",
			"staged|cached changes|diff",
			"line_by_line changes",
		},
		takes: "path",
		build: buildGitDiff,
	},
	{
		name: "git.undo-commit",
		says: []string{
			"undo|revert|cancel|reset|uncommit|take_back|remove the? last|latest|previous|my? commit",
			"undo|revert|cancel|uncommit my? last|latest|previous commit keeping|keep|but_keep changes|work?",
			"uncommit",
		},
		also: "keep keeping but changes discard throw away lose hard soft destroy delete drop work",
		build: func(c *call) outcome {
			if c.saidAny("discard", "throw", "lose", "hard", "delete", "drop", "destroy") && !c.saidAny("keep", "keeping") {
				return c.gitCommand("git reset --hard HEAD~1", "Removes the last commit and throws away its changes and every uncommitted change: they cannot be recovered easily.")
			}
			return c.gitCommand("git reset --soft HEAD~1", "Undoes the last commit but keeps its changes, staged, so you can fix and commit again. Do not use it on a commit you already pushed.")
		},
	},
	{
		name: "git.discard",
		says: []string{
			"discard|throw_away|drop|revert|undo|reset|lose all? my? local? uncommitted? changes|edits|modifications to|in|of? {file:path?}",
			"restore {file:path} to the? last? committed? version",
		},
		build: func(c *call) outcome {
			if c.said("file") {
				f := c.path("file")
				return c.gitCommand("git restore "+c.fs.arg(f.abs), "Throws away the uncommitted changes to "+c.fs.show(f.abs)+", restoring the committed version; the changes cannot be recovered.")
			}
			return c.gitCommand("git restore .", "Throws away every uncommitted change to tracked files under the current directory; the changes cannot be recovered (new, untracked files stay).")
		},
	},
	{
		name: "git.unstage",
		says: []string{"unstage {file:path?}", "remove {file:path?} from the? staging|stage|index"},
		build: func(c *call) outcome {
			if c.said("file") {
				f := c.path("file")
				return c.gitCommand("git restore --staged "+c.fs.arg(f.abs), "Unstages "+c.fs.show(f.abs)+"; its changes stay in the working tree.")
			}
			return c.gitCommand("git restore --staged .", "Unstages everything; the changes stay in the working tree.")
		},
	},
	{
		name: "git.stage",
		says: []string{"stage all? {file:path?}", "stage all|everything|changes", "add {file:path} to git|staging|the_index|the_stage|the_commit"},
		build: func(c *call) outcome {
			if c.said("file") {
				f := c.path("file")
				return c.gitCommand("git add "+c.fs.arg(f.abs), "Stages "+c.fs.show(f.abs)+" for the next commit.")
			}
			return c.gitCommand("git add -A", "Stages every change, new and deleted files included, for the next commit.")
		},
	},
	{
		name: "git.commit",
		says: []string{
			"commit {msg:quoted}",
			"commit all|everything|changes|work|it? with message|msg|saying? {msg:text}",
			"commit all|everything|my|changes|work|it",
			"save my? work|changes to git",
		},
		build: func(c *call) outcome {
			msg, ok := c.str("msg")
			if !ok || msg == "" {
				return c.gitCommand("git add -A && git commit", "Stages every change and commits it; git opens your editor for the message.")
			}
			return c.gitCommand("git add -A && git commit -m "+shellQuote(msg), "Stages every change and commits it with the message “"+msg+"”.")
		},
	},
	{
		name: "git.push",
		says: []string{"push my? changes|commits|code|work|branch|it?", "upload|publish|send my? commits|changes to the? remote|github|gitlab|origin|server"},
		build: func(c *call) outcome {
			return c.gitCommand("git push", "Sends your commits on this branch to its remote branch.")
		},
	},
	{
		name: "git.pull",
		says: []string{"pull|get|fetch|download|sync the? latest|new|remote|upstream? changes|commits|code|updates", "pull", "update the? repo|repository|branch|code", "sync with the? remote|origin|upstream"},
		build: func(c *call) outcome {
			return c.gitCommand("git pull", "Fetches the remote branch's new commits and merges them into yours.")
		},
	},
	{
		name: "git.stash",
		says: []string{"stash my? changes|work|it?", "put my? changes aside|away", "save my? changes for later"},
		build: func(c *call) outcome {
			return c.gitCommand("git stash", "Saves your uncommitted changes on git's stash and cleans the working tree; git stash pop brings them back.")
		},
	},
	{
		name: "git.clone",
		says: []string{"clone|check_out {url}", "clone the? repo|repository {url}", "clone {host}"},
		build: func(c *call) outcome {
			u, _ := c.str("url")
			if u == "" {
				u, _ = c.str("host")
			}
			return c.command("git clone "+shellQuote(u), "Downloads the repository "+u+" with its history into a new folder here.")
		},
	},
}

// gitCommand proposes cmd inside a git work tree, and says why not outside
// one.
func (c *call) gitCommand(cmd, explain string) outcome {
	if !c.inGit() {
		return c.answer(c.fs.show(c.fs.cwd)+" is not inside a git repository, so there is nothing for git to show or change here.",
			"lsh looked for a .git folder here and in every parent folder.")
	}
	return c.command(cmd, explain)
}

// buildGitStatus shows the uncommitted changes; outside a repository,
// "what changed" means the files modified recently.
func buildGitStatus(c *call) outcome {
	if !c.inGit() {
		if c.saidAny("changed", "change", "modified", "modify", "edited", "edit") && !c.saidAny("git", "repo", "repository", "commit", "uncommitted", "staged", "unstaged") {
			dir := c.path("path")
			if dir == nil {
				dir = c.fs.stat(c.fs.cwd, ".")
			}
			t := timeVal{newer: true, min: 1440, said: "in the last day"}
			if tv := c.time(); tv != nil {
				t = *tv
			}
			return c.command(join("find", c.fs.arg(dir.abs), "-type f", timeArgs(t)),
				"This is not a git repository, so this lists the files under "+c.fs.show(dir.abs)+" modified "+t.said+".")
		}
	}
	return c.gitCommand("git status", "Shows the current branch, staged and unstaged changes, and untracked files.")
}

// gitAgo writes a number of minutes as git's approxidate understands it:
// "7 days ago", "3 hours ago", "90 minutes ago".
func gitAgo(min int) string {
	switch {
	case min%1440 == 0:
		return fmt.Sprintf("%d days ago", min/1440)
	case min%60 == 0:
		return fmt.Sprintf("%d hours ago", min/60)
	}
	return fmt.Sprintf("%d minutes ago", min)
}

func buildGitLog(c *call) outcome {
	n, _ := c.num("count")
	if !c.said("count") && c.saidWord("commit") && !c.saidAny("history", "log", "logs") {
		n = 1 // "show the last commit"
	}
	args := []string{"git log --oneline"}
	what := "the last " + plural(n, "commit")
	if t := c.time(); t != nil {
		args = append(args, "--since="+shellQuote(gitAgo(t.min)))
		if t.upto > 0 {
			args = append(args, "--until="+shellQuote(gitAgo(t.upto)))
		}
		what = "the commits made " + t.said
		if c.said("count") {
			args = append(args, fmt.Sprintf("-n %d", n))
			what = fmt.Sprintf("up to %d commits made %s", n, t.said)
		}
	} else {
		args = append(args, fmt.Sprintf("-n %d", n))
	}
	if c.said("path") {
		p := c.path("path")
		args = append(args, "--", c.fs.arg(p.abs))
		what += " that changed " + c.fs.show(p.abs)
	}
	if c.saidAny("who") {
		args[0] = "git log --format='%h %an %ar %s'"
		what += ", with their authors"
	}
	return c.gitCommand(strings.Join(args, " "), "Lists "+what+", newest first, one line each.")
}

func buildGitDiff(c *call) outcome {
	staged := c.saidAny("staged", "cached")
	cmd, what := "git diff", "the uncommitted changes not yet staged"
	if staged {
		cmd, what = "git diff --cached", "the staged changes, which the next commit will contain"
	}
	role := "file"
	if !c.said(role) {
		role = "path"
	}
	if c.said(role) {
		f := c.path(role)
		cmd += " -- " + c.fs.arg(f.abs)
		what += " to " + c.fs.show(f.abs)
	}
	return c.gitCommand(cmd, "Shows "+what+", line by line.")
}
