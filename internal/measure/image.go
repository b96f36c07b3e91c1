package measure

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The files of an image directory (make image, docs/image.md): the kernel,
// the initrd and the command line a confidential VM boots directly.
const (
	ImageKernel  = "vmlinuz"
	ImageInitrd  = "initrd.img"
	ImageCmdline = "cmdline"
)

// Size caps of an image's files: a kernel or initrd larger than this is not
// a boot image.
const (
	MaxBootFile = 1 << 30
	MaxCmdline  = 64 << 10
)

// ReadImageCmdline reads an image directory's command line; one trailing
// newline in the file is not part of it.
func ReadImageCmdline(dir string) (string, error) {
	b, err := ReadFileCapped(filepath.Join(dir, ImageCmdline), MaxCmdline)
	if err != nil {
		return "", fmt.Errorf("image: %w", err)
	}
	c := strings.TrimSuffix(string(b), "\n")
	if strings.ContainsRune(c, 0) {
		return "", invalidf("image: the kernel command line contains a NUL byte")
	}
	return c, nil
}

// HashImage computes an image directory's kernel-hashes table inputs (the
// SHA-256s of its kernel, initrd and command line) without holding the
// files in memory.
func HashImage(dir string) (KernelHashes, error) {
	cmdline, err := ReadImageCmdline(dir)
	if err != nil {
		return KernelHashes{}, err
	}
	k, err := os.Open(filepath.Join(dir, ImageKernel))
	if err != nil {
		return KernelHashes{}, fmt.Errorf("image: %w", err)
	}
	defer k.Close()
	i, err := os.Open(filepath.Join(dir, ImageInitrd))
	if err != nil {
		return KernelHashes{}, fmt.Errorf("image: %w", err)
	}
	defer i.Close()
	return HashKernel(io.LimitReader(k, MaxBootFile), io.LimitReader(i, MaxBootFile), cmdline)
}

// ReadImage reads an image directory's files.
func ReadImage(dir string) (kernel, initrd []byte, cmdline string, err error) {
	if cmdline, err = ReadImageCmdline(dir); err != nil {
		return nil, nil, "", err
	}
	if kernel, err = ReadFileCapped(filepath.Join(dir, ImageKernel), MaxBootFile); err != nil {
		return nil, nil, "", fmt.Errorf("image: %w", err)
	}
	if initrd, err = ReadFileCapped(filepath.Join(dir, ImageInitrd), MaxBootFile); err != nil {
		return nil, nil, "", fmt.Errorf("image: %w", err)
	}
	return kernel, initrd, cmdline, nil
}

// ReadFileCapped reads a file, refusing one larger than max bytes.
func ReadFileCapped(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errors.New(path + ": larger than " + fmt.Sprint(max) + " bytes")
	}
	return b, nil
}
