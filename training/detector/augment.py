"""Training-sample generator: random crops of real scenes at the network's scale,
heavy geometric and photometric augmentation, and synthetic plates (rendered or
real us-crops) pasted with perspective.  Returns BGR uint8 crops and stride-4 masks."""
import math
import random

import cv2
import numpy as np

from common import IN_H, IN_W, STRIDE
from model import CORNER_SCALE
from plates_synth import render_plate, render_text_patch


def _rot_scale(angle_deg, scale, shear=0.0):
    a = math.radians(angle_deg)
    c, s = math.cos(a) * scale, math.sin(a) * scale
    m = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], np.float64)
    sh = np.array([[1, shear, 0], [0, 1, 0], [0, 0, 1]], np.float64)
    return m @ sh


def _translate(tx, ty):
    return np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], np.float64)


def _apply_h(m, pts):
    pts = np.asarray(pts, np.float64)
    p = np.concatenate([pts, np.ones((len(pts), 1))], 1) @ m.T
    return p[:, :2] / p[:, 2:3]


def _perspective_jitter(size, amount):
    """Homography that moves the corners of a size x size square by up to amount*size."""
    src = np.array([[0, 0], [size, 0], [size, size], [0, size]], np.float32)
    dst = src + np.random.uniform(-amount * size, amount * size, src.shape).astype(np.float32)
    return cv2.getPerspectiveTransform(src, dst).astype(np.float64)


def quad_of_box(x, y, w, h):
    """Axis-aligned box in continuous pixel coordinates -> corners in OpenCV pixel
    coordinates (pixel centres at integers)."""
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64) - 0.5


def rasterise(quads, s):
    """Stride-4 targets for an s x s crop.  Cell (c, r) is 1 when its centre, OpenCV
    coordinates (4c + 1.5, 4r + 1.5), lies inside a quad; for such cells the corner
    target holds (corner - cell centre) / CORNER_SCALE for the 4 corners (x, y).
    Quads are in OpenCV coordinates, ordered TL, TR, BR, BL."""
    n = s // STRIDE
    t = np.zeros((n, n), np.uint8)
    reg = np.zeros((8, n, n), np.float32)
    centre = np.arange(n, dtype=np.float32) * STRIDE + (STRIDE / 2.0 - 0.5)
    for q in quads:
        q = np.asarray(q, np.float64)
        g = (q - (STRIDE / 2.0 - 0.5)) / STRIDE
        pts = np.round(g * 16).astype(np.int32).reshape(-1, 1, 2)
        one = np.zeros((n, n), np.uint8)
        cv2.fillPoly(one, [pts], 1, lineType=cv2.LINE_8, shift=4)
        ys, xs = np.nonzero(one)
        t[ys, xs] = 1
        for k in range(4):
            reg[2 * k, ys, xs] = (q[k, 0] - centre[xs]) / CORNER_SCALE
            reg[2 * k + 1, ys, xs] = (q[k, 1] - centre[ys]) / CORNER_SCALE
    return t, reg


def _clear_of(x0, y0, x1, y1, quads):
    """Whether the box x0..x1, y0..y1 overlaps none of the quads' bounding boxes."""
    for q in quads:
        qx0, qy0 = q.min(0)
        qx1, qy1 = q.max(0)
        if x0 < qx1 and qx0 < x1 and y0 < qy1 and qy0 < y1:
            return False
    return True


