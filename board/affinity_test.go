package board

import (
	"reflect"
	goruntime "runtime"
	"testing"
)

func TestSetProcessAffinity(t *testing.T) {
	before, err := ProcessAffinity()
	if goruntime.GOOS != "linux" {
		if err == nil || SetProcessAffinity([]int{0}) == nil {
			t.Fatal("affinity did not fail outside Linux")
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := SetProcessAffinity(before); err != nil {
			t.Errorf("restore affinity %v: %v", before, err)
		}
	})
	one := before[:1]
	if err := SetProcessAffinity(one); err != nil {
		t.Fatal(err)
	}
	// A fresh goroutine may run on any thread: all of them must be pinned.
	done := make(chan []int)
	go func() {
		goruntime.LockOSThread()
		defer goruntime.UnlockOSThread()
		got, _ := ProcessAffinity()
		done <- got
	}()
	if got := <-done; !reflect.DeepEqual(got, one) {
		t.Errorf("affinity seen by another goroutine = %v, want %v", got, one)
	}
	if err := SetProcessAffinity(nil); err == nil {
		t.Error("empty cpu set accepted")
	}
	if err := SetProcessAffinity([]int{5000}); err == nil {
		t.Error("cpu 5000 accepted")
	}
}

func TestReadConditions(t *testing.T) {
	c := ReadConditions(Source{FS: loadFixture(t, "pi4")})
	if derefFloat(c.CurMHz) != 600 || derefFloat(c.TempC) != 45.764 || !c.Throttle.Known || len(c.Throttle.Now) != 0 {
		t.Errorf("conditions = cur %v temp %v throttle %+v", c.CurMHz, c.TempC, c.Throttle)
	}
	c = ReadConditions(Source{FS: loadFixture(t, "zero2w")})
	if c.CurMHz != nil || c.TempC != nil || c.Throttle.Known {
		t.Errorf("zero2w conditions = %+v, want unknown", c)
	}
}
