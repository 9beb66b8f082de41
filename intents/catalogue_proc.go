package intents

import (
	"fmt"
	"sort"
	"strings"
)

// Processes: the top users of CPU and memory, finding, listing and killing
// processes.

var catalogueProc = []*entry{
	{
		name: "proc.cpu",
		says: []string{
			"most|highest|top|heaviest|biggest cpu|processor|cpu_time",
			"cpu|processor hog|hogs|hungry|heavy|intensive|usage|load|eater|eaters",
			"using|eating|hogging|consuming|uses|use|eats|hogs|burning|maxing the? cpu|processor|cpus|cores",
			"top? {count?} processes|programs|apps|tasks by|using? cpu|processor",
		},
		takes:    "count",
		also:     "programs processes apps which what tasks right now",
		defaults: "count=10",
		build:    func(c *call) outcome { return buildTop(c, "cpu") },
	},
	{
		name: "proc.memory",
		says: []string{
			"most|highest|top|heaviest|biggest memory|ram|mem",
			"memory|ram hog|hogs|hungry|heavy|intensive|eater|eaters|leak",
			"using|eating|hogging|consuming|uses|use|eats|hogs|taking|takes|filling up? all? the? most? my? memory|ram",
			"top? {count?} processes|programs|apps|tasks by|using? memory|ram",
		},
		takes:    "count",
		also:     "programs processes apps which what tasks right now",
		defaults: "count=10",
		build:    func(c *call) outcome { return buildTop(c, "memory") },
	},
	{
		name: "proc.find",
		says: []string{
			"is {name} running|open|alive|up",
			"find|show|list|get|check {name} processes|process|pid|pids",
			"processes|process named|called|matching {name}",
			"pid|pids|process_id|process_ids of|for {name}",
			"what is the? pid|process_id of|for {name}",
			"is {name} still running",
			"running {name} processes|process",
		},
		build: buildFindProc,
	},
	{
		name: "proc.kill",
		says: []string{
			"kill|stop|terminate|end|quit|close|shut_down|shutdown {name} processes|process|program|app|application|instances?",
			"force_quit|force_kill|force_stop|force_close|kill_-9 {name}",
			"kill|stop|terminate|end process|pid|program {pid:count}",
		},
		build: buildKill,
	},
	{
		name: "proc.kill-port",
		says: []string{
			"kill|stop|terminate|end|free|release|close whatever|what|process|program|thing|app? is? on|using|listening_on|holding|blocking|occupying? {port}",
		},
		build: buildKillPort,
	},
	{
		name: "proc.open-files",
		says: []string{"open|opened files|file_handles|file_descriptors|fds", "files are|that_are|which_are open|opened", "lsof"},
		also: "show list all which what are",
		run:  []alt{{cmd: "lsof -nP", explain: "Lists the open files, sockets and pipes of every process you may see (-n -P: addresses and ports as numbers, which is faster)."}},
	},
	{
		name: "proc.list",
		says: []string{
			"running? processes|tasks",
			"list|show|all running processes|programs|tasks",
			"what is running",
			"process list",
			"all programs|apps|applications running|open",
		},
		run: []alt{
			{when: "!busybox:ps", cmd: "ps aux", explain: "Lists every running process with its owner, CPU and memory use and command line."},
			{cmd: "ps", explain: "Lists every running process."},
		},
	},
}

// buildTop lists the processes using the most CPU or memory right now.
func buildTop(c *call, by string) outcome {
	n, _ := c.num("count")
	what := map[string]string{"cpu": "CPU", "memory": "memory"}[by]
	ex := fmt.Sprintf("Lists the %d processes using the most %s right now, highest first, with their CPU and memory shares.", n, what)
	key, bsd := "-%cpu", "-r"
	if by == "memory" {
		key, bsd = "-%mem", "-m"
	}
	switch c.host.Flavor("ps") {
	case GNU:
		return c.command(fmt.Sprintf("ps -eo pid,user,%%cpu,%%mem,comm --sort=%s | head -n %d", key, n+1), ex)
	case BSD:
		return c.command(fmt.Sprintf("ps -Ao pid,user,%%cpu,%%mem,comm %s | head -n %d", bsd, n+1), ex)
	}
	// BusyBox ps cannot sort; its top prints one sorted screen in batch mode.
	sortKey := ""
	if by == "memory" {
		sortKey = " -m"
	}
	return c.command(fmt.Sprintf("top -b -n 1%s | head -n %d", sortKey, n+4), ex)
}

