// Package imageinput turns image files into model input: it decodes PNG,
// JPEG and BMP (after checking the size each file declares against a
// memory budget), centre-crops to a square and resizes with Pillow's
// BILINEAR filter, bit for bit, into res×res HWC uint8 RGB, the canonical
// preprocessing of ../shared/golden/README.md; or, for detectors, resizes
// the whole picture without cropping (Framing). It does not depend on V4L2,
// so a program that only classifies photos can import it without the
// camera drivers.
//
// Colour follows Pillow's Image.convert("RGB"): the stored red, green and
// blue of every pixel are kept and alpha is dropped, never multiplied in, so
// fully transparent pixels keep their colour; 16-bit RGB, RGBA and
// gray+alpha samples keep their high byte; paletted images take the
// palette's colour whatever its transparency. 16-bit grayscale without alpha
// is Pillow's mode "I", whose conversion clips every value above 255 to 255:
// edgecam does the same, so that both agree, and such an image looks almost
// white to the model. Convert 16-bit gray photos to 8 bits first.
package imageinput
