package resample

import (
	"bytes"
	"testing"
)

// testRows is the pattern the Pillow reference below was computed on.
func testRows(w int) RowFunc {
	return func(dst []byte, y, x0, n int) {
		for i := range n {
			x := x0 + i
			dst[3*i], dst[3*i+1], dst[3*i+2] = byte((x*37+y*11)%256), byte((x*x+3*y*y)%256), byte(((x^y)*13)%256)
		}
	}
}

// TestResizeMatchesPillow compares with Pillow 9.4.0's output, computed by
//
//	im = Image.new("RGB", (w, h)); im.putpixel((x, y), ((x*37+y*11)%256, (x*x+3*y*y)%256, ((x^y)*13)%256)) for every pixel
//	s = min(w, h); l, t = (w-s)//2, (h-s)//2
//	im.crop((l, t, l+s, t+s)).resize((r, r), Image.BILINEAR).getdata()
//
// The three cases take the 8-tap path (11x9 to 4), the wide generic filter
// (40x40 to 3, 29 taps) and upsampling from fewer than 8 pixels (5x6 to 7).
func TestResizeMatchesPillow(t *testing.T) {
	cases := []struct {
		w, h, res int
		want      []byte
	}{
		{11, 9, 4, []byte{77, 8, 22, 152, 20, 51, 149, 43, 78, 55, 71, 108, 99, 31, 31, 173, 43, 51, 146, 66, 63, 77, 94, 123, 125, 86, 71, 189, 98, 37, 89, 121, 33, 103, 149, 141, 147, 160, 90, 170, 172, 83, 68, 188, 79, 125, 147, 112}},
		{40, 40, 3, []byte{127, 116, 97, 127, 127, 112, 129, 125, 127, 127, 129, 112, 128, 127, 93, 127, 128, 123, 129, 124, 128, 128, 128, 123, 128, 127, 92}},
		{5, 6, 7, []byte{0, 0, 0, 21, 1, 7, 48, 2, 17, 74, 4, 26, 100, 8, 35, 127, 12, 45, 148, 16, 52, 6, 2, 7, 27, 3, 6, 54, 4, 14, 80, 6, 33, 106, 10, 32, 133, 14, 44, 154, 18, 59, 14, 6, 17, 35, 7, 14, 62, 8, 16, 88, 10, 28, 114, 14, 24, 141, 18, 42, 162, 22, 69, 22, 12, 26, 43, 13, 33, 70, 14, 28, 96, 16, 0, 122, 20, 9, 149, 24, 41, 170, 28, 78, 30, 23, 35, 51, 24, 32, 78, 25, 24, 104, 27, 9, 130, 31, 5, 157, 35, 40, 178, 39, 87, 38, 36, 45, 59, 37, 44, 86, 38, 42, 112, 40, 41, 138, 44, 40, 165, 48, 45, 186, 52, 52, 44, 48, 52, 65, 49, 59, 92, 50, 69, 118, 52, 78, 144, 56, 87, 171, 60, 52, 192, 64, 0}},
	}
	for _, c := range cases {
		r, err := New(c.w, c.h, c.res)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 3*c.res*c.res)
		r.Resize(got, testRows(c.w))
		if !bytes.Equal(got, c.want) {
			t.Errorf("%dx%d to %d:\n got %v\nwant %v", c.w, c.h, c.res, got, c.want)
		}
	}
}

// TestResizeIdentity: resampling to the crop's own size copies the crop.
func TestResizeIdentity(t *testing.T) {
	const w, h = 12, 10
	r, err := New(w, h, h)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 3*h*h)
	r.Resize(got, testRows(w))
	want := make([]byte, 3*h*h)
	rows := testRows(w)
	for y := range h {
		rows(want[3*h*y:3*h*(y+1)], y, 1, h)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("identity resize changed the crop:\n got %v\nwant %v", got, want)
	}
}

func TestNewRejectsBadSizes(t *testing.T) {
	for _, c := range [][3]int{{0, 5, 3}, {5, -1, 3}, {5, 5, 0}, {5, 5, MaxRes + 1}} {
		if _, err := New(c[0], c[1], c[2]); err == nil {
			t.Errorf("New(%d, %d, %d) accepted", c[0], c[1], c[2])
		}
	}
}

func TestCentreCrop(t *testing.T) {
	for _, c := range [][5]int{{6, 4, 1, 0, 4}, {4, 7, 0, 1, 4}, {5, 5, 0, 0, 5}, {7, 2, 2, 0, 2}} {
		if l, tp, s := CentreCrop(c[0], c[1]); l != c[2] || tp != c[3] || s != c[4] {
			t.Errorf("CentreCrop(%d, %d) = %d, %d, %d; want %d, %d, %d", c[0], c[1], l, tp, s, c[2], c[3], c[4])
		}
	}
}
