"""translate.py: an instruction in GNU (Arm) syntax, spelled for Go's assembler.

The generators write every machine instruction as the Arm Architecture
Reference Manual and GNU as spell it ("fmla v0.4s, v24.4s, v16.s[0]"). This
module gives its Go spelling ("VFMLA V16.S[0], V24.S4, V0.S4") and says
whether the kernels use it by that name (native) or as a WORD. check.py proves
both choices on every generation: a native instruction has the same encoding
from go tool asm as from GNU as, and go tool asm rejects the Go spelling of
every WORD.

Forms: general registers (x5, w5, xzr), scalar float registers (s2, d0),
vectors (v1.4s), elements (v1.s[2], v1.4b[1]), register lists ({v1.4s, v2.4s}),
lanes ({v1.b}[3]), immediates (#16), memory ([x1], [x1, #32]), post-index
([x1], #16 or [x1], x9), shifted registers (x1, lsl #3), conditions (le) and
labels.
"""
import re

# The vector forms Go's assembler has, by GNU mnemonic and operand kinds: v
# vector, e element or lane, l register list, m memory (M by register
# offset), r general register, f scalar float register, i immediate.
# Every other vector form is a WORD. Scalar forms are native but those of
# SCALAR_WORD.
NATIVE = {
    "add vvv", "sub vvv", "addp vvv", "eor vvv", "mov vv", "fmla vvv",
    "dup vr", "dup ve", "ld1 lm", "ld1 em", "st1 lm", "st1 em", "movi vi",
    "zip1 vvv", "zip2 vvv", "tbl vlv", "mov er", "addv fv",
    "ld1r lm",
}

# The scalar forms Go's assembler lacks (a 128-bit load by register offset,
# M, and its store; the form names a float register's width, q); every other scalar form is
# native.
SCALAR_WORD = {"ldr qM", "str qM"}

# Go's names for the scalar mnemonics; a vector mnemonic is "V" + its GNU name.
SCALAR = {
    "add": "ADD", "ands": "ANDS", "subs": "SUBS", "lsl": "LSL", "lsr": "LSR",
    "cmp": "CMP", "csel": "CSEL", "cbz": "CBZ", "cbnz": "CBNZ", "b": "JMP",
    "ret": "RET", "mov": "MOVD", "ldrsw": "MOVW", "orr": "ORR", "neg": "NEG", "tbz": "TBZ", "tbnz": "TBNZ", "sub": "SUB",
}
# ldr and str (ldp, stp) of a float register are named in Go by its width.
MOVE = {"s": "FMOVS", "d": "FMOVD", "q": "FMOVQ"}
# Go lists the destination last, the reverse of GNU, except where GNU's order
# is already Go's (stores: value then address; compare and branch: register
# then label), CSEL (condition first, then the two sources) and TBZ/TBNZ
# (bit, register, label).
KEEP = {"st1", "str", "cbz", "cbnz"}
BRANCH = {"b", "cbz", "cbnz", "tbz", "tbnz"}
ARRANGEMENT = {"16b": "B16", "8b": "B8", "4b": "B4", "8h": "H8", "4h": "H4",
               "4s": "S4", "2s": "S2", "2d": "D2", "1d": "D1"}
SHIFT = {"lsl": "<<", "lsr": ">>", "asr": "->"}
# Registers Go reserves: platform (R18), closure context (R26), assembler
# temporary (R27), g (R28), frame pointer (R29), link register (R30).
RESERVED = {18, 26, 27, 28, 29, 30}


class Instruction:
    """One instruction: GNU text, Go mnemonic and operands, form, native or not."""

    def __init__(self, gnu, op, args, form, native, label):
        self.gnu, self.op, self.args = gnu, op, args
        self.form, self.native, self.label = form, native, label

    @property
    def go(self):
        return self.op + ("\t" + self.args if self.args else "")


def _split(s):
    """Splits operands at the commas outside braces and brackets."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _reg(s):
    """A general register in Go's name, or None."""
    if s in ("xzr", "wzr"):
        return "ZR"
    m = re.fullmatch(r"[xw](\d+)", s)
    if not m:
        return None
    if int(m.group(1)) in RESERVED:
        raise ValueError("uses Go-reserved register R%s" % m.group(1))
    return "R" + m.group(1)


def _vec(s):
    """A vector, element or scalar float register in Go's name, with its kind."""
    m = re.fullmatch(r"v(\d+)\.(\d*[bhsd])(?:\[(\d+)\])?", s)
    if m:
        n, t, i = m.groups()
        if i is not None:
            return "e", "V%s.%s[%s]" % (n, ARRANGEMENT.get(t, t.upper()), i)
        return "v", "V%s.%s" % (n, ARRANGEMENT[t])
    m = re.fullmatch(r"[sdq](\d+)", s)
    if m:
        return "f", "F" + m.group(1)
    return None


