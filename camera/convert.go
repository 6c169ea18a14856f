package camera

import (
	"bytes"
	"fmt"
	"hash/maphash"

	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/camera/internal/resample"
)

// Converter turns frames of any supported format and size into res×res HWC
// uint8 RGB model input: colour conversion, centre crop (or the whole frame,
// see NewFramedConverter) and Pillow-BILINEAR resize happen in one pass
// over the source rows, through buffers the converter owns. Uncompressed frames convert without allocating; MJPEG
// and image frames are decoded by camera/imageinput, which checks the size
// each one declares before decoding it and allocates what the standard
// library's decoders allocate. A Converter is not safe for concurrent use.
type Converter struct {
	res     int
	framing imageinput.Framing
	rz      *resample.Resizer
	mjpeg   *imageinput.Scaler // Fast; nil when res is out of range
	images  *imageinput.Scaler // exact, as classify
	still   stillCache
	cur     *Frame

	// Row readers bound once so that Convert does not allocate closures.
	yuyv, nv12, i420, rgb24, grey rowFunc
	yuyvSpan                      func(y int) []byte
	yuyvPack                      func(dst, raw []byte)
	planes                        nv12Planes
	i420Planes                    i420Planes
}

// rowFunc is the resampler's row reader.
type rowFunc = resample.RowFunc

// NewConverter returns a converter to res×res RGB of the centre square
// of each frame (the classifiers' preprocessing).
func NewConverter(res int) *Converter { return NewFramedConverter(res, imageinput.CentreCrop) }

// NewFramedConverter returns a converter to res×res RGB of the part of each
// frame that framing f takes: the centre square, or the whole frame
// squeezed to the square (detectors).
func NewFramedConverter(res int, f imageinput.Framing) *Converter {
	c := &Converter{res: res, framing: f, still: stillCache{seed: maphash.MakeSeed()}}
	if s, err := imageinput.NewScaler(res); err == nil { // a bad res fails in Convert
		c.images = s
		c.mjpeg, _ = imageinput.NewScaler(res)
		c.mjpeg.Fast = true
		c.images.Framing, c.mjpeg.Framing = f, f
	}
	c.yuyv, c.nv12, c.i420, c.rgb24, c.grey = c.yuyvRow, c.nv12Row, c.i420Row, c.rgb24Row, c.greyRow
	c.yuyvSpan, c.yuyvPack = c.yuyvCropSpan, yuyvToRGB
	return c
}

// Res is the output side length.
func (c *Converter) Res() int { return c.res }

// Convert writes f as res×res RGB into dst (len 3*res*res). A short or
// corrupt frame, or an encoded one that declares a size over
// imageinput's limits, returns an error wrapping ErrBadFrame and leaves dst
// unspecified. Encoded frames (MJPEG, image) take their size from their
// own header, not from f.Width and f.Height.
func (c *Converter) Convert(dst []byte, f *Frame) (err error) {
	if want := 3 * c.res * c.res; len(dst) != want {
		return fmt.Errorf("camera: convert: output buffer has %d bytes, want %d", len(dst), want)
	}
	var rows rowFunc
	switch f.Format {
	case FormatYUYV:
		rows = c.yuyv
	case FormatNV12:
		rows = c.nv12
	case FormatI420:
		rows = c.i420
	case FormatRGB24:
		rows = c.rgb24
	case FormatGrey:
		rows = c.grey
	case FormatMJPEG, FormatImage:
		return c.convertEncoded(dst, f)
	default:
		return fmt.Errorf("camera: convert: unsupported pixel format %v", f.Format)
	}
	if f.Width <= 0 || f.Height <= 0 {
		return fmt.Errorf("%w: frame %d has size %dx%d", ErrBadFrame, f.Seq, f.Width, f.Height)
	}
	if f.Format == FormatYUYV && f.Width%2 != 0 {
		return fmt.Errorf("%w: frame %d: yuyv needs an even width, got %d", ErrBadFrame, f.Seq, f.Width)
	}
	if need := f.Format.FrameSize(f.Width, f.Height); len(f.Data) < need {
		return fmt.Errorf("%w: frame %d: %v %dx%d has %d bytes, want %d", ErrBadFrame, f.Seq, f.Format, f.Width, f.Height, len(f.Data), need)
	}
	if err := c.setSize(f.Width, f.Height); err != nil {
		return err
	}
	c.cur = f
	switch {
	case f.Format == FormatYUYV && c.rz.Left%2 == 0 && c.rz.CropW%2 == 0:
		c.rz.ResizeVerticalFirst(dst, c.yuyvSpan, c.yuyvPack)
	case f.Format == FormatNV12 && c.resizeNV12(dst, f):
	case f.Format == FormatI420 && c.resizeI420(dst, f):
	default:
		c.rz.Resize(dst, rows)
	}
	c.cur = nil
	return nil
}

