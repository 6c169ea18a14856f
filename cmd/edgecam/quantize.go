package main

import "context"

var cmdQuantize = &command{
	Name:  "quantize",
	Short: "quantize a float model to int8",
	Run: func(ctx context.Context, e *env, args []string) error {
		return usagef("quantize: not implemented yet")
	},
}
