// Package camera turns camera frames and image files into model input: it
// defines frame sources (V4L2, files, a synthetic pattern), converts frames of
// the common V4L2 pixel formats to the HWC uint8 RGB buffer a plan takes, and
// runs capture and inference concurrently in a newest-frame-wins pipeline.
package camera
