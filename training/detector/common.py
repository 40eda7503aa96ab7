"""Shared pieces of the plate detector: data loading, held-out split, letterbox,
post-processing and scoring.  The post-processing here is the reference that the
engine mirrors (see models/plate-detector.json)."""
import hashlib
import os

import cv2
import numpy as np

# ---------------------------------------------------------------- constants
IN_W, IN_H = 640, 384          # network input: the full canvas
SIZE_MULTIPLE = 32             # the deepest stride: a smaller canvas must have sides that are multiples of it
STRIDE = 4                     # output map is IN_H/4 x IN_W/4
OUT_W, OUT_H = IN_W // STRIDE, IN_H // STRIDE
PAD_VALUE = 0                  # letterbox fill (all channels)
PROB_THRESHOLD = 0.5           # cell is "plate" when sigmoid(logit) > this
MIN_CELLS = 3                  # smaller components are dropped
SCORE_THRESHOLD = 0.7          # component kept when its max probability >= this
MAX_DETECTIONS = 10


def default_data_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "data", "plates"))


# ---------------------------------------------------------------- data
def is_held_out(file_name):
    """Held-out rule for us-dev and eu: md5 of the image file name (e.g.
    'abc.jpg', no folder), first hex digit in 0-4 -> validation (about 31%)."""
    return hashlib.md5(file_name.encode("utf-8")).hexdigest()[0] < "5"


def read_scenes(data_dir, subset):
    """List of dicts {name, path, box:(x,y,w,h), plate} for us-dev or eu."""
    folder = os.path.join(data_dir, subset)
    out = []
    for fn in sorted(os.listdir(folder)):
        if not fn.endswith(".txt"):
            continue
        with open(os.path.join(folder, fn), encoding="utf-8") as f:
            line = f.read().strip()
        if not line:
            continue
        parts = line.split("\t")
        name = parts[0]
        x, y, w, h = (int(float(v)) for v in parts[1:5])
        plate = parts[5] if len(parts) > 5 else ""
        out.append(dict(name=name, path=os.path.join(folder, name), box=(x, y, w, h), plate=plate))
    return out


def split_scenes(scenes):
    train = [s for s in scenes if not is_held_out(s["name"])]
    val = [s for s in scenes if is_held_out(s["name"])]
    return train, val


def read_crops(data_dir, exclude_plates=()):
    """us-crops: list of (path, plate); crops whose plate text equals a held-out
    scene's plate are left out so the held-out plates are never seen."""
    folder = os.path.join(data_dir, "us-crops")
    excl = set(exclude_plates)
    out = []
    gt = os.path.join(folder, "groundtruth.csv")
    with open(gt, encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) < 3 or parts[0] == "file":
                continue
            if parts[2].upper() in excl:
                continue
            out.append((os.path.join(folder, parts[0]), parts[2]))
    return out


# ---------------------------------------------------------------- letterbox
def letterbox(img_bgr, in_w=IN_W, in_h=IN_H, interp=cv2.INTER_LINEAR):
    """Scale the whole frame by s = min(in_w/W, in_h/H), keep aspect, place it at the
    top-left corner of an in_w x in_h canvas filled with PAD_VALUE.
    Returns (canvas uint8 HxWx3 BGR, s).  Original = network / s."""
    h, w = img_bgr.shape[:2]
    s = min(in_w / w, in_h / h)
    nw, nh = max(1, int(round(w * s))), max(1, int(round(h * s)))
    canvas = np.full((in_h, in_w, 3), PAD_VALUE, np.uint8)
    canvas[:nh, :nw] = cv2.resize(img_bgr, (nw, nh), interpolation=interp)
    return canvas, s


def to_blob(canvases):
    """List of HxWx3 uint8 BGR -> float32 N x 3 x H x W in [0, 1], BGR order kept."""
    a = np.stack(canvases).astype(np.float32) * (1.0 / 255.0)
    return np.ascontiguousarray(a.transpose(0, 3, 1, 2))


# ---------------------------------------------------------------- post-processing
def decode(prob, corners, scale=1.0, prob_threshold=PROB_THRESHOLD,
           score_threshold=SCORE_THRESHOLD, min_cells=MIN_CELLS):
    """One image.  prob: OUT_H x OUT_W plate probabilities; corners: 8 x OUT_H x OUT_W
    offsets in network pixels from each cell centre to the plate corners (TL x, TL y,
    TR x, TR y, BR x, BR y, BL x, BL y).  scale: the letterbox factor s.
    Returns detections sorted by score, each dict(score, corners 4x2 float in
    original-image pixels TL, TR, BR, BL, box (x, y, w, h) = axis-aligned hull)."""
    prob = np.asarray(prob, np.float32)
    binary = (prob > prob_threshold).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    dets = []
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] < min_cells:
            continue
        ys, xs = np.nonzero(labels == k)
        p = prob[ys, xs]
        score = float(p.max())
        if score < score_threshold:
            continue
        # cell (col, row) covers network pixels [4*col, 4*col+4): centre 4*col+2
        cx = xs.astype(np.float32) * STRIDE + STRIDE / 2.0
        cy = ys.astype(np.float32) * STRIDE + STRIDE / 2.0
        off = corners[:, ys, xs]                          # 8 x m
        wsum = float(p.sum())
        quad = np.zeros((4, 2), np.float32)
        for c in range(4):
            quad[c, 0] = float(((cx + off[2 * c]) * p).sum()) / wsum
            quad[c, 1] = float(((cy + off[2 * c + 1]) * p).sum()) / wsum
        quad /= scale
        x0, y0 = quad.min(0)
        x1, y1 = quad.max(0)
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        dets.append(dict(score=score, corners=quad,
                         box=(float(x0), float(y0), float(x1 - x0), float(y1 - y0))))
    dets.sort(key=lambda d: -d["score"])
    return dets[:MAX_DETECTIONS]


# ---------------------------------------------------------------- scoring
def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def score_image(dets, gt_box):
    """Returns (best IoU with the annotated plate, number of other detections)."""
    best = 0.0
    for d in dets:
        best = max(best, iou(d["box"], gt_box))
    hit = best >= 0.5
    others = len(dets) - (1 if hit else 0)
    return best, others


def summarise(rows):
    """rows: list of (best_iou, others). -> dict of recall@0.5, mean IoU, fp/img."""
    if not rows:
        return dict(n=0, recall=0.0, miou=0.0, fp=0.0)
    b = np.array([r[0] for r in rows])
    o = np.array([r[1] for r in rows])
    return dict(n=len(rows), recall=float((b >= 0.5).mean()), miou=float(b.mean()),
                fp=float(o.mean()))
