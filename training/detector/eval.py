"""Evaluate models/plate-detector.onnx on the held-out scenes with the documented
post-processing (common.decode, mirrored in models/plate-detector.json).

    /usr/bin/python3 training/detector/eval.py [--data ../shared/data/plates] [--model models/plate-detector.onnx]

Prints, per split (us-dev-val, eu-val): recall@IoU>=0.5 of the annotated plate, mean
best IoU, detections per image that do not match the annotated plate (these include
real but unannotated plates), and the time per image on one thread.  The network runs
in Python onnxruntime when it is installed, else in OpenCV's dnn module; when node and
the onnxruntime-node package can be found (the project's node_modules, or
--ort-node-dir), the network is also timed there, which is what the engine uses.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

from common import (IN_H, IN_W, decode, default_data_dir, letterbox, read_scenes,  # noqa: E402
                    score_image, split_scenes, summarise, to_blob)


class Runner:
    def __init__(self, path, backend="auto"):
        self.kind = None
        if backend in ("auto", "onnxruntime"):
            try:
                import onnxruntime as ort
                so = ort.SessionOptions()
                so.intra_op_num_threads = 1
                so.inter_op_num_threads = 1
                self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
                self.kind = "onnxruntime (python) 1 thread"
            except ImportError:
                if backend == "onnxruntime":
                    raise
        if self.kind is None:
            cv2.setNumThreads(1)
            self.net = cv2.dnn.readNetFromONNX(path)
            self.kind = f"OpenCV {cv2.__version__} dnn 1 thread"

    def __call__(self, blob):
        if hasattr(self, "sess"):
            return self.sess.run(["plate_prob", "plate_corners"], {"image": blob})
        self.net.setInput(blob)
        return self.net.forward(["plate_prob", "plate_corners"])


def time_in_node(model, ort_dir):
    node = shutil.which("node")
    if not node:
        return None
    env = dict(os.environ)
    dirs = [d for d in [ort_dir, os.path.join(ROOT, "node_modules")] if d]
    env["NODE_PATH"] = os.pathsep.join(dirs)
    try:
        out = subprocess.run([node, os.path.join(HERE, "time_ort.cjs"), model, str(IN_W), str(IN_H)],
                             env=env, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=default_data_dir())
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "plate-detector.onnx"))
    ap.add_argument("--backend", default="auto", choices=["auto", "onnxruntime", "opencv"])
    ap.add_argument("--interp", default="linear", choices=["linear", "area"],
                    help="resize used by the letterbox (the spec says linear)")
    ap.add_argument("--ort-node-dir", default=None,
                    help="a node_modules folder that holds onnxruntime-node (for timing)")
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--split", default="val", choices=["val", "train", "all"],
                    help="which scenes: the held-out ones (default), the training ones, or all")
    args = ap.parse_args()

    if not os.path.isdir(args.data):
        print(f"data folder {args.data} not found: nothing to evaluate")
        return 0
    run = Runner(args.model, args.backend)
    interp = cv2.INTER_LINEAR if args.interp == "linear" else cv2.INTER_AREA
    print(f"model {os.path.relpath(args.model, os.getcwd())} ({os.path.getsize(args.model) / 1e6:.2f} MB), "
          f"input {IN_W}x{IN_H}, backend {run.kind}")
    # warm up
    run(np.zeros((1, 3, IN_H, IN_W), np.float32))
    for subset in ("us-dev", "eu"):
        train, val = split_scenes(read_scenes(args.data, subset))
        label = f"{subset}-{args.split}"
        val = {"val": val, "train": train, "all": train + val}[args.split]
        rows, t_net, t_all = [], 0.0, 0.0
        for s in val:
            img = cv2.imread(s["path"], cv2.IMREAD_COLOR)
            t0 = time.perf_counter()
            canvas, sc = letterbox(img, interp=interp)
            blob = to_blob([canvas])
            t1 = time.perf_counter()
            prob, corners = run(blob)
            t2 = time.perf_counter()
            dets = decode(prob[0, 0], corners[0], sc)
            t3 = time.perf_counter()
            t_net += t2 - t1
            t_all += t3 - t0
            best, others = score_image(dets, s["box"])
            rows.append((best, others))
            if args.show_misses and best < 0.5:
                print(f"  miss {s['name']} gt {s['box']} best IoU {best:.2f} dets "
                      + "; ".join(f"{d['score']:.2f}@{tuple(int(v) for v in d['box'])}" for d in dets))
        r = summarise(rows)
        print(f"{label:10s} n={r['n']:3d} recall@0.5 {r['recall'] * 100:5.1f}%  mean IoU {r['miou']:.3f}  "
              f"other detections/img {r['fp']:.2f}  ms/img network {t_net / max(1, r['n']) * 1000:.1f}, "
              f"letterbox+network+decode {t_all / max(1, r['n']) * 1000:.1f}")
    t = time_in_node(args.model, args.ort_node_dir)
    if t:
        print(f"onnxruntime-node {t['version']} 1 thread, network only, batch 1 {IN_W}x{IN_H}: "
              f"{t['ms']:.1f} ms/img (median of {t['runs']})")
    else:
        print("onnxruntime-node not found (install the project's npm packages or pass --ort-node-dir): "
              "no onnxruntime-node timing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
