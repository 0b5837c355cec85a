package sqlstore

import "syscall"

// diskAvailable is the space left to an unprivileged writer on the file system holding dir.
func diskAvailable(dir string) (int64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * st.Bsize, true
}
