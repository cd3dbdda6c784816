//go:build linux

// The three O_DIRECT rules, each broken (EINVAL) and then kept.
// os has no O_DIRECT (not every system has one): it is syscall.O_DIRECT,
// built here for Linux only, hence the tag.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

const align = 4096 // a multiple of any logical sector size in use

func alignedBlock(size int) []byte {
	spare := make([]byte, size+align)
	m := int(uintptr(unsafe.Pointer(&spare[0])) & (align - 1))
	skip := (align - m) % align
	return spare[skip : skip+size]
}

// reason strips the path from an *fs.PathError: "write: invalid argument".
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%s: %v (EINVAL: %v)", pe.Op, pe.Err,
			errors.Is(err, syscall.EINVAL))
	}
	return fmt.Sprint(err)
}

func main() {
	name := filepath.Join(os.Args[1], "rules.bin")
	flags := os.O_RDWR | os.O_CREATE | os.O_TRUNC | syscall.O_DIRECT
	f, err := os.OpenFile(name, flags, 0o600)
	if err != nil {
		fmt.Println("open:", reason(err))
		os.Exit(1)
	}
	defer f.Close()
	block := alignedBlock(2 * align)
	for i := range block {
		block[i] = byte(i % 251)
	}
	_, err = f.WriteAt(block[1:1+align], 0)
	fmt.Println("buffer 1 byte off:", reason(err))
	_, err = f.WriteAt(block[:align], 1)
	fmt.Println("offset 1 byte off:", reason(err))
	_, err = f.WriteAt(block[:align+1], 0)
	fmt.Println("length 1 byte off:", reason(err))
	n, err := f.WriteAt(block, align)
	fmt.Println("all aligned: wrote", n, "bytes, error", err)

	back := alignedBlock(2 * align)
	if _, err := f.Seek(align, io.SeekStart); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	n, err = io.ReadFull(f, back)
	fmt.Println("read back", n, "bytes, error", err,
		"equal:", bytes.Equal(back, block))
}
