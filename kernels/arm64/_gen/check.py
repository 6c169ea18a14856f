"""check.py: proves each instruction's choice between a Go mnemonic and WORD.

For every distinct instruction of the kernels (translate.Instruction):
  - native: go tool asm assembles its Go spelling to the same encoding as GNU
    as does for its GNU spelling;
  - WORD: go tool asm rejects its Go spelling, so no WORD stands for an
    instruction Go's assembler has by name. The WORD's encoding is GNU as's.
Each assembler runs on all instructions at once: GNU as once, go tool asm
once for the natives and once per kind of rejection for the WORDs (parse
errors stop go tool asm before encoding, so the forms it parses but cannot
encode fail in a second call). A failure raises SystemExit with every
offending instruction.
"""
import os
import re
import subprocess
import tempfile

import encode


def _with_label(ins, i):
    """Returns (GNU line, Go line) to assemble; a branch jumps to itself."""
    if ins.label is None:
        return ins.gnu, "\t" + ins.go
    own = r"\b%s$" % re.escape(ins.label)
    return (".Lc%d: %s" % (i, re.sub(own, ".Lc%d" % i, ins.gnu)),
            "c%d:\t%s" % (i, re.sub(own, "c%d" % i, ins.go)))


class GoAsm:
    """go tool asm for GOARCH=arm64, on one function of many lines."""

    FIRST = 3  # line number of the first instruction in the file

    def __init__(self):
        try:
            root = subprocess.run(["go", "env", "GOROOT"], check=True, capture_output=True, text=True).stdout.strip()
        except (FileNotFoundError, subprocess.CalledProcessError) as e:
            raise SystemExit("check: go env GOROOT: %s (the generator needs go in PATH)" % e)
        self.include = os.path.join(root, "pkg", "include")

    def run(self, lines):
        """Assembles lines; returns (encodings per line or None, {index: error})."""
        src = ["#include \"textflag.h\"", "TEXT ·check(SB), NOSPLIT, $0-0"] + lines + ["\tRET"]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "check.s")
            with open(path, "w") as f:
                f.write("\n".join(src) + "\n")
            env = dict(os.environ, GOARCH="arm64", GOOS="linux")
            p = subprocess.run(["go", "tool", "asm", "-p", "check", "-I", self.include, "-e", "-S",
                                "-o", os.path.join(d, "check.o"), path],
                               capture_output=True, text=True, env=env)
        if p.returncode != 0:
            errs = {}
            for line in p.stderr.splitlines():
                m = re.match(r"\S*check\.s:(\d+): (.*)", line)  # parse error
                n, msg = (m.group(1), m.group(2)) if m else (None, None)
                m = re.match(r"\S+: (.*?): \d+ \(\S*check\.s:(\d+)\)(.*)", line)
                if m:  # encoding error, often with the operand classes go tool asm found
                    n, msg = m.group(2), m.group(1)
                    cls = re.search(r" ((?:[A-Z0-9]+ ){4}[A-Z0-9]+), \d+ \d+$", m.group(3))
                    msg += " (operand classes %s)" % cls.group(1) if cls else ""
                if n and int(n) >= self.FIRST:
                    errs.setdefault(int(n) - self.FIRST, msg)
            if not errs:
                raise SystemExit("check: go tool asm failed:\n" + p.stderr)
            return None, errs
        return self._words(p.stdout, len(lines)), {}

    def _words(self, listing, n):
        pcs, code = {}, bytearray()
        for line in listing.splitlines():
            m = re.match(r"\t0x([0-9a-f]+) \d+ \(\S+:(\d+)\)\t", line)
            if m and int(m.group(2)) >= self.FIRST:
                pcs.setdefault(int(m.group(2)) - self.FIRST, int(m.group(1), 16))
                continue
            m = re.match(r"\t0x([0-9a-f]+) ((?:[0-9a-f]{2} )+)", line)
            if m:
                if int(m.group(1), 16) != len(code):
                    raise SystemExit("check: unexpected go tool asm listing:\n" + listing)
                code += bytes.fromhex(m.group(2))
        words = []
        for i in range(n):
            a, b = pcs[i], pcs[i + 1]
            words.append([int.from_bytes(code[k:k + 4], "little") for k in range(a, b, 4)])
        return words


def check(instructions):
    """Checks every instruction; returns ({GNU text: encoding}, {GNU text of a WORD: go tool asm's error})."""
    ins = list(instructions)
    pairs = [_with_label(x, i) for i, x in enumerate(ins)]
    gnu = encode.assemble([g for g, _ in pairs])
    goasm = GoAsm()
    bad = []

    native = [i for i, x in enumerate(ins) if x.native]
    while True:  # until go tool asm takes every native left
        words, errs = goasm.run([pairs[i][1] for i in native])
        if not errs:
            break
        bad += ["go tool asm rejects native %s (%s): %s" % (ins[native[k]].gnu, ins[native[k]].go, e)
                for k, e in sorted(errs.items())]
        native = [i for k, i in enumerate(native) if k not in errs]
    for k, i in enumerate(native):
        if words[k] != [gnu[i]]:
            bad.append("%s: GNU as 0x%08x, go tool asm %s for %s" % (
                ins[i].gnu, gnu[i], " ".join("0x%08x" % w for w in words[k]), ins[i].go))

    todo = [i for i, x in enumerate(ins) if not x.native]
    why = {}
    while todo:
        _, errs = goasm.run([pairs[i][1] for i in todo])
        if not errs:
            bad += ["go tool asm accepts WORD %s as %s: make its form native in translate.NATIVE" % (
                ins[i].gnu, ins[i].go) for i in todo]
            break
        for k, e in errs.items():
            why[todo[k]] = e
        todo = [i for k, i in enumerate(todo) if k not in errs]
    if bad:
        raise SystemExit("check: %d instruction(s) fail:\n  %s" % (len(bad), "\n  ".join(bad)))

    return {x.gnu: gnu[i] for i, x in enumerate(ins)}, {ins[i].gnu: e for i, e in why.items()}
