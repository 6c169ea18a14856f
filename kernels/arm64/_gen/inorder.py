"""inorder.py: reorders straight-line code for an in-order core (Cortex-A53).

Some kernels scheduled for in-order cores are their out-of-order twins with
each loop body reordered by schedule() (twin()): the same instructions, a
different order that respects every dependence, so the same results; others
are written for the in-order core by their generator, which has their blocks
ordered by reorder(). The order is
chosen by list scheduling against a model of the Cortex-A53 that follows
LLVM's scheduling model of it (llvm-mca -mcpu=cortex-a53, which is what
docs/perf/arm64.md measures): dual issue in order, one NEON instruction per
cycle (FMLA on its own pipe), one load or store per cycle (longer for
multi-register ones), 6-cycle NEON latency (10 for FMLA), 4 for a load, 3 for
integer ALU instructions, and in-order completion: an instruction does not
issue before it would complete after every older one, and a post-indexed
load or store waits until every older instruction has completed.

Dependences: registers (x and w alias, v and its b/h/s/d/q views alias, the
flags), read-after-write (the producer's latency), write-after-read and
write-after-write (order only); loads and stores keep their order relative
to every store (with noalias, a kernel's promise that it never loads what it
stores, only stores keep their order); branches stay last.

A loop body may also be searched (trials): list schedules with perturbed
priorities, then hill climbing that moves single instructions, each order
judged by simulate(), which runs the body as a loop in the same model (values
in flight cross the back edge, which the list scheduler does not see).
"""
import random
import re

# NEON instructions whose destination is also a source (accumulate, insert
# into half or one lane of it).
_ACCUMULATE = {
    "fmla", "fmls", "mla", "mls", "smlal", "smlal2", "umlal", "umlal2", "sadalp", "uadalp",
    "sdot", "udot", "sqxtn2", "xtn2", "uqxtn2", "sqxtun2", "bsl", "bit", "bif",
}
_FLAGS_WRITE = {"subs", "adds", "cmp", "cmn", "ands", "tst"}
_LOADS = {"ld1", "ld1r", "ld2", "ld3", "ld4", "ldr", "ldp", "ldrsw"}
_STORES = {"st1", "st2", "st3", "st4", "str", "stp"}