func (c *Converter) setSize(w, h int) error {
	if c.rz != nil && c.rz.SrcW == w && c.rz.SrcH == h {
		return nil
	}
	newResizer := resample.New
	if c.framing == imageinput.WholeFrame {
		newResizer = resample.NewWhole
	}
	rz, err := newResizer(w, h, c.res)
	if err != nil {
		return fmt.Errorf("camera: convert: %w", err)
	}
	c.rz = rz
	return nil
}

// Names of encoded frames in decoder errors (constants: no allocation).
const (
	mjpegFrameName = "mjpeg frame"
	imageFrameName = "image frame"
)

// convertEncoded decodes an MJPEG or image frame through imageinput; any
// failure, including a declared size over its limits, is ErrBadFrame.
// MJPEG frames take the decoder's fast vertical-first path; image frames
// the exact one, so that a photo replayed as a source gives the model
// exactly the input edgecam classify gives it. An image frame with the
// same data as the last one (a photo repeated by the file source) is not
// decoded again.
func (c *Converter) convertEncoded(dst []byte, f *Frame) (err error) {
	if c.images == nil {
		return fmt.Errorf("camera: convert: bad output size %d", c.res)
	}
	if f.Format == FormatImage && c.still.get(dst, f.Data) {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: frame %d: %v decoder panicked: %v", ErrBadFrame, f.Seq, f.Format, r)
		}
	}()
	s, name := c.images, imageFrameName
	if f.Format == FormatMJPEG {
		s, name = c.mjpeg, mjpegFrameName
		if !bytes.HasPrefix(f.Data, []byte{0xFF, 0xD8}) {
			return fmt.Errorf("%w: frame %d: mjpeg: no JPEG start-of-image marker", ErrBadFrame, f.Seq)
		}
	}
	if err := s.DecodeScale(dst, f.Data, name); err != nil {
		return fmt.Errorf("%w: frame %d: %w", ErrBadFrame, f.Seq, err)
	}
	if f.Format == FormatImage {
		c.still.put(f.Data, dst)
	}
	return nil
}

// yuvToRGB converts BT.601 limited-range Y'CbCr (the V4L2 default for YUV
// formats) to RGB in integer arithmetic.
func yuvToRGB(y, u, v byte) (r, g, b byte) {
	c := 298 * (int32(y) - 16)
	d := int32(u) - 128
	e := int32(v) - 128
	return sat8((c + 409*e + 128) >> 8), sat8((c - 100*d - 208*e + 128) >> 8), sat8((c + 516*d + 128) >> 8)
}

// clampTab saturates (v >> 8) for the YUV conversion's range [-512, 511].
var clampTab = func() (t [1024]byte) {
	for i := range t {
		t[i] = sat8(int32(i) - 512)
	}
	return t
}()

// clampShift8 is sat8(v >> 8) by table; |v >> 8| < 512 for every YUV input.
func clampShift8(v int32) byte { return clampTab[((v>>8)+512)&1023] }

