#!/usr/bin/env python3
"""Independent, schema-free reader of a TFLite flatbuffer.

Walks the file with the flatbuffers Python runtime's Table API, addressing
every field by its id in tensorflow/lite/schema/schema.fbs (vtable offset
4 + 2*id), and prints a JSON summary: version, operator codes, tensors (with
quantization and buffer sizes), operators and their options, the TFLite
metadata (tflite-support's metadata_schema.fbs, addressed the same way) and
the files of the zip archive appended to the model (Python's zipfile, CRCs
checked). It shares no code with edgecam's Go reader, so a Go test can check
the writer against it.

usage: check-tflite.py MODEL.tflite
"""
import hashlib
import io
import json
import sys
import zipfile

from flatbuffers import encode, number_types as N, packer, table


def vt(fid):
    return 4 + 2 * fid


class T:
    """A flatbuffer table addressed by field id."""

    def __init__(self, buf, pos):
        self.buf = buf
        self.t = table.Table(buf, pos)

    def _off(self, fid):
        return self.t.Offset(vt(fid))

    def has(self, fid):
        return self._off(fid) != 0

    def scalar(self, fid, flags, default):
        o = self._off(fid)
        return self.t.Get(flags, self.t.Pos + o) if o else default

    def table(self, fid):
        o = self._off(fid)
        return T(self.buf, self.t.Indirect(self.t.Pos + o)) if o else None

    def string(self, fid):
        o = self._off(fid)
        return self.t.String(self.t.Pos + o).decode("utf-8") if o else None

    def vec_len(self, fid):
        o = self._off(fid)
        return self.t.VectorLen(o) if o else 0

    def vec_start(self, fid):
        return self.t.Vector(self._off(fid))

    def scalars(self, fid, flags):
        o = self._off(fid)
        if not o:
            return None
        n, start = self.t.VectorLen(o), self.t.Vector(o)
        return [self.t.Get(flags, start + i * flags.bytewidth) for i in range(n)]

    def tables(self, fid):
        o = self._off(fid)
        if not o:
            return []
        n, start = self.t.VectorLen(o), self.t.Vector(o)
        return [T(self.buf, self.t.Indirect(start + 4 * i)) for i in range(n)]


# Options tables: union type -> (name, [(field id, key, flags, default)])
I8, I32, F32, B = N.Int8Flags, N.Int32Flags, N.Float32Flags, N.BoolFlags
OPTIONS = {
    1: ("Conv2DOptions", [(0, "padding", I8, 0), (1, "stride_w", I32, 0), (2, "stride_h", I32, 0),
                          (3, "fused_activation_function", I8, 0), (4, "dilation_w_factor", I32, 1),
                          (5, "dilation_h_factor", I32, 1)]),
    2: ("DepthwiseConv2DOptions", [(0, "padding", I8, 0), (1, "stride_w", I32, 0), (2, "stride_h", I32, 0),
                                   (3, "depth_multiplier", I32, 0), (4, "fused_activation_function", I8, 0),
                                   (5, "dilation_w_factor", I32, 1), (6, "dilation_h_factor", I32, 1)]),
    5: ("Pool2DOptions", [(0, "padding", I8, 0), (1, "stride_w", I32, 0), (2, "stride_h", I32, 0),
                          (3, "filter_width", I32, 0), (4, "filter_height", I32, 0),
                          (5, "fused_activation_function", I8, 0)]),
    8: ("FullyConnectedOptions", [(0, "fused_activation_function", I8, 0), (2, "keep_num_dims", B, False)]),
    9: ("SoftmaxOptions", [(0, "beta", F32, 0.0)]),
    17: ("ReshapeOptions", []),
    30: ("SqueezeOptions", []),
    38: ("DequantizeOptions", []),
    89: ("QuantizeOptions", []),
}
VECTOR_OPTIONS = {17: ("new_shape", 0), 30: ("squeeze_dims", 0)}


