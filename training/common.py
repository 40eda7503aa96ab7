"""Shared pieces of the plate OCR training: data sets and splits, preprocessing, model, decoding."""
import csv
import hashlib
import os

import cv2
import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BLANK = 0  # CTC blank is class 0; class i+1 is ALPHABET[i]
NUM_CLASSES = len(ALPHABET) + 1
IN_H, IN_W, IN_C = 48, 192, 3
MEAN, STD = 0.5, 0.5  # on RGB values scaled to [0, 1]

# held-out fractions, decided by a hash of the file name so the split never changes
HOLDOUT = {"us-dev": 0.3, "us-crops": 0.2, "eu": 0.3}

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(PROJECT_ROOT, "..", "shared", "data", "plates")


def is_holdout(name, split):
    h = int(hashlib.md5(name.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return h < HOLDOUT[split]


def clean_label(s):
    return "".join(c for c in s.upper() if c in ALPHABET)


def load_scenes(data_dir, split):
    """Scenes of us-dev/ or eu/: list of dicts {name, path, box (x,y,w,h), label, holdout}."""
    d = os.path.join(data_dir, split)
    out = []
    if not os.path.isdir(d):
        return out
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".txt"):
            continue
        with open(os.path.join(d, fn), encoding="utf-8") as f:
            line = f.read().strip().split("\n")[0]
        parts = line.split("\t")
        if len(parts) < 6:
            continue
        name = parts[0]
        x, y, w, h = (int(float(v)) for v in parts[1:5])
        out.append(dict(name=name, path=os.path.join(d, name), box=(x, y, w, h),
                        label=clean_label(parts[5]), holdout=is_holdout(name, split)))
    return out


def load_us_crops(data_dir):
    d = os.path.join(data_dir, "us-crops")
    out = []
    gt = os.path.join(d, "groundtruth.csv")
    if not os.path.exists(gt):
        return out
    with open(gt, encoding="utf-8") as f:
        for row in csv.reader(f):  # file,state,plate (a header line, if any, is skipped)
            if len(row) < 3 or row[0].strip().lower() == "file":
                continue
            fn = row[0].strip()
            out.append(dict(name=fn, path=os.path.join(d, fn), state=row[1].strip().upper(),
                            label=clean_label(row[2]), holdout=is_holdout(fn, "us-crops")))
    return out


def read_rgb(path):
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        raise IOError("cannot read " + path)
    return cv2.cvtColor(im, cv2.COLOR_BGR2RGB)


def crop_box(img, box):
    """The reference preprocessing: crop the axis-aligned box (x, y, w, h), clipped to the image,
    and resize it to IN_W x IN_H with bilinear interpolation (aspect ratio not kept)."""
    x, y, w, h = box
    H, W = img.shape[:2]
    x0, y0 = max(0, int(round(x))), max(0, int(round(y)))
    x1, y1 = min(W, int(round(x + w))), min(H, int(round(y + h)))
    c = img[y0:y1, x0:x1]
    return cv2.resize(c, (IN_W, IN_H), interpolation=cv2.INTER_LINEAR)


def to_tensor_array(crops):
    """List/array of RGB uint8 HxWx3 crops -> float32 NCHW normalised."""
    a = np.asarray(crops, np.float32) / 255.0
    a = (a - MEAN) / STD
    return np.ascontiguousarray(a.transpose(0, 3, 1, 2))


def greedy_decode(probs):
    """probs: T x C softmax output. Argmax per timestep, collapse repeats, drop blanks.
    Returns (text, per-character probabilities: max over the timesteps of that character's run)."""
    best = probs.argmax(1)
    text, conf = [], []
    prev = BLANK
    for t, k in enumerate(best):
        p = float(probs[t, k])
        if k != BLANK:
            if k != prev:
                text.append(ALPHABET[k - 1])
                conf.append(p)
            else:
                conf[-1] = max(conf[-1], p)
        prev = k
    return "".join(text), conf


# ---------------------------------------------------------------- model (torch is imported lazily)

def build_model(num_states, width=1.0):
    """width scales every layer's channel count (1.0: the ~1 M-parameter model)."""
    import torch
    import torch.nn as nn

    def cbr(i, o, k=3, p=1):
        return [nn.Conv2d(i, o, k, padding=p, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]

    class PlateOCR(nn.Module):
        """Fully convolutional CRNN-style recogniser (no recurrent layers) with a state head.

        3x48x192 -> conv stack -> 128x6x24 feature map
          text:  pool height -> conv (3,1) -> 256x1x24 -> two temporal convs (k=3) -> 37 classes x 24 steps
          state: 1x1 conv -> avg pool to 3x8 grid -> MLP -> states + unknown
        """

        def __init__(self, n_states):
            super().__init__()
            c = [int(round(v * width)) for v in (16, 32, 64, 128, 256)]
            self.features = nn.Sequential(
                *cbr(3, c[0]), nn.MaxPool2d(2),                     # 24x96
                *cbr(c[0], c[1]), nn.MaxPool2d(2),                  # 12x48
                *cbr(c[1], c[2]), *cbr(c[2], c[2]), nn.MaxPool2d(2),  # 6x24
                *cbr(c[2], c[3]), *cbr(c[3], c[3]))
            self.collapse = nn.Sequential(nn.MaxPool2d((2, 1)), nn.Conv2d(c[3], c[4], (3, 1), bias=False),
                                          nn.BatchNorm2d(c[4]), nn.ReLU(inplace=True))
            self.temporal = nn.Sequential(
                nn.Conv1d(c[4], c[4], 3, padding=1), nn.ReLU(inplace=True), nn.Dropout(0.1),
                nn.Conv1d(c[4], c[4], 3, padding=1), nn.ReLU(inplace=True), nn.Dropout(0.1),
                nn.Conv1d(c[4], NUM_CLASSES, 1))
            self.state = nn.Sequential(
                nn.Conv2d(c[3], 64, 1), nn.ReLU(inplace=True), nn.AvgPool2d((2, 3)), nn.Flatten(),
                nn.Dropout(0.2), nn.Linear(64 * 3 * 8, 128), nn.ReLU(inplace=True), nn.Linear(128, n_states))

        def forward(self, x):
            f = self.features(x)
            t = self.temporal(self.collapse(f).squeeze(2))  # N x C x T
            return t.permute(0, 2, 1), self.state(f)        # N x T x C logits, N x S logits

    return PlateOCR(num_states)


def state_list(data_dir):
    """US state codes (upper case) present in us-crops, sorted, plus UNKNOWN last."""
    from synth import STATE_CODES
    codes = {r["state"] for r in load_us_crops(data_dir)} or {c.upper() for c in STATE_CODES}
    return sorted(codes) + ["UNKNOWN"]
