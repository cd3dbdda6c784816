// Over-allocate and slice: a []byte that starts at an aligned address.
package main

import (
	"fmt"
	"unsafe"
)

// misalignment is how far the block's first byte lies past a multiple of align.
func misalignment(block []byte, align int) int {
	return int(uintptr(unsafe.Pointer(&block[0])) & uintptr(align-1))
}

// alignedBlock allocates size+align bytes and returns the size bytes that start
// at the first aligned address inside them, checked.
func alignedBlock(size, align int) ([]byte, error) {
	spare := make([]byte, size+align)
	skip := 0
	if m := misalignment(spare, align); m != 0 {
		skip = align - m
	}
	block := spare[skip : skip+size]
	if misalignment(block, align) != 0 {
		return nil, fmt.Errorf("failed to align %d bytes to %d", size, align)
	}
	return block, nil
}

func main() {
	// Go promises no alignment for make's result. An 8 KiB allocation
	// happens to start on a page today, so one byte into it is not aligned.
	spare := make([]byte, 8192)
	fmt.Println("spare[1:] % 512 == 0:", misalignment(spare[1:], 512) == 0)
	for _, align := range []int{512, 4096} {
		for _, size := range []int{512, 4096, 1 << 20} {
			block, err := alignedBlock(size, align)
			if err != nil {
				fmt.Println(err)
				continue
			}
			fmt.Printf("alignedBlock(%7d, %4d): len %7d, aligned %v\n",
				size, align, len(block), misalignment(block, align) == 0)
		}
	}
}
