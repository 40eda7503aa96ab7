"""Train the plate OCR (CTC text head + state-of-issuance head) on synthetic and real crops.

    /usr/bin/python3 training/train.py [--data ../shared/data/plates] [--hours 3]

Checkpoints go to training/checkpoints/ (last.pt every epoch, best.pt on improvement) and a run
resumes from last.pt automatically. Each time the validation score improves the model is exported
to models/plate-ocr.onnx + models/plate-ocr.json. Progress: training/logs/train.log.
"""
import argparse
import datetime
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import detector_views  # noqa: E402
import synth  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT_DIR = os.path.join(HERE, "checkpoints")
LOG_DIR = os.path.join(HERE, "logs")
MODEL_DIR = os.path.join(common.PROJECT_ROOT, "models")

# share of each source in a training batch
MIX = {"synth": 0.55, "us-crops": 0.25, "us-dev": 0.12, "eu": 0.08}
# with --detector-views P, a share P of the batch is cut from the detector's corners on the
# training scenes (detector_views.py), split between the two scene sets like this, and the other
# sources shrink in proportion
DETECTOR_MIX = {"us-dev-det": 0.6, "eu-det": 0.4}


def batch_mix(detector_share):
    if detector_share <= 0:
        return dict(MIX)
    mix = {k: v * (1 - detector_share) for k, v in MIX.items()}
    mix.update({k: v * detector_share for k, v in DETECTOR_MIX.items()})
    return mix


def log(msg, path):
    line = f"{datetime.datetime.now().strftime('%Y-%m-%d %H:%M:%S')} {msg}"
    print(line, flush=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class RealSet:
    """Real plates held in memory as a region around the annotated box, for augmented crops."""

    def __init__(self, data_dir, states, detector=None):
        self.states = states
        self.items = {"us-crops": [], "us-dev": [], "eu": [], "us-dev-det": [], "eu-det": []}
        self.val = {"us-crops": [], "us-dev": [], "eu": []}
        for r in common.load_us_crops(data_dir):
            img = common.read_rgb(r["path"])
            h, w = img.shape[:2]
            st = states.index(r["state"]) if r["state"] in states else states.index("UNKNOWN")
            quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
            if r["holdout"]:
                self.val["us-crops"].append((common.crop_box(img, (0, 0, w, h)), r["label"], st))
            else:
                self.items["us-crops"].append((img, quad, r["label"], st, False))
        for split in ("us-dev", "eu"):
            for r in common.load_scenes(data_dir, split):
                img = common.read_rgb(r["path"])
                st = -100  # state unknown for the scenes: no state loss
                if r["holdout"]:
                    self.val[split].append((common.crop_box(img, r["box"]), r["label"], st))
                    continue
                x, y, w, h = r["box"]
                H, W = img.shape[:2]
                mx, my = int(w * 0.8) + 8, int(h * 1.5) + 8
                X0, Y0 = max(0, x - mx), max(0, y - my)
                X1, Y1 = min(W, x + w + mx), min(H, y + h + my)
                region = np.ascontiguousarray(img[Y0:Y1, X0:X1])
                quad = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32) - [X0, Y0]
                self.items[split].append((region, quad, r["label"], st, split == "us-dev"))
                det_quad = detector.quad(img, r["box"]) if detector is not None else None
                if det_quad is not None:
                    dx0, dy0 = np.floor(det_quad.min(0) - det_quad.ptp(0) * 0.3).astype(int)
                    dx1, dy1 = np.ceil(det_quad.max(0) + det_quad.ptp(0) * 0.3).astype(int)
                    dx0, dy0, dx1, dy1 = max(0, dx0), max(0, dy0), min(W, dx1), min(H, dy1)
                    det_region = np.ascontiguousarray(img[dy0:dy1, dx0:dx1])
                    self.items[split + "-det"].append((det_region, det_quad - [dx0, dy0], r["label"], st, None))

    def sample(self, split, rng):
        img, quad, label, st, is_text = self.items[split][rng.integers(len(self.items[split]))]
        if split.endswith("-det"):
            crop = detector_views.crop_from_quad(img, quad, rng, common.IN_W, common.IN_H)
        else:
            crop = synth.crop_from_scene(img, quad, rng, common.IN_W, common.IN_H, quad_is_text=is_text)
        return crop, label, st


