"""Distil the OCR ensemble (models/plate-ocr*.onnx) into one network: models/plate-ocr-fast.onnx.

    /usr/bin/python3 training/distill.py --run student --init models/plate-ocr-5.onnx --steps 2000

The teachers are the shipped ONNX networks, turned back into the torch model of common.py (the
exporter folded each batch norm into the convolution before it, so the converted model keeps its
batch norms as fixed affine layers: weight 1, running statistics 0 and 1 - eps, bias from the
folded convolution). The student starts from one of them (--init) and is fine-tuned on fresh
batches from train.py's mixture (synthetic plates, real training crops, detector views) with

    loss = CTC(student, annotated text)
         + kd * KL(teacher mixture || student) on the character posteriors (kd_chars: by default
           over the characters only, weighted by the teachers' probability of a character)
         + 0.5 * state cross-entropy (where the state is known)
         + 0.25 * kd * KL(teacher mixture || student)                   (state posteriors)

where the teacher mixture is the mean of the teachers' probabilities on the same crop (the
reader's own combination rule), at temperature --tau. Teacher and student read the same crop, so
their timesteps line up; the views the reader cuts (tighter and looser margins) are covered by
the crop jitter of the batch sources (train.py), which spans them.

Look-alike negatives (--confusable P): a share P of the synthetic US plates has one to three of
its characters replaced by a member of the pairs the reader confuses most (M/N, U/V, E/F, 0/O,
and the letter/digit pairs D/0, B/8), often with both members of a pair on the same plate, so
the difference between them is what the loss sees. --neighbour P raises the share of synthetic
crops with large characters of a neighbouring plate or sign at an edge (train.py: 0.1).

Checkpoints: training/checkpoints/RUN/last.pt every --epoch-steps (and best.pt by the held-out
score, as train.py keeps them); the log is training/logs/RUN.log. A run resumes from its
last.pt. Export a checkpoint to models/plate-ocr-fast.onnx + .json with --export-from CKPT.
"""
import argparse
import copy
import glob
import json
import math
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import detector_views  # noqa: E402
from onnx_weights import fold_into_batch_norm, onnx_params  # noqa: E402
import synth  # noqa: E402
import train  # noqa: E402

MODEL_DIR = os.path.join(common.PROJECT_ROOT, "models")
FAST_NAME = "plate-ocr-fast"

# pairs the ensemble confuses on unseen plates; each entry: the two characters, and whether
# they stand in a letter position (L), a digit position (D) or either one each (LD)
CONFUSABLE_PAIRS = [("MN", "L", 3), ("UV", "L", 3), ("EF", "L", 3), ("O0", "LD", 3),
                    ("D0", "LD", 1), ("B8", "LD", 1), ("HN", "L", 1), ("MW", "L", 1)]


# ---------------------------------------------------------------- ONNX -> torch

