package shell

import (
	"os"
	"path/filepath"
)

// SystemProfile is the profile every login shell reads first.
const SystemProfile = "/etc/profile"

// StartupFiles lists, in order, the files a shell started this way reads
// before its first command (the order is documented in docs/shell.md):
//
//   - a login shell: /etc/profile, then the first of ~/.lsh_profile and
//     ~/.profile that exists;
//   - an interactive shell, login or not: then ~/.lshrc.
//
// Files that do not exist are left out. systemProfile is normally
// SystemProfile; home is $HOME.
func StartupFiles(systemProfile, home string, login, interactive bool) []string {
	var files []string
	exists := func(p string) bool {
		_, err := os.Stat(p)
		return err == nil
	}
	if login {
		if exists(systemProfile) {
			files = append(files, systemProfile)
		}
		if home != "" {
			for _, name := range []string{".lsh_profile", ".profile"} {
				if p := filepath.Join(home, name); exists(p) {
					files = append(files, p)
					break
				}
			}
		}
	}
	if interactive && home != "" {
		if p := filepath.Join(home, ".lshrc"); exists(p) {
			files = append(files, p)
		}
	}
	return files
}
