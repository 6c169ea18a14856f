package main

import "context"

var cmdClassify = &command{
	Name:  "classify",
	Short: "classify image files",
	Run: func(ctx context.Context, e *env, args []string) error {
		return usagef("classify: not implemented yet")
	},
}