class Op:
    """One instruction: its text, registers read and written, pipe, latency."""

    def __init__(self, text):
        self.text = text
        mn, _, rest = text.strip().partition(" ")
        self.mn = mn
        self.reads, self.writes = set(), set()
        self.branch = mn in ("b", "cbz", "cbnz", "tbz", "tbnz", "ret") or mn.startswith("b.")
        self.load, self.store = mn in _LOADS, mn in _STORES
        self.post = False
        regs = self._operands(rest)
        if self.load or self.store:
            self._memory(rest, regs)
        elif self.branch:
            self.reads |= set(r for r in regs if r != "xzr")
            if mn.startswith("b."):
                self.reads.add("nzcv")
        else:
            dst, src = regs[:1], regs[1:]
            if mn in ("cmp", "cmn", "tst"):
                dst, src = [], regs
            self.writes |= set(dst)
            self.reads |= set(src)
            if mn in _ACCUMULATE or (mn in ("mov", "ins") and re.search(r"^v\d+\.[bhsd]\[", rest)):
                self.reads |= set(dst)
            if mn == "csel":
                self.reads.add("nzcv")
            if mn in _FLAGS_WRITE:
                self.writes.add("nzcv")
        self.reads.discard("xzr")
        self.writes.discard("xzr")
        self.vector = any(r.startswith("v") for r in self.writes | self.reads) and not (self.load or self.store)
        self.unit, self.latency, self.busy = self._timing(rest)

    @staticmethod
    def _operands(rest):
        """The registers named in the operands, in order (v registers of a
        list each once)."""
        out = []
        for tok in re.findall(r"\b([xwvqdsbh]\d+|xzr|wzr|sp)\b", rest):
            kind, num = tok[0], tok[1:]
            if tok in ("xzr", "wzr"):
                out.append("xzr")
            elif kind in "xw":
                out.append("x" + num)
            elif tok != "sp":
                out.append("v" + num)
        return out

    def _memory(self, rest, regs):
        """Loads write their data registers (a lane load also reads it); stores
        read them; both read the address registers and a post-index writes the
        base."""
        m = re.search(r"\[(x\d+)(?:, (x\d+|#-?\d+))?\](?:, (#-?\d+|x\d+))?$", rest)
        base = m.group(1)
        addr = [base]
        if m.group(2) and not m.group(2).startswith("#"):
            addr.append("x" + m.group(2)[1:])
        if m.group(3):
            self.post = True
            self.writes.add(base)
            if not m.group(3).startswith("#"):
                addr.append("x" + m.group(3)[1:])
        data = [r for r in self._operands(rest[:m.start()])]
        self.reads |= set(addr)
        if self.load:
            self.writes |= set(data)
            if re.search(r"\}\[\d+\]", rest):  # one lane: the others are kept
                self.reads |= set(data)
        else:
            self.reads |= set(data)
        self.nregs = max(1, len([r for r in data if r.startswith("v")]))
        self.wide = "q" in rest.split("[")[0] or ".16b" in rest or ".4s" in rest or ".8h" in rest or ".2d" in rest

    def _timing(self, rest):
        """(pipe, latency, cycles the pipe is busy), after LLVM's A53 model."""
        if self.branch:
            return "b", 1, 1
        if self.load:
            if self.mn == "ldp":
                return "ls", 4, 2
            if self.nregs >= 3:
                return "ls", 7, self.nregs
            if self.nregs == 2:
                return "ls", 5, 2
            return "ls", 4, 1
        if self.store:
            return "ls", 1, self.nregs if self.nregs > 1 else 1
        if self.vector:
            if self.mn in ("fmla", "fmls"):
                return "fmac", 10, 1
            return "neon", 6, 1
        return "alu", 3, 1


def schedule(texts, noalias=False, trials=0):
    """Returns texts reordered for the in-order model (see the module doc).
    With noalias (the kernel's loads never read what it stores) loads and
    stores are independent; stores keep their order. With trials (a loop
    body), also that many list schedules with the critical-path priorities
    perturbed by a fixed pseudo-random sequence, and returns the one that
    simulate() finds fastest as a loop."""
    best = _schedule(texts, noalias, None)
    if trials:
        rng = random.Random(1)
        cost, entry = simulate(best, state=True)
        for k in range(trials):
            # Every other trial starts from the registers' state at the loop
            # entry of the best order so far (values still in flight).
            spread = 1 + k % 24
            order = _schedule(texts, noalias, [rng.randint(0, spread) for _ in texts], entry if k % 2 else None)
            c, e = simulate(order, state=True)
            if c < cost:
                best, cost, entry = order, c, e
        best = _climb(texts, best, noalias, 40 * trials, rng)
    return best


def _climb(texts, order, noalias, steps, rng):
    """Hill climbing on a loop body's order: moves one instruction up to 8
    places where no dependence forbids it, keeps moves that simulate() finds
    no slower."""
    ops = [Op(t) for t in texts]
    preds = _deps(ops, noalias)
    index = {}
    for i, t in enumerate(texts):
        index.setdefault(t, []).append(i)
    pos = []  # original index of each place in order
    seen = {}
    for t in order:
        k = seen.get(t, 0)
        pos.append(index[t][k])
        seen[t] = k + 1
    dep = [set(p) for p in preds]
    cost = simulate([texts[i] for i in pos], 2)
    n = len(pos)
    for _ in range(steps):
        a = rng.randrange(n - 1)  # the branch stays last
        b = min(max(0, a + rng.randint(-8, 8)), n - 2)
        if a == b:
            continue
        x = pos[a]
        if b < a and any(pos[k] in dep[x] for k in range(b, a)):
            continue
        if b > a and any(x in dep[pos[k]] for k in range(a + 1, b + 1)):
            continue
        trial = pos[:a] + pos[a + 1:]
        trial.insert(b, x)
        c = simulate([texts[i] for i in trial], 2)
        if c <= cost:
            pos, cost = trial, c
    return [texts[i] for i in pos]


