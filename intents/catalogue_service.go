package intents

import (
	"fmt"
	"strings"
)

// Services (start, stop, restart, enable, status and logs of system
// services, through whichever service manager the host has) and containers
// (docker, else podman).

var catalogueService = []*entry{
	{
		name: "service.restart",
		says: []string{
			"restart|bounce|reboot {svc:service} service|daemon|server|unit?",
			"restart|bounce the? service|daemon|unit {svc:service}",
		},
		build: func(c *call) outcome { return buildService(c, "restart") },
	},
	{
		name: "service.reload",
		says: []string{
			"reload {svc:service} service|daemon|server|unit|config|configuration|settings?",
			"reload the? service|daemon|unit {svc:service}",
			"reload the? config|configuration|settings of|for {svc:service}",
		},
		build: func(c *call) outcome { return buildService(c, "reload") },
	},
	{
		name: "service.start",
		says: []string{
			"start|launch|bring_up|fire_up {svc:service} service|daemon|server|unit?",
			"start|launch the? service|daemon|unit {svc:service}",
		},
		build: func(c *call) outcome { return buildService(c, "start") },
	},
	{
		name: "service.stop",
		says: []string{
			"stop|halt|shut_down|shutdown|bring_down {svc:service} service|daemon|server|unit?",
			"stop|halt the? service|daemon|unit {svc:service}",
		},
		build: func(c *call) outcome { return buildService(c, "stop") },
	},
	{
		name: "service.enable",
		says: []string{
			"enable|autostart {svc:service} service|daemon|unit?",
			"start|run|launch {svc:service} service? at|on boot|startup",
			"make {svc:service} start at|on boot|startup",
		},
		also:  "boot startup automatically always",
		build: func(c *call) outcome { return buildService(c, "enable") },
	},
	{
		name: "service.disable",
		says: []string{
			"disable {svc:service} service|daemon|unit?",
			"do not|stop start|starting|run|running {svc:service} at|on boot|startup",
		},
		also:  "boot startup automatically",
		build: func(c *call) outcome { return buildService(c, "disable") },
	},
	{
		name: "service.status",
		says: []string{
			"status of the? {svc:service} service|daemon|unit?",
			"{svc:service} service|daemon? status",
			"is the? {svc:service} service|daemon|server? running|active|up|working|started|alive|enabled",
			"did {svc:service} service? start|fail",
		},
		build: func(c *call) outcome { return buildService(c, "status") },
	},
	{
		name: "service.logs",
		says: []string{
			"logs|log|journal|errors of|for|from the? {svc:service} service|daemon|server?",
			"{svc:service} service|daemon|server? logs|log|journal|errors",
			"last|latest {count?} lines|entries|messages of|in|from the? {svc:service} service|daemon|server? logs|log|journal",
			"follow|watch|stream|tail the? {svc:service} service|daemon|server? logs|log|journal",
		},
		also:  "live",
		build: func(c *call) outcome { return buildService(c, "logs") },
	},
	{
		name: "service.list",
		says: []string{
			"services|daemons",
			"list|show|all running|active|installed|enabled? services|daemons|units",
			"which|what services|daemons are running|active|installed|enabled",
		},
		also: "running active installed enabled system systemd",
		build: func(c *call) outcome {
			switch c.host.ServiceManager() {
			case "systemd":
				return c.command("systemctl list-units --type=service", "Lists the services systemd has loaded, with whether each is running; q quits.")
			case "openrc":
				return c.command("rc-status --all", "Lists the services of every runlevel and whether each is started.")
			case "sysv":
				return c.command("service --status-all", "Lists the init scripts; + is running, - is stopped.")
			case "launchd":
				return c.command("brew services list", "Lists the services Homebrew manages and whether each is running.")
			}
			return c.answer("lsh lists services with systemctl, rc-status, service or brew services, and none of them is installed here.", "lsh renders only commands whose programs are installed.")
		},
	},
	{
		name: "container.list",
		says: []string{
			"containers|container",
			"docker|podman ps",
			"what|which containers are running|up",
		},
		also:  "docker podman running active live all stopped every exited including with too",
		build: func(c *call) outcome { return buildContainer(c, "ps") },
	},
	{
		name:  "container.images",
		says:  []string{"docker|podman|container images|image"},
		also:  "all local downloaded pulled",
		build: func(c *call) outcome { return buildContainer(c, "images") },
	},
	{
		name: "container.logs",
		says: []string{
			"logs|log|output of|for|from the? docker|podman? container {c:name}",
			"logs|log|output of|for|from the? {c:name} docker|podman? container",
			"docker|podman? container {c:name} logs|log|output",
			"{c:name} docker|podman? container logs|log|output",
			"docker|podman logs {c:name}",
		},
		build: func(c *call) outcome { return buildContainer(c, "logs") },
	},
	{
		name: "container.stop",
		says: []string{
			"stop|kill|halt|shut_down the? docker|podman? container {c:name}",
			"stop|kill|halt|shut_down the? {c:name} docker|podman? container",
		},
		build: func(c *call) outcome { return buildContainer(c, "stop") },
	},
	{
		name: "container.start",
		says: []string{
			"start|run|launch the? docker|podman? container {c:name}",
			"start|run|launch the? {c:name} docker|podman? container",
		},
		build: func(c *call) outcome { return buildContainer(c, "start") },
	},
	{
		name: "container.remove",
		says: []string{
			"remove|delete|rm|destroy the? docker|podman? container {c:name}",
			"remove|delete|rm|destroy the? {c:name} docker|podman? container",
		},
		build: func(c *call) outcome { return buildContainer(c, "rm") },
	},
	{
		name: "container.restart",
		says: []string{
			"restart|reboot|bounce the? docker|podman? container {c:name}",
			"restart|reboot|bounce the? {c:name} docker|podman? container",
		},
		build: func(c *call) outcome { return buildContainer(c, "restart") },
	},
}

