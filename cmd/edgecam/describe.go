package main

import "context"

var cmdDescribe = &command{
	Name:  "describe",
	Short: "print a model's layer table, multiply-adds and parameters",
	Run: func(ctx context.Context, e *env, args []string) error {
		return usagef("describe: not implemented yet")
	},
}