def _deps(ops, noalias):
    """Per instruction i, {j: latency} of the older ones it depends on."""
    n = len(ops)
    preds = [dict() for _ in range(n)]  # i -> {j: latency}, j < i
    last_write, reads_since = {}, {}
    last_store, mem_since = None, []
    for i, op in enumerate(ops):
        for r in op.reads:
            if r in last_write:
                j = last_write[r]
                preds[i][j] = max(preds[i].get(j, 0), ops[j].latency)
        for r in op.writes:
            if r in last_write:
                preds[i].setdefault(last_write[r], 0)
            for j in reads_since.get(r, ()):
                if j != i:
                    preds[i].setdefault(j, 0)
        if (op.load and not noalias) or op.store:
            if last_store is not None:
                preds[i].setdefault(last_store, 0)
            if op.store:
                if not noalias:
                    for j in mem_since:
                        preds[i].setdefault(j, 0)
                last_store, mem_since = i, []
            else:
                mem_since.append(i)
        if op.branch:
            for j in range(i):
                preds[i].setdefault(j, 0)
        for r in op.reads:
            reads_since.setdefault(r, []).append(i)
        for r in op.writes:
            last_write[r] = i
            reads_since[r] = []
    return preds


def _schedule(texts, noalias, jitter, entry=None):
    ops = [Op(t) for t in texts]
    n = len(ops)
    preds = _deps(ops, noalias)
    # Critical path length to the end, the tie-break.
    succs = [[] for _ in range(n)]
    for i in range(n):
        for j, lat in preds[i].items():
            succs[j].append((i, lat))
    height = [0] * n
    for i in reversed(range(n)):
        height[i] = ops[i].latency + max([height[s] + lat - ops[i].latency for s, lat in succs[i]] + [0])
    if jitter:
        height = [h + j for h, j in zip(height, jitter)]

    done, order = {}, []  # index -> issue cycle
    issue_cycle, complete_max, unit_free = 0, entry[1] if entry else 0, {}
    in_cycle = []  # units used in the current issue cycle
    while len(order) < n:
        best = None
        for i in range(n):
            if i in done or any(j not in done for j in preds[i]):
                continue
            op = ops[i]
            t = issue_cycle
            if entry:
                t = max([t] + [entry[0].get(r, 0) for r in op.reads])
            for j, lat in preds[i].items():
                t = max(t, done[j] + lat)
            t = max(t, complete_max - op.latency)
            if op.post:
                t = max(t, complete_max)
            t = max(t, unit_free.get(op.unit, 0))
            if t == issue_cycle and (len(in_cycle) >= 2 or op.unit in in_cycle):
                t += 1
            key = (t, -height[i], i)
            if best is None or key < best[0]:
                best = (key, i, t)
        _, i, t = best
        op = ops[i]
        if t > issue_cycle:
            issue_cycle, in_cycle = t, []
        in_cycle.append(op.unit)
        done[i] = t
        unit_free[op.unit] = t + op.busy if op.busy > 1 else max(unit_free.get(op.unit, 0), t + (1 if op.unit != "alu" else 0))
        complete_max = max(complete_max, t + op.latency)
        order.append(i)
    return [texts[i] for i in order]


_OPS = {}


def _op(text):
    """Op(text), parsed once."""
    if text not in _OPS:
        _OPS[text] = Op(text)
    return _OPS[text]


