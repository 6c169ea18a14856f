//go:build !unix

package main

import "time"

// processCPU is unknown off Unix.
func processCPU() time.Duration { return 0 }
