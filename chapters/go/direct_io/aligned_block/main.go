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
	// Go promises no alignment for make's result: small slices come from
	// size classes (100 bytes from the 112-byte class), packed side by side.
	small := make([][]byte, 8)
	aligned := 0
	for i := range small {
		small[i] = make([]byte, 100)
		if misalignment(small[i], 512) == 0 {
			aligned++
		}
	}
	fmt.Println("8 x make([]byte, 100), all 512-byte aligned:", aligned == 8)
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