def simulate(texts, iterations=3, state=False):
    """Cycles per iteration of texts, a loop body issued in this order and
    repeated, in the model of the module doc (registers carry over between
    iterations): (last issue of iterations - last issue of the first) /
    (iterations - 1). With state, also the entry state of the last
    iteration relative to the previous one's last issue: (ready cycle of
    each register, latest completion)."""
    ops = [_op(t) for t in texts]
    ready = {}  # register -> cycle its value is ready
    issue_cycle, complete_max, unit_free, in_cycle = 0, 0, {}, []
    ends, entry = [], None
    for _ in range(iterations):
        if ends:
            entry = ({r: c - ends[-1] for r, c in ready.items() if c > ends[-1]}, complete_max - ends[-1])
        for op in ops:
            t = issue_cycle
            for r in op.reads:
                t = max(t, ready.get(r, 0))
            t = max(t, complete_max - op.latency)
            if op.post:
                t = max(t, complete_max)
            t = max(t, unit_free.get(op.unit, 0))
            if t == issue_cycle and (len(in_cycle) >= 2 or op.unit in in_cycle):
                t += 1
            if t > issue_cycle:
                issue_cycle, in_cycle = t, []
            in_cycle.append(op.unit)
            unit_free[op.unit] = t + op.busy if op.busy > 1 else max(unit_free.get(op.unit, 0), t + (1 if op.unit != "alu" else 0))
            complete_max = max(complete_max, t + op.latency)
            for r in op.writes:
                ready[r] = t + op.latency
        ends.append(issue_cycle)
    cost = (ends[-1] - ends[0]) / (iterations - 1)
    return (cost, entry) if state else cost


TWIN_DOC = '''// func %(name)s%(sig)s
//
// %(name)s is %(orig)s for in-order cores (Cortex-A53, where the Go
// caller selects it): the same operations, each post-indexed load or store
// split into a plain one and an ADD (in LLVM's Cortex-A53 model a
// post-indexed access waits for every older instruction to complete), and
// every straight-line block reordered by _gen/inorder.py for an in-order
// pipeline. Every dependence is kept, so the results are %(orig)s's. Its
// contract, loops and registers are %(orig)s's.
//	<free>'''


def _depost(text):
    """Splits a post-indexed load or store into the access and an ADD."""
    m = re.match(r"(ld1r?|st1|ldr|str) (.*), \[(x\d+)\], (#-?\d+|x\d+)$", text)
    if not m:
        return [text]
    return ["%s %s, [%s]" % (m.group(1), m.group(2), m.group(3)),
            "add %s, %s, %s" % (m.group(3), m.group(3), m.group(4))]


def twin(items, name, noalias=False, trials=0):
    """Returns the in-order twin of one generated function (its doc comment,
    TEXT line and body, as gen.py items): named name + "A53", post-indexed
    accesses split, each straight-line block scheduled."""
    start = next(k for k, it in enumerate(items) if isinstance(it, str) and it.startswith("TEXT "))
    sig = next(it for it in items[:start] if isinstance(it, str) and it.startswith("// func "))
    sig = sig.split("\n")[0]
    params = sig[sig.index("("):]
    head = [TWIN_DOC % {"name": name + "A53", "sig": params, "orig": name},
            items[start].replace("·%s(SB)" % name, "·%sA53(SB)" % name)]
    return head + reorder(items[start + 1:], noalias, trials)


def reorder(items, noalias=False, trials=0):
    """Returns gen.py items (a function's body) with each post-indexed access
    split and each straight-line block scheduled (noalias: see schedule);
    labels, Go-syntax lines and branches end blocks."""
    out, block, notes, labels = [], [], [], set()

    def flush():
        if block:
            out.extend(notes)
            loop = trials and Op(block[-1]).branch and block[-1].split()[-1] in labels
            out.extend(("I", t) for t in schedule(block, noalias, trials if loop else 0))
        elif notes:
            out.extend(notes)
        del block[:], notes[:]

    for it in items:
        if isinstance(it, tuple):
            for t in _depost(it[1]):
                block.append(t)
            if Op(it[1]).branch:
                flush()
        elif it.strip().startswith("//"):
            notes.append(it)
        else:  # a label or a Go-syntax instruction: a block boundary
            flush()
            out.append(it)
            if it.endswith(":"):
                labels.add(it[:-1])
    flush()
    return out
