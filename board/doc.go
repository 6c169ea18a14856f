// Package board describes the machine edgecam runs on: which board (Raspberry
// Pi Zero 2 W, 3, 4, 5, CM4/CM5, another arm64 board, x86), its SoC and CPU
// cores, CPU features, frequency, temperature and firmware throttling state,
// and it drives GPIO pins for `edgecam run -gpio`.
//
// Every reader is a pure parser over a Source whose file system is
// replaceable: the live machine reads "/" and tests read captured files under
// testdata/board. A field that cannot be read is reported as unknown (the
// string "unknown" or a JSON null), never guessed.
package board
