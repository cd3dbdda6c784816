//go:build linux

// Go's peer in the direct_io benchmark: write or read a file with O_DIRECT
// in blocks of -bs bytes with pwrite/pread, from byte -offset on, and print
// the seconds the loop took (timed after open, as dd times its copy).
// -check writes, reads back and compares instead, printing no time.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"
)

const align = 4096

func alignedBlock(size int) []byte {
	spare := make([]byte, size+align)
	m := int(uintptr(unsafe.Pointer(&spare[0])) & (align - 1))
	skip := (align - m) % align
	return spare[skip : skip+size]
}

func pass(f *os.File, op string, buf []byte, from, size int) error {
	for off := from; off < from+size; off += len(buf) {
		var err error
		if op == "write" {
			_, err = f.WriteAt(buf, int64(off))
		} else {
			_, err = f.ReadAt(buf, int64(off))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func main() {
	name := flag.String("file", "", "file to write or read")
	bs := flag.Int("bs", 4096, "block size, a multiple of 4096")
	size := flag.Int("size", 1<<20, "bytes, a multiple of -bs")
	offset := flag.Int("offset", 0, "first byte, a multiple of -bs")
	op := flag.String("op", "write", "write or read")
	check := flag.Bool("check", false, "write, read back, compare")
	flag.Parse()
	if *name == "" || *bs%align != 0 || *size%*bs != 0 || *offset%*bs != 0 {
		fmt.Println("need -file, -bs a multiple of 4096, " +
			"-size and -offset of whole blocks")
		os.Exit(2)
	}
	f, err := os.OpenFile(*name, os.O_RDWR|os.O_CREATE|syscall.O_DIRECT, 0o600)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer f.Close()
	buf := alignedBlock(*bs)
	for i := range buf {
		buf[i] = 0x5A
	}
	if *check {
		back := alignedBlock(*bs)
		err = pass(f, "write", buf, *offset, *size)
		equal := true
		for off := *offset; err == nil && off < *offset+*size; off += *bs {
			_, err = f.ReadAt(back, int64(off))
			equal = equal && bytes.Equal(back, buf)
		}
		fmt.Printf("%d blocks of %d bytes written and read back, "+
			"equal: %v, error: %v\n", *size / *bs, *bs, equal, err)
		return
	}
	start := time.Now()
	err = pass(f, *op, buf, *offset, *size)
	elapsed := time.Since(start)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("seconds %.6f\n", elapsed.Seconds())
}
