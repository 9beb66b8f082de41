package intents

import (
	"fmt"
	"strings"
)

// System facts (OS, kernel, uptime, memory, CPUs, date, users, host name,
// shell) and packages.

var catalogueSystem = []*entry{
	{
		name: "system.os",
		says: []string{
			"os|distro|distribution|operating_system|linux_distribution|linux_version|os_version|release",
			"what|which linux|system",
			"version|release of? the? os|linux|ubuntu|debian|fedora|macos|centos|mint|alpine|arch|distro",
			"system|computer|machine info|information|details|specs|summary",
		},
		also: "linux running using installed version am this kind flavor flavour on of",
		build: func(c *call) outcome {
			facts := c.host.DistroName
			if facts == "" {
				facts = c.host.OS
			}
			if c.host.Kernel != "" {
				facts += ", kernel " + c.host.Kernel
			}
			switch {
			case c.host.OS == "darwin":
				return c.command("sw_vers", "This is "+facts+"; sw_vers prints the macOS name, version and build.")
			case c.host.Distro != "":
				return c.command("cat /etc/os-release", "This is "+facts+"; /etc/os-release holds the distribution's name and version.")
			}
			return c.command("uname -a", "This is "+facts+"; uname prints the kernel name, version and machine.")
		},
	},
	{
		name: "system.kernel",
		says: []string{"kernel|uname version|release?", "which|what kernel"},
		also: "running using version have",
		run:  []alt{{cmd: "uname -r", explain: "Prints the version of the running kernel."}},
	},
	{
		name: "system.uptime",
		says: []string{
			"uptime|up_time",
			"how long has|have the? computer|system|machine|server|it|pc|laptop been up|on|running|booted",
			"when did|was the? computer|system|machine|server|it|pc|laptop boot|booted|start|started|last_boot|reboot|rebooted|turned_on",
			"last boot|reboot|restart",
			"load average|averages",
			"system|cpu load",
		},
		run: []alt{{cmd: "uptime", explain: "Shows how long the system has been running, how many users are logged in and the load averages of the last 1, 5 and 15 minutes."}},
	},
	{
		name: "system.memory",
		says: []string{
			"how_much memory|ram do|does? i|we|this|it? have|has|is|free|left|available|installed",
			"memory|ram usage|free|available|left|installed|total|size|info|status|stats",
			"free|available|used|total|installed memory|ram",
			"swap usage|space|size?",
		},
		run: []alt{
			{when: "os:linux gnu:free", cmd: "free -h", explain: "Shows total, used and available memory and swap, in human units."},
			{when: "os:linux", cmd: "free -m", explain: "Shows total, used and free memory and swap, in MiB."},
			{when: "os:darwin", cmd: "vm_stat", explain: "Shows memory statistics in pages (a page is 16 KiB on Apple silicon, 4 KiB on Intel)."},
			{cmd: "top -b -n 1", explain: "Shows the memory summary at the top of top's output."},
		},
	},
	{
		name: "system.cpus",
		says: []string{
			"how_many cpus|cpu|cores|core|processors|processor|threads|cpu_cores|processor_cores",
			"cpu|core|processor count|number",
			"number_of cpus|cpu|cores|processors|threads",
		},
		run: []alt{
			{when: "os:darwin", cmd: "sysctl -n hw.ncpu", explain: "Prints the number of CPU cores available."},
			{cmd: "nproc", explain: "Prints the number of processing units (CPU threads) available."},
			{when: "os:linux", cmd: "grep -c ^processor /proc/cpuinfo", explain: "Counts the processors listed in /proc/cpuinfo."},
		},
	},
	{
		name: "system.cpuinfo",
		says: []string{"cpu|processor model|info|information|type|details|speed|name", "what|which cpu|processor do i have|is_this|is_in"},
		run: []alt{
			{when: "os:darwin", cmd: "sysctl -n machdep.cpu.brand_string", explain: "Prints the CPU model."},
			{cmd: "lscpu", explain: "Shows the CPU model, cores, threads, caches and speed."},
			{when: "os:linux", cmd: "grep -m 1 'model name' /proc/cpuinfo", explain: "Prints the CPU model from /proc/cpuinfo."},
		},
	},
	{
		name: "system.date",
		says: []string{
			"what time|date|day is it",
			"current|today date|time|day",
			"what is the? date|time|day|year|month",
			"date|time now?",
			"what day of the week",
		},
		takes: "time",
		run:   []alt{{cmd: "date", explain: "Prints the current date, time and time zone."}},
	},
	{
		name: "system.whoami",
		says: []string{"who am i", "what|which is|am my? user|username|user_name|login|account i?", "current user|username", "my username|user_name|login|user_id|uid", "whoami"},
		run:  []alt{{cmd: "id", explain: "Prints your user name and numeric id and the groups you belong to."}},
	},
	{
		name: "system.who",
		says: []string{
			"who|users|anyone|anybody|someone|somebody else? is|are? logged_in|logged_on|online|connected|signed_in",
			"logged_in|online|connected users|people",
			"who else is on|using this? computer|machine|server|system?",
			"other users",
		},
		run: []alt{
			{cmd: "who", explain: "Lists the users logged in now, with their terminals and login times."},
			{cmd: "w", explain: "Lists the users logged in now and what they are running."},
		},
	},
	{
		name: "system.users",
		says: []string{"list|show|all user|users|accounts|user_accounts", "which|what users|accounts exist|are_there|are_on", "users|accounts on this? computer|machine|system"},
		run: []alt{
			{cmd: "getent passwd | cut -d: -f1", explain: "Lists the user accounts this computer knows (local and from a directory service), one per line."},
			{cmd: "cut -d: -f1 /etc/passwd", explain: "Lists the local user accounts, one per line."},
		},
	},
	{
		name: "system.clear",
		says: []string{"clear|clean|wipe the? screen|terminal|console|display", "cls"},
		run:  []alt{{cmd: "clear", explain: "Clears the terminal screen (Ctrl-L does the same at the prompt)."}},
	},
	{
		name: "system.hostname",
		says: []string{"hostname|host_name|computer_name|machine_name|server_name|computer's_name", "name of this|the|my computer|machine|host|server"},
		run: []alt{
			{cmd: "hostname", explain: "Prints this computer's host name."},
			{cmd: "uname -n", explain: "Prints this computer's host name."},
		},
	},
	{
		name: "system.shell",
		says: []string{"which|what shell", "my|current|default|login shell"},
		also: "using running am use",
		run:  []alt{{cmd: `echo "$SHELL"`, explain: "Prints your login shell (you are typing into lsh right now)."}},
	},
	{
		name: "system.path",
		says: []string{"path variable|var|env|environment", "$path", "my|the path environment? variable?", "directories|folders in|on my? path"},
		run:  []alt{{cmd: `echo "$PATH" | tr : '\\n'`, explain: "Prints the folders searched for commands, one per line, in the order they are searched."}},
	},
	{
		name: "system.env",
		says: []string{"environment|env variables|vars|variable", "environment"},
		run:  []alt{{cmd: "env", explain: "Prints every environment variable of this shell and its value."}},
	},
	{
		name:  "package.install",
		says:  []string{"install {pkg:name}", "how do i? install|get {pkg:name}", "install the? package|program|app|tool {pkg:name}", "install the? {pkg:name} package|program|app|tool"},
		build: buildInstall,
		run: []alt{
			{cmd: "{sudo}apt install {pkg}", explain: "Installs the package {pkg} with apt (it asks before changing anything)."},
			{cmd: "{sudo}dnf install {pkg}", explain: "Installs the package {pkg} with dnf."},
			{cmd: "{sudo}yum install {pkg}", explain: "Installs the package {pkg} with yum."},
			{cmd: "{sudo}pacman -S {pkg}", explain: "Installs the package {pkg} with pacman."},
			{cmd: "{sudo}zypper install {pkg}", explain: "Installs the package {pkg} with zypper."},
			{cmd: "{sudo}apk add {pkg}", explain: "Installs the package {pkg} with apk."},
			{cmd: "brew install {pkg}", explain: "Installs the package {pkg} with Homebrew."},
		},
		explain: "Installs {pkg}.",
	},
	{
		name: "system.power",
		says: []string{
			"shut_down|shutdown|power_off|poweroff|turn_off|switch_off|halt the? computer|system|machine|pc|laptop|server|box?",
			"reboot|restart the? computer|system|machine|pc|laptop|server|box",
			"reboot",
		},
		also: "now please right",
		build: func(c *call) outcome {
			reboot := c.saidAny("reboot", "restart")
			verb, what := "poweroff", "Shuts the computer down now"
			if reboot {
				verb, what = "reboot", "Restarts the computer now"
			}
			what += ": unsaved work in open programs is lost, and everyone logged in is disconnected."
			sudo, _ := c.value("sudo", false)
			switch {
			case c.host.ServiceManager() == "systemd":
				return c.command(sudo+"systemctl "+verb, what)
			case c.host.Has("shutdown"):
				flag := "-h"
				if reboot {
					flag = "-r"
				}
				return c.command(sudo+"shutdown "+flag+" now", what)
			}
			return c.needTools(what, []string{"systemctl", "shutdown"})
		},
	},
	{
		name: "system.trash",
		says: []string{
			"empty|clear|clean|clean_out|purge|wipe|delete the? trash|trashcan|trash_can|recycle_bin|recycling_bin|wastebasket|rubbish_bin|bin",
			"empty_trash",
		},
		also: "my out all everything in",
		run: []alt{
			{cmd: "gio trash --empty", explain: "Empties your trash: the files in it are deleted for good."},
			{cmd: "trash-empty", explain: "Empties your trash: the files in it are deleted for good."},
			{when: "os:darwin", cmd: `osascript -e 'tell application "Finder" to empty trash'`, explain: "Asks the Finder to empty the trash: the files in it are deleted for good."},
		},
		explain: "Empties your trash (~/.local/share/Trash)",
	},
	{
		name: "system.trash-list",
		says: []string{"what is|are in the? trash|trashcan|recycle_bin", "list|show|view|open the? trash|trashcan|recycle_bin", "trash contents|content"},
		run: []alt{
			{cmd: "gio list trash://", explain: "Lists the files in your trash."},
			{cmd: "trash-list", explain: "Lists the files in your trash, with when each was deleted."},
		},
		explain: "Lists the files in your trash (~/.local/share/Trash)",
	},
	{
		name: "package.remove",
		says: []string{"uninstall {pkg:name}", "remove|purge|delete the? package|program|app {pkg:name}", "remove|purge {pkg:name} package"},
		run: []alt{
			{cmd: "{sudo}apt remove {pkg}", explain: "Removes the package {pkg} with apt (it asks before changing anything)."},
			{cmd: "{sudo}dnf remove {pkg}", explain: "Removes the package {pkg} with dnf."},
			{cmd: "{sudo}yum remove {pkg}", explain: "Removes the package {pkg} with yum."},
			{cmd: "{sudo}pacman -R {pkg}", explain: "Removes the package {pkg} with pacman."},
			{cmd: "{sudo}zypper remove {pkg}", explain: "Removes the package {pkg} with zypper."},
			{cmd: "{sudo}apk del {pkg}", explain: "Removes the package {pkg} with apk."},
			{cmd: "brew uninstall {pkg}", explain: "Removes the package {pkg} with Homebrew."},
		},
		explain: "Removes {pkg}.",
	},
	{
		name: "package.update",
		says: []string{
			"update|upgrade the? system|packages|software|everything|os|computer|all",
			"install|apply|get updates|upgrades",
			"check for updates|upgrades",
			"system update|upgrade",
		},
		run: []alt{
			{cmd: "{sudo}apt update && {sudo}apt upgrade", explain: "Refreshes the package lists and upgrades every installed package with apt (it asks before upgrading)."},
			{cmd: "{sudo}dnf upgrade", explain: "Upgrades every installed package with dnf."},
			{cmd: "{sudo}yum update", explain: "Upgrades every installed package with yum."},
			{cmd: "{sudo}pacman -Syu", explain: "Refreshes the package lists and upgrades the whole system with pacman."},
			{cmd: "{sudo}zypper update", explain: "Upgrades every installed package with zypper."},
			{cmd: "{sudo}apk update && {sudo}apk upgrade", explain: "Refreshes the package index and upgrades every installed package with apk."},
			{cmd: "brew update && brew upgrade", explain: "Updates Homebrew and upgrades every package it installed."},
		},
		explain: "Upgrades the installed packages.",
	},
	{
		name: "package.search",
		says: []string{"search|find|look for? a? package|packages for|called|named|about? {q:text}", "is there a package for {q:text}"},
		run: []alt{
			{cmd: "apt search {q}", explain: "Searches the package lists for {q}."},
			{cmd: "dnf search {q}", explain: "Searches the package lists for {q}."},
			{cmd: "yum search {q}", explain: "Searches the package lists for {q}."},
			{cmd: "pacman -Ss {q}", explain: "Searches the package lists for {q}."},
			{cmd: "zypper search {q}", explain: "Searches the package lists for {q}."},
			{cmd: "apk search {q}", explain: "Searches the package index for {q}."},
			{cmd: "brew search {q}", explain: "Searches Homebrew for {q}."},
		},
		explain: "Searches the packages for {q}.",
	},
}

// buildInstall installs a package with the host's package manager; a
// program that is already installed is said so instead.
func buildInstall(c *call) outcome {
	pkg, _ := c.str("pkg")
	if pkg == "" || strings.HasPrefix(pkg, "-") {
		return c.clarify("Install which package?")
	}
	if c.host.Has(pkg) {
		return c.answer(fmt.Sprintf("%s is already installed. To upgrade it, ask to update your system.", pkg), "lsh found the program "+pkg+" on your PATH.")
	}
	return c.runAlts()
}
