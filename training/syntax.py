"""Count plate formats (letter/digit patterns) per state in the training annotations.

    /usr/bin/python3 training/syntax.py [--data ../shared/data/plates] [--out models/plate-syntax.json]

A pattern writes each character of a plate as L (letter) or D (digit): 355BCT -> DDDLLL. The
reader uses these counts as a prior when two readings differ only in look-alike characters
(8/B, 5/S, 2/Z ...): on an Arkansas plate 355BCT is far likelier than 3558CT. Only the training
split is counted (the held-out files of training/common.py:is_holdout are left out), so the
held-out figures stay honest.

Output (models/plate-syntax.json):
  states: {"AR": {"DDDLLL": 10, ...}, ...}   from us-crops (the only set with the state)
  us:     {"DDDLLL": ..., ...}               us-crops and us-dev
  any:    {...}                              us-crops, us-dev and eu
"""
import argparse
import collections
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def pattern(label):
    return "".join("D" if c.isdigit() else "L" for c in label)


def count(data_dir):
    states = collections.defaultdict(collections.Counter)
    us = collections.Counter()
    anywhere = collections.Counter()
    files = collections.Counter()
    for r in common.load_us_crops(data_dir):
        if r["holdout"] or not r["label"]:
            continue
        p = pattern(r["label"])
        if len(r["state"]) == 2 and r["state"].isalpha():
            states[r["state"]][p] += 1
        us[p] += 1
        anywhere[p] += 1
        files["us-crops"] += 1
    for split in ("us-dev", "eu"):
        for r in common.load_scenes(data_dir, split):
            if r["holdout"] or not r["label"]:
                continue
            p = pattern(r["label"])
            if split == "us-dev":
                us[p] += 1
            anywhere[p] += 1
            files[split] += 1
    return states, us, anywhere, files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=common.DEFAULT_DATA, help="folder with us-crops/, us-dev/, eu/")
    ap.add_argument("--out", default=os.path.join(common.PROJECT_ROOT, "models", "plate-syntax.json"))
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"syntax.py: data folder {args.data} not found")
    states, us, anywhere, files = count(args.data)
    if not us:
        sys.exit(f"syntax.py: no training annotations under {args.data}")
    doc = {
        "description": "plate formats counted in the training annotations: each character as L (letter) "
                       "or D (digit); states from us-crops, us from us-crops and us-dev, any adds eu",
        "made": datetime.date.today().isoformat(),
        "madeBy": "training/syntax.py",
        "files": dict(files),
        "states": {s: dict(sorted(c.items())) for s, c in sorted(states.items())},
        "us": dict(sorted(us.items())),
        "any": dict(sorted(anywhere.items())),
    }
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)
    print(f"{args.out}: {len(states)} states, {sum(us.values())} US and {sum(anywhere.values())} plates in all "
          f"({', '.join(f'{k} {v}' for k, v in sorted(files.items()))})")


if __name__ == "__main__":
    main()
