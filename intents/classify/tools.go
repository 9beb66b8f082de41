package classify

import (
	"strings"

	"github.com/llamashell/lsh/internal/lazy"
)

// operands is what a command expects after its options: the grammar a
// typed line is checked against. A request borrows the command's name but
// not its grammar: "kill firefox" gives kill a word where it takes process
// IDs, "free up disk space" gives free operands it never takes.
type operands int

const (
	paths        operands = iota // files and directories: ls, cat, rm… (the default)
	freeText                     // any words: echo, printf… never read as a request
	noOperand                    // none at all: free, top, uptime…
	pids                         // process IDs, %jobs and signals: kill
	commandNames                 // commands: which, type, help…
	varNames                     // variable names or NAME=value: read, export…
	makeTargets                  // targets of the makefile, or NAME=value
	durations                    // sleep: 10, 0.5, 5m, infinity
	dateArgs                     // date: +FORMAT, digits
	whoArgs                      // who: "am i", a file
)

// tool is one command's row in the table.
type tool struct {
	operands operands
	// subs lists the subcommands the first operand must be (git log, go
	// build); nil for tools without subcommands.
	subs map[string]bool
	// pattern: the first operand is a pattern, free text (grep, sed).
	pattern bool
	// first, when set, accepts the first operand's own forms (chmod's
	// mode, shutdown's time).
	first func(string) bool
	// bundle, when set, accepts a first word of option letters without a
	// dash (tar xzf, ps aux).
	bundle string
	// minOperands, when set, is how many operands the command needs when
	// no option is given: install and cp take a source and a destination,
	// so "install htop" is no command line.
	minOperands int
}

// lookupTool returns the row of a command; an unknown command takes paths.
func lookupTool(name string) tool {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return toolTable.Get()[name]
}

// toolTable is the table, built on first use so that starting lsh costs
// nothing. Each row says what the command accepts; everything not listed
// takes files and directories.
var toolTable = lazy.Value[map[string]tool]{Build: buildTools}

func buildTools() map[string]tool {
	tools := map[string]tool{}
	set := func(kind operands, names string) {
		for _, n := range strings.Fields(names) {
			tools[n] = tool{operands: kind}
		}
	}
	set(freeText, `echo printf yes logger notify-send say espeak espeak-ng cowsay cowthink figlet toilet banner wall
		alias unalias test [ [[ expr bc dc eval trap set shopt xmessage zenity osascript spd-say festival let
		getopts`)
	set(noOperand, `free top htop btop atop uptime whoami clear reset reboot poweroff halt pwd jobs lsblk lscpu lsusb
		lspci nproc tty users groups arch logname dirs suspend logout sync vmstat iostat nmcli-status`)
	set(pids, `kill renice disown fg bg wait`)
	set(commandNames, `which type whereis whatis command hash help man info apropos tldr`)
	set(varNames, `read export unset local readonly declare typeset printenv`)
	set(durations, `sleep`)
	set(dateArgs, `date`)
	set(whoArgs, `who w`)
	tools["make"] = tool{operands: makeTargets}
	tools["gmake"] = tool{operands: makeTargets}
	for _, n := range strings.Fields(`grep egrep fgrep rg ag ack sed awk gawk mawk perl jq yq`) {
		tools[n] = tool{pattern: true}
	}
	tools["history"] = tool{operands: noOperand}
	tools["chmod"] = tool{first: isMode}
	tools["chown"] = tool{first: func(string) bool { return true }}
	tools["chgrp"] = tool{first: func(string) bool { return true }}
	tools["shutdown"] = tool{first: isShutdownTime}
	for _, n := range strings.Fields(`install cp mv diff cmp`) {
		tools[n] = tool{minOperands: 2}
	}
	// rename FROM TO FILE… (util-linux) or rename EXPR FILE… (Perl): the
	// first operand is a pattern.
	tools["rename"] = tool{pattern: true, minOperands: 3}
	tools["tar"] = tool{bundle: "AcdrtuxfvzjJpPkmOSwWlhZ"}
	tools["ps"] = tool{bundle: "aAcdefgGhjlLmMnNoOpqrsStTuUvVwxXyZ"}
	tools["ar"] = tool{bundle: "dmpqrstxcTuv"}
	for name, list := range subcommands.Get() {
		t := tools[name]
		t.subs = map[string]bool{}
		for _, s := range strings.Fields(list) {
			t.subs[s] = true
		}
		tools[name] = t
	}
	return tools
}

