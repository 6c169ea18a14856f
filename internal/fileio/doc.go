// Package fileio reads and writes the files that users name on the command
// line (models, labels, images, recorded streams, calibration sets) so that a
// hostile path cannot hang or exhaust the process: only regular files are
// read, every read is bounded by a size the format allows, opening never
// blocks on a FIFO, and writes replace their target atomically.
package fileio
