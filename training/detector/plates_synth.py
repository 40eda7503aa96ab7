"""Simple synthetic licence plates (for pasting into scenes) and look-alike
non-plate text patches (hard negatives)."""
import glob
import os
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation"]
ALNUM = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
WORDS = ["CALIFORNIA", "TEXAS", "FLORIDA", "NEW YORK", "OHIO", "ILLINOIS", "GEORGIA",
         "VIRGINIA", "ARIZONA", "NEVADA", "OREGON", "MAINE", "IOWA", "UTAH", "IDAHO",
         "MONTANA", "KANSAS", "COLORADO", "INDIANA", "MICHIGAN", "Sunshine State",
         "Land of Lincoln", "Live Free or Die", "The Lone Star State", "Grand Canyon State",
         "Empire State", "Peach State", "DEALER", "Vacationland", "Wild Wonderful"]
_fonts = None
_font_cache = {}


def fonts():
    global _fonts
    if _fonts is None:
        fs = []
        for d in FONT_DIRS:
            fs += glob.glob(os.path.join(d, "*.ttf"))
        fs = [f for f in fs if "Math" not in f and "ExtraLight" not in f]
        if not fs:
            raise RuntimeError("no TrueType fonts found in " + ", ".join(FONT_DIRS))
        _fonts = sorted(fs)
    return _fonts


def font(path, size):
    key = (path, size)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(path, size)
    return _font_cache[key]


def bold_font():
    fs = [f for f in fonts() if "Bold" in f or "Mono" in f or "Narrow" in f or "Condensed" in f]
    return random.choice(fs or fonts())


def rand_text(n0=5, n1=8):
    n = random.randint(n0, n1)
    s = "".join(random.choice(ALNUM) for _ in range(n))
    if random.random() < 0.3 and n >= 5:
        k = random.randint(2, n - 2)
        s = s[:k] + random.choice([" ", "-", " "]) + s[k:]
    return s


def _light_colour():
    kind = random.random()
    if kind < 0.45:
        v = random.randint(200, 255)
        return (v, v - random.randint(0, 12), v - random.randint(0, 12))
    if kind < 0.65:   # yellow / cream
        return (random.randint(200, 255), random.randint(180, 240), random.randint(40, 170))
    if kind < 0.8:    # pale blue / green
        return (random.randint(150, 220), random.randint(190, 240), random.randint(210, 255))
    if kind < 0.9:    # grey
        v = random.randint(140, 210)
        return (v, v, v)
    return tuple(random.randint(120, 255) for _ in range(3))


def _dark_colour():
    kind = random.random()
    if kind < 0.55:
        v = random.randint(0, 50)
        return (v, v, v)
    if kind < 0.75:
        return (random.randint(0, 40), random.randint(0, 60), random.randint(80, 160))  # blue
    if kind < 0.9:
        return (random.randint(110, 180), random.randint(0, 40), random.randint(0, 40))  # red
    return (random.randint(0, 40), random.randint(60, 110), random.randint(0, 50))      # green


