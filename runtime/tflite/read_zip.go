package tflite

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The associated files of a model with metadata are stored in a zip archive
// appended to the flatbuffer (TFLite's MetadataPopulator does this; unzip
// lists the files of such a model). The archive is read from the whole file
// with archive/zip, after a check of its end record that bounds what
// archive/zip will allocate for the central directory.

// zip end-of-central-directory record (APPNOTE.TXT 4.3.16).
const (
	zipEndSignature  = 0x06054b50
	zipEndLen        = 22     // without the comment
	zipMaxCommentLen = 0xffff // the comment length is 16-bit
)

// loadFiles fills Data or Err of every associated file from the archive
// appended to file. Each file's contents are at most MaxAssociatedFileBytes,
// all of them together at most MaxAssociatedBytes.
func (md *Metadata) loadFiles(file []byte) {
	named := false
	md.allFiles(func(*AssociatedFile) bool { named = true; return false })
	if !named {
		return
	}
	zr, err := openAppendedZip(file)
	budget := MaxAssociatedBytes
	md.allFiles(func(f *AssociatedFile) bool {
		switch {
		case err != nil:
			f.Err = err
		case !sameNameLoaded(md, f):
			f.Data, f.Err = readZipFile(zr, f.Name, &budget)
		}
		return true
	})
}

// sameNameLoaded gives f the contents of an earlier file of the same name
// (one archive entry named twice by the metadata) and reports whether there
// was one.
func sameNameLoaded(md *Metadata, f *AssociatedFile) bool {
	found := false
	md.allFiles(func(g *AssociatedFile) bool {
		if g == f {
			return false
		}
		if g.Name == f.Name {
			f.Data, f.Err, found = g.Data, g.Err, true
			return false
		}
		return true
	})
	return found
}

// openAppendedZip opens the zip archive at the end of file.
func openAppendedZip(file []byte) (*zip.Reader, error) {
	if err := checkZipEnd(file); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	// An insecure name (absolute, "..") is harmless here: entries are only
	// looked up by the names the metadata gives, never written to disk.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("the zip archive appended to the model is unreadable: %w", err)
	}
	return zr, nil
}

// checkZipEnd finds the end record as archive/zip does (the last signature
// whose comment fits in the file) and refuses an archive that declares more
// than maxZipEntries entries, or needs zip64, before archive/zip allocates
// its directory.
func checkZipEnd(file []byte) error {
	lo := max(0, len(file)-zipEndLen-zipMaxCommentLen)
	for i := len(file) - zipEndLen; i >= lo; i-- {
		rec := file[i:]
		if binary.LittleEndian.Uint32(rec) != zipEndSignature {
			continue
		}
		comment := int(binary.LittleEndian.Uint16(rec[20:]))
		if i+zipEndLen+comment > len(file) {
			continue
		}
		entries := binary.LittleEndian.Uint16(rec[10:])
		dirSize := binary.LittleEndian.Uint32(rec[12:])
		dirOffset := binary.LittleEndian.Uint32(rec[16:])
		switch {
		case entries == 0xffff || dirSize == 0xffffffff || dirOffset == 0xffffffff:
			return errors.New("the zip archive appended to the model is a zip64 archive; associated files need no zip64")
		case entries > maxZipEntries:
			return fmt.Errorf("the zip archive appended to the model has %d entries (more than %d)", entries, maxZipEntries)
		}
		return nil
	}
	return errors.New("the model file has no zip archive of associated files appended")
}

// readZipFile returns the contents of the archive entry called name, at most
// MaxAssociatedFileBytes and *budget bytes, and charges them to *budget.
// Sizes are checked before and while decompressing, so a zip bomb costs no
// more than the limit; archive/zip checks the CRC-32 and the declared size
// at the end.
func readZipFile(zr *zip.Reader, name string, budget *int) ([]byte, error) {
	var zf *zip.File
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		if zf != nil {
			return nil, fmt.Errorf("associated file %q: the appended zip archive holds it twice", name)
		}
		zf = f
	}
	if zf == nil {
		return nil, fmt.Errorf("associated file %q is not in the zip archive appended to the model", name)
	}
	limit := min(MaxAssociatedFileBytes, *budget)
	if zf.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("associated file %q is %d bytes (at most %d are read)", name, zf.UncompressedSize64, limit)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("associated file %q: %w", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if err == nil && len(data) > limit {
		err = fmt.Errorf("decompresses to more than %d bytes", limit)
	}
	if err != nil {
		return nil, fmt.Errorf("associated file %q: reading it from the appended zip archive: %w", name, err)
	}
	*budget -= len(data)
	return data, nil
}