def make_batch(rng, real, states, bs, pool=None, mix=MIX, two_line=0.0):
    srcs = [s for s in mix if s == "synth" or real.items.get(s)]
    p = np.array([mix[s] for s in srcs])
    p /= p.sum()
    crops, labels, sts = [], [], []
    unk = states.index("UNKNOWN")
    for src in rng.choice(srcs, size=bs, p=p):
        if src == "synth":
            c, lab, code = synth.synth_sample(rng, common.IN_W, common.IN_H, pool=pool, two_line_prob=two_line)
            st = states.index(code.upper()) if code and code.upper() in states else unk
        else:
            c, lab, st = real.sample(src, rng)
        crops.append(c)
        labels.append(lab)
        sts.append(st)
    x = torch.from_numpy(common.to_tensor_array(crops))
    targets = torch.tensor([common.ALPHABET.index(ch) + 1 for lab in labels for ch in lab], dtype=torch.long)
    lengths = torch.tensor([len(lab) for lab in labels], dtype=torch.long)
    return x, targets, lengths, torch.tensor(sts, dtype=torch.long)


@torch.no_grad()
def evaluate(model, real, states):
    model.eval()
    res = {}
    for split, items in real.val.items():
        if not items:
            continue
        x = torch.from_numpy(common.to_tensor_array([c for c, _, _ in items]))
        logits, st = model(x)
        probs = logits.softmax(2).numpy()
        stp = st.argmax(1).numpy()
        ok = sum(common.greedy_decode(probs[i])[0] == items[i][1] for i in range(len(items)))
        r = {"n": len(items), "exact": ok / len(items)}
        if split == "us-crops":
            r["state"] = float(np.mean([stp[i] == items[i][2] for i in range(len(items))]))
        res[split] = r
    model.train()
    return res


def score(res):
    parts = [(0.4, res.get("us-dev", {}).get("exact")), (0.3, res.get("us-crops", {}).get("exact")),
             (0.15, res.get("eu", {}).get("exact")), (0.15, res.get("us-crops", {}).get("state"))]
    parts = [(w, v) for w, v in parts if v is not None]
    return sum(w * v for w, v in parts) / max(1e-9, sum(w for w, _ in parts))