// findService resolves a name said for a service: the installed service
// of that name (ignoring case), else the ones it is a prefix or part of
// ("apache" is apache2, "ssh" may be sshd). unit is set when exactly one
// fits; near lists them otherwise. With no list of services (none could be
// read) the name is taken as said.
func (h *Host) findService(name string) (unit string, near []string) {
	names := h.ServiceNames()
	if len(names) == 0 {
		return name, nil
	}
	low := strings.ToLower(strings.TrimSuffix(name, ".service"))
	for _, n := range names {
		if strings.ToLower(n) == low {
			return n, nil
		}
	}
	for _, n := range names {
		if l := strings.ToLower(n); strings.HasPrefix(l, low) || len(low) >= 4 && strings.Contains(l, low) {
			near = append(near, n)
		}
	}
	if len(near) == 1 {
		return near[0], near
	}
	return "", near
}

// serviceVerb says what a service task does, for explanations.
func serviceVerb(verb string) string {
	switch verb {
	case "restart":
		return "Restarts the %s service (stops it and starts it again)"
	case "reload":
		return "Makes the %s service reload its configuration without stopping"
	case "start":
		return "Starts the %s service"
	case "stop":
		return "Stops the %s service"
	case "enable":
		return "Makes the %s service start at every boot"
	case "disable":
		return "Stops the %s service from starting at boot (it keeps running until stopped)"
	case "status":
		return "Shows whether the %s service is running, since when, and its latest log lines"
	}
	return "Shows the latest 50 log lines of the %s service"
}

