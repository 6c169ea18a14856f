package main

import "context"

var cmdRun = &command{
	Name:  "run",
	Short: "run the camera through the network and stream results",
	Run: func(ctx context.Context, e *env, args []string) error {
		return usagef("run: not implemented yet")
	},
}
