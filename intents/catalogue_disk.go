package intents

// Disk usage: free space, the size of a folder, what takes the space.

import "strconv"

var catalogueDisk = []*entry{
	{
		name: "disk.free",
		says: []string{
			"free|available|left|remaining|unused disk|drive|storage? space|storage",
			"disk|drive|storage space|free|usage|full",
			"disk|drive|storage? space|storage is? free|left|available|remaining",
			"how full|much is? the? disk|drive|hard_drive|ssd|hdd|storage",
			"is the? disk|drive|storage|ssd full",
			"running|run out of space|storage|disk_space",
			"space left|available|remaining|free",
			"how_much space do i have",
		},
		takes: "path",
		run: []alt{
			{when: "has:path", cmd: "df -h {path}", explain: "Shows the size, used and free space of the disk holding {path}."},
			{cmd: "df -h", explain: "Shows the size, used and free space of every mounted disk."},
		},
	},
	{
		name: "disk.size",
		says: []string{
			"how big|large|heavy is|are {path}",
			"size of {path}",
			"{path} size",
			"how_much space|room|disk_space|storage does|do|is {path} take|use|taking|using|occupy",
			"disk usage of|for {path}",
			"disk? space|usage of|for|used_by|taken_by {path}",
			"total size",
		},
		takes:    "path",
		defaults: "path=.",
		run: []alt{{
			cmd:     "du -sh {path}",
			explain: "Shows the total disk space used by {path}.",
		}},
	},
	{
		name: "disk.items",
		says: []string{
			"taking|using|eating|hogging|occupying|uses|use|takes|take|eats|hogs|consuming|consumes up? the? most? space|room|disk|storage|disk_space",
			"biggest|largest|heaviest folders|directories|dirs|subfolders|subdirectories|items|things",
			"disk|space usage|used by|per each? folder|directory|item",
			"where did my? disk? space go",
			"space by folder|directory",
			"disk|space usage|use of|for each|every|all folders|folder|directories|directory|subfolders|subfolder",
			"size|sizes of each|every|all folders|folder|directories|directory|subfolders|subfolder",
			"biggest|largest|heaviest folder|directory|subfolder|subdirectory",
			"which|what folder|directory|subfolder is|takes the? biggest|largest|heaviest|most",
			"what|which is|are the? biggest|largest|heaviest folder|folders|directory|directories|subfolder|subfolders",
		},
		takes:    "path count",
		defaults: "path=. count=10",
		build:    buildItems,
	},
	{
		name: "disk.free-up",
		says: []string{
			"free_up|clean_up|clear_up|reclaim|recover|make|clear|save|get_back disk|storage? space|storage|room",
			"disk|storage is full",
			"out of disk? space|storage",
		},
		takes:    "path count",
		defaults: "path=~ count=15",
		build:    buildItems,
	},
	{
		name: "disk.mounts",
		says: []string{
			"disks|drives|partitions|volumes|mounts|filesystems",
			"mounted|attached|connected|plugged_in|usb disks|drives|devices|partitions|volumes|filesystems",
			"block devices",
		},
		run: []alt{
			{when: "os:linux", cmd: "lsblk -o NAME,SIZE,TYPE,FSTYPE,MOUNTPOINT", explain: "Lists the disks and partitions, their sizes and where they are mounted."},
			{when: "os:darwin", cmd: "diskutil list", explain: "Lists the disks and partitions."},
			{cmd: "df -h", explain: "Lists the mounted filesystems with their sizes and free space."},
		},
	},
}

func itoa(n int) string { return strconv.Itoa(n) }

// buildItems lists what directly inside a folder takes the most space,
// files and folders alike, biggest first. find -exec du works the same with
// GNU, BSD and BusyBox tools, and unlike a * glob it sees hidden entries
// and survives an empty folder.
func buildItems(c *call) outcome {
	dir := c.path("path")
	if !dir.isDir && dir.exists {
		return c.command("du -sh "+c.fs.arg(dir.abs), "Shows the disk space used by "+c.fs.show(dir.abs)+".")
	}
	n, _ := c.num("count")
	typ, what := "", "files and folders"
	if c.saidPlain("folders", "directories", "dirs", "subfolders", "subdirectories") {
		typ, what = "-type d", "folders"
	}
	cmd := join("find", c.fs.arg(dir.abs), "-mindepth 1 -maxdepth 1", typ, "-exec du -sh {} + | sort -rh | head -n", itoa(n))
	ex := "Lists the " + itoa(n) + " " + what + " directly in " + c.fs.show(dir.abs) + " that use the most disk space, biggest first."
	if c.e.name == "disk.free-up" {
		ex += " It deletes nothing: it shows where the space went so you can choose."
	}
	return c.command(cmd, ex)
}
