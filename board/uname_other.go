//go:build !linux

package board

import (
	"errors"
	goruntime "runtime"
)

func uname() (machine, release string, err error) {
	return "", "", errors.New("uname: not read on " + goruntime.GOOS)
}
