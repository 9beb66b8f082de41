package intents

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/llamashell/lsh/internal/lazy"
)

// Network: addresses, listening ports, what uses a port, reachability,
// name lookups, downloads.

var catalogueNet = []*entry{
	{
		name: "net.ip",
		says: []string{"ip|ip_address|ip_addresses|ipv4|ipv6|local_ip|lan_ip|private_ip|internal_ip address|addresses?", "network interfaces|adapters|cards|interface", "my address"},
		run: []alt{
			{when: "os:linux", cmd: "ip -brief address", explain: "Lists the network interfaces with their state and local IP addresses (for your public address, ask for your public IP)."},
			{cmd: "ifconfig", explain: "Lists the network interfaces with their local IP addresses (for your public address, ask for your public IP)."},
			{when: "os:linux", cmd: "hostname -I", explain: "Prints this computer's local IP addresses."},
		},
	},
	{
		name: "net.public-ip",
		says: []string{"public|external|internet|outside|wan|outward|global ip|address|ip_address"},
		run: []alt{
			{cmd: "curl -s https://ifconfig.me", explain: "Asks the web service ifconfig.me which address your connection comes from (needs the internet)."},
			{cmd: "wget -qO- https://ifconfig.me", explain: "Asks the web service ifconfig.me which address your connection comes from (needs the internet)."},
		},
	},
	{
		name: "net.listening",
		says: []string{
			"listening|open|bound|used|active ports|sockets|port",
			"ports|port|sockets are? listening|open|in_use|used|bound",
			"which|what ports",
			"what is listening",
			"network|tcp|udp connections|services|sockets",
		},
		run: []alt{
			{cmd: "ss -tulpn", explain: "Lists the TCP and UDP ports on which programs are listening, with the program (other users' programs show only as root)."},
			{when: "!bsd:netstat", cmd: "netstat -tulpn", explain: "Lists the TCP and UDP ports on which programs are listening, with the program (other users' programs show only as root)."},
			{cmd: "lsof -nP -iTCP -sTCP:LISTEN", explain: "Lists the programs listening on TCP ports."},
			{when: "bsd:netstat", cmd: "netstat -an | grep LISTEN", explain: "Lists the listening sockets."},
		},
	},
	{
		name: "net.port",
		says: []string{
			"using|uses|use|on|listening_on|bound_to|occupying|occupies|holding|blocking|running_on|open_on|behind {port}",
			"who|what|which process|program|app|service? is? on|at {port}",
			"{port} in_use|used|busy|taken|open|occupied|free",
			"is {port} in_use|used|busy|taken|open|occupied|free",
		},
		also: "who what which process program app service listening running bound connected",
		run: []alt{
			{cmd: "ss -tulpn sport = :{port}", explain: "Shows which program is listening on or connected through port {port} (other users' programs show only as root)."},
			{cmd: "lsof -nP -i :{port}", explain: "Shows which programs use port {port}."},
			{when: "!bsd:netstat", cmd: "netstat -tulpn | grep -w -e :{port}", explain: "Shows the sockets bound to port {port} and their programs."},
			{when: "bsd:netstat", cmd: "netstat -an | grep -e '\\[.\\]{port} '", explain: "Shows the sockets bound to port {port}."},
		},
	},
	{
		name: "net.ping",
		says: []string{
			"ping {host}",
			"is {host} up|down|reachable|online|alive|working|responding|accessible|pingable|available",
			"check|test|see|find_out|know? if|whether {host} is|are? up|down|reachable|online|alive|working|responding|accessible|pingable|available",
			"can i|we? reach|ping|connect_to|access {host}",
			"reachability|connectivity of|to {host}",
			"check|test the? internet|network|wifi? connection|connectivity|access",
			"check|test the? internet|network|wifi",
			"am i online|connected",
			"is the? internet|network working|up|down|connected",
		},
		build: buildPing,
	},
	{
		name: "net.dns",
		says: []string{
			"ip|ip_address|address of|for {host}",
			"dns|lookup|look_up|resolve|nslookup|dig {host}",
			"what|which ip does {host} resolve|point to?",
		},
		build: func(c *call) outcome {
			if h, ok := c.str("host"); ok {
				if site, ok := siteName(h); ok {
					c.binds["host"] = binding{it: c.binds["host"].it, value: site}
				}
			}
			return c.runAlts()
		},
		run: []alt{
			{cmd: "getent hosts {host}", explain: "Looks up the IP addresses of {host} the way programs on this computer do (hosts file, then DNS)."},
			{cmd: "host {host}", explain: "Asks DNS for the addresses of {host}."},
			{cmd: "nslookup {host}", explain: "Asks DNS for the addresses of {host}."},
			{cmd: "dig +short {host}", explain: "Asks DNS for the addresses of {host}."},
		},
	},
	{
		name: "net.web-search",
		says: []string{"search|google|look_up|find|check the? google|web|internet|online|duckduckgo|bing for|about? {q:text}", "google {q:text}"},
		build: func(c *call) outcome {
			q, _ := c.str("q")
			return c.answer(fmt.Sprintf("lsh answers offline and does not search the web. In a browser: https://duckduckgo.com/?q=%s", url.QueryEscape(q)),
				"Web searches need a browser; lsh only proposes commands for this computer.")
		},
	},
	{
		name: "net.download",
		says: []string{
			"download|fetch|get|grab|save|pull|wget|curl {url}",
			"download|fetch|get|grab|save {url} to|into|in {dir:path}",
		},
		takes: "path",
		build: buildDownload,
	},
}

