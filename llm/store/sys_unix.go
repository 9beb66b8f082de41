//go:build linux || darwin || freebsd

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockPart takes an exclusive lock on an open part file, without waiting,
// so two `model pull` of the same model cannot interleave their bytes. The
// kernel drops the lock when the process ends, however it ends.
func lockPart(f *os.File) (busy bool, err error) {
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

// freeSpace returns the bytes an unprivileged user may still write in
// dir's file system, or -1 when that cannot be told.
var freeSpace = func(dir string) int64 {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return -1
	}
	return int64(uint64(st.Bavail) * uint64(st.Bsize))
}
