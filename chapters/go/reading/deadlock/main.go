// The first pipeline of the notes in miniature: a send
// on an unbuffered channel that nobody receives.
// Go's runtime notices and stops the program.
package main

func main() {
	ch := make(chan string)
	ch <- "foo" // nobody is receiving
}
