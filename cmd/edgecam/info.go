package main

import "context"

var cmdInfo = &command{
	Name:  "info",
	Short: "print the machine, CPU features and chosen kernels",
	Run: func(ctx context.Context, e *env, args []string) error {
		return usagef("info: not implemented yet")
	},
}
