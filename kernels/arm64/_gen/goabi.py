"""goabi.py: a Go assembly function's arguments (ABI0, on the stack).

A signature is a list of (name, Go type). Each argument sits at the next
offset aligned to its size (8 bytes for pointers and ints, 4 for int32 and
float32); the frame is $0-<end of the last argument>. go vet (asmdecl)
checks both against the Go declaration.
"""

SIZE = {"int": 8, "int32": 4, "float32": 4}


def _size(t):
    return 8 if t.startswith("*") else SIZE[t]


def offsets(sig):
    """Returns ({name: offset}, end)."""
    off, out = 0, {}
    for name, t in sig:
        s = _size(t)
        off = (off + s - 1) // s * s
        out[name] = off
        off += s
    return out, off


def sig(args):
    """The Go parameter list, grouping consecutive arguments of one type."""
    parts, i = [], 0
    while i < len(args):
        j = i
        while j + 1 < len(args) and args[j + 1][1] == args[i][1]:
            j += 1
        parts.append(", ".join(n for n, _ in args[i:j + 1]) + " " + args[i][1])
        i = j + 1
    return "(" + ", ".join(parts) + ")"


def frame(args):
    return "$0-%d" % offsets(args)[1]


def load_arg(E, args, name, reg):
    """Emits the load of one argument into R<reg> (MOVW sign-extends an int32)."""
    offs, _ = offsets(args)
    t = dict(args)[name]
    E("\t%s\t%s+%d(FP), R%d" % ("MOVD" if _size(t) == 8 else "MOVW", name, offs[name], reg))


def load_args(E, args, regs):
    """Emits the loads of the arguments named in regs ({name: register number}), in signature order."""
    for name, _ in args:
        if name in regs:
            load_arg(E, args, name, regs[name])
