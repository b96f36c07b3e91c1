package containerd

import (
	"io/fs"
	"syscall"
)

// statBlocks returns a file's allocated bytes, inode and link count.
func statBlocks(info fs.FileInfo) (allocated, ino, nlink uint64, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, false
	}
	return uint64(st.Blocks) * 512, st.Ino, uint64(st.Nlink), true
}
