package intents

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/internal/lazy"
)

// Archives: create and extract tar and zip archives, list their contents.

var catalogueArchive = []*entry{
	{
		name: "archive.extract",
		says: []string{
			"extract|unzip|untar|unpack|decompress|uncompress|unarchive|inflate|expand {a:path?}",
			"extract|unzip|untar|unpack|decompress|uncompress|unarchive {a:path?} to|into|in {dst:dest}",
			"open|extract the? archive|zip|tarball {a:path?}",
			"extract|unzip|untar|unpack|decompress|uncompress|unarchive|open the? zip_file|zip_archive|zipfile|tar_file|tar_archive|tar_ball|compressed_file|archive_file",
		},
		takes: "path",
		build: buildExtract,
	},
	{
		name: "archive.create",
		says: []string{
			"compress|zip|tar|archive|pack|bundle|tarball|gzip {src:path}",
			"compress|zip|tar|archive|pack|bundle {src:path} into|as|to|called|named {out:newpath}",
			"make|create|build a? zip|tarball|archive|tar|tgz|zip_file|zipfile|tar.gz|compressed_archive of|from|with {src:path}",
			"make|create|build a? zip|tarball|archive|tar|tgz|zip_file|zipfile|tar.gz called|named {out:newpath} of|from|with {src:path}",
			"make|create|build {out:newpath} from|of|with {src:path}",
		},
		build: buildCreateArchive,
	},
	{
		name: "archive.list",
		says: []string{
			"files|contents|content|inside|list in|of? the? archive|zip|tarball|zipfile {a:path?}",
			"list|show|view the? contents|content|files in|of? the? archive|zip|tarball|zipfile {a:path}",
			"what is|are in|inside the? archive|zip|tarball {a:path?}",
		},
		build: func(c *call) outcome {
			a, o, ok := c.archive("a")
			if !ok {
				return o
			}
			return listArchive(c, a)
		},
	},
}

// archiveKind names an archive format from a file name: "tar.gz", "zip"…,
// or "" for a file that is no archive lsh knows.
func archiveKind(name string) string {
	n := strings.ToLower(name)
	for _, k := range []struct{ suffix, kind string }{
		{".tar.gz", "tar.gz"}, {".tgz", "tar.gz"}, {".tar.bz2", "tar.bz2"}, {".tbz2", "tar.bz2"}, {".tbz", "tar.bz2"},
		{".tar.xz", "tar.xz"}, {".txz", "tar.xz"}, {".tar.zst", "tar.zst"}, {".tar", "tar"}, {".zip", "zip"},
		{".gz", "gz"}, {".bz2", "bz2"}, {".xz", "xz"}, {".7z", "7z"}, {".rar", "rar"},
	} {
		if strings.HasSuffix(n, k.suffix) {
			return k.kind
		}
	}
	return ""
}

// tarFlag is the compression letter for tar: z, j, J or none.
var tarFlag = lazy.Value[map[string]string]{Build: func() map[string]string {
	return map[string]string{"tar.gz": "z", "tar.bz2": "j", "tar.xz": "J", "tar": ""}
}}

// archive returns the archive bound to role; unnamed ("extract it"), it is
// the one archive in the working directory.
func (c *call) archive(role string) (*pathVal, outcome, bool) {
	if !c.said(role) {
		// "the zip file" is the one zip here, "the tarball" the one tar.
		word := "archive"
		switch {
		case c.saidAny("zip", "zipfile"):
			word = "zip"
		case c.saidAny("tar", "tarball"):
			word = "tarball"
		}
		c.binds[role] = binding{it: item{kind: kindWord, word: word, raw: word}, path: c.fs.stat(filepath.Join(c.fs.cwd, word), word)}
	}
	a, o, ok := c.file(role)
	if !ok {
		return nil, o, false
	}
	if a.exists && archiveKind(a.abs) == "" && !a.isDir {
		return nil, c.answer(c.fs.show(a.abs)+" is not an archive lsh knows (tar, tar.gz, tar.bz2, tar.xz, zip, gz, bz2, xz, 7z, rar).", "lsh picks the tool from the file name's extension."), false
	}
	if a.isDir {
		return nil, c.answer(c.fs.show(a.abs)+" is a folder, not an archive.", "To make an archive of it, ask to compress it."), false
	}
	return a, outcome{}, true
}

func listArchive(c *call, a *pathVal) outcome {
	arg, show := c.fs.arg(a.abs), c.fs.show(a.abs)
	kind := archiveKind(a.abs)
	switch kind {
	case "zip":
		if c.host.Has("unzip") || !c.host.Has("bsdtar") && c.host.Flavor("tar") != BSD {
			return c.command("unzip -l "+arg, "Lists the files in the zip archive "+show+" with their sizes and dates, without extracting anything.")
		}
		return c.command("tar -tvf "+arg, "Lists the files in the zip archive "+show+", without extracting anything.")
	case "tar", "tar.gz", "tar.bz2", "tar.xz":
		return c.command("tar -t"+tarFlag.Get()[kind]+"vf "+arg, "Lists the files in the archive "+show+" with their sizes and dates, without extracting anything.")
	case "7z":
		return c.command("7z l "+arg, "Lists the files in the 7-Zip archive "+show+".")
	case "rar":
		return c.command("unrar l "+arg, "Lists the files in the RAR archive "+show+".")
	}
	return c.answer(show+" is compressed, but holds a single file, not a list of files.", "Only archives (tar, zip, 7z, rar) hold several files.")
}

