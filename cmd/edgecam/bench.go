package main

import "context"

var cmdBench = &command{
	Name:  "bench",
	Short: "benchmark per-frame latency",
	Run: func(ctx context.Context, e *env, args []string) error {
		return usagef("bench: not implemented yet")
	},
}