def load_onnx_member(path, num_states):
    """The torch model of common.py with the weights of an exported ONNX member. Returns (model, width)."""
    convs, bns, linears = onnx_params(path)
    if not convs:
        raise ValueError(f"{path}: no convolutions found in the ONNX graph")
    width = convs[0][1].shape[0] / 16.0
    model = common.build_model(num_states, width)
    t_convs = [m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d))]
    t_bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    t_lins = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(convs) != len(t_convs) or len(linears) != len(t_lins):
        raise ValueError(f"{path}: {len(convs)} convolutions and {len(linears)} linear layers in the ONNX graph, "
                         f"the model of width {width} has {len(t_convs)} and {len(t_lins)}")
    # which torch convolutions are followed by a batch norm (in module order)
    followed = []
    mods = list(model.modules())
    for i, m in enumerate(mods):
        if isinstance(m, (nn.Conv1d, nn.Conv2d)):
            followed.append(i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d))
    if bns and len(bns) != len(t_bns):
        raise ValueError(f"{path}: {len(bns)} batch norms in the ONNX graph, the model has {len(t_bns)}")
    bn_iter = iter(t_bns)
    with torch.no_grad():
        for (name, w, b), tm, has_bn in zip(convs, t_convs, followed):
            if tuple(w.shape) != tuple(tm.weight.shape):
                raise ValueError(f"{path}: convolution {name} has weights {w.shape}, the model expects {tuple(tm.weight.shape)}")
            tm.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            if has_bn:
                bn = next(bn_iter)
                if bns:  # batch norm kept in the graph: copy it
                    _, g, beta, mean, var = bns[t_bns.index(bn)]
                    bn.weight.copy_(torch.from_numpy(g))
                    bn.bias.copy_(torch.from_numpy(beta))
                    bn.running_mean.copy_(torch.from_numpy(mean))
                    bn.running_var.copy_(torch.from_numpy(var))
                else:  # folded into the convolution: the batch norm only adds the folded bias
                    fold_into_batch_norm(bn, b if b is not None else np.zeros(w.shape[0], np.float32))
            else:
                if b is None or tm.bias is None:
                    raise ValueError(f"{path}: convolution {name} has no bias where the model has one")
                tm.bias.copy_(torch.from_numpy(b))
        for (name, w, b), tm in zip(linears, t_lins):
            if tuple(w.shape) != tuple(tm.weight.shape):
                raise ValueError(f"{path}: linear layer {name} has weights {w.shape}, the model expects {tuple(tm.weight.shape)}")
            tm.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            tm.bias.copy_(torch.from_numpy(b))
    model.eval()
    return model, width


def check_conversion(model, onnx_path, rng):
    """Largest difference between the torch model's probabilities and OpenCV's run of the ONNX file."""
    from half_weights import opencv_net
    net = opencv_net(onnx_path)
    x = rng.uniform(-1, 1, (1, common.IN_C, common.IN_H, common.IN_W)).astype(np.float32)
    net.setInput(x)
    c, s = net.forward(["chars", "state"])
    with torch.no_grad():
        lt, ls = model(torch.from_numpy(x))
    return max(float(np.abs(lt.softmax(2).numpy() - c.reshape(lt.shape)).max()),
               float(np.abs(ls.softmax(1).numpy() - s.reshape(ls.shape)).max()))


