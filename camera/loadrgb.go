package camera

import "github.com/edgecam/edgecam/camera/imageinput"

// LoadRGB is imageinput.LoadRGB: an image file as res×res HWC uint8 RGB
// model input. A program that only reads image files should import
// camera/imageinput, which does not pull in the V4L2 driver.
func LoadRGB(path string, res int) ([]byte, error) { return imageinput.LoadRGB(path, res) }