class Exportable(nn.Module):
    """Wraps the model so the ONNX graph outputs softmax probabilities for both heads."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x):
        logits, st = self.m(x)
        return logits.softmax(2), st.softmax(1)


def export(model, states, res, step, out_dir=MODEL_DIR, extra=None):
    import copy
    os.makedirs(out_dir, exist_ok=True)
    m = Exportable(copy.deepcopy(model).eval())
    x = torch.zeros(1, common.IN_C, common.IN_H, common.IN_W)
    onnx_path = os.path.join(out_dir, "plate-ocr.onnx")
    tmp = onnx_path + ".tmp"
    torch.onnx.export(m, x, tmp, input_names=["input"], output_names=["chars", "state"], opset_version=11,
                      dynamic_axes={"input": {0: "N"}, "chars": {0: "N"}, "state": {0: "N"}}, do_constant_folding=True)
    os.replace(tmp, onnx_path)
    with torch.no_grad():
        T = model(x)[0].shape[1]
    meta = {
        "input": {"name": "input", "height": common.IN_H, "width": common.IN_W, "channels": common.IN_C,
                  "layout": "NCHW", "colour order": "RGB", "dtype": "float32",
                  "scaling": "value / 255, then (value - mean) / std", "mean": [common.MEAN] * 3, "std": [common.STD] * 3,
                  "resize": "crop the plate box and resize to width x height with bilinear interpolation, aspect ratio not kept"},
        "alphabet": common.ALPHABET,
        "blank": common.BLANK,
        "classIndex": "class 0 is the CTC blank, class i+1 is alphabet[i]",
        "outputs": {"chars": {"shape": ["N", T, common.NUM_CLASSES], "content": "softmax probabilities per timestep"},
                    "state": {"shape": ["N", len(states)], "content": "softmax probabilities over states"}},
        "decoding": "greedy CTC: argmax per timestep, collapse repeats, drop blank; character probability = max probability over the timesteps of that character",
        "states": states,
        "version": "1.0." + str(step),
        "trainedOn": datetime.date.today().isoformat(),
        "validation": res,
        **(extra or {}),
    }
    with open(os.path.join(out_dir, "plate-ocr.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    update_card(os.path.join(out_dir, "plate-ocr.md"), meta, onnx_path)


def update_card(path, meta, onnx_path):
    """Rewrite the metrics block of the model card so it describes the file just exported."""
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        text = f.read()
    a, b = "<!-- metrics:start -->", "<!-- metrics:end -->"
    if a not in text or b not in text:
        return
    res = meta["validation"]
    names = {"us-dev": "us-dev (scenes, box around the characters)", "us-crops": "us-crops (whole-plate crops)",
             "eu": "eu (scenes, plate box)"}
    rows = ["| held-out split | plates | exact top-1 | state |", "|---|---|---|---|"]
    for k in ("us-dev", "us-crops", "eu"):
        if k in res:
            v = res[k]
            st = f"{v['state']:.1%}" if "state" in v else "-"
            rows.append(f"| {names[k]} | {v['n']} | {v['exact']:.1%} | {st} |")
    block = (f"{a}\nVersion {meta['version']} (training step {meta['version'].rsplit('.', 1)[-1]}), exported "
             f"{meta['trainedOn']}, {os.path.getsize(onnx_path) / 1e6:.1f} MB:\n\n" + "\n".join(rows) + f"\n{b}")
    text = text[:text.index(a)] + block + text[text.index(b) + len(b):]
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def lr_at(step, total, base, warm=300):
    if step < warm:
        return base * (step + 1) / warm
    t = min(1.0, (step - warm) / max(1, total - warm))
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=common.DEFAULT_DATA, help="folder with us-dev/, eu/, us-crops/")
    ap.add_argument("--hours", type=float, default=3.0, help="training budget; sets the LR schedule length")
    ap.add_argument("--steps", type=int, default=0, help="total steps (overrides --hours estimate)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--epoch-steps", type=int, default=400, help="steps between validation/checkpoint")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fresh", action="store_true", help="ignore checkpoints/last.pt")
    ap.add_argument("--extend", type=int, default=0,
                    help="continue a finished run for N more steps under a new cosine leg starting at --lr")
    ap.add_argument("--no-export", action="store_true", help="do not export on improvement (export later with --export-from)")
    ap.add_argument("--width", type=float, default=1.0, help="channel width multiplier of a fresh model")
    ap.add_argument("--run", default="", help="name of the run: checkpoints go to checkpoints/RUN/, the log to logs/RUN.log")
    ap.add_argument("--init-from", metavar="CKPT", help="start a new run from this checkpoint's weights (fresh optimiser and schedule)")
    ap.add_argument("--out-dir", default=MODEL_DIR, help="where --export-from writes plate-ocr.onnx/.json")
    ap.add_argument("--export-from", metavar="CKPT", help="only export this checkpoint (e.g. training/checkpoints/best.pt) and exit")
    ap.add_argument("--two-line", type=float, default=0.0, metavar="P",
                    help="share of the synthetic samples that are two-line plates joined into one row (0-0.5)")
    ap.add_argument("--detector-views", type=float, default=0.0, metavar="P",
                    help="share of each batch cut from the shipped detector's corners on the training scenes (0-0.5)")
    args = ap.parse_args()

    if args.export_from:
        ck = torch.load(args.export_from, map_location="cpu")
        model = common.build_model(len(ck["states"]), ck.get("width", 1.0))
        model.load_state_dict(ck["model"])
        run = os.path.basename(os.path.dirname(os.path.abspath(args.export_from)))
        extra = {"run": "base" if run == "checkpoints" else run, "width": ck.get("width", 1.0)}
        export(model, ck["states"], ck["val"], ck["step"], args.out_dir, extra)
        print(f"exported step {ck['step']} to {args.out_dir}")
        return

    torch.set_num_threads(args.threads)
    ckpt_dir = os.path.join(CKPT_DIR, args.run) if args.run else CKPT_DIR
    os.makedirs(ckpt_dir, exist_ok=True)
    os.makedirs(LOG_DIR, exist_ok=True)
    logf = os.path.join(LOG_DIR, (args.run or "train") + ".log")

    if not 0 <= args.two_line <= 0.5:
        ap.error(f"--two-line {args.two_line}: give a share between 0 and 0.5")
    if not 0 <= args.detector_views <= 0.5:
        ap.error(f"--detector-views {args.detector_views}: give a share between 0 and 0.5")
    states = common.state_list(args.data)
    detector = detector_views.DetectorViews() if args.detector_views > 0 else None
    real = RealSet(args.data, states, detector)
    mix = batch_mix(args.detector_views)
    log("data: train " + ", ".join(f"{k}={len(v)}" for k, v in real.items.items()) +
        " | held out " + ", ".join(f"{k}={len(v)}" for k, v in real.val.items()) + f" | states={len(states)}", logf)

    # A run resumes from its own last.pt; a new run may start from another run's weights.
    last = os.path.join(ckpt_dir, "last.pt")
    ck = torch.load(last, map_location="cpu") if os.path.exists(last) and not args.fresh else None
    init = torch.load(args.init_from, map_location="cpu") if args.init_from and ck is None else None
    width = (ck or init).get("width", 1.0) if (ck or init) else args.width
    model = common.build_model(len(states), width)
    if init is not None:
        model.load_state_dict(init["model"])
        log(f"weights from {args.init_from} (step {init['step']})", logf)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    total = args.steps or int(args.hours * 3600 * 90 / args.batch)  # ~90 samples/s on one core
    step, best, seed, leg = 0, -1.0, args.seed, 0
    if ck is not None:
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck["best"]
        # A resumed run keeps its schedule unless --steps sets a new length.
        total = args.steps or ck.get("total", total)
        seed = ck.get("seed", seed) + step
        leg = ck.get("leg", 0)
        if args.extend:
            leg, total = step, step + args.extend
            for g in opt.param_groups:
                g["lr"] = args.lr
        log(f"resumed from step {step} (best score {best:.4f}, schedule {total} steps, leg from {leg})", logf)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    nparams = sum(p.numel() for p in model.parameters())
    log(f"model params={nparams} width={width} schedule={total} steps batch={args.batch}", logf)

    ctc = nn.CTCLoss(blank=common.BLANK, zero_infinity=True)
    pool = synth.PlatePool(rng)
    model.train()
    t0, seen, acc_loss, acc_n = time.time(), 0, 0.0, 0
    while step < total:
        x, targets, lengths, sts = make_batch(rng, real, states, args.batch, pool, mix, args.two_line)
        for g in opt.param_groups:
            g["lr"] = lr_at(step - leg, total - leg, args.lr, warm=300 if leg == 0 else 100)
        logits, st = model(x)
        lp = logits.log_softmax(2).permute(1, 0, 2)  # T x N x C
        in_len = torch.full((x.shape[0],), lp.shape[0], dtype=torch.long)
        loss_ctc = ctc(lp, targets, in_len, lengths)
        loss_st = F.cross_entropy(st, sts, ignore_index=-100, label_smoothing=0.1) if (sts >= 0).any() else st.sum() * 0
        loss = loss_ctc + 0.5 * loss_st
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        seen += x.shape[0]
        acc_loss += loss.item()
        acc_n += 1
        if step % 50 == 0:
            print(f"step {step} loss {acc_loss / acc_n:.3f} {seen / (time.time() - t0):.0f} samples/s", flush=True)
        if step % args.epoch_steps == 0 or step == total:
            res = evaluate(model, real, states)
            sc = score(res)
            rate = seen / (time.time() - t0)
            msg = " ".join(f"{k}: exact={v['exact']:.3f}" + (f" state={v['state']:.3f}" if "state" in v else "") + f" (n={v['n']})"
                           for k, v in res.items())
            improved = sc > best
            if improved:
                best = sc
            log(f"epoch {step // args.epoch_steps} step {step}/{total} loss {acc_loss / max(1, acc_n):.3f} "
                f"lr {lr_at(step - leg, total - leg, args.lr, warm=300 if leg == 0 else 100):.2e} {rate:.0f} samples/s | {msg} | score {sc:.4f}{' *best' if improved else ''}", logf)
            acc_loss, acc_n = 0.0, 0
            ck = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "best": best, "total": total, "leg": leg,
                  "seed": args.seed, "states": states, "val": res, "width": width}
            torch.save(ck, last + ".tmp")
            os.replace(last + ".tmp", last)
            if improved:
                torch.save(ck, os.path.join(ckpt_dir, "best.pt"))
                if not args.no_export:
                    export(model, states, res, step)
                    log(f"exported models/plate-ocr.onnx at step {step}", logf)
    log("training finished", logf)


if __name__ == "__main__":
    main()
