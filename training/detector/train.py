"""Train the plate detector (resumable).

    /usr/bin/python3 training/detector/train.py [--data ../shared/data/plates]

Checkpoints go to training/detector/checkpoints/ (last.pt every epoch, best.pt),
per-epoch held-out figures to training/detector/logs/train_log.csv, and the best
model (by held-out score) is exported to models/plate-detector.onnx each time the
held-out score improves.  Re-running the same command resumes from last.pt.
"""
import argparse
import warnings
import copy
import csv
import json
import math
import os
import random
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from augment import SampleMaker  # noqa: E402
from common import (IN_H, IN_W, decode, default_data_dir, letterbox, read_crops,  # noqa: E402
                    read_scenes, score_image, split_scenes, summarise, to_blob)
from from_onnx import load_onnx_into  # noqa: E402
from model import CORNER_SCALE, PlateNet  # noqa: E402
from spec import write_spec  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Exportable(torch.nn.Module):
    """Network + sigmoid + corner scaling: the ONNX outputs are a probability map and
    corner offsets in network pixels."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        logits, reg = self.net(image)
        return torch.sigmoid(logits), reg * CORNER_SCALE


def export_onnx(net, path):
    net = copy.deepcopy(net).cpu().eval()
    m = Exportable(net)
    dummy = torch.zeros(1, 3, IN_H, IN_W)
    tmp = path + ".tmp"
    torch.onnx.export(m, dummy, tmp, input_names=["image"], output_names=["plate_prob", "plate_corners"],
                      dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"},
                                    "plate_prob": {0: "batch", 2: "height_4", 3: "width_4"},
                                    "plate_corners": {0: "batch", 2: "height_4", 3: "width_4"}},
                      opset_version=13, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, path)


def load_val(scenes):
    out = []
    for s in scenes:
        img = cv2.imread(s["path"], cv2.IMREAD_COLOR)
        canvas, sc = letterbox(img)
        out.append((canvas, sc, s["box"]))
    return out


@torch.no_grad()
def evaluate(net, val, bs=8):
    net.eval()
    rows = []
    for i in range(0, len(val), bs):
        chunk = val[i:i + bs]
        x = torch.from_numpy(to_blob([c[0] for c in chunk]))
        logits, reg = net(x)
        prob = torch.sigmoid(logits)[:, 0].numpy()
        corners = (reg * CORNER_SCALE).numpy()
        for (canvas, sc, box), pr, co in zip(chunk, prob, corners):
            rows.append(score_image(decode(pr, co, sc), box))
    return summarise(rows)


def selection_score(us, eu):
    return (0.6 * us["recall"] + 0.4 * eu["recall"] + 0.3 * (0.6 * us["miou"] + 0.4 * eu["miou"])
            - 0.02 * (us["fp"] + eu["fp"]))


def reg_loss(reg, target, mask):
    """Smooth-L1 on the corner offsets of plate cells (mask N x 1 x h x w)."""
    d = F.smooth_l1_loss(reg, target, reduction="none", beta=0.05).sum(1, keepdim=True)
    return (d * mask).sum() / (mask.sum() * 8 + 1.0)


def dice_loss(logits, target):
    p = torch.sigmoid(logits)
    inter = (p * target).sum()
    return 1.0 - (2 * inter + 1.0) / (p.sum() + target.sum() + 1.0)


def main():
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=default_data_dir())
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=256, help="training crop size")
    ap.add_argument("--epoch-steps", type=int, default=250)
    ap.add_argument("--total-steps", type=int, default=60000)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    ap.add_argument("--onnx", default=os.path.join(ROOT, "models", "plate-detector.onnx"))
    ap.add_argument("--ckpt-dir", default=os.path.join(HERE, "checkpoints"))
    ap.add_argument("--log-dir", default=os.path.join(HERE, "logs"))
    ap.add_argument("--init", default=None, help="checkpoint whose matching weights start a fresh run")
    ap.add_argument("--init-onnx", default=None,
                    help="an exported detector (float32 ONNX) whose weights start a fresh run (from_onnx.py); "
                         "use with --freeze-bn")
    ap.add_argument("--freeze-bn", action="store_true",
                    help="batch norms keep their statistics (fine-tuning a loaded export)")
    ap.add_argument("--p-layered", type=float, default=0.0,
                    help="share of samples with a plate mounted over a wider, unlabelled one")
    ap.add_argument("--layered-holder", action="store_true",
                    help="that front plate always in a dark holder (else half the time, as other pasted plates)")
    ap.add_argument("--keep-best", action="store_true",
                    help="a fresh run exports only when it beats logs/best.json")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(1)
    ck_dir = args.ckpt_dir
    log_dir = args.log_dir
    os.makedirs(ck_dir, exist_ok=True)
    os.makedirs(log_dir, exist_ok=True)
    last_path = os.path.join(ck_dir, "last.pt")

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    us = read_scenes(args.data, "us-dev")
    eu = read_scenes(args.data, "eu")
    us_tr, us_va = split_scenes(us)
    eu_tr, eu_va = split_scenes(eu)
    held_plates = [s["plate"].upper() for s in us_va + eu_va]
    crops = read_crops(args.data, held_plates)
    log(f"us-dev train {len(us_tr)} val {len(us_va)}; eu train {len(eu_tr)} val {len(eu_va)}; "
        f"us-crops used {len(crops)}")
    scenes = [dict(img=cv2.imread(s["path"]), box=s["box"], eu=False) for s in us_tr]
    scenes += [dict(img=cv2.imread(s["path"]), box=s["box"], eu=True) for s in eu_tr]
    crop_imgs = [cv2.imread(p) for p, _ in crops]
    crop_imgs = [c for c in crop_imgs if c is not None]
    val_us, val_eu = load_val(us_va), load_val(eu_va)
    maker = SampleMaker(scenes, crop_imgs, size=args.size, p_layered=args.p_layered,
                        layered_holder=args.layered_holder)

    net = PlateNet()
    ema = copy.deepcopy(net)
    for p in ema.parameters():
        p.requires_grad_(False)
    if args.init_onnx and not os.path.exists(last_path):
        load_onnx_into(net, args.init_onnx)
        ema.load_state_dict(net.state_dict())
        log(f"initialised from {args.init_onnx}")
    # Frozen batch norms normalise with their stored statistics (eval mode) and stay trainable
    # as a per-channel scale and shift.
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    step, epoch, best = 0, 0, -1e9
    if args.init and not os.path.exists(last_path):
        src = torch.load(args.init, map_location="cpu")
        src = src.get("ema", src)
        own = net.state_dict()
        take = {k: v for k, v in src.items() if k in own and own[k].shape == v.shape}
        net.load_state_dict(take, strict=False)
        ema.load_state_dict(net.state_dict())
        log(f"initialised {len(take)}/{len(own)} tensors from {args.init}")
    best_json = os.path.join(log_dir, "best.json")
    if args.keep_best and os.path.exists(best_json) and not os.path.exists(last_path):
        with open(best_json) as f:
            best = json.load(f)["score"]
        log(f"exports only above the previous best score {best:.4f}")
    if os.path.exists(last_path) and not args.fresh:
        ck = torch.load(last_path, map_location="cpu")
        net.load_state_dict(ck["net"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, epoch, best = ck["step"], ck["epoch"], ck["best"]
        random.setstate(ck["py_rng"])
        np.random.set_state(ck["np_rng"])
        torch.set_rng_state(ck["torch_rng"])
        log(f"resumed from {last_path}: step {step} epoch {epoch} best {best:.4f}")
    n_params = sum(p.numel() for p in net.parameters())
    log(f"PlateNet {n_params} parameters")

    csv_path = os.path.join(log_dir, "train_log.csv")
    new_csv = not os.path.exists(csv_path)
    csv_f = open(csv_path, "a", newline="")
    wr = csv.writer(csv_f)
    if new_csv:
        wr.writerow(["time", "epoch", "step", "lr", "loss", "us_recall", "us_miou", "us_fp",
                     "eu_recall", "eu_miou", "eu_fp", "score", "exported"])

    warm = 300

    def lr_at(s):
        if s < warm:
            return args.lr * (s + 1) / warm
        t = min(1.0, (s - warm) / max(1, args.total_steps - warm))
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))

    ema_decay = 0.998
    while step < args.total_steps:
        net.train()
        if args.freeze_bn:
            for m in bns:
                m.eval()
        t0 = time.time()
        tot, n = 0.0, 0
        for _ in range(args.epoch_steps):
            x, y, r = maker.batch(args.batch)
            x, y, r = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(r)
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            out, reg = net(x)
            loss = (F.binary_cross_entropy_with_logits(out, y) * 10.0 + dice_loss(out, y)
                    + 4.0 * reg_loss(reg, r, y))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                d = min(ema_decay, (1 + step) / (10 + step))
                for pe, pn in zip(ema.parameters(), net.parameters()):
                    pe.mul_(d).add_(pn.detach(), alpha=1 - d)
                for be, bn in zip(ema.buffers(), net.buffers()):
                    be.copy_(bn)
            tot += float(loss)
            n += 1
            step += 1
            if step % 50 == 0:
                maker.refresh(30)
            if step >= args.total_steps:
                break
        epoch += 1
        r_us, r_eu = evaluate(ema, val_us), evaluate(ema, val_eu)
        sc = selection_score(r_us, r_eu)
        exported = sc > best
        if exported:
            best = sc
            export_onnx(ema, args.onnx)
            write_spec(os.path.splitext(args.onnx)[0] + ".json",
                       {"us_dev_val": r_us, "eu_val": r_eu, "epoch": epoch, "step": step})
            torch.save({"ema": ema.state_dict(), "step": step, "epoch": epoch,
                        "us": r_us, "eu": r_eu}, os.path.join(ck_dir, "best.pt"))
            with open(os.path.join(log_dir, "best.json"), "w") as f:
                json.dump({"epoch": epoch, "step": step, "score": sc, "us_dev_val": r_us,
                           "eu_val": r_eu, "time": time.strftime("%Y-%m-%d %H:%M:%S")}, f, indent=1)
        wr.writerow([time.strftime("%Y-%m-%d %H:%M:%S"), epoch, step, f"{lr_at(step):.5f}",
                     f"{tot / max(1, n):.4f}",
                     f"{r_us['recall']:.4f}", f"{r_us['miou']:.4f}", f"{r_us['fp']:.3f}",
                     f"{r_eu['recall']:.4f}", f"{r_eu['miou']:.4f}", f"{r_eu['fp']:.3f}",
                     f"{sc:.4f}", int(exported)])
        csv_f.flush()
        log(f"epoch {epoch} step {step} loss {tot / max(1, n):.4f} "
            f"us R {r_us['recall']:.3f} IoU {r_us['miou']:.3f} fp {r_us['fp']:.2f} | "
            f"eu R {r_eu['recall']:.3f} IoU {r_eu['miou']:.3f} fp {r_eu['fp']:.2f} "
            f"{'EXPORTED' if exported else ''} ({time.time() - t0:.0f}s)")
        ck = {"net": net.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
              "step": step, "epoch": epoch, "best": best, "py_rng": random.getstate(),
              "np_rng": np.random.get_state(), "torch_rng": torch.get_rng_state()}
        torch.save(ck, last_path + ".tmp")
        os.replace(last_path + ".tmp", last_path)
    log("done")


if __name__ == "__main__":
    main()
