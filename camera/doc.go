// Package camera turns camera frames into model input: it defines frame
// sources (V4L2, recorded files, a synthetic pattern, and byte streams from
// a pipe or a command such as rpicam-vid), converts frames of the common
// V4L2 pixel formats to the HWC uint8 RGB buffer a plan takes, and runs
// capture and inference concurrently in a newest-frame-wins pipeline.
// Image files are decoded by camera/imageinput, which a program can import
// alone, without the V4L2 driver.
package camera