func buildFindProc(c *call) outcome {
	name, _ := c.str("name")
	if strings.HasPrefix(name, "-") {
		return c.clarify("A process name cannot start with “-”. Which process?")
	}
	if !c.host.Has("pgrep") {
		ps := "ps -e"
		if c.host.Flavor("ps") == BusyBox {
			ps = "ps"
		}
		return c.command(ps+" | grep -i -e "+shellQuote(name), "Lists the running processes whose line mentions “"+name+"” (ignoring case); grep itself may show up too.")
	}
	if c.host.Flavor("pgrep") == GNU {
		return c.command("pgrep -a "+shellQuote(name), "Lists the processes whose name contains “"+name+"”, with their PIDs and command lines; it prints nothing if none is running.")
	}
	return c.command("pgrep -l "+shellQuote(name), "Lists the processes whose name contains “"+name+"”, with their PIDs; it prints nothing if none is running.")
}

// buildKill ends processes by exact name. When nothing runs under that
// name but exactly one running program's name contains it ("firefox" runs
// as firefox-esr), that name is used and said.
func buildKill(c *call) outcome {
	if c.said("pid") {
		pid, _ := c.num("pid")
		return c.command(fmt.Sprintf("kill %d", pid), fmt.Sprintf("Asks process %d to terminate (SIGTERM), letting it clean up.", pid))
	}
	name, _ := c.str("name")
	if pid, ok := parseInt(name); ok && pid > 0 {
		return c.command(fmt.Sprintf("kill %d", pid), fmt.Sprintf("Asks process %d to terminate (SIGTERM), letting it clean up.", pid))
	}
	if name == "" || strings.HasPrefix(name, "-") {
		return c.clarify("Which process should be stopped?")
	}
	signal, how := "", "Asks every process named exactly “%s” to terminate (SIGTERM), letting it save and clean up."
	if c.saidAny("force_quit", "force", "-9", "forcefully", "hard") {
		signal, how = "-KILL ", "Kills every process named exactly “%s” at once (SIGKILL): it cannot save anything."
	}
	if procs := c.host.processNames(); procs != nil {
		exact, near := false, map[string]bool{}
		for _, p := range procs {
			if p == name {
				exact = true
			}
			if strings.Contains(strings.ToLower(p), strings.ToLower(name)) {
				near[p] = true
			}
		}
		if !exact {
			var names []string
			for n := range near {
				names = append(names, n)
			}
			sort.Strings(names)
			switch len(names) {
			case 0:
				return c.answer("No process named “"+name+"” is running.", "lsh checked the running processes; there is nothing to stop.")
			case 1:
				c.notes = append(c.notes, "The running process is called “"+names[0]+"”.")
				name = names[0]
			default:
				return c.clarify("Several running processes match “" + name + "”: " + strings.Join(names, ", ") + ". Which one?")
			}
		}
	}
	return c.command("pkill "+signal+"-x "+shellQuote(name), fmt.Sprintf(how, name))
}

func buildKillPort(c *call) outcome {
	port, _ := c.num("port")
	if c.host.OS == "linux" && c.host.Has("fuser") {
		return c.command(fmt.Sprintf("fuser -k -n tcp %d", port), fmt.Sprintf("Kills the processes using TCP port %d.", port))
	}
	return c.command(fmt.Sprintf("kill $(lsof -t -i :%d)", port), fmt.Sprintf("Asks the processes using port %d to terminate (SIGTERM).", port))
}
