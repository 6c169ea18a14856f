"""encode.py: A64 encodings from GNU as (binutils-aarch64-linux-gnu).

No encoding is computed by hand: every line is assembled by GNU as and read
back with objdump, all of them in one call of each.
"""
import os
import subprocess
import tempfile

AS = os.environ.get("AS", "aarch64-linux-gnu-as")
OBJDUMP = os.environ.get("OBJDUMP", "aarch64-linux-gnu-objdump")


def assemble(lines):
    """Returns the 32-bit encoding of each line (one instruction per line)."""
    with tempfile.TemporaryDirectory() as d:
        src, obj = os.path.join(d, "x.s"), os.path.join(d, "x.o")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        try:
            subprocess.run([AS, "-march=armv8.2-a+dotprod", "-o", obj, src], check=True)
            out = subprocess.run([OBJDUMP, "-d", obj], check=True, capture_output=True, text=True).stdout
        except FileNotFoundError as e:
            raise SystemExit("encode: %s (apt-get install binutils-aarch64-linux-gnu)" % e)
        except subprocess.CalledProcessError as e:
            raise SystemExit("encode: %s failed: %s" % (e.cmd[0], e.stderr or ""))
    words = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0].strip().endswith(":"):
            words.append(int(parts[1].strip(), 16))
    if len(words) != len(lines):
        raise SystemExit("encode: got %d words for %d instructions" % (len(words), len(lines)))
    return words
