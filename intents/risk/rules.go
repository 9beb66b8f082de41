package risk

import (
	"strings"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file holds the rules as data: which command does what to which of
// its operands, which options make it worse, and what is safer. The walker
// in rate.go and call.go is generic; adding a command is adding a row here.

// role is what a command does to an operand.
type role uint8

const (
	noRole     role = iota // not a file: a pattern, a mode, a message
	reads                  // read only
	writes                 // created or changed in place
	overwrites             // replaced: what was there is lost
	deletes                // removed
	moves                  // moved away from where it is, with all it holds
	modifies               // its permissions, owner or attributes change
	erases                 // a disk or an image is formatted or wiped whole
	process                // a process id
	script                 // a file run as code
	names                  // names shown in the reason (packages, units, hosts)
)

// flag is a property options give a command.
type flag uint8

const (
	recursive   flag = 1 << iota // whole directory trees
	force                        // never asks; cancels interactive
	interactive                  // asks before each file; cancels force
	noClobber                    // never replaces an existing file
)

// mod is an option that adds a fact to a command's reasons, sets a flag,
// or raises its level.
type mod struct {
	opts  string // option names, space separated ("r R recursive")
	value string // only when the option's value starts with this
	flag  flag
	show  string // how the command is shown once the option is given ("rm -r")
	level Level  // the level the option raises the command to, if any
	why   string // the fact, appended to the reason
}

// optRole gives a role to the value of options (tar -C DIR, dd of=FILE).
type optRole struct {
	opts string
	role role
	does string // verb phrase with %s for the value; the rule's does if empty
}

// special names behaviour the walker implements for a family of commands,
// beyond operand roles.
type special uint8

const (
	plain       special = iota
	interpreter         // runs code: sh -c, python -c, a script, its stdin
	fetcher             // downloads from the network
	findExpr            // find: -delete, -exec
	evalArgs            // eval: its operands joined are a command line
	sourceFile          // . and source run a file in this shell
	remoteShell         // ssh HOST [CMD]
	awkProgram          // awk 'PROG': the program may run commands
)

// rule is what lsh knows of one command, or of one mode of it.
type rule struct {
	// when lists options (space separated) of which one must be given
	// for this rule to apply; rules with when are tried before the
	// command's default rule, in table order.
	when string
	// whenArg lists operands (or "--") of which one must be given.
	whenArg string
	level   Level
	// bare is the level when the command has no operands (git branch
	// lists, git branch NAME creates); "" means level.
	bare Level
	// does is a verb phrase; %s stands for the targets or names.
	does string
	// doesLast phrases the last operand's role (mv's destination).
	doesLast string
	// skip leading operands that are not files (chmod MODE, sed SCRIPT),
	// unless one of skipUnless's options supplies them (sed -e SCRIPT).
	skip       int
	skipUnless string
	role       role
	last       role   // role of the last of two or more operands
	first      role   // role of the first operand (zip ARCHIVE FILES…)
	dir        string // option naming a destination directory (cp -t DIR)
	opts       []optRole
	mods       []mod
	always     flag // flags that always hold (rsync --delete acts on trees)
	special    special
	lang       string // interpreters: "sh", "python"…
	code       string // interpreters: options whose value is code (-c, -e)
	alt        string // a safer way; %s is replaced by the targets
}

// rmMods are shared by rm-like commands.
var rmMods = []mod{
	{opts: "r R recursive", flag: recursive, show: "-r", why: "recursively"},
	{opts: "f force", flag: force, why: "without asking (-f)"},
	{opts: "i interactive", flag: interactive, why: "asking before each file (-i)"},
	{opts: "no-preserve-root", why: "with --no-preserve-root, which turns off rm's refusal to delete /"},
}

// readOnly lists commands that only read, print or change the shell's own
// state: running them changes nothing on the system.
const readOnly = `ls ll la dir vdir cat tac less more most head tail grep egrep fgrep rg ag ack wc sort uniq cut
	paste join column fold fmt nl pr tr expand unexpand rev shuf comm cmp diff diff3 sdiff colordiff echo printf
	pwd whoami who w id groups users last lastlog date cal uname hostname uptime free df du ps pstree pgrep pidof top htop btop
	atop iotop vmstat iostat mpstat sar lsof lsblk blkid lscpu lsusb lspci lsmod lshw dmidecode findmnt nproc arch
	which whereis type file stat realpath readlink basename dirname man info help apropos whatis tldr md5sum sha1sum
	sha224sum sha256sum sha384sum sha512sum b2sum cksum sum base64 base32 xxd hexdump od strings jq yq xmllint
	test [ [[ true false : sleep seq yes env printenv locale tty stty clear reset history alias unalias jobs fg bg wait
	cd pushd popd dirs export unset set shopt local declare typeset readonly let read getopts shift exit return
	logout times trap umask ulimit hash ping ping6 traceroute tracepath mtr dig nslookup host whois ss netstat ifconfig
	route arp iwconfig nmap getent id locate mlocate plocate fd fdfind tree exa eza bat batcat zcat zless zgrep
	bzcat xzcat zstdcat fzf watch timedatectl hostnamectl loginctl journalctl dmesg sensors acpi ncdu duf lsattr
	getfacl namei wait true expr bc dc factor numfmt tput dircolors fc caller compgen complete command_not_found_handle
	git-status lsb_release neofetch fastfetch screenfetch xdg-user-dir gsettings-get kill-l pgrep pmap ldd nm objdump
	readelf size strace-l cut iconv ltrace-l column uuidgen openssl-rand printf`

// addRules adds to the table the rules made by loops: commands that share
// a rule, package managers, read-only subcommands.
func addRules(rules map[string][]rule) {
	// interpreters maps interpreters to their language and the options
	// whose value is code.
	interpreters := map[string]rule{}
	for _, n := range strings.Fields("sh bash dash zsh ksh mksh ash yash posh fish rbash") {
		// Shells: -c is a flag and the first operand is the code; fish
		// takes -c CODE as a value.
		r := rule{level: Writes, special: interpreter, lang: "sh", code: "c", does: "runs the script %s", role: script}
		if n == "fish" {
			r.code = "c command"
		}
		interpreters[n] = r
	}
	for _, n := range strings.Fields("python python2 python3 pypy pypy3") {
		interpreters[n] = rule{level: Writes, special: interpreter, lang: "Python", code: "c", does: "runs the Python script %s", role: script}
	}
	interpreters["perl"] = rule{level: Writes, special: interpreter, lang: "Perl", code: "e E", does: "runs the Perl script %s", role: script}
	interpreters["ruby"] = rule{level: Writes, special: interpreter, lang: "Ruby", code: "e", does: "runs the Ruby script %s", role: script}
	interpreters["node"] = rule{level: Writes, special: interpreter, lang: "JavaScript", code: "e eval p print", does: "runs the JavaScript file %s", role: script}
	interpreters["nodejs"] = interpreters["node"]
	interpreters["php"] = rule{level: Writes, special: interpreter, lang: "PHP", code: "r", does: "runs the PHP script %s", role: script}
	interpreters["lua"] = rule{level: Writes, special: interpreter, lang: "Lua", code: "e", does: "runs the Lua script %s", role: script}
	for n, r := range interpreters {
		rules[n] = []rule{r}
	}
	for _, n := range strings.Fields(readOnly) {
		if _, ok := rules[n]; !ok {
			rules[n] = []rule{{level: ReadOnly}}
		}
	}
	for _, n := range strings.Fields("mkfs mke2fs mkswap mkdosfs mkntfs mkexfatfs mkfs.ext2 mkfs.ext3 mkfs.ext4 mkfs.xfs mkfs.btrfs mkfs.vfat mkfs.fat mkfs.ntfs mkfs.exfat mkfs.f2fs newfs") {
		rules[n] = []rule{{level: Deletes, role: erases, does: "formats %s, erasing everything on it",
			alt: "run lsblk first to be sure which device %s is"}}
	}
	for _, n := range strings.Fields("fdisk sfdisk gdisk cfdisk sgdisk parted") {
		rules[n] = []rule{
			{when: "l list d dump p print", level: ReadOnly},
			{level: Deletes, role: erases, does: "repartitions %s; a wrong change erases what is on it",
				alt: "run lsblk and back up the partition table (sfdisk -d DEVICE > table.bak) first"},
		}
	}
	for _, n := range strings.Fields("shutdown poweroff halt") {
		rules[n] = []rule{{level: Privileged, does: "shuts the computer down"}}
	}
	for _, n := range strings.Fields("vi vim nvim nano emacs micro ed code gedit kate mcedit joe pico") {
		rules[n] = []rule{{level: Writes, role: names, does: "opens %s in an editor"}}
	}
	for _, n := range strings.Fields("apt apt-get aptitude") {
		pkgRules(rules, n, "remove purge autoremove autopurge", "install reinstall upgrade full-upgrade dist-upgrade update build-dep",
			"search show list policy depends rdepends changelog showsrc madison", Privileged)
	}
	for _, n := range strings.Fields("dnf yum zypper") {
		pkgRules(rules, n, "remove erase autoremove rm", "install update upgrade reinstall downgrade in up distro-sync dup",
			"search info list provides repolist history se if", Privileged)
	}
	pkgRules(rules, "apk", "del", "add upgrade update fix", "search info list", Privileged)
	pkgRules(rules, "snap", "remove", "install refresh revert", "list find info", Privileged)
	pkgRules(rules, "flatpak", "uninstall remove", "install update", "list search info", Writes)
	pkgRules(rules, "brew", "uninstall remove rm", "install upgrade update reinstall", "list search info ls", Writes)
	pkgRules(rules, "pip", "uninstall", "install download", "list show freeze search check", Writes)
	pkgRules(rules, "pip3", "uninstall", "install download", "list show freeze search check", Writes)
	pkgRules(rules, "npm", "uninstall remove rm un", "install i ci update add", "list ls view search outdated", Writes)
	for _, n := range strings.Fields("iptables ip6tables") {
		rules[n] = []rule{
			{when: "F flush", level: Privileged, does: "flushes every firewall rule, leaving the machine unfiltered",
				alt: "save the rules first: iptables-save > rules.bak"},
			{when: "L list S list-rules", level: ReadOnly},
			{level: Privileged, does: "changes the firewall rules"},
		}
	}
	for _, n := range strings.Fields("useradd adduser usermod groupadd groupdel groupmod chpasswd visudo vipw gpasswd") {
		rules[n] = []rule{{level: Privileged, role: names, does: "changes the system's users or groups: %s"}}
	}
	for _, n := range strings.Fields("modprobe insmod rmmod setenforce update-grub grub-install efibootmgr ldconfig update-alternatives mkinitcpio dracut update-initramfs hwclock swapon swapoff umount losetup cryptsetup lvremove vgremove pvremove lvcreate mdadm") {
		rules[n] = []rule{{level: Privileged, role: names, does: "changes the system (" + n + " %s)"}}
	}
	for _, n := range strings.Fields("gzip bzip2 xz zstd lzma") {
		rules[n] = []rule{
			{when: "c stdout to-stdout l list t test", level: ReadOnly},
			{level: Writes, role: writes, does: "compresses or decompresses %s, replacing the original file"},
		}
	}
	for _, n := range strings.Fields("gunzip bunzip2 unxz unzstd") {
		rules[n] = []rule{
			{when: "c stdout to-stdout l list t test", level: ReadOnly},
			{level: Writes, role: writes, does: "decompresses %s, replacing the compressed file"},
		}
	}
	for _, n := range strings.Fields("curl wget fetch http https xh") {
		rules[n] = []rule{{level: ReadOnly, special: fetcher, does: "downloads %s"}}
	}
	for _, n := range strings.Fields("awk gawk mawk nawk") {
		rules[n] = []rule{
			{when: "i", level: Writes, special: awkProgram, does: "edits files in place"},
			{level: ReadOnly, special: awkProgram},
		}
	}
	rules["podman"] = rules["docker"]
	for k, v := range rules {
		if strings.HasPrefix(k, "docker ") {
			rules["podman"+strings.TrimPrefix(k, "docker")] = v
		}
	}
	for _, n := range strings.Fields("status log diff show blame shortlog describe rev-parse ls-files ls-tree ls-remote cat-file grep reflog help version whatchanged show-ref name-rev count-objects fsck check-ignore") {
		rules["git "+n] = []rule{{level: ReadOnly}}
	}
	for _, n := range strings.Fields("commit add mv pull fetch clone init merge rebase cherry-pick revert am apply switch tag remote config submodule worktree bisect notes") {
		if _, ok := rules["git "+n]; !ok {
			rules["git "+n] = []rule{{level: Writes, does: "changes the repository (git " + n + ")"}}
		}
	}
	for _, n := range strings.Fields("ps images logs inspect version info stats top port diff history events search") {
		rules["docker "+n] = []rule{{level: ReadOnly}}
	}
	for _, n := range strings.Fields("ls list inspect") {
		for _, o := range strings.Fields("container image volume network") {
			rules["docker "+o+" "+n] = []rule{{level: ReadOnly}}
		}
	}
	for _, n := range strings.Fields("status show list-units list-unit-files list-timers list-sockets is-active is-enabled is-failed cat help list-dependencies get-default") {
		rules["systemctl "+n] = []rule{{level: ReadOnly}}
	}
	for _, n := range strings.Fields("poweroff halt") {
		rules["systemctl "+n] = []rule{{level: Privileged, does: "shuts the computer down"}}
	}
	for _, n := range strings.Fields("get describe logs top explain version api-resources cluster-info") {
		rules["kubectl "+n] = []rule{{level: ReadOnly}}
	}
	for _, n := range strings.Fields("version env list doc vet help") {
		rules["go "+n] = []rule{{level: ReadOnly}}
	}
	for _, o := range strings.Fields("addr address link route neigh rule") {
		rules["ip "+o] = []rule{{level: ReadOnly}}
		for _, n := range strings.Fields("add del delete flush set change replace append") {
			rules["ip "+o+" "+n] = []rule{{level: Privileged, does: "changes the network configuration (ip " + o + " " + n + ")"}}
		}
	}
}

// pkgRules sets the rules of a package manager from its subcommands that
// remove, that install, and that only look; any other subcommand changes
// the system at the manager's level.
func pkgRules(rules map[string][]rule, tool, remove, install, look string, level Level) {
	rules[tool] = []rule{{level: level, role: names, does: "runs the package manager (" + tool + " %s)"}}
	for _, s := range strings.Fields(remove) {
		rules[tool+" "+s] = []rule{{level: level, role: names, does: "removes the packages %s and what depends on them"}}
	}
	for _, s := range strings.Fields(install) {
		rules[tool+" "+s] = []rule{{level: level, role: names, does: "installs or upgrades packages (%s)"}}
	}
	for _, s := range strings.Fields(look) {
		rules[tool+" "+s] = []rule{{level: ReadOnly}}
	}
}

// rules maps a command, or "command subcommand", to its rules. A key
// missing for a subcommand falls back to the command's. The table is built
// on first use, not at init: every lsh start links this package (lsh -c
// true among them), and most never rate a command.
var rules = lazy.Value[map[string][]rule]{Build: func() map[string][]rule {
	rules := map[string][]rule{
		"rm": {{level: Deletes, role: deletes, does: "deletes %s", mods: rmMods,
			alt: "rm -ri %s asks before each file; gio trash %s (or trash-put) moves it to the trash instead"}},
		"unlink": {{level: Deletes, role: deletes, does: "deletes %s"}},
		// The trash: putting in it can be undone, emptying it cannot.
		"gio": {{level: Writes, role: names, does: "runs GNOME's file tool (gio %s)"}},
		"gio trash": {
			{when: "empty", level: Deletes, does: "empties the trash, deleting what is in it for good"},
			{level: Writes, role: moves, does: "moves %s to the trash"},
		},
		"gio list":    {{level: ReadOnly}},
		"gio info":    {{level: ReadOnly}},
		"gio cat":     {{level: ReadOnly}},
		"gio tree":    {{level: ReadOnly}},
		"trash-put":   {{level: Writes, role: moves, does: "moves %s to the trash"}},
		"trash-list":  {{level: ReadOnly}},
		"trash-empty": {{level: Deletes, does: "empties the trash, deleting what is in it for good"}},
		"rmdir":       {{level: Writes, role: writes, does: "removes the empty directory %s"}},
		"shred": {{level: Deletes, role: deletes, does: "overwrites %s so it can never be recovered",
			mods: []mod{{opts: "u remove", why: "and then deletes it (-u)"}, {opts: "z zero", why: "hiding the shredding with zeros (-z)"}},
			alt:  "make sure of the target first: shred cannot be undone"}},
		"truncate": {{level: Deletes, role: deletes, does: "truncates %s, losing its contents past the new size"}},
		"cp": {{level: Writes, role: reads, last: overwrites, dir: "t target-directory", does: "reads %s",
			doesLast: "copies over %s, replacing files of the same name",
			mods: []mod{{opts: "r R recursive a archive", flag: recursive, show: "-r"}, {opts: "n no-clobber", flag: noClobber},
				{opts: "i interactive", flag: interactive}, {opts: "f force", flag: force}},
			alt: "cp -i asks before replacing a file; cp -n never does"}},
		"mv": {{level: Writes, role: moves, last: overwrites, dir: "t target-directory", does: "moves %s away",
			doesLast: "moves files onto %s, replacing what has the same name",
			mods:     []mod{{opts: "n no-clobber", flag: noClobber}, {opts: "i interactive", flag: interactive}, {opts: "f force", flag: force}},
			always:   recursive, alt: "mv -i asks before replacing a file; mv -n never does"}},
		"ln": {
			{when: "f force", level: Writes, role: reads, last: overwrites, dir: "t target-directory", doesLast: "replaces %s with a link"},
			{level: Writes, role: reads, last: writes, dir: "t target-directory", doesLast: "creates the link %s"},
		},
		"install": {{level: Writes, role: reads, last: overwrites, dir: "t target-directory", doesLast: "installs files as %s, replacing what is there"}},
		"mkdir":   {{level: Writes, role: writes, does: "creates the directory %s"}},
		"touch":   {{level: Writes, role: writes, does: "creates %s or updates its timestamp"}},
		"mktemp":  {{level: Writes, does: "creates a temporary file"}},
		"chmod": {{level: Writes, role: modifies, skip: 1, skipUnless: "reference", does: "changes the permissions of %s",
			mods: []mod{{opts: "R recursive", flag: recursive, show: "-R", why: "recursively, for every file inside"}},
			alt:  "change only the files that need it, e.g. chmod u+x FILE"}},
		"chown": {{level: Writes, role: modifies, skip: 1, skipUnless: "reference", does: "changes the owner of %s",
			mods: []mod{{opts: "R recursive", flag: recursive, show: "-R", why: "recursively, for every file inside"}},
			alt:  "change only the files that need it"}},
		"chgrp": {{level: Writes, role: modifies, skip: 1, skipUnless: "reference", does: "changes the group of %s",
			mods: []mod{{opts: "R recursive", flag: recursive, show: "-R", why: "recursively, for every file inside"}}}},
		"chattr": {{level: Writes, role: modifies, skip: 1, does: "changes the attributes of %s",
			mods: []mod{{opts: "R", flag: recursive, show: "-R", why: "recursively"}}}},
		"setfacl": {{level: Writes, role: modifies, does: "changes the access control lists of %s",
			mods: []mod{{opts: "R recursive", flag: recursive, show: "-R", why: "recursively"}}}},
		"dd": {{level: ReadOnly, opts: []optRole{{opts: "of", role: overwrites, does: "writes raw data over %s"}, {opts: "if", role: reads}},
			alt: "run lsblk to be sure of the target, then dd … status=progress conv=fsync; a wrong of= cannot be undone"}},
		"wipefs": {
			{when: "a all o offset", level: Deletes, role: erases, does: "erases the filesystem signatures on %s, making its data unreachable",
				alt: "wipefs without -a only lists the signatures"},
			{level: ReadOnly},
		},
		"blkdiscard": {{level: Deletes, role: erases, does: "discards every block of %s"}},
		"badblocks":  {{when: "w", level: Deletes, role: erases, does: "overwrites all of %s with test patterns (-w)"}, {level: ReadOnly}},
		"kill": {
			{when: "l L list table", level: ReadOnly},
			{level: Writes, role: process, does: "sends a signal to process %s"},
		},
		"pkill":    {{level: Writes, role: names, does: "stops the processes matching %s"}},
		"killall":  {{level: Writes, role: names, does: "stops every process named %s"}},
		"killall5": {{level: SystemDestroying, does: "signals every process on the system"}},
		"reboot":   {{level: Privileged, does: "restarts the computer"}},
		"init":     {{level: Privileged, role: names, does: "switches the system's runlevel to %s (0 powers off, 6 restarts)"}},
		"telinit":  {{level: Privileged, role: names, does: "switches the system's runlevel to %s (0 powers off, 6 restarts)"}},
		"crontab": {
			{when: "r remove", level: Deletes, does: "deletes your whole crontab, every scheduled job, without asking",
				alt: "crontab -l > crontab.bak first; crontab -e removes a single job"},
			{when: "l list", level: ReadOnly},
			{when: "e edit", level: Writes, does: "opens your crontab for editing"},
			{level: Writes, role: names, does: "replaces your crontab with %s"},
		},
		"history": {{when: "c", level: Deletes, does: "clears the shell history"}, {level: ReadOnly}},
		"sed": {
			{when: "i in-place", level: Writes, role: writes, skip: 1, skipUnless: "e expression f file", does: "edits %s in place",
				alt: "sed -i.bak keeps a backup of each file"},
			{level: ReadOnly},
		},
		"tee": {
			{when: "a append", level: Writes, role: writes, does: "appends to %s"},
			{level: Writes, role: overwrites, does: "writes %s, replacing its contents"},
		},
		"tar": {
			{when: "x extract get", level: Writes, does: "extracts files into the current directory, replacing files of the same name",
				opts: []optRole{{opts: "C directory", role: writes, does: "extracts files into %s, replacing files of the same name"}, {opts: "f file", role: reads}},
				mods: []mod{{opts: "overwrite recursive-unlink unlink-first", level: Deletes, why: "removing existing files first"}}},
			{when: "c create r append u update", level: Writes, role: reads,
				opts: []optRole{{opts: "f file", role: overwrites, does: "writes the archive %s"}, {opts: "C directory", role: reads}},
				mods: []mod{{opts: "remove-files", level: Deletes, why: "and deletes the files it archived (--remove-files)"}}},
			{level: ReadOnly},
		},
		"zip": {{level: Writes, first: writes, role: reads, does: "writes the archive %s",
			mods: []mod{{opts: "m move", level: Deletes, why: "and deletes the original files (-m)"}}}},
		"unzip": {
			{when: "l v t Z", level: ReadOnly},
			{level: Writes, role: reads, does: "extracts the archive into the current directory",
				opts: []optRole{{opts: "d", role: writes, does: "extracts the archive into %s"}},
				mods: []mod{{opts: "o", level: Deletes, why: "overwriting existing files without asking (-o)"}}},
		},
		"rsync": {
			{when: "delete delete-before delete-during delete-delay delete-after delete-excluded del remove-source-files", level: Deletes,
				role: reads, last: deletes, always: recursive, does: "reads %s",
				doesLast: "makes %s mirror the source, deleting what is not in it (--delete)",
				alt:      "rsync -n (--dry-run) shows first what would be deleted"},
			{level: Writes, role: reads, last: overwrites, does: "reads %s", doesLast: "copies into %s, replacing files of the same name"},
		},
		"scp":  {{level: Writes, role: reads, last: overwrites, does: "reads %s", doesLast: "copies over %s"}},
		"sftp": {{level: Writes, role: names, does: "opens a file transfer session with %s"}},
		"ssh":  {{level: Writes, special: remoteShell, does: "opens a shell on %s, where anything can change"}},
		"nc": {{level: Writes, role: names, does: "opens a network connection (%s)",
			mods: []mod{{opts: "e c", level: RemoteCode, why: "and gives whoever connects a shell on this machine (-e)"}}}},
		"ncat":   {{level: Writes, role: names, does: "opens a network connection (%s)", mods: []mod{{opts: "e c exec sh-exec", level: RemoteCode, why: "and gives whoever connects a shell on this machine (-e)"}}}},
		"socat":  {{level: Writes, role: names, does: "relays data between %s"}},
		"find":   {{level: ReadOnly, special: findExpr}},
		"eval":   {{level: ReadOnly, special: evalArgs}},
		"source": {{level: Writes, special: sourceFile, does: "runs the commands in %s in this shell", role: script}},
		".":      {{level: Writes, special: sourceFile, does: "runs the commands in %s in this shell", role: script}},
		"make": {{when: "n dry-run just-print recon q question", level: ReadOnly},
			{level: Writes, role: names, does: "runs the build rules of the Makefile (they can run any command)"}},
		"git": {{level: Writes, role: names, does: "runs git"}},
		"git reset": {
			{when: "hard", level: Deletes, does: "discards every uncommitted change in the working tree (--hard)",
				alt: "git stash keeps the changes, and git stash pop brings them back"},
			{when: "keep merge", level: Writes, does: "moves the current branch, keeping local changes"},
			{level: Writes, does: "moves the current branch and unstages changes; the files keep them"},
		},
		"git clean": {
			{when: "n dry-run", level: ReadOnly},
			{level: Deletes, role: names, does: "deletes untracked files (git cannot bring them back)",
				mods: []mod{{opts: "d", why: "and untracked directories (-d)"}, {opts: "x", why: "including ignored files such as build output and local settings (-x)"},
					{opts: "X", why: "only ignored files (-X)"}},
				alt: "git clean -n lists what would be deleted; git clean -i asks"},
		},
		"git checkout": {
			{when: "f force", level: Deletes, does: "switches branch, discarding uncommitted changes (-f)", alt: "git stash first keeps the changes"},
			{whenArg: "-- . :/ *", level: Deletes, role: names, does: "discards uncommitted changes to %s", alt: "git stash first keeps the changes"},
			{level: Writes, role: names, does: "switches the working tree to %s"},
		},
		"git restore": {
			{when: "staged S", level: Writes, role: names, does: "unstages %s; the files keep their changes"},
			{level: Deletes, role: names, does: "discards uncommitted changes to %s", alt: "git stash first keeps the changes"},
		},
		"git switch": {
			{when: "discard-changes f force", level: Deletes, does: "switches branch, discarding uncommitted changes"},
			{level: Writes, role: names, does: "switches to the branch %s"},
		},
		"git push": {
			{when: "f force", level: Deletes, role: names, does: "overwrites the remote branch's history (--force)",
				alt: "git push --force-with-lease refuses when someone else pushed in the meantime"},
			{when: "d delete", level: Deletes, role: names, does: "deletes the remote branch %s"},
			{level: Writes, role: names, does: "uploads commits to %s"},
		},
		"git branch": {
			{when: "D", level: Deletes, role: names, does: "deletes the branch %s even if its commits are not merged (-D)",
				alt: "git branch -d refuses to delete unmerged work"},
			{when: "d delete", level: Writes, role: names, does: "deletes the merged branch %s"},
			{level: Writes, bare: ReadOnly, role: names, does: "creates or changes the branch %s"},
		},
		"git tag":             {{level: Writes, bare: ReadOnly, role: names, does: "creates or changes the tag %s"}},
		"git remote":          {{level: Writes, bare: ReadOnly, role: names, does: "changes the remotes (%s)"}},
		"git stash":           {{level: Writes, does: "puts uncommitted changes aside"}},
		"git stash list":      {{level: ReadOnly}},
		"git stash show":      {{level: ReadOnly}},
		"git stash drop":      {{level: Deletes, role: names, does: "deletes a stash and the changes it holds"}},
		"git stash clear":     {{level: Deletes, does: "deletes every stash and the changes they hold"}},
		"git rm":              {{level: Deletes, role: deletes, does: "deletes %s from the working tree and the index", mods: []mod{{opts: "r", flag: recursive, show: "-r", why: "recursively"}, {opts: "cached", level: Writes, why: "(--cached keeps the files on disk)"}}}},
		"git filter-branch":   {{level: Deletes, does: "rewrites the repository's history"}},
		"git filter-repo":     {{level: Deletes, does: "rewrites the repository's history"}},
		"git gc":              {{level: Writes, does: "packs the repository", mods: []mod{{opts: "prune", value: "now", level: Deletes, why: "and deletes unreachable commits at once (--prune=now)"}}}},
		"git reflog expire":   {{level: Deletes, does: "forgets old reflog entries, the safety net for lost commits"}},
		"docker":              {{level: Writes, role: names, does: "runs docker"}},
		"docker rm":           {{level: Deletes, role: names, does: "deletes the containers %s", mods: []mod{{opts: "f force", why: "even if running (-f)"}, {opts: "v volumes", why: "and their anonymous volumes (-v)"}}}},
		"docker container rm": {{level: Deletes, role: names, does: "deletes the containers %s"}},
		"docker rmi":          {{level: Deletes, role: names, does: "deletes the images %s"}},
		"docker image rm":     {{level: Deletes, role: names, does: "deletes the images %s"}},
		"docker volume rm":    {{level: Deletes, role: names, does: "deletes the volumes %s and the data in them"}},
		"docker system prune": {{level: Deletes, does: "deletes stopped containers, unused networks and dangling images",
			mods: []mod{{opts: "a all", why: "and every unused image (-a)"}, {opts: "volumes", why: "and unused volumes with their data (--volumes)"}},
			alt:  "docker system df shows first what uses space"}},
		"docker image prune":     {{level: Deletes, does: "deletes dangling images", mods: []mod{{opts: "a all", why: "and every unused image (-a)"}}}},
		"docker container prune": {{level: Deletes, does: "deletes every stopped container"}},
		"docker volume prune":    {{level: Deletes, does: "deletes every unused volume and the data in it"}},
		"docker network prune":   {{level: Writes, does: "deletes unused networks"}},
		"docker builder prune":   {{level: Writes, does: "deletes the build cache"}},
		"docker run": {{level: Writes, role: names, does: "starts a container (%s)",
			mods: []mod{{opts: "privileged", level: Privileged, why: "with full access to the host (--privileged)"},
				{opts: "v volume", value: "/:", level: Privileged, why: "with the host's whole filesystem mounted inside (-v /:…)"}}}},
		"docker compose down": {{level: Writes, does: "stops and removes the project's containers",
			mods: []mod{{opts: "v volumes", level: Deletes, why: "and deletes its volumes with their data (-v)"}}}},
		"kubectl":             {{level: Writes, role: names, does: "changes the Kubernetes cluster (kubectl %s)"}},
		"kubectl delete":      {{level: Deletes, role: names, does: "deletes the Kubernetes resources %s", alt: "kubectl delete --dry-run=client shows what would go"}},
		"systemctl":           {{level: Privileged, role: names, does: "changes the system services (%s)"}},
		"systemctl reboot":    {{level: Privileged, does: "restarts the computer"}},
		"systemctl suspend":   {{level: Privileged, does: "suspends the computer"}},
		"systemctl hibernate": {{level: Privileged, does: "hibernates the computer"}},
		"service":             {{level: Privileged, role: names, does: "manages the system service %s"}},
		"journalctl":          {{when: "vacuum-size vacuum-time vacuum-files rotate flush", level: Privileged, does: "deletes or moves system logs"}, {level: ReadOnly}},
		"mount":               {{level: Privileged, bare: ReadOnly, role: names, does: "mounts %s"}},
		"nft":                 {{level: Privileged, role: names, does: "changes the firewall rules"}},
		"ufw":                 {{level: Privileged, role: names, does: "changes the firewall (%s)"}},
		"userdel":             {{level: Privileged, role: names, does: "deletes the user %s", mods: []mod{{opts: "r remove", why: "and their home directory and mail (-r)"}}}},
		"passwd":              {{level: Privileged, bare: Writes, role: names, does: "changes the password of %s"}},
		"chsh":                {{level: Writes, role: names, does: "changes a login shell"}},
		"sysctl":              {{when: "w write p load", level: Privileged, role: names, does: "changes kernel parameters"}, {level: ReadOnly}},
		"dpkg":                {{when: "l list L listfiles s status S search", level: ReadOnly}, {level: Privileged, role: names, does: "installs or removes packages"}},
		"rpm":                 {{when: "q query", level: ReadOnly}, {level: Privileged, role: names, does: "installs or removes packages"}},
		"pacman": {
			{when: "R remove", level: Privileged, role: names, does: "removes the packages %s"},
			{when: "Q query", level: ReadOnly},
			{when: "s search i info l list g groups", level: ReadOnly},
			{level: Privileged, role: names, does: "installs or upgrades packages"},
		},
		"go":       {{level: Writes, role: names, does: "runs the Go tool (go %s), which can build and run code"}},
		"go run":   {{level: Writes, role: names, does: "compiles and runs %s"}},
		"go clean": {{level: Writes, does: "deletes build output", mods: []mod{{opts: "modcache cache", level: Deletes, why: "including the module or build cache"}}}},
		"open":     {{level: Writes, role: names, does: "opens %s with its default application"}},
		"xdg-open": {{level: Writes, role: names, does: "opens %s with its default application"}},
		"at":       {{level: Writes, does: "schedules commands to run later"}},
		"yes":      {{level: ReadOnly}},
	}
	addRules(rules)
	return rules
}}

// ruleFor returns the rule for a tool key ("git reset") given the options
// present, falling back from "git stash frob" to "git stash" to "git".
func ruleFor(key string, has func(names string) bool, hasArg func(args string) bool) (rule, string, bool) {
	for k := key; k != ""; {
		if rs, ok := rules.Get()[k]; ok {
			for _, r := range rs {
				if r.when != "" && !has(r.when) {
					continue
				}
				if r.whenArg != "" && !hasArg(r.whenArg) {
					continue
				}
				return r, k, true
			}
		}
		i := strings.LastIndexByte(k, ' ')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return rule{}, "", false
}
