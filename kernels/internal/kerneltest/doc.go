// Package kerneltest is what every kernel test shares: guard bands with their
// sentinels, the named tolerances, the random source and the shape cases. The
// tests of kernels, kernels/generic and kernels/arm64 all use it, so a bound
// or a case list means the same thing in each of them.
package kerneltest
