"""Plate crops cut the way the engine cuts them: from the shipped detector's four corners.

The OCR is trained mostly on crops around the annotated box, but at run time it reads what the
detector found: a quadrilateral around the whole plate, grown by a small margin and rectified
(`plateCrop` in src/main/engine/recognition/recognizer.ts). This module runs the detector
(models/plate-detector.onnx, in OpenCV's dnn module, post-processing from training/detector/)
over the training scenes of us-dev and eu, keeps the detection that covers the annotated plate,
and cuts augmented crops from its corners, so the OCR also learns the detector's geometry.

Held-out scenes (common.is_holdout) are never looked at.

    /usr/bin/python3 training/detector_views.py [--data ../shared/data/plates] [--out /tmp/views.png]
      writes a contact sheet of detector-view crops and prints how many scenes matched
"""
import argparse
import importlib.util
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402
import synth  # noqa: E402

DETECTOR = os.path.join(common.PROJECT_ROOT, "models", "plate-detector.onnx")
# a detection stands for the annotated plate when it covers at least this share of the annotated box
MIN_COVER = 0.6
# crop margins drawn around the engine's (0.02) and its further views (-0.03, 0.07)
MARGIN_RANGE = (-0.03, 0.1)
# each corner moves by up to this share of the plate height (detector jitter)
CORNER_JITTER = 0.05


def _detector_module():
    """training/detector/common.py, loaded under its own name (training/common.py is `common`)."""
    spec = importlib.util.spec_from_file_location("detector_common", os.path.join(HERE, "detector", "common.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cover(det_box, box):
    """Share of `box` (x, y, w, h) inside `det_box`."""
    ax, ay, aw, ah = det_box
    bx, by, bw, bh = box
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    return ix * iy / max(1.0, bw * bh)


class DetectorViews:
    """Runs the detector once per scene; `quad(image_rgb, box)` gives the corners of the detection
    that covers the annotated box best (None when none covers MIN_COVER of it)."""

    def __init__(self, model_path=DETECTOR):
        if not os.path.exists(model_path):
            raise FileNotFoundError(f"detector model {model_path} not found")
        self.det = _detector_module()
        cv2.setNumThreads(1)
        self.net = cv2.dnn.readNetFromONNX(model_path)

    def detections(self, image_rgb):
        bgr = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR)
        canvas, s = self.det.letterbox(bgr)
        self.net.setInput(self.det.to_blob([canvas]))
        prob, corners = self.net.forward(["plate_prob", "plate_corners"])
        return self.det.decode(prob[0, 0], corners[0], scale=s)

    def quad(self, image_rgb, box):
        best, best_cover = None, MIN_COVER
        for d in self.detections(image_rgb):
            c = _cover(d["box"], box)
            if c >= best_cover:
                best, best_cover = d, c
        return None if best is None else np.asarray(best["corners"], np.float32)


def expand_quad(quad, margin):
    """Grow the quad about its centre by `margin` of its size on each side (expandQuad in the engine)."""
    c = quad.mean(0)
    return c + (quad - c) * (1 + 2 * margin)


def crop_from_quad(img, quad, rng, out_w=common.IN_W, out_h=common.IN_H, augment=True):
    """A crop of the plate inside `quad` (4x2 TL, TR, BR, BL in `img` pixels), rectified to
    out_w x out_h. With augment: a random margin, jittered corners, low resolution and the
    photometric changes the other real crops get. Without: the engine's own margin (0.02)."""
    quad = np.asarray(quad, np.float32)
    if augment:
        h = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
        quad = expand_quad(quad, rng.uniform(*MARGIN_RANGE))
        quad = quad + rng.uniform(-CORNER_JITTER, CORNER_JITTER, (4, 2)).astype(np.float32) * h
    else:
        quad = expand_quad(quad, 0.02)
    w = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    h = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    w, h = max(w, 2.0), max(h, 2.0)
    rect = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    H = cv2.getPerspectiveTransform(quad.astype(np.float32), rect)
    out = synth.warp_crop(img, H, (0, 0, w, h), out_w, out_h, rng if augment else None,
                          lowres=augment and rng.random() < 0.5)
    return synth.photometric(out, rng, strength=0.8) if augment else out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=common.DEFAULT_DATA)
    ap.add_argument("--out", default="detector_views.png")
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    views = DetectorViews()
    rng = np.random.default_rng(args.seed)
    tiles = []
    for split in ("us-dev", "eu"):
        scenes = [r for r in common.load_scenes(args.data, split) if not r["holdout"]]
        found = 0
        for r in scenes:
            img = common.read_rgb(r["path"])
            q = views.quad(img, r["box"])
            if q is None:
                continue
            found += 1
            if len(tiles) < args.n:
                tiles.append(crop_from_quad(img, q, rng))
        print(f"{split}: detector covers the annotated plate in {found} of {len(scenes)} training scenes")
    if tiles:
        while len(tiles) % 4:
            tiles.append(np.full_like(tiles[0], 255))
        sheet = np.vstack([np.hstack(tiles[i:i + 4]) for i in range(0, len(tiles), 4)])
        cv2.imwrite(args.out, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
        print("wrote", args.out)


if __name__ == "__main__":
    main()