def summarize(buf):
    if len(buf) < 8 or bytes(buf[4:8]) != b"TFL3":
        raise ValueError("no TFL3 file identifier")
    model = T(buf, encode.Get(packer.uoffset, buf, 0))
    buffers = []
    for b in model.tables(4):
        n = b.vec_len(0)
        align = (b.vec_start(0) % 16) if n else 0
        buffers.append({"size": n, "align16": align == 0})
    codes = []
    for c in model.tables(1):
        dep = c.scalar(0, I8, 0)
        code = c.scalar(3, I32, 0)
        codes.append({"builtin": max(dep, code), "version": c.scalar(2, I32, 1)})
    subgraphs = model.tables(2)
    if len(subgraphs) != 1:
        raise ValueError("%d subgraphs" % len(subgraphs))
    sg = subgraphs[0]
    tensors = []
    for t in sg.tables(0):
        d = {
            "name": t.string(3),
            "shape": t.scalars(0, I32) or [],
            "type": t.scalar(1, I8, 0),
            "buffer": t.scalar(2, N.Uint32Flags, 0),
        }
        q = t.table(4)
        if q is not None and q.has(2):
            d["scale"] = q.scalars(2, F32)
            d["zero_point"] = q.scalars(3, N.Int64Flags) or []
            d["quantized_dimension"] = q.scalar(6, I32, 0)
        tensors.append(d)
    ops = []
    for o in sg.tables(3):
        d = {
            "opcode_index": o.scalar(0, N.Uint32Flags, 0),
            "inputs": o.scalars(1, I32) or [],
            "outputs": o.scalars(2, I32) or [],
            "options_type": o.scalar(3, N.Uint8Flags, 0),
        }
        d["builtin"] = codes[d["opcode_index"]]["builtin"]
        opts = o.table(4)
        if opts is not None and d["options_type"] in OPTIONS:
            name, fields = OPTIONS[d["options_type"]]
            od = {"name": name}
            for fid, key, flags, default in fields:
                od[key] = opts.scalar(fid, flags, default)
            if d["options_type"] in VECTOR_OPTIONS:
                key, fid = VECTOR_OPTIONS[d["options_type"]]
                od[key] = opts.scalars(fid, I32)
            d["options"] = od
        ops.append(d)
    return {
        "metadata": metadata(buf, model),
        "associated_files": associated_files(buf),
        "version": model.scalar(0, N.Uint32Flags, 0),
        "description": model.string(3),
        "operator_codes": codes,
        "buffers": buffers,
        "tensors": tensors,
        "operators": ops,
        "inputs": sg.scalars(1, I32) or [],
        "outputs": sg.scalars(2, I32) or [],
    }


def files(t, fid):
    """AssociatedFile vector: name 0, description 1, type 2 (byte), locale 3."""
    return [{"name": f.string(0), "description": f.string(1), "type": f.scalar(2, I8, 0),
             "locale": f.string(3)} for f in t.tables(fid)]


def tensor_metadata(tm):
    """TensorMetadata: name 0, description 1, content 3, process_units 4, associated_files 6."""
    d = {"name": tm.string(0), "description": tm.string(1), "files": files(tm, 6)}
    content = tm.table(3)
    if content is not None:
        # Content: content_properties_type 0, content_properties 1;
        # ImageProperties (type 2): color_space 0.
        d["content_type"] = content.scalar(0, N.Uint8Flags, 0)
        props = content.table(1)
        if d["content_type"] == 2 and props is not None:
            d["color_space"] = props.scalar(0, I8, 0)
    for unit in tm.tables(4):
        # ProcessUnit: options_type 0 (NormalizationOptions = 1), options 1;
        # NormalizationOptions: mean 0, std 1.
        opts = unit.table(1)
        if unit.scalar(0, N.Uint8Flags, 0) == 1 and opts is not None and "normalization" not in d:
            d["normalization"] = {"mean": opts.scalars(0, F32), "std": opts.scalars(1, F32)}
    return d


def metadata(buf, model):
    """Model.metadata (field 6) entries; the TFLITE_METADATA buffer decoded
    as metadata_schema.fbs ModelMetadata (identifier M001)."""
    out = {"entries": []}
    buffers = model.tables(4)
    for e in model.tables(6):
        name, index = e.string(0), e.scalar(1, N.Uint32Flags, 0)
        out["entries"].append(name)
        if name != "TFLITE_METADATA":
            continue
        b = buffers[index]
        start = b.vec_start(0)
        mbuf = bytearray(buf[start:start + b.vec_len(0)])
        if bytes(mbuf[4:8]) != b"M001":
            raise ValueError("TFLITE_METADATA buffer has no M001 identifier")
        mm = T(mbuf, encode.Get(packer.uoffset, mbuf, 0))
        md = {"name": mm.string(0), "description": mm.string(1), "version": mm.string(2),
              "author": mm.string(4), "license": mm.string(5), "min_parser_version": mm.string(7),
              "files": files(mm, 6), "inputs": [], "outputs": []}
        sgs = mm.tables(3)
        if sgs:
            md["inputs"] = [tensor_metadata(t) for t in sgs[0].tables(2)]
            md["outputs"] = [tensor_metadata(t) for t in sgs[0].tables(3)]
        out["model_metadata"] = md
    return out


def associated_files(buf):
    """The zip archive appended to the file, read with Python's zipfile."""
    try:
        z = zipfile.ZipFile(io.BytesIO(bytes(buf)))
    except zipfile.BadZipFile:
        return None
    if z.testzip() is not None:
        raise ValueError("appended zip archive: bad CRC in %s" % z.testzip())
    return [{"name": i.filename, "size": i.file_size, "compress_type": i.compress_type,
             "sha256": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()]


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        buf = bytearray(f.read())
    try:
        json.dump(summarize(buf), sys.stdout)
    except (ValueError, IndexError, KeyError) as e:
        print("check-tflite: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
