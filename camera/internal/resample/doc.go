// Package resample is Pillow's BILINEAR resize (Image.resize with
// Image.BILINEAR, libImaging/Resample.c) reproduced bit for bit, of the
// centre square that edgecam's canonical preprocessing crops first, or of
// the whole image (a detector's input). It is shared by the camera frame
// converter and the image decoder in camera/imageinput.
package resample
