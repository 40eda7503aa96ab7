"""Evaluate an exported plate OCR ONNX model on the held-out splits (ground-truth boxes as crops).

    /usr/bin/python3 training/eval.py [--model models/plate-ocr.onnx] [--data ../shared/data/plates]
                                      [--all] [--errors]

Uses onnxruntime when it is installed, otherwise OpenCV's DNN module. Prints exact top-1 per split
and, for us-crops, state-of-issuance accuracy. --all scores every image (training ones included).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


class Runner:
    def __init__(self, path):
        self.backend = None
        try:
            import onnxruntime as ort
            so = ort.SessionOptions()
            so.intra_op_num_threads = 1
            self.sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            self.backend = "onnxruntime"
        except ImportError:
            import cv2
            from half_weights import opencv_net
            cv2.setNumThreads(1)
            self.net = opencv_net(path)
            self.backend = "opencv-dnn " + cv2.__version__

    def __call__(self, x):
        if self.backend == "onnxruntime":
            chars, state = self.sess.run(["chars", "state"], {"input": x})
            return chars, state
        outs_c, outs_s = [], []
        for i in range(x.shape[0]):  # one at a time: OpenCV's importer fixes the batch size
            self.net.setInput(x[i:i + 1])
            c, s = self.net.forward(["chars", "state"])
            outs_c.append(c.reshape(1, *c.shape[-2:]))
            outs_s.append(s.reshape(1, -1))
        return np.concatenate(outs_c), np.concatenate(outs_s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(common.PROJECT_ROOT, "models", "plate-ocr.onnx"))
    ap.add_argument("--data", default=common.DEFAULT_DATA)
    ap.add_argument("--all", action="store_true", help="score all images, not only the held-out ones")
    ap.add_argument("--errors", action="store_true", help="list misread plates")
    args = ap.parse_args()

    meta_path = os.path.splitext(args.model)[0] + ".json"
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    alphabet, blank, states = meta["alphabet"], meta["blank"], meta["states"]
    assert alphabet == common.ALPHABET and blank == common.BLANK, "metadata does not match training/common.py"
    run = Runner(args.model)
    print(f"model {args.model} ({os.path.getsize(args.model) / 1e6:.2f} MB, version {meta.get('version')}), backend {run.backend}")

    sets = {}
    for split in ("us-dev", "eu"):
        rows = [r for r in common.load_scenes(args.data, split) if args.all or r["holdout"]]
        sets[split] = [(r["name"], common.crop_box(common.read_rgb(r["path"]), r["box"]), r["label"], None) for r in rows]
    rows = [r for r in common.load_us_crops(args.data) if args.all or r["holdout"]]
    sets["us-crops"] = []
    for r in rows:
        img = common.read_rgb(r["path"])
        sets["us-crops"].append((r["name"], common.crop_box(img, (0, 0, img.shape[1], img.shape[0])), r["label"], r["state"]))

    total_t, total_n = 0.0, 0
    for split, items in sets.items():
        if not items:
            print(f"{split}: no data under {args.data}")
            continue
        x = common.to_tensor_array([c for _, c, _, _ in items])
        t = time.perf_counter()
        chars, state = run(x)
        total_t += time.perf_counter() - t
        total_n += len(items)
        ok = st_ok = st_n = 0
        errs = []
        for i, (name, _, label, st) in enumerate(items):
            text, conf = common.greedy_decode(chars[i])
            if text == label:
                ok += 1
            else:
                errs.append(f"  {name}: read {text or '-'} want {label} (min char p {min(conf) if conf else 0:.2f})")
            if st is not None:
                st_n += 1
                pred = states[int(state[i].argmax())]
                st_ok += pred == st
        line = f"{split}{' (all)' if args.all else ' held-out'}: n={len(items)} exact top-1 {ok / len(items):.1%}"
        if st_n:
            line += f", state {st_ok / st_n:.1%}"
        print(line)
        if args.errors:
            print("\n".join(errs))
    if total_n:
        print(f"inference {total_t / total_n * 1000:.2f} ms per crop ({run.backend}, one thread)")


if __name__ == "__main__":
    main()