// buildService renders a service task for the host's service manager.
// A name that is no installed service is answered, not guessed.
func buildService(c *call, verb string) outcome {
	name, _ := c.str("svc")
	if name == "" || strings.HasPrefix(name, "-") {
		return c.clarify("Which service?")
	}
	mgr := c.host.ServiceManager()
	if mgr == "" {
		return c.answer("lsh manages services with systemctl, rc-service, service or brew services, and none of them is installed here.",
			"lsh renders only commands whose programs are installed.")
	}
	unit := name
	if mgr != "launchd" {
		u, near := c.host.findService(name)
		switch {
		case u == "" && len(near) == 0:
			return c.answer(fmt.Sprintf("No service named “%s” is installed here. To run a program of that name, type it as a command.", name),
				"lsh looked for a "+name+".service unit or an init script.")
		case u == "":
			return c.clarify(fmt.Sprintf("Which service: %s?", strings.Join(near, ", ")))
		case !strings.EqualFold(u, name):
			c.notes = append(c.notes, fmt.Sprintf("“%s” is the service %s.", name, u))
		}
		unit = u
	}
	sudo, _ := c.value("sudo", false)
	q := shellQuote(unit)
	ex := fmt.Sprintf(serviceVerb(verb), unit)
	switch mgr {
	case "systemd":
		switch verb {
		case "status":
			return c.command("systemctl status "+q, ex+".")
		case "logs":
			if c.saidAny("follow", "watch", "stream", "live") {
				return c.command("journalctl -u "+q+" -f", "Prints the latest log lines of the "+unit+" service and keeps printing new ones, until you press Ctrl-C.")
			}
			if n, ok := c.num("count"); ok && c.said("count") && n > 0 {
				return c.command(fmt.Sprintf("journalctl -u %s -n %d --no-pager", q, n), fmt.Sprintf("Shows the latest %d log lines of the %s service, from the systemd journal.", n, unit))
			}
			return c.command("journalctl -u "+q+" -n 50 --no-pager", ex+", from the systemd journal.")
		}
		return c.command(sudo+"systemctl "+verb+" "+q, ex+" with systemd; it needs root.")
	case "openrc":
		switch verb {
		case "enable":
			return c.command(sudo+"rc-update add "+q, ex+" (default runlevel).")
		case "disable":
			return c.command(sudo+"rc-update del "+q, ex+".")
		case "logs":
			return c.answer("OpenRC keeps no per-service log; look in "+c.host.logDir()+" for "+unit+"'s own log file.", "lsh knows the service logs of systemd only.")
		case "status":
			return c.command("rc-service "+q+" status", ex+".")
		}
		return c.command(sudo+"rc-service "+q+" "+verb, ex+"; it needs root.")
	case "sysv":
		switch verb {
		case "enable", "disable":
			if !c.host.Has("update-rc.d") {
				return c.answer("This system's init scripts are enabled with update-rc.d or chkconfig, and neither is installed.", "lsh renders only commands whose programs are installed.")
			}
			return c.command(sudo+"update-rc.d "+q+" "+map[string]string{"enable": "defaults", "disable": "disable"}[verb], ex+".")
		case "logs":
			return c.answer("This system keeps no per-service log; look in "+c.host.logDir()+" for "+unit+"'s own log file or the syslog.", "lsh knows the service logs of systemd only.")
		case "status":
			return c.command("service "+q+" status", ex+".")
		}
		return c.command(sudo+"service "+q+" "+verb, ex+"; it needs root.")
	}
	// Homebrew services (macOS): per user, no sudo.
	switch verb {
	case "enable":
		return c.command("brew services start "+q, "Starts "+unit+" now and at every login, with Homebrew services.")
	case "disable":
		return c.command("brew services stop "+q, "Stops "+unit+" and keeps it from starting at login, with Homebrew services.")
	case "status":
		return c.command("brew services info "+q, ex+".")
	case "logs":
		return c.answer("Homebrew services log to the files their formula names; `brew services info "+unit+"` shows where.", "lsh knows the service logs of systemd only.")
	}
	return c.command("brew services "+verb+" "+q, ex+" with Homebrew services.")
}

// buildContainer renders a container task with docker, else podman.
func buildContainer(c *call, verb string) outcome {
	tool := "docker"
	if !c.host.Has("docker") && c.host.Has("podman") {
		tool = "podman"
	}
	if c.saidAny("podman") && c.host.Has("podman") {
		tool = "podman"
	}
	if !c.host.Has(tool) {
		return c.needTools("Manages containers", []string{"docker", "podman"})
	}
	switch verb {
	case "ps":
		if c.saidAny("all", "stopped", "every", "exited") {
			return c.command(tool+" ps -a", "Lists every container, stopped ones included, with its image, status and ports.")
		}
		return c.command(tool+" ps", "Lists the running containers with their images, status and ports (add -a for stopped ones).")
	case "images":
		return c.command(tool+" images", "Lists the container images stored on this computer, with their sizes.")
	}
	name, _ := c.str("c")
	if name == "" || strings.HasPrefix(name, "-") || name == "docker" || name == "podman" {
		return c.clarify("Which container? `" + tool + " ps -a` lists them.")
	}
	q := shellQuote(name)
	switch verb {
	case "logs":
		return c.command(tool+" logs "+q, "Prints the output the container "+name+" has logged (add -f to keep following it).")
	case "stop":
		return c.command(tool+" stop "+q, "Stops the container "+name+" (it can be started again; nothing is deleted).")
	case "start":
		return c.command(tool+" start "+q, "Starts the stopped container "+name+" again.")
	case "rm":
		return c.command(tool+" rm "+q, "Deletes the stopped container "+name+" and what it wrote outside its volumes; "+tool+" refuses while it runs.")
	}
	return c.command(tool+" restart "+q, "Restarts the container "+name+".")
}
