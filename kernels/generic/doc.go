// Package generic holds the pure-Go kernels of every op edgecam runs. They are
// the specification the assembly kernels are tested against, and the fast path
// on CPUs without assembly (32-bit ARM, RISC-V, x86).
//
// Each op has one file named by its stem (pwconv_f32.go, dwconv_q8.go, ...)
// whose doc comments state the exact reference loop; a faster Go loop behind
// it sits beside it (pwconv_f32_gemm.go, dwconv_q8_rows.go, ...). The table of
// ops, their kernels and their tests is in package kernels.
//
// Layout is NHWC with batch 1. Quantized kernels work on int8 activations: the
// runtime maps legacy uint8 tensors onto int8 by subtracting 128 from values and
// zero points, so one set of kernels serves both numeric schemes.
package generic
