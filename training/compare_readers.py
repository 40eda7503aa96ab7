"""Score readers with the project's own `lpr eval` on the held-out splits and sort their misses
into the failure classes the reader is known for.

    /usr/bin/python3 training/compare_readers.py [--data ../shared/data/plates] [--split val]
        [--reader NAME=MODEL.onnx[,MODEL2.onnx...][@VIEWS]] ... [--ensemble] [--members]

Each --reader is read by the engine from a temporary model folder holding the listed networks
(the first as plate-ocr.onnx, the others as plate-ocr-2.onnx ...) next to the shipped detector
and plate formats; VIEWS sets LPR_OCR_VIEWS (`none`: one view; left out: the reader's default
further views). --ensemble adds the shipped folder as it is, --members each shipped network
alone with one view. Needs `npm run build:node` first (dist/).

Prints one markdown table: exact top-1 and top-5 per split, state on us-crops, median ms per
image, then the misses per class: look-alike pairs (M/N, U/V, E/F, 0/O, others), first
character dropped, other dropped characters, extra characters at an end, other.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

MODELS = os.path.join(common.PROJECT_ROOT, "models")
LPR = os.path.join(common.PROJECT_ROOT, "bin", "lpr.js")
SPLITS = ("us-dev", "us-crops", "eu")
PAIRS = ["MN", "UV", "EF", "0O"]


def miss_class(want, got):
    """Failure class of one miss."""
    if got is None or got == "(none)":
        return "no read"
    if len(got) == len(want):
        diffs = {"".join(sorted(a + b)) for a, b in zip(want, got) if a != b}
        named = [p for p in PAIRS if p in diffs]
        if len(diffs) == 1 and named:
            return named[0]
        return "other substitution"
    if len(got) == len(want) - 1:
        return "first char dropped" if got == want[1:] else "char dropped"
    if len(got) > len(want) and (got.startswith(want) or got.endswith(want)):
        return "extra char at an end"
    return "other"


def model_folder(networks):
    """A temporary model folder: the shipped detector and formats, and these networks."""
    d = tempfile.mkdtemp(prefix="lpr-models-")
    for f in ("plate-detector.onnx", "plate-detector.json", "plate-syntax.json"):
        os.symlink(os.path.join(MODELS, f), os.path.join(d, f))
    for i, net in enumerate(networks):
        base = os.path.splitext(os.path.abspath(net))[0]
        if not os.path.exists(base + ".onnx") or not os.path.exists(base + ".json"):
            raise SystemExit(f"{net}: needs {base}.onnx and {base}.json")
        name = "plate-ocr" if i == 0 else f"plate-ocr-{i + 1}"
        os.symlink(base + ".onnx", os.path.join(d, name + ".onnx"))
        os.symlink(base + ".json", os.path.join(d, name + ".json"))
    return d


def run_eval(data, split_name, split, folder, views):
    env = dict(os.environ, LPR_LOG_LEVEL="warn")
    env.pop("LPR_OCR_VIEWS", None)
    if views is not None:
        env["LPR_OCR_VIEWS"] = views
    # thorough: every network in the folder, over the views LPR_OCR_VIEWS sets (eval's default is
    # the fast path, which reads one network in one view whatever the folder holds)
    cmd = ["node", LPR, "eval", os.path.join(data, split_name), "--split", split, "--threads", "1", "--json",
           "--show-misses", "--effort", "thorough", "--models", folder]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    summary = json.loads(p.stdout.strip().split("\n")[-1])
    misses = []
    for line in p.stderr.splitlines():
        m = re.match(r"^(.*): want (\S+), got (.+)$", line.strip())
        if m:
            misses.append((m.group(1), m.group(2), m.group(3)))
    return summary, misses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=common.DEFAULT_DATA)
    ap.add_argument("--split", default="val", choices=["val", "all", "train"])
    ap.add_argument("--reader", action="append", default=[], help="NAME=MODEL.onnx[,MODEL2.onnx...][@VIEWS]")
    ap.add_argument("--ensemble", action="store_true", help="the shipped model folder as it is")
    ap.add_argument("--members", action="store_true", help="each shipped network alone, one view")
    ap.add_argument("--misses", action="store_true", help="list every miss")
    args = ap.parse_args()

    readers = []  # (name, networks or None for the shipped folder, views)
    if args.ensemble:
        readers.append(("shipped ensemble (six networks, further views)", None, None))
    if args.members:
        for p in [os.path.join(MODELS, "plate-ocr.onnx")] + sorted(glob.glob(os.path.join(MODELS, "plate-ocr-[0-9]*.onnx"))):
            readers.append((os.path.basename(p)[:-5] + " alone, one view", [p], "none"))
    for spec in args.reader:
        if "=" not in spec:
            ap.error(f"--reader {spec}: write NAME=MODEL.onnx[,MODEL2.onnx...][@VIEWS]")
        name, rest = spec.split("=", 1)
        nets, _, views = rest.partition("@")
        readers.append((name, nets.split(","), views or None))
    if not readers:
        ap.error("name at least one reader (--reader, --ensemble, --members)")

    rows, classes = [], []
    for name, nets, views in readers:
        folder = MODELS if nets is None else model_folder(nets)
        try:
            row, cls = {"reader": name}, {}
            for split in SPLITS:
                if not os.path.isdir(os.path.join(args.data, split)):
                    continue
                s, misses = run_eval(args.data, split, args.split, folder, views)
                row[split] = s
                for f, want, got in misses:
                    c = miss_class(want, got)
                    cls[c] = cls.get(c, 0) + 1
                    if args.misses:
                        print(f"  {name} {split} {f}: want {want} got {got} [{c}]", file=sys.stderr)
            rows.append(row)
            classes.append((name, cls))
            print(f"done: {name}", file=sys.stderr, flush=True)
        finally:
            if nets is not None:
                shutil.rmtree(folder, ignore_errors=True)

    pct = lambda v: "–" if v is None else f"{v * 100:.1f}%"  # noqa: E731
    head = ["reader"]
    for split in SPLITS:
        head += [f"{split} top-1", f"{split} top-5"] + (["us-crops state"] if split == "us-crops" else [])
    head += ["median ms us-crops", "median ms us-dev"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [row["reader"]]
        for split in SPLITS:
            s = row.get(split)
            cells += [pct(s and s["exactTop1"]), pct(s and s["exactTop5"])]
            if split == "us-crops":
                cells.append(pct(s and s["stateRightOfGiven"]))
        cells += [str(row.get("us-crops", {}).get("medianMs", "–")), str(row.get("us-dev", {}).get("medianMs", "–"))]
        print("| " + " | ".join(cells) + " |")
    names = ["MN", "UV", "EF", "0O", "other substitution", "first char dropped", "char dropped", "extra char at an end", "other", "no read"]
    print()
    print("| reader (misses, all splits) | " + " | ".join(n if len(n) > 2 else n[0] + "/" + n[1] for n in names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for name, cls in classes:
        print(f"| {name} | " + " | ".join(str(cls.get(n, 0)) for n in names) + " |")


if __name__ == "__main__":
    main()