func buildExtract(c *call) outcome {
	a, o, ok := c.archive("a")
	if !ok {
		return o
	}
	arg, show := c.fs.arg(a.abs), c.fs.show(a.abs)
	kind := archiveKind(a.abs)
	dst := c.path("dst")
	if dst == nil && c.said("path") && c.path("path").abs != c.fs.cwd {
		dst = c.path("path") // "extract x.zip in downloads"
		c.handled["path"] = true
	}
	into, mk := " into "+c.fs.show(c.fs.cwd), ""
	if dst != nil {
		into = " into " + c.fs.show(dst.abs)
		if !dst.exists {
			mk = "mkdir -p " + c.fs.arg(dst.abs) + " && "
			into += ", creating it first"
		}
	}
	switch kind {
	case "tar", "tar.gz", "tar.bz2", "tar.xz":
		cmd := "tar -x" + tarFlag.Get()[kind] + "f " + arg
		if dst != nil {
			cmd = mk + cmd + " -C " + c.fs.arg(dst.abs)
		}
		return c.command(cmd, "Extracts the files of "+show+into+"; files with the same names are overwritten.")
	case "tar.zst":
		cmd := "tar --zstd -xf " + arg
		if dst != nil {
			cmd = mk + cmd + " -C " + c.fs.arg(dst.abs)
		}
		return c.command(cmd, "Extracts the files of "+show+into+"; files with the same names are overwritten.")
	case "zip":
		if !c.host.Has("unzip") && (c.host.Has("bsdtar") || c.host.Flavor("tar") == BSD) {
			cmd := "tar -xf " + arg
			if dst != nil {
				cmd = mk + cmd + " -C " + c.fs.arg(dst.abs)
			}
			return c.command(cmd, "Extracts the files of the zip archive "+show+into+".")
		}
		cmd := "unzip " + arg
		if dst != nil {
			cmd += " -d " + c.fs.arg(dst.abs)
		}
		return c.command(cmd, "Extracts the files of "+show+into+"; unzip asks before overwriting a file.")
	case "gz", "bz2", "xz":
		prog := map[string]string{"gz": "gunzip", "bz2": "bunzip2", "xz": "unxz"}[kind]
		if dst != nil {
			out := filepath.Join(dst.abs, strings.TrimSuffix(filepath.Base(a.abs), filepath.Ext(a.abs)))
			return c.command(mk+prog+" -c "+arg+" > "+c.fs.arg(out), "Decompresses "+show+" to "+c.fs.show(out)+", keeping the compressed file.")
		}
		return c.command(prog+" -k "+arg, "Decompresses "+show+" next to it, keeping the compressed file.")
	case "7z":
		cmd := "7z x " + arg
		if dst != nil {
			cmd += " -o" + c.fs.arg(dst.abs)
		}
		return c.command(cmd, "Extracts the files of the 7-Zip archive "+show+into+".")
	case "rar":
		cmd := "unrar x " + arg
		if dst != nil {
			cmd = mk + cmd + " " + c.fs.arg(dst.abs) + "/"
		}
		return c.command(cmd, "Extracts the files of the RAR archive "+show+into+".")
	}
	return c.answer(show+" does not exist.", "lsh looked for it in "+c.fs.show(c.fs.cwd)+".")
}

// buildCreateArchive packs a file or folder. The format follows the output
// name or the words said ("zip it"), else tar.gz. Entries in the archive are
// relative to the packed item's parent, so it extracts to one folder.
func buildCreateArchive(c *call) outcome {
	src := c.path("src")
	if !src.exists {
		c.handled["src"] = true
		return c.answer(c.fs.show(src.abs)+" does not exist, so there is nothing to compress.", c.lookedIn())
	}
	base := filepath.Base(src.abs)
	parent := filepath.Dir(src.abs)
	var out string
	kind := ""
	if c.said("out") {
		out = c.path("out").abs
		kind = archiveKind(out)
	}
	if kind == "" {
		switch {
		case c.saidAny("zip", "zipfile", "zip_file"):
			kind = "zip"
		case !src.isDir && c.saidAny("compress", "gzip") && !c.saidAny("tar", "tarball", "archive", "tgz"):
			if out == "" {
				return c.command("gzip -k "+c.fs.arg(src.abs), "Compresses "+c.fs.show(src.abs)+" into "+c.fs.show(src.abs)+".gz, keeping the original.")
			}
			kind = "tar.gz"
		default:
			kind = "tar.gz"
		}
		if out != "" {
			out += "." + kind
		}
	}
	if out == "" {
		dir := c.fs.cwd
		if src.abs == c.fs.cwd {
			dir = parent // never write the archive inside the folder being packed
		}
		out = filepath.Join(dir, base+"."+kind)
	}
	if _, err := os.Stat(out); err == nil {
		c.notes = append(c.notes, c.fs.show(out)+" already exists and will be replaced.")
	}
	outArg := c.fs.arg(out)
	items := c.fs.arg(src.abs)
	chdir := ""
	if parent != c.fs.cwd {
		chdir, items = parent, shellQuote(base)
	}
	switch kind {
	case "zip":
		cmd := "zip -r " + outArg + " " + items
		if chdir != "" {
			cmd = "(cd " + c.absArg(chdir) + " && zip -r " + c.absArg(out) + " " + items + ")"
		}
		return c.command(cmd, "Packs "+c.fs.show(src.abs)+" into the zip archive "+c.fs.show(out)+".")
	case "tar", "tar.gz", "tar.bz2", "tar.xz":
		cmd := "tar -c" + tarFlag.Get()[kind] + "f " + outArg
		if chdir != "" {
			cmd += " -C " + c.absArg(chdir)
		}
		return c.command(cmd+" "+items, "Packs "+c.fs.show(src.abs)+" into the compressed archive "+c.fs.show(out)+".")
	}
	return c.answer("lsh can make tar, tar.gz, tar.bz2, tar.xz and zip archives, not "+kind+".", "The format follows the name you give the archive.")
}
