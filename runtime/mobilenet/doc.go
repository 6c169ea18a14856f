// Package mobilenet builds synthetic MobileNet-V1 models of any width,
// resolution and scheme (float32 or full-integer int8) as tflite.Models, and
// describes any model's layers: shapes, multiply-adds and parameters counted
// the way the MobileNet paper counts them. It is apart from the engine: it
// imports only runtime/tflite.
package mobilenet
