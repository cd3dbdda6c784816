//go:build erratum

// Package main holds divzero and nothing else: it has no main function.
package main

func divzero(a, b int) int {
	c := a / b
	return c
}