// subcommands lists the subcommands of the tools that have them. A first
// operand not listed reads as a request's word ("git undo the last
// commit"), weakly, since people define git aliases.
var subcommands = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"git": `add am apply archive bisect blame branch bundle checkout cherry-pick citool clean clone commit config
		describe diff difftool fetch format-patch fsck gc grep gui help init instaweb log ls-files ls-remote ls-tree
		merge mergetool mv notes prune pull push range-diff rebase reflog remote repack replace request-pull reset
		restore revert rm shortlog show show-branch sparse-checkout stash status submodule switch tag worktree
		whatchanged cat-file rev-parse rev-list update-index maintenance lfs`,
		"go": `bug build clean doc env fix fmt generate get install list mod work run telemetry test tool version vet help`,
		"docker": `attach build builder buildx commit compose config container context cp create diff events exec export
		history image images import info init inspect kill load login logout logs manifest network node pause plugin
		port ps pull push rename restart rm rmi run save scout search secret service stack start stats stop swarm
		system tag top trust unpause update version volume wait`,
		"podman": `attach build commit container cp create diff events exec export generate healthcheck history image
		images import info init inspect kill load login logout logs machine manifest mount network pause play pod
		port ps pull push rename restart rm rmi run save search secret start stats stop system tag top unmount
		unpause unshare untag update version volume wait compose kube`,
		"kubectl": `get describe apply delete create edit logs exec port-forward rollout scale expose run set explain
		config cluster-info top cp label annotate patch replace wait auth api-resources version drain cordon
		uncordon taint debug autoscale certificate proxy attach diff kustomize plugin completion`,
		"apt": `install reinstall remove purge update upgrade full-upgrade dist-upgrade autoremove autopurge autoclean
		clean search show list policy depends rdepends source build-dep download changelog edit-sources satisfy
		moo`,
		"apt-get": `install reinstall remove purge update upgrade dist-upgrade autoremove autoclean clean source
		build-dep download changelog check markauto satisfy`,
		"dnf": `install reinstall remove erase update upgrade search info list provides history clean makecache
		autoremove check-update downgrade group repolist module config-manager`,
		"yum": `install reinstall remove erase update upgrade search info list provides history clean makecache
		autoremove check-update downgrade group groupinstall repolist`,
		"zypper": `install in remove rm update up dist-upgrade dup search se info if refresh ref list-updates lu
		patch repos lr addrepo ar clean`,
		"snap": `install remove refresh list info find run services start stop restart enable disable connect
		connections revert logs alias`,
		"flatpak": `install uninstall update list info run search remote-add remote-delete remotes override kill ps`,
		"brew": `install uninstall reinstall upgrade update list search info doctor cleanup outdated services tap untap
		link unlink pin unpin leaves deps uses cask autoremove home`,
		"npm": `install i ci uninstall un update up run run-script test t start stop restart build init publish ls
		list outdated audit exec view info pack link cache config version help prune dedupe fund doctor`,
		"pnpm": `add install i remove rm update up run test t start build exec dlx list ls outdated why audit init
		publish store`,
		"yarn": `add install remove upgrade run test start build dlx exec list info why audit init publish global
		workspace workspaces`,
		"cargo": `build b check c clean doc new init add remove run r test t bench update search publish install
		uninstall fmt clippy tree fix metadata vendor login`,
		"pip":  `install uninstall list show freeze search download wheel check config cache index inspect hash`,
		"pip3": `install uninstall list show freeze search download wheel check config cache index inspect hash`,
		"systemctl": `start stop restart reload try-restart reload-or-restart status enable disable reenable
		is-active is-enabled is-failed list-units list-unit-files list-timers list-sockets daemon-reload mask
		unmask cat edit show kill reboot poweroff halt suspend hibernate isolate set-default get-default
		reset-failed`,
		"ip": `addr address a link l route r neigh neighbour n rule netns tunnel maddr monitor -br -c -4 -6`,
		"gh": `auth browse codespace gist issue org pr project release repo run search secret ssh-key status
		workflow api label cache extension alias config`,
		"conda":  `install create activate deactivate list remove update env info search config clean run`,
		"rustup": `update install default toolchain target component show run self override doc which`,
		"nix":    `build develop flake run shell search profile store repl eval log why-depends`,
	}
}}

// takesFiles reports whether an operand that names an existing file is
// what the tool expects (not for kill, read, sleep…).
func (t tool) takesFiles() bool {
	switch t.operands {
	case paths, noOperand, whoArgs, makeTargets:
		return true
	}
	return false
}

// isMode reports whether s is a chmod mode: 755, u+x, go-w, a=r,u+w.
func isMode(s string) bool {
	if s == "" {
		return false
	}
	if allIn(s, "01234567") {
		return len(s) <= 4
	}
	for _, clause := range strings.Split(s, ",") {
		i := 0
		for i < len(clause) && strings.IndexByte("ugoa", clause[i]) >= 0 {
			i++
		}
		if i == len(clause) || strings.IndexByte("+-=", clause[i]) < 0 {
			return false
		}
		if !allIn(clause[i:], "+-=rwxXstugo") {
			return false
		}
	}
	return true
}

// isShutdownTime reports whether s is a shutdown time: now, +N, hh:mm.
func isShutdownTime(s string) bool {
	if s == "now" {
		return true
	}
	if len(s) > 1 && s[0] == '+' && allIn(s[1:], "0123456789") {
		return true
	}
	h, m, ok := strings.Cut(s, ":")
	return ok && h != "" && m != "" && allIn(h+m, "0123456789")
}

// allIn reports whether every byte of s is in set.
func allIn(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}