class SampleMaker:
    def __init__(self, scenes, crops, size=256, p_synth=0.55, pool_size=1500, p_layered=0.0, layered_holder=False):
        """scenes: list of dict(img=BGR, box=(x,y,w,h), eu=bool); crops: list of BGR plates;
        p_layered: share of samples that also get a plate mounted over a wider one (_layered);
        layered_holder: that front plate always in a dark holder (else half the time)."""
        self.scenes = scenes
        self.p_layered = p_layered
        self.layered_holder = layered_holder
        self.us = [i for i, s in enumerate(scenes) if not s["eu"]]
        self.eu = [i for i, s in enumerate(scenes) if s["eu"]]
        self.crops = crops
        self.size = size
        self.p_synth = p_synth
        self.pool = [render_plate() for _ in range(pool_size)]
        self.text_pool = [render_text_patch() for _ in range(300)]

    def refresh(self, n=50):
        for _ in range(n):
            self.pool[random.randrange(len(self.pool))] = render_plate()
        for _ in range(n // 5):
            self.text_pool[random.randrange(len(self.text_pool))] = render_text_patch()

    # ------------------------------------------------------------ scene crop
    def _scene_crop(self):
        S = self.size
        idx = random.choice(self.us) if (random.random() < 0.62 or not self.eu) else random.choice(self.eu)
        sc = self.scenes[idx]
        img = sc["img"]
        H, W = img.shape[:2]
        s0 = min(IN_W / W, IN_H / H)
        s = s0 * math.exp(random.uniform(math.log(0.55), math.log(1.8)))
        x, y, w, h = sc["box"]
        # keep the real plate within a plausible pixel size at network scale
        pw = w * s
        if pw < 14:
            s *= 14 / pw
        elif pw > 190:
            s *= 190 / pw
        # pre-scale with a resize (as the letterbox does), then warp the rest
        interp = cv2.INTER_AREA if random.random() < 0.3 else cv2.INTER_LINEAR
        nw, nh = max(8, int(round(W * s))), max(8, int(round(H * s)))
        small = cv2.resize(img, (nw, nh), interpolation=interp)
        sx, sy = nw / W, nh / H
        quad = quad_of_box(x, y, w, h)
        quad = (quad + 0.5) * [sx, sy] - 0.5
        cx, cy = quad.mean(0)
        if random.random() < 0.8:   # a crop that shows the plate
            half_w = (quad[:, 0].max() - quad[:, 0].min()) / 2
            half_h = (quad[:, 1].max() - quad[:, 1].min()) / 2
            mx = max(0.0, S / 2 - half_w - 4)
            my = max(0.0, S / 2 - half_h - 4)
            ox, oy = cx + random.uniform(-mx, mx), cy + random.uniform(-my, my)
        else:
            ox, oy = random.uniform(0, nw), random.uniform(0, nh)
        ang = np.clip(np.random.normal(0, 4), -12, 12)
        sc2 = math.exp(random.uniform(-0.1, 0.1))
        m = _translate(S / 2, S / 2) @ _rot_scale(ang, sc2, random.uniform(-0.08, 0.08)) @ _translate(-ox, -oy)
        if random.random() < 0.5:
            m = _perspective_jitter(S, 0.06) @ m
        border = 0 if random.random() < 0.75 else random.randint(0, 255)
        out = cv2.warpPerspective(small, m, (S, S), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=(border,) * 3)
        q = _apply_h(m, quad)
        return out, [q]

    # ------------------------------------------------------------ pasting
    def _plate_image(self):
        r = random.random()
        if r < 0.55 and self.crops:
            p = random.choice(self.crops)
            # real crops are sometimes loose: trim a little at random
            h, w = p.shape[:2]
            t = [int(random.uniform(0, 0.03) * v) for v in (h, w, h, w)]
            p = p[t[0]:h - t[2], t[1]:w - t[3]]
        else:
            p = random.choice(self.pool)[..., ::-1].copy()   # RGB -> BGR
        return p

    def _layered(self, canvas, quads):
        """A plate mounted over a wider one that shows on both sides (a dealer's or a foreign
        plate left behind the new one): only the front plate is labelled, so the box must stop
        at its own edge although the plate behind is as white and carries characters too."""
        S = self.size
        front, back = self._plate_image(), self._plate_image()
        fh, fw = front.shape[:2]
        tw = math.exp(random.uniform(math.log(36), math.log(150)))
        th = tw / ((fw / fh) * math.exp(random.uniform(-0.15, 0.15)))
        bw = tw * random.uniform(1.2, 1.7)
        bh = th * random.uniform(0.55, 0.95)
        for _ in range(10):
            cx = random.uniform(bw / 2 - 5, S - bw / 2 + 5)
            cy = random.uniform(th / 2 - 5, S - th / 2 + 5)
            if _clear_of(cx - bw / 2 - 4, cy - th / 2 - 4, cx + bw / 2 + 4, cy + th / 2 + 4, quads):
                break
        else:
            return False
        a = math.radians(float(np.clip(np.random.normal(0, 4), -12, 12)))
        R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])

        def quad(w, h, ox, oy):
            base = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) + [ox, oy]
            return base @ R.T + [cx, cy]

        # the front plate sits off the centre of the one behind, never past its edges
        off = random.uniform(-1, 1) * (bw - tw) / 2 * 0.6
        self._paste(canvas, quads, back, dst=quad(bw, bh, 0.0, random.uniform(-0.1, 0.1) * th), label=False)
        # layered_holder: the front plate always has an edge of its own, where a wide plate has none
        return self._paste(canvas, quads, front, dst=quad(tw, th, off, 0.0), holder=True if self.layered_holder else None)

    def _paste(self, canvas, quads, plate, negative=False, dst=None, label=True, holder=None):
        """Pastes `plate` at `dst` (four corners) or at a random place clear of `quads`;
        labels it (appends its corners to quads) unless negative or label=False; a dark
        holder around it when holder is True, never when False, half the time when None."""
        S = self.size
        ph, pw = plate.shape[:2]
        if dst is not None:
            tw = float(np.linalg.norm(dst[1] - dst[0]))
            th = float(np.linalg.norm(dst[3] - dst[0]))
        elif negative:
            tw = math.exp(random.uniform(math.log(20), math.log(140)))
            th = tw / (pw / ph)
        else:
            tw = math.exp(random.uniform(math.log(14), math.log(150)))
            th = tw / ((pw / ph) * math.exp(random.uniform(-0.15, 0.15)))
        if th < 5:
            return False
        if pw > 2.5 * tw:   # shrink the source first (less aliasing than warping far down)
            r = 2.0 * tw / pw
            plate = cv2.resize(plate, (max(2, int(pw * r)), max(2, int(ph * r))), interpolation=cv2.INTER_AREA)
            ph, pw = plate.shape[:2]
        placed = dst is not None
        for _ in range(0 if placed else 10):
            cx = random.uniform(tw / 2 - 5, S - tw / 2 + 5)
            cy = random.uniform(th / 2 - 5, S - th / 2 + 5)
            ang = np.clip(np.random.normal(0, 5), -15, 15)
            base = np.array([[-tw / 2, -th / 2], [tw / 2, -th / 2], [tw / 2, th / 2], [-tw / 2, th / 2]])
            a = math.radians(ang)
            R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
            dst = base @ R.T + [cx, cy]
            dst += np.random.uniform(-0.08, 0.08, dst.shape) * [tw, th]
            # keep away from other plates
            if _clear_of(*(dst.min(0) - 4), *(dst.max(0) + 4), quads):
                break
        else:
            if not placed:
                return False
        src = np.array([[-0.5, -0.5], [pw - 0.5, -0.5], [pw - 0.5, ph - 0.5], [-0.5, ph - 0.5]], np.float32)
        hm = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        if negative:
            rgb = plate[..., :3][..., ::-1].astype(np.float32)
            alpha = plate[..., 3].astype(np.float32) / 255.0
        else:
            rgb = plate.astype(np.float32)
            alpha = np.ones((ph, pw), np.float32)
            # lighting: overall gain, a gradient and a little colour cast
            g = random.uniform(0.35, 1.15)
            grad = np.linspace(random.uniform(0.7, 1.1), random.uniform(0.7, 1.1), pw)[None, :, None]
            rgb = rgb * g * grad * np.random.uniform(0.9, 1.1, 3)
            if holder if holder is not None else random.random() < 0.5:   # a dark holder / frame around the plate
                pad = max(2, int(ph * random.uniform(0.04, 0.15)))
                col = np.random.uniform(0, 90, 3)
                rgb = cv2.copyMakeBorder(rgb, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=col.tolist())
                alpha = np.ones(rgb.shape[:2], np.float32)
                src2 = src + pad
                # keep the labelled quad = the plate itself; the frame goes around it
                hm = cv2.getPerspectiveTransform(src2.astype(np.float32), dst.astype(np.float32))
        # shrink the source before warping when strongly reduced (less aliasing)
        warped = cv2.warpPerspective(rgb, hm, (S, S), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
        am = cv2.warpPerspective(alpha, hm, (S, S), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        if random.random() < 0.5:
            k = random.choice([3, 5])
            am = cv2.GaussianBlur(am, (k, k), 0)
        am = am[..., None]
        canvas[:] = np.clip(canvas.astype(np.float32) * (1 - am) + warped * am, 0, 255).astype(np.uint8)
        if not negative and label:
            quads.append(dst)
        return True

    # ------------------------------------------------------------ photometric
    @staticmethod
    def _photometric(img):
        f = img.astype(np.float32)
        if random.random() < 0.8:
            f = f * random.uniform(0.55, 1.45) + random.uniform(-40, 40)
        if random.random() < 0.3:
            mean = f.mean()
            f = (f - mean) * random.uniform(0.5, 1.4) + mean
        if random.random() < 0.3:
            f = f * np.random.uniform(0.85, 1.15, 3)
        f = np.clip(f, 0, 255)
        if random.random() < 0.3:
            gma = random.uniform(0.6, 1.6)
            f = 255.0 * (f / 255.0) ** gma
        if random.random() < 0.1:
            g = f.mean(2, keepdims=True)
            f = np.repeat(g, 3, 2)
        if random.random() < 0.3:
            sig = random.uniform(0.3, 1.4)
            f = cv2.GaussianBlur(f, (0, 0), sig)
        elif random.random() < 0.12:
            k = random.choice([3, 5, 7])
            ker = np.zeros((k, k), np.float32)
            if random.random() < 0.5:
                ker[k // 2, :] = 1.0 / k
            else:
                ker[:, k // 2] = 1.0 / k
            f = cv2.filter2D(f, -1, ker)
        if random.random() < 0.4:
            f = f + np.random.normal(0, random.uniform(2, 10), f.shape)
        img = np.clip(f, 0, 255).astype(np.uint8)
        if random.random() < 0.15:
            s = img.shape[0]
            r = random.uniform(0.5, 0.8)
            small = cv2.resize(img, (int(s * r), int(s * r)), interpolation=cv2.INTER_AREA)
            img = cv2.resize(small, (s, s), interpolation=cv2.INTER_LINEAR)
        if random.random() < 0.45:
            ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, random.randint(25, 92)])
            img = cv2.imdecode(enc, cv2.IMREAD_COLOR)
        return img

    def sample(self):
        img, quads = self._scene_crop()
        if random.random() < self.p_synth:
            for _ in range(random.choice([1, 1, 2, 2, 3])):
                self._paste(img, quads, self._plate_image())
        if random.random() < self.p_layered:
            self._layered(img, quads)
        if random.random() < 0.25:
            for _ in range(random.randint(1, 2)):
                self._paste(img, quads, random.choice(self.text_pool), negative=True)
        img = self._photometric(img)
        if random.random() < 0.5:
            img = img[:, ::-1].copy()
            S = self.size
            # mirrored: the old top-right corner is the new top-left one
            quads = [np.stack([S - 1 - q[:, 0], q[:, 1]], 1)[[1, 0, 3, 2]] for q in quads]
        t, reg = rasterise(quads, self.size)
        return img, t, reg

    def batch(self, n):
        xs, ys, rs = [], [], []
        for _ in range(n):
            x, y, r = self.sample()
            xs.append(x)
            ys.append(y)
            rs.append(r)
        x = np.stack(xs).astype(np.float32).transpose(0, 3, 1, 2) / 255.0
        y = np.stack(ys).astype(np.float32)[:, None]
        return x, y, np.stack(rs)