func buildPing(c *call) outcome {
	host, ok := c.str("host")
	if !ok || host == "" {
		host = "1.1.1.1"
		if !c.host.Has("ping") {
			return c.command("curl -sS -o /dev/null -w '%{http_code}\\n' https://example.com", "Checks the internet connection by fetching example.com; it prints 200 when it works.")
		}
		return c.command("ping -c 4 1.1.1.1", "Checks the internet connection by sending 4 pings to 1.1.1.1 (Cloudflare's DNS) and showing the replies.")
	}
	if oneOf(strings.ToLower(host), "router|gateway|modem") {
		// "ping my router": the default gateway, read when it runs.
		if c.host.OS != "linux" || !c.host.Has("ip") {
			return c.clarify("What is your router's address? It is the gateway in your network settings (often 192.168.1.1).")
		}
		return c.command(`ping -c 4 "$(ip route show default | awk '{ print $3; exit }')"`, "Sends 4 pings to your router (the default gateway, which ip route shows) and shows whether and how fast it answers.")
	}
	if site, ok := siteName(host); ok {
		c.notes = append(c.notes, fmt.Sprintf("“%s” is read as %s.", host, site))
		host = site
	}
	if !c.host.Has("ping") && c.host.Has("curl") && !strings.Contains(host, "://") {
		host = "https://" + strings.TrimSuffix(host, "/")
	}
	if strings.Contains(host, "://") {
		return c.command("curl -sSI "+shellQuote(host), "Asks "+host+" for its headers, showing whether the site answers and with which status.")
	}
	h := strings.TrimSuffix(strings.SplitN(host, "/", 2)[0], ".")
	if strings.HasPrefix(h, "-") {
		return c.clarify("Which host?")
	}
	return c.command("ping -c 4 "+shellQuote(h), "Sends 4 pings to "+h+" and shows whether and how fast it answers (some hosts ignore pings).")
}

// wellKnownSites are sites people name without their domain: "is google
// up", "ping github".
var wellKnownSites = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{
		"google": "google.com", "github": "github.com", "gitlab": "gitlab.com", "youtube": "youtube.com",
		"facebook": "facebook.com", "amazon": "amazon.com", "cloudflare": "cloudflare.com", "wikipedia": "wikipedia.org",
		"reddit": "reddit.com", "twitter": "twitter.com", "microsoft": "microsoft.com", "apple": "apple.com",
		"bing": "bing.com", "yahoo": "yahoo.com", "netflix": "netflix.com", "stackoverflow": "stackoverflow.com",
		"debian": "debian.org", "ubuntu": "ubuntu.com", "example": "example.com", "duckduckgo": "duckduckgo.com",
	}
}}

// siteName turns a bare site name ("google") into its domain.
func siteName(host string) (string, bool) {
	d, ok := wellKnownSites.Get()[strings.ToLower(host)]
	return d, ok
}

// buildDownload fetches a URL into the working directory or a folder, with
// curl (-f fails on HTTP errors, -L follows redirects) or wget.
func buildDownload(c *call) outcome {
	raw, _ := c.str("url")
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return c.clarify(fmt.Sprintf("%q does not look like a web address. Which URL?", raw))
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." || name == "" {
		name = "index.html"
	}
	if !c.host.Has("curl") && !c.host.Has("wget") {
		return c.needTools("Downloads "+raw, []string{"curl", "wget"})
	}
	dir := c.path("dir")
	if dir == nil {
		dir = c.path("path")
	}
	q := shellQuote(raw)
	if dir == nil || dir.abs == c.fs.cwd {
		if c.host.Has("curl") {
			return c.command("curl -fLO "+q, "Downloads "+raw+" into "+c.fs.show(c.fs.cwd)+" as "+name+", following redirects.")
		}
		return c.command("wget "+q, "Downloads "+raw+" into "+c.fs.show(c.fs.cwd)+".")
	}
	c.handled["dir"] = true
	mk := ""
	if !dir.exists {
		mk = "mkdir -p " + c.fs.arg(dir.abs) + " && "
	}
	out := dir.abs + "/" + name
	if c.host.Has("curl") {
		return c.command(mk+"curl -fL -o "+c.fs.arg(out)+" "+q, "Downloads "+raw+" to "+c.fs.show(out)+", following redirects.")
	}
	return c.command(mk+"wget -P "+c.fs.arg(dir.abs)+" "+q, "Downloads "+raw+" into "+c.fs.show(dir.abs)+".")
}