def freeze_bn(model):
    """Batch norms as fixed affine layers (running statistics kept, affine weights still trained)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()


def teacher_paths(model_dir):
    paths = [os.path.join(model_dir, "plate-ocr.onnx")] + sorted(
        glob.glob(os.path.join(model_dir, "plate-ocr-[0-9]*.onnx")), key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
    return [p for p in paths if os.path.exists(p)]


# ---------------------------------------------------------------- harder synthetic plates

def confusable_text(rng, groups):
    """Put members of a look-alike pair into the plate text (same groups, same length)."""
    s = list("".join(groups))
    pairs, w = [p[:2] for p in CONFUSABLE_PAIRS], np.array([p[2] for p in CONFUSABLE_PAIRS], float)
    chars, kind = pairs[rng.choice(len(pairs), p=w / w.sum())]
    letter_pos = [i for i, ch in enumerate(s) if ch.isalpha()]
    digit_pos = [i for i, ch in enumerate(s) if ch.isdigit()]
    for _ in range(int(rng.integers(1, 4))):
        ch = chars[rng.integers(2)]
        pos = letter_pos if ch.isalpha() else digit_pos
        if kind == "L" or not pos:
            pos = letter_pos if kind == "L" or ch.isalpha() else digit_pos
        if not pos:
            continue
        s[pos[rng.integers(len(pos))]] = ch
    out, k = [], 0
    for g in groups:
        out.append("".join(s[k:k + len(g)]))
        k += len(g)
    return out


def install_synth_options(confusable, neighbour):
    """Wrap the synthetic US text generator with the look-alike negatives; set the neighbour share."""
    base = synth.random_us_text

    def random_us_text(rng):
        groups = base(rng)
        return confusable_text(rng, groups) if rng.random() < confusable else groups

    if confusable > 0:
        synth.random_us_text = random_us_text
    synth.NEIGHBOUR_PROB = neighbour


def boost_mix(mix, spec):
    """The batch mix with the shares of the sources named in SPEC ("eu=1.5,eu-det=1.5") scaled, summing to 1."""
    out = dict(mix)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, factor = part.partition("=")
        if not sep or name not in out:
            raise SystemExit(f"--boost {spec}: '{part}' is not SOURCE=FACTOR with SOURCE one of {', '.join(out)}")
        try:
            f = float(factor)
        except ValueError:
            f = -1.0
        if not 0 <= f <= 10:
            raise SystemExit(f"--boost {spec}: the factor of {name} must be a number between 0 and 10")
        out[name] *= f
    total = sum(out.values())
    if total <= 0:
        raise SystemExit(f"--boost {spec}: no source left in the batch")
    return {k: v / total for k, v in out.items()}


# ---------------------------------------------------------------- losses

def kd_chars(student_logits, teacher_probs, tau, mode="chars"):
    """KL(teacher || student) on the character posteriors.

    full: over all 37 classes, mean over crops and timesteps. The teachers' characters do not
    always fall on the same timestep, so their mixture spreads each character over neighbouring
    steps with the blank in between; matched in full it teaches the student to drop characters.
    chars: over the 36 characters only (blank left out, both sides renormalised), each timestep
    weighted by the teachers' probability of a character there; which character (M or N, U or
    V) comes from the teachers, where the characters are and how many from the CTC term."""
    if mode == "full":
        lp = F.log_softmax(student_logits / tau, 2)
        q = teacher_probs.clamp_min(1e-8)
        return (q * (q.log() - lp)).sum(2).mean() * tau * tau
    w = 1.0 - teacher_probs[..., common.BLANK]
    q = (teacher_probs[..., 1:] / w.clamp_min(1e-6).unsqueeze(-1)).clamp_min(1e-8)
    lp = F.log_softmax(student_logits[..., 1:] / tau, 2)
    kl = (q * (q.log() - lp)).sum(2)
    return (w * kl).sum() / w.sum().clamp_min(1e-6) * tau * tau


def kd_state(student_logits, teacher_probs, tau):
    lp = F.log_softmax(student_logits / tau, 1)
    q = teacher_probs.clamp_min(1e-8)
    return (q * (q.log() - lp)).sum(1).mean() * tau * tau


@torch.no_grad()
def teacher_targets(teachers, x, tau, k, rng):
    """Mean of the teachers' probabilities (k of them, drawn at random, when 0 < k < len)."""
    idx = range(len(teachers)) if k <= 0 or k >= len(teachers) else rng.choice(len(teachers), size=k, replace=False)
    pc, ps = 0, 0
    for i in idx:
        lt, ls = teachers[i](x)
        pc = pc + (lt / tau).softmax(2)
        ps = ps + (ls / tau).softmax(1)
    n = len(list(idx))
    return pc / n, ps / n


# ---------------------------------------------------------------- export

