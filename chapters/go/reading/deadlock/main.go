// A receive that nothing will ever send to: Go's runtime notices and stops.
package main

func main() {
	ch := make(chan int)
	<-ch
}
