// Package kernels is the one registry of kernel implementations and the one
// rule that chooses among them: Select, used by the runtime (one choice per
// layer when it compiles a plan), by edgecam info and by the tests. Every
// registry entry embeds Kernel: its Info (name, level, availability) and its
// Supports. An implementation computes every layer its Supports accepts
// entirely itself and refuses the others, so the name a plan reports
// (Plan.KernelsByType) is the implementation that ran. Convolutions have a
// pack step, run once per layer at plan time: no implementation reorders or
// widens weights per call.
//
// # Where each op lives
//
// Every op has one stem, used for its files in every folder: the
// specification in kernels/generic (the doc comment of the exported function
// states the reference loop; a faster Go loop sits beside it), the Go stubs,
// assembly and generator of each architecture, the equivalence test here
// (every registered implementation against generic) and the
// architecture's own tests. Registered names say what a kernel computes.
//
//	op          spec (generic/)     arm64/ stub, .s            arm64/_gen/    test (kernels/)    arm64/ test              registered
//	pwconv_f32  pwconv_f32.go       pwconv_f32_arm64.{go,s}    pwconv_f32.py  pwconv_f32_test.go pwconv_f32_arm64_test.go pwconv_f32_{generic,neon,neon_a53}
//	            pwconv_f32_gemm.go
//	pwconv_q8   pwconv_q8.go        pwconv_q8_arm64.{go,s}     pwconv_q8.py   pwconv_q8_test.go  pwconv_q8_arm64_test.go  pwconv_q8_{generic,neon,neon_a53,dotprod}
//	            pwconv_q8_gemm.go
//	dwconv_f32  dwconv_f32.go       dwconv_f32_arm64.{go,s}    dwconv_f32.py  dwconv_f32_test.go dwconv_arm64_test.go     dwconv_f32_generic, dwconv3x3_f32_neon{,_a53}
//	            dwconv_f32_rows.go  dwconv_arm64.go (shared)
//	dwconv_q8   dwconv_q8.go        dwconv_q8_arm64.{go,s}     dwconv_q8.py   dwconv_q8_test.go  dwconv_arm64_test.go     dwconv_q8_generic, dwconv3x3_q8_{neon,neon_a53,dotprod}
//	            dwconv_q8_rows.go   dwconv_q8_dot_arm64.go
//	conv_f32    conv_f32.go         conv_f32_arm64.{go,s}      conv_f32.py    conv_f32_test.go   conv_arm64_test.go       conv_f32_generic, conv3x3c3_f32_neon{,_a53}
//	            conv_f32_tiled.go   conv_arm64.go (shared)
//	conv_q8     conv_q8.go          conv_q8_arm64.{go,s}       conv_q8.py     conv_q8_test.go    conv_arm64_test.go       conv_q8_generic, conv3x3c3_q8_{neon,neon_a53,dotprod}
//	            conv_q8_swar.go
//	avgpool     avgpool.go          -                          -              generic/avgpool_test.go                     (called by the runtime)
//	softmax     softmax.go          -                          -              generic/softmax_test.go                     (called by the runtime)
//	quantize    quantize.go         -                          -              generic/quantize_test.go                    (called by the runtime)
//	requant     requant.go          -                          -              generic/quantize_test.go                    (used by every int8 kernel)
//	add         add.go              -                          -              generic/add_test.go                         (called by the runtime)
//	mean        mean.go             -                          -              generic/mean_test.go                        (called by the runtime)
//	pad         pad.go              -                          -              generic/pad_test.go                         (called by the runtime)
//	relu        relu.go, lut.go     -                          -              generic/relu_test.go                        (called by the runtime)
//	concat      concat.go           -                          -              generic/concat_test.go                      (called by the runtime)
//	logistic    logistic.go         -                          -              generic/logistic_test.go                    (called by the runtime)
//	detection   detection_*.go      -                          -              generic/detection_*_test.go                 (called by the runtime)
//
// amd64 (AVX2+FMA, AVX-512, AVX-512 VNNI) follows the same stems, its Go
// stubs generated with the assembly by an avo program:
//
//	op          amd64/ Go, .s                          amd64/_asm/    amd64/ test                  registered
//	pwconv_f32  pwconv_f32_amd64.{go,s}                pwconv_f32.go  pwconv_f32_amd64_test.go     pwconv_f32_{avx2,avx512}
//	pwconv_q8   pwconv_q8_amd64.{go,s}                 pwconv_q8.go   pwconv_q8_amd64_test.go      pwconv_q8_{avx2,vnni}
//	dwconv_f32  dwconv_f32_amd64.{go,s}                dwconv.go      dwconv_amd64_test.go         dwconv3x3_f32_avx2
//	dwconv_q8   dwconv_q8_amd64.{go,s}                 dwconv.go      dwconv_amd64_test.go         dwconv3x3_q8_{avx2,vnni}
//	            dwconv_q8_vnni_amd64.go
//	conv_f32    conv_f32_amd64.{go,s}, conv_amd64.go   conv.go        conv_amd64_test.go           conv3x3c3_f32_avx2
//	conv_q8     conv_q8_amd64.{go,s}                   conv.go        conv_amd64_test.go           conv3x3c3_q8_{avx2,vnni}
//
// (the Go stubs of each .s are in <stem>_stub_amd64.go; _asm/requant.go is
// the requantization every int8 kernel shares).
//
// The generic specification of each op is also tested on its own against
// the obvious loop (kernels/generic/<stem>_test.go). Shared pieces: the
// layer geometry in generic/params.go and generic/window.go; the CPU
// features in arm64/cpu_arm64.go and amd64/cpu_amd64.go; the in-order core
// (the _a53 kernels, reordered by arm64/_gen/inorder.py and tested in
// arm64/inorder_arm64_test.go) in arm64/core_arm64.go; the test helpers
// (guard bands, named tolerances, random source, case lists) in
// internal/kerneltest. The arm64 kernels are registered by
// registry_arm64.go, the amd64 ones by registry_amd64.go; each
// architecture's levels (Levels) form a ladder above generic: neon, dotprod
// on arm64; avx2, avx512, vnni on amd64.
//
// # Adding a kernel
//
// Write it beside its op's files with the same stem, give it a Supports that
// accepts exactly the layers it computes itself (refusing the others), and
// register it for its architecture: the equivalence test of the op then runs
// it against generic on every case it supports, and Select offers it to the
// runtime.
package kernels