def export_fast(model, states, res, step, out_dir, extra):
    """Writes OUT_DIR/plate-ocr-fast.onnx + .json (the format of plate-ocr.json)."""
    tmp = tempfile.mkdtemp(prefix="plate-ocr-fast-")
    try:
        train.export(model, states, res, step, tmp, extra)
        os.makedirs(out_dir, exist_ok=True)
        for ext in (".onnx", ".json"):
            shutil.copyfile(os.path.join(tmp, "plate-ocr" + ext), os.path.join(out_dir, FAST_NAME + ext + ".tmp"))
            os.replace(os.path.join(out_dir, FAST_NAME + ext + ".tmp"), os.path.join(out_dir, FAST_NAME + ext))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=common.DEFAULT_DATA, help="folder with us-dev/, eu/, us-crops/")
    ap.add_argument("--teachers", default=MODEL_DIR, help="folder with the ensemble (plate-ocr.onnx, plate-ocr-N.onnx)")
    ap.add_argument("--init", default=os.path.join(MODEL_DIR, "plate-ocr.onnx"), help="ONNX member the student starts from")
    ap.add_argument("--run", default="student")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--kd", type=float, default=1.0, help="weight of the distillation terms")
    ap.add_argument("--tau", type=float, default=1.0, help="temperature of the distillation terms")
    ap.add_argument("--kd-mode", choices=["chars", "full"], default="chars",
                    help="character posteriors matched over the characters only (chars) or with the blank (full)")
    ap.add_argument("--teachers-per-batch", type=int, default=0,
                    help="teachers drawn at random for each batch (0: all of them)")
    ap.add_argument("--confusable", type=float, default=0.3, metavar="P", help="share of synthetic US plates with look-alike pairs")
    ap.add_argument("--neighbour", type=float, default=0.2, metavar="P", help="share of synthetic crops with a neighbour's characters at an edge")
    ap.add_argument("--detector-views", type=float, default=0.2, metavar="P")
    ap.add_argument("--two-line", type=float, default=0.08, metavar="P")
    ap.add_argument("--boost", default="", metavar="SRC=F,...",
                    help="scale the batch share of sources (synth, us-crops, us-dev, eu, us-dev-det, eu-det), e.g. eu=1.5,eu-det=1.5")
    ap.add_argument("--epoch-steps", type=int, default=100)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=201)
    ap.add_argument("--export-from", metavar="CKPT", help="only export this checkpoint to --out-dir and exit")
    ap.add_argument("--out-dir", default=MODEL_DIR)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    if args.export_from:
        ck = torch.load(args.export_from, map_location="cpu")
        model = common.build_model(len(ck["states"]), ck.get("width", 1.0))
        model.load_state_dict(ck["model"])
        model.eval()
        export_fast(model, ck["states"], ck["val"], ck["step"], args.out_dir, ck.get("meta", {}))
        print(f"exported step {ck['step']} of {args.export_from} to {os.path.join(args.out_dir, FAST_NAME)}.onnx")
        return

    for name, v, hi in (("--confusable", args.confusable, 1), ("--neighbour", args.neighbour, 1),
                        ("--detector-views", args.detector_views, 0.5), ("--two-line", args.two_line, 0.5)):
        if not 0 <= v <= hi:
            ap.error(f"{name} {v}: give a share between 0 and {hi}")
    ckpt_dir = os.path.join(train.CKPT_DIR, args.run)
    os.makedirs(ckpt_dir, exist_ok=True)
    os.makedirs(train.LOG_DIR, exist_ok=True)
    logf = os.path.join(train.LOG_DIR, args.run + ".log")

    states = common.state_list(args.data)
    rng = np.random.default_rng(args.seed)
    teachers = []
    for p in teacher_paths(args.teachers):
        with open(os.path.splitext(p)[0] + ".json", encoding="utf-8") as f:
            if json.load(f)["states"] != states:
                raise ValueError(f"{p}: its states differ from the data's ({len(states)} states)")
        t, w = load_onnx_member(p, len(states))
        diff = check_conversion(t, p, rng)
        if diff > 1e-3:
            raise ValueError(f"{p}: the converted network differs from the ONNX file by {diff:.2e}")
        for q in t.parameters():
            q.requires_grad_(False)
        teachers.append(t)
        train.log(f"teacher {os.path.relpath(p, common.PROJECT_ROOT)} width {w} (largest difference from ONNX {diff:.1e})", logf)
    if not teachers:
        raise SystemExit(f"no teachers (plate-ocr*.onnx) in {args.teachers}")

    install_synth_options(args.confusable, args.neighbour)
    detector = detector_views.DetectorViews() if args.detector_views > 0 else None
    real = train.RealSet(args.data, states, detector)
    mix = boost_mix(train.batch_mix(args.detector_views), args.boost)
    train.log("batch mix: " + ", ".join(f"{k} {v:.3f}" for k, v in mix.items()), logf)
    train.log("data: train " + ", ".join(f"{k}={len(v)}" for k, v in real.items.items()) +
              " | held out " + ", ".join(f"{k}={len(v)}" for k, v in real.val.items()), logf)

    last = os.path.join(ckpt_dir, "last.pt")
    ck = torch.load(last, map_location="cpu") if os.path.exists(last) else None
    if ck is not None:
        model = common.build_model(len(states), ck.get("width", 1.0))
        model.load_state_dict(ck["model"])
        width = ck.get("width", 1.0)
    else:
        model, width = load_onnx_member(args.init, len(states))
    opt = torch.optim.AdamW([p for p in model.parameters()], lr=args.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    if ck is not None:
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck["best"]
        rng = np.random.default_rng(args.seed + step)
        train.log(f"resumed from step {step} (best score {best:.4f})", logf)
    torch.manual_seed(args.seed + step)
    meta = {"run": args.run, "width": width, "distilledFrom": [os.path.basename(p) for p in teacher_paths(args.teachers)],
            "initFrom": os.path.basename(args.init), "kd": args.kd, "kdMode": args.kd_mode, "tau": args.tau, "confusable": args.confusable,
            "neighbour": args.neighbour, "boost": args.boost}
    res0 = train.evaluate(model, real, states)
    train.log(f"student from {os.path.basename(args.init)} width {width}: " +
              " ".join(f"{k} {v['exact']:.3f}" for k, v in res0.items()) + f" | schedule {args.steps} steps batch {args.batch}", logf)

    ctc = nn.CTCLoss(blank=common.BLANK, zero_infinity=True)
    pool = synth.PlatePool(rng)
    model.train()
    freeze_bn(model)
    t0, seen, acc = time.time(), 0, np.zeros(4)
    acc_n = 0
    while step < args.steps:
        x, targets, lengths, sts = train.make_batch(rng, real, states, args.batch, pool, mix, args.two_line)
        lr = train.lr_at(step, args.steps, args.lr, warm=50)
        for g in opt.param_groups:
            g["lr"] = lr
        qc, qs = teacher_targets(teachers, x, args.tau, args.teachers_per_batch, rng)
        logits, st = model(x)
        lp = logits.log_softmax(2).permute(1, 0, 2)
        in_len = torch.full((x.shape[0],), lp.shape[0], dtype=torch.long)
        l_ctc = ctc(lp, targets, in_len, lengths)
        l_kd = kd_chars(logits, qc, args.tau, args.kd_mode)
        l_st = F.cross_entropy(st, sts, ignore_index=-100, label_smoothing=0.1) if (sts >= 0).any() else st.sum() * 0
        l_kds = kd_state(st, qs, args.tau)
        loss = l_ctc + args.kd * l_kd + 0.5 * l_st + 0.25 * args.kd * l_kds
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        seen += x.shape[0]
        acc += [l_ctc.item(), l_kd.item(), l_st.item(), l_kds.item()]
        acc_n += 1
        if step % 10 == 0:
            print(f"step {step} ctc {acc[0] / acc_n:.3f} kd {acc[1] / acc_n:.3f} {seen / (time.time() - t0):.1f} samples/s", flush=True)
        if step % args.epoch_steps == 0 or step == args.steps:
            res = train.evaluate(model, real, states)
            freeze_bn(model)
            sc = train.score(res)
            improved = sc > best
            best = max(best, sc)
            msg = " ".join(f"{k}: exact={v['exact']:.3f}" + (f" state={v['state']:.3f}" if "state" in v else "")
                           for k, v in res.items())
            a = acc / max(1, acc_n)
            train.log(f"step {step}/{args.steps} ctc {a[0]:.3f} kd {a[1]:.3f} state {a[2]:.3f} kd-state {a[3]:.3f} "
                      f"lr {lr:.2e} {seen / (time.time() - t0):.1f} samples/s | {msg} | score {sc:.4f}{' *best' if improved else ''}", logf)
            acc, acc_n = np.zeros(4), 0
            ck = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "best": best, "states": states,
                  "val": res, "width": width, "meta": meta}
            torch.save(ck, last + ".tmp")
            os.replace(last + ".tmp", last)
            torch.save(ck, os.path.join(ckpt_dir, f"step{step}.pt"))
            if improved:
                torch.save(ck, os.path.join(ckpt_dir, "best.pt"))
    train.log("distillation finished", logf)


if __name__ == "__main__":
    main()