def _operand(s, branch):
    """Returns (kind, Go text) of one GNU operand."""
    if s.startswith("#"):
        return "i", "$" + s[1:]
    r = _reg(s)
    if r:
        return "r", r
    v = _vec(s)
    if v:
        return v
    m = re.fullmatch(r"\{v(\d+)\.([bhsd])\}\[(\d+)\]", s)
    if m:  # one lane: {v1.b}[3]
        return "e", "V%s.%s[%s]" % (m.group(1), m.group(2).upper(), m.group(3))
    m = re.fullmatch(r"\{(.*)\}", s)
    if m:
        return "l", "[%s]" % ", ".join(_vec(x.strip())[1] for x in m.group(1).split(","))
    m = re.fullmatch(r"\[(\w+)(?:, #(-?\d+))?\]", s)
    if m:
        return "m", "%s(%s)" % (m.group(2) or "", _reg(m.group(1)))
    m = re.fullmatch(r"\[(\w+), ([xw]\d+)\]", s)
    if m:  # register offset: [x8, x17]
        return "M", "(%s)(%s)" % (_reg(m.group(1)), _reg(m.group(2)))
    if branch and re.fullmatch(r"[A-Za-z_]\w*", s):
        return "L", s
    if re.fullmatch(r"(eq|ne|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)", s):
        return "c", s.upper()
    raise ValueError("unknown operand %r" % s)


def translate(gnu):
    """Returns the Instruction for one line of GNU syntax."""
    try:
        return _translate(gnu)
    except (ValueError, KeyError, TypeError) as e:
        raise SystemExit("translate: %r: %s" % (gnu, e))


def _translate(gnu):
    mn, _, rest = gnu.strip().partition(" ")
    branch = mn in BRANCH or mn.startswith("b.")
    raw = _split(rest)
    ops, post = [], False
    for s in raw:
        sh = re.fullmatch(r"(lsl|lsr|asr) #(\d+)", s)
        if sh:  # shifted register: x1, lsl #3
            r = ops.pop()[1]
            ops.append(("r", "%s%s%s" % (r, SHIFT[sh.group(1)], sh.group(2))))
            continue
        if ops and ops[-1][0] == "m" and not post:  # post-index: [x1], #16 or [x1], x9
            base = ops.pop()[1]
            if not base.startswith("("):
                raise ValueError("post-index after an offset")
            post = True
            ops.append(("m", s[1:] + base if s.startswith("#") else base + "(%s)" % _reg(s)))
            continue
        ops.append(_operand(s, branch))
    kinds = "".join(k for k, _ in ops)
    form = (mn + " " + kinds).strip()
    # A vector instruction has a vector, element or list operand first, or a
    # scalar float destination and a vector source (across-lanes: ADDV).
    vector = kinds[:1] in ("v", "e", "l") or (kinds[:1] == "f" and "v" in kinds)
    if vector and kinds[:1] == "f":  # Go names the scalar destination of ADDV V23, not F23
        ops[0] = ("f", "V" + ops[0][1][1:])
    if mn.startswith("b."):
        op = "B" + mn[2:].upper()
    elif vector:
        op = "VMOV" if mn == "mov" else "V" + mn.upper()
    elif mn in ("ldr", "str"):
        op = MOVE[raw[0][0]]
    elif mn in ("ldp", "stp") and kinds.startswith("ff"):  # ldp q24, q25, [x16, #32]: FLDPQ 32(R16), (F24, F25)
        op = "F%sP%s" % (mn[:2].upper(), MOVE[raw[0][0]][-1])
    else:
        op = SCALAR[mn]
    if post:
        op += ".P"
    texts = [t for _, t in ops]
    if mn == "orr" and texts[1] == "ZR":  # orr xd, xzr, #imm is how Go encodes MOVD $imm, Rd
        op, texts = "MOVD", [texts[0], texts[2]]
    if mn in ("ldp", "stp"):  # the register pair is one Go operand
        texts = [texts[2], "(%s, %s)" % (texts[0], texts[1])]
        if mn == "stp":
            texts.reverse()
        return Instruction(gnu, op, ", ".join(texts), form, True, None)
    if mn == "csel":
        texts = [texts[3], texts[1], texts[2], texts[0]]
    elif mn in ("tbz", "tbnz"):  # tbz x5, #0, label is TBZ $0, R5, label
        texts = [texts[1], texts[0], texts[2]]
    elif mn not in KEEP:
        texts.reverse()
    width = form.replace(" f", " " + raw[0][0], 1) if mn in ("ldr", "str") and kinds[:1] == "f" else form
    native = (not vector and width not in SCALAR_WORD) or form in NATIVE
    label = texts[-1] if kinds.endswith("L") else None
    return Instruction(gnu, op, ", ".join(texts), form, native, label)
