// Package readme holds the test that the Go program in README.md's "Use
// edgecam from Go" section compiles against the current API.
package readme