func sat8(v int32) byte {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return byte(v)
}

// yuyvCropSpan returns the region's bytes of row y of the current YUYV frame.
func (c *Converter) yuyvCropSpan(y int) []byte {
	f, r := c.cur, c.rz
	off := (y*f.Width + r.Left) * 2
	return f.Data[off : off+2*r.CropW]
}

// yuyvToRGB converts whole YUYV pixel pairs from raw into packed RGB.
func yuyvToRGB(dst, raw []byte) {
	n := len(raw) / 4
	dst = dst[:6*n]
	for i := 0; i < n; i++ {
		p := (*[4]byte)(raw[4*i:])
		d, e := int32(p[1])-128, int32(p[3])-128
		rv, gv, bv := 409*e+128, 128-100*d-208*e, 516*d+128
		c0, c1 := 298*(int32(p[0])-16), 298*(int32(p[2])-16)
		o := (*[6]byte)(dst[6*i:])
		o[0], o[1], o[2] = clampShift8(c0+rv), clampShift8(c0+gv), clampShift8(c0+bv)
		o[3], o[4], o[5] = clampShift8(c1+rv), clampShift8(c1+gv), clampShift8(c1+bv)
	}
}

// yuyvRow converts pixel pairs, sharing each pair's chroma terms.
func (c *Converter) yuyvRow(dst []byte, y, x0, w int) {
	f := c.cur
	row := f.Data[y*f.Width*2 : (y+1)*f.Width*2]
	dst = dst[:3*w]
	i, x := 0, x0
	if x&1 == 1 { // odd crop start: the first pixel is the second of its pair
		p := row[2*x-2 : 2*x+2]
		dst[0], dst[1], dst[2] = yuvToRGB(p[2], p[1], p[3])
		i, x = 1, x+1
	}
	for ; i+1 < w; i, x = i+2, x+2 {
		p := row[2*x : 2*x+4 : 2*x+4]
		d, e := int32(p[1])-128, int32(p[3])-128
		rv, gv, bv := 409*e+128, 128-100*d-208*e, 516*d+128
		c0, c1 := 298*(int32(p[0])-16), 298*(int32(p[2])-16)
		o := dst[3*i : 3*i+6 : 3*i+6]
		o[0], o[1], o[2] = clampShift8(c0+rv), clampShift8(c0+gv), clampShift8(c0+bv)
		o[3], o[4], o[5] = clampShift8(c1+rv), clampShift8(c1+gv), clampShift8(c1+bv)
	}
	if i < w { // odd crop end
		p := row[2*(x&^1) : 2*(x&^1)+4]
		yy := p[0]
		if x&1 == 1 {
			yy = p[2]
		}
		dst[3*i], dst[3*i+1], dst[3*i+2] = yuvToRGB(yy, p[1], p[3])
	}
}

func (c *Converter) nv12Row(dst []byte, y, x0, w int) {
	f := c.cur
	yrow := f.Data[y*f.Width : (y+1)*f.Width]
	cw := (f.Width + 1) / 2
	uv := f.Data[f.Width*f.Height+(y/2)*2*cw:]
	dst = dst[:3*w]
	for i := 0; i < w; i++ {
		x := x0 + i
		dst[3*i], dst[3*i+1], dst[3*i+2] = yuvToRGB(yrow[x], uv[(x/2)*2], uv[(x/2)*2+1])
	}
}

func (c *Converter) rgb24Row(dst []byte, y, x0, w int) {
	f := c.cur
	off := (y*f.Width + x0) * 3
	copy(dst[:3*w], f.Data[off:off+3*w])
}

func (c *Converter) greyRow(dst []byte, y, x0, w int) {
	f := c.cur
	src := f.Data[y*f.Width+x0 : y*f.Width+x0+w]
	dst = dst[:3*w]
	for i, v := range src {
		dst[3*i], dst[3*i+1], dst[3*i+2] = v, v, v
	}
}
