// Package resample is Pillow's BILINEAR resize (Image.resize with
// Image.BILINEAR, libImaging/Resample.c) reproduced bit for bit, with the
// centre crop to a square that edgecam's canonical preprocessing applies
// first. It is shared by the camera frame converter and the image decoder
// in camera/imageinput.
package resample