def render_plate():
    """Returns an RGB uint8 image of a plate (its whole area is the plate)."""
    eu = random.random() < 0.35
    if eu:
        W = random.randint(420, 520)
        H = int(W / random.uniform(3.8, 5.0))
    else:
        W = random.randint(240, 320)
        H = int(W / random.uniform(1.75, 2.25))
    bg = _light_colour()
    if random.random() < 0.12:  # dark plate, light text
        fg = tuple(random.randint(200, 255) for _ in range(3))
        bg = tuple(random.randint(0, 60) for _ in range(3))
    else:
        fg = _dark_colour()
    im = Image.new("RGB", (W, H), bg)
    d = ImageDraw.Draw(im)
    if random.random() < 0.4:  # vertical gradient / picture-ish background
        top = np.array(_light_colour(), np.float32)
        arr = np.array(im, np.float32)
        t = np.linspace(0, 1, H)[:, None, None] * random.uniform(0.3, 1.0)
        arr = arr * (1 - t) + top * t
        im = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
        d = ImageDraw.Draw(im)
    x0 = 0
    if eu and random.random() < 0.8:  # blue band on the left
        bw = int(W * random.uniform(0.07, 0.1))
        d.rectangle([0, 0, bw, H], fill=(random.randint(0, 40), random.randint(30, 80), random.randint(140, 200)))
        d.text((bw * 0.2, H * 0.6), random.choice("DFIPNLBE"), fill=(255, 255, 255),
               font=font(random.choice(fonts()), max(8, int(H * 0.3))))
        x0 = bw
    if random.random() < 0.7:  # border
        t = random.randint(2, max(3, H // 14))
        d.rectangle([t // 2, t // 2, W - 1 - t // 2, H - 1 - t // 2], outline=fg if random.random() < 0.6 else _dark_colour(), width=t)
    # top / bottom small text
    small_h = 0
    if not eu and random.random() < 0.75:
        f = font(random.choice(fonts()), max(8, int(H * random.uniform(0.12, 0.2))))
        txt = random.choice(WORDS)
        tw = d.textlength(txt, font=f)
        d.text(((W - tw) / 2, H * random.uniform(0.03, 0.08)), txt, fill=_dark_colour(), font=f)
        small_h = H * 0.2
    if not eu and random.random() < 0.5:
        f = font(random.choice(fonts()), max(8, int(H * random.uniform(0.08, 0.14))))
        txt = random.choice(WORDS)
        tw = d.textlength(txt, font=f)
        d.text(((W - tw) / 2, H * 0.83), txt, fill=_dark_colour(), font=f)
    # main characters, fitted to the free area
    txt = rand_text(5, 8)
    fp = bold_font()
    target_h = H * (random.uniform(0.5, 0.62) if not eu else random.uniform(0.62, 0.75))
    f = font(fp, max(10, int(target_h)))
    box = d.textbbox((0, 0), txt, font=f)
    tw, th = box[2] - box[0], box[3] - box[1]
    avail = (W - x0) * random.uniform(0.78, 0.92)
    if tw > avail:
        f = font(fp, max(10, int(target_h * avail / tw)))
        box = d.textbbox((0, 0), txt, font=f)
        tw, th = box[2] - box[0], box[3] - box[1]
    tx = x0 + (W - x0 - tw) / 2 - box[0]
    ty = small_h + (H - small_h - th) / 2 - box[1] if not eu else (H - th) / 2 - box[1]
    ty = min(ty, H - th - box[1] - 2)
    if random.random() < 0.3:  # stretch characters vertically (plate fonts are tall)
        layer = Image.new("L", (W, H), 0)
        ImageDraw.Draw(layer).text((tx, ty), txt, fill=255, font=f)
        a = np.array(layer)
        ys, xs = np.nonzero(a)
        if len(ys):
            y0, y1 = ys.min(), ys.max() + 1
            sh = min(H - 2, int((y1 - y0) * random.uniform(1.1, 1.35)))
            piece = cv2.resize(a[y0:y1], (W, sh))
            a2 = np.zeros_like(a)
            oy = max(0, min(H - sh, (y0 + y1) // 2 - sh // 2))
            a2[oy:oy + sh] = piece
            arr = np.array(im, np.float32)
            al = (a2.astype(np.float32) / 255.0)[..., None]
            arr = arr * (1 - al) + np.array(fg, np.float32) * al
            im = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    else:
        d.text((tx, ty), txt, fill=fg, font=f)
    if random.random() < 0.3:  # bolt holes
        d = ImageDraw.Draw(im)
        r = max(2, H // 25)
        for cx in (W * 0.2, W * 0.8):
            for cy in ([H * 0.12] if random.random() < 0.5 else [H * 0.12, H * 0.88]):
                d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(60, 60, 60))
    return np.array(im)


def render_text_patch():
    """Text that is not a plate (dealer frames, signs, stickers): RGBA, alpha is the
    glyph mask, so only the letters are pasted."""
    n = random.randint(4, 14)
    chars = ALNUM + "abcdefghijklmnopqrstuvwxyz     "
    txt = "".join(random.choice(chars) for _ in range(n)).strip() or "SALE"
    if random.random() < 0.5:
        txt = random.choice(WORDS).upper() if random.random() < 0.5 else random.choice(WORDS)
    f = font(random.choice(fonts()), random.randint(24, 60))
    tmp = Image.new("L", (10, 10))
    b = ImageDraw.Draw(tmp).textbbox((0, 0), txt, font=f)
    W, H = b[2] - b[0] + 8, b[3] - b[1] + 8
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).text((4 - b[0], 4 - b[1]), txt, fill=255, font=f)
    col = _dark_colour() if random.random() < 0.6 else _light_colour()
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., :3] = col
    rgba[..., 3] = np.array(mask)
    return rgba
