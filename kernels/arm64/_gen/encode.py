"""encode.py: A64 encodings for instructions Go's assembler lacks.

Every WORD the generator emits is assembled by GNU as (binutils-aarch64-linux-gnu)
and read back with objdump, so no encoding is hand-computed. Results are cached
per generator run.
"""
import os
import subprocess
import tempfile

AS = os.environ.get("AS", "aarch64-linux-gnu-as")
OBJDUMP = os.environ.get("OBJDUMP", "aarch64-linux-gnu-objdump")
_cache = {}
_pending = []


def _assemble(lines):
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, "x.s"), os.path.join(d, "x.o")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        subprocess.run([AS, "-march=armv8.2-a+dotprod", "-o", obj, src], check=True)
        out = subprocess.run([OBJDUMP, "-d", obj], check=True, capture_output=True, text=True).stdout
    words = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0].strip().endswith(":"):
            words.append(int(parts[1].strip(), 16))
    if len(words) != len(lines):
        raise SystemExit("encode: got %d words for %d instructions" % (len(words), len(lines)))
    return words


def prime(lines):
    """Assembles many instructions in one call of as (speed only)."""
    todo = [l for l in dict.fromkeys(lines) if l not in _cache]
    if todo:
        for l, w in zip(todo, _assemble(todo)):
            _cache[l] = w


def word(ins):
    """Returns a Go assembler line `WORD $0x...  // ins`."""
    if ins not in _cache:
        prime([ins])
    return "\tWORD\t$0x%08x\t// %s" % (_cache[ins], ins)
