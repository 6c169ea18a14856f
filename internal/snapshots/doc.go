// Package snapshots keeps a bounded directory of annotated JPEG snapshots:
// one per event start, drawn with the label (and detection boxes, if any),
// written atomically, named by time and label, with the oldest removed first
// so that the directory's snapshots never exceed a byte bound.
package snapshots
