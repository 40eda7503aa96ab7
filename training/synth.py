"""Synthetic licence plate generator and the crop augmentation shared with real data.

Everything is drawn with PIL/OpenCV from fonts installed on the system; nothing is
downloaded. The main entry points are:

  render_us_plate(rng)   -> (plate RGB uint8, text box, label, state code or None)
  render_eu_plate(rng)   -> (plate RGB uint8, text box, label, None)
  synth_sample(rng, ...)  -> (crop RGB uint8 HxW, label, state code or None)
  crop_from_scene(img, quad, rng, ...) -> augmented crop of a plate in a real image

Run `python3 training/synth.py --out /tmp/synth.png` to write a contact sheet.
"""
import argparse
import functools
import glob
import os
import string

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ALPHABET = string.digits + string.ascii_uppercase
LETTERS = string.ascii_uppercase
DIGITS = string.digits

# ---------------------------------------------------------------- fonts

FONT_DIRS = ["/usr/share/fonts/truetype", "/usr/share/fonts/opentype", "/usr/local/share/fonts"]


def _fonts(patterns):
    found = []
    for d in FONT_DIRS:
        for p in patterns:
            found += glob.glob(os.path.join(d, "**", p), recursive=True)
    return sorted(set(found))


# plate characters are bold, mostly condensed sans faces
MAIN_FONTS = _fonts(["DejaVuSansCondensed-Bold.ttf", "DejaVuSans-Bold.ttf",
                     "LiberationSansNarrow-Bold.ttf", "LiberationSans-Bold.ttf",
                     "DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf",
                     "DejaVuSansCondensed.ttf", "LiberationSansNarrow-Regular.ttf",
                     "DejaVuSerifCondensed-Bold.ttf", "LiberationSans-Regular.ttf"])
MAIN_WEIGHTS = np.array([4, 2, 4, 2, 2, 1.5, 1.5, 1.5, 0.7, 0.8][:len(MAIN_FONTS)] + [1.0] * max(0, len(MAIN_FONTS) - 10))
ALL_FONTS = _fonts(["*.ttf"])
ALL_FONTS = [f for f in ALL_FONTS if "Math" not in f] or MAIN_FONTS
if not MAIN_FONTS:
    MAIN_FONTS = ALL_FONTS
    MAIN_WEIGHTS = np.ones(len(MAIN_FONTS))
if not ALL_FONTS:
    raise SystemExit("no TrueType fonts found under " + ", ".join(FONT_DIRS))
MAIN_WEIGHTS = MAIN_WEIGHTS[:len(MAIN_FONTS)] / MAIN_WEIGHTS[:len(MAIN_FONTS)].sum()


@functools.lru_cache(maxsize=256)
def _font(path, size):
    return ImageFont.truetype(path, size)


@functools.lru_cache(maxsize=4096)
def _glyph(path, ch, size=64):
    """Ink mask of one character, full line height, cropped horizontally to the ink."""
    f = _font(path, size)
    asc, desc = f.getmetrics()
    w = int(size * 1.5) + 8
    im = Image.new("L", (w, asc + desc + 8), 0)
    ImageDraw.Draw(im).text((4, 4), ch, font=f, fill=255)
    a = np.asarray(im)
    cols = np.where(a.max(0) > 0)[0]
    if len(cols) == 0:
        return np.zeros((a.shape[0], size // 3), np.uint8)
    return a[:, cols[0]:cols[-1] + 1]


def text_mask(groups, font, gap_frac, spacing_frac, size=64):
    """Mask of groups of characters separated by gaps; returns (mask, list of gap x-ranges)."""
    parts, gaps = [], []
    sp = max(1, int(spacing_frac * size))
    x = 0
    for gi, g in enumerate(groups):
        for ci, ch in enumerate(g):
            m = _glyph(font, ch, size)
            parts.append((x, m))
            x += m.shape[1] + sp
        if gi < len(groups) - 1:
            gw = int(gap_frac * size)
            gaps.append((x - sp, x + gw))
            x += gw
    h = parts[0][1].shape[0]
    out = np.zeros((h, max(1, x - sp)), np.uint8)
    for px, m in parts:
        out[:, px:px + m.shape[1]] = np.maximum(out[:, px:px + m.shape[1]], m[:, :out.shape[1] - px])
    rows = np.where(out.max(1) > 0)[0]
    out = out[rows[0]:rows[-1] + 1]
    return out, gaps


def draw_text(img, text, font, size, xy, fill, anchor="mm", stroke=0, stroke_fill=None):
    d = ImageDraw.Draw(img)
    d.text(xy, text, font=_font(font, max(6, int(size))), fill=fill, anchor=anchor,
           stroke_width=stroke, stroke_fill=stroke_fill)


# ---------------------------------------------------------------- US designs

# code: (name, background top, background bottom, character colour, name colour, slogan)
STATES = {
    "ak": ("ALASKA", (250, 215, 60), (245, 190, 40), (25, 45, 120), (25, 45, 120), "THE LAST FRONTIER"),
    "al": ("Alabama", (240, 240, 245), (235, 235, 240), (160, 30, 40), (160, 30, 40), "STARS FELL ON"),
    "ar": ("ARKANSAS", (245, 245, 245), (200, 220, 240), (30, 40, 120), (170, 30, 40), "THE NATURAL STATE"),
    "az": ("ARIZONA", (230, 235, 240), (230, 150, 90), (120, 30, 40), (120, 30, 40), "GRAND CANYON STATE"),
    "ca": ("California", (245, 245, 245), (240, 240, 240), (25, 35, 110), (190, 30, 40), "DMV.CA.GOV"),
    "co": ("COLORADO", (245, 245, 245), (40, 120, 70), (25, 90, 50), (25, 90, 50), ""),
    "ct": ("Connecticut", (245, 245, 250), (150, 190, 225), (20, 40, 100), (20, 40, 100), "CONSTITUTION STATE"),
    "dc": ("DISTRICT OF COLUMBIA", (245, 245, 245), (240, 240, 240), (30, 50, 130), (200, 40, 40), "TAXATION WITHOUT REPRESENTATION"),
    "de": ("DELAWARE", (30, 50, 110), (25, 45, 100), (235, 195, 60), (235, 195, 60), "THE FIRST STATE"),
    "fl": ("FLORIDA", (245, 245, 245), (240, 240, 235), (20, 100, 60), (230, 120, 30), "SUNSHINE STATE"),
    "ga": ("GEORGIA", (245, 245, 245), (240, 240, 240), (20, 20, 20), (20, 20, 20), "IN GOD WE TRUST"),
    "hi": ("HAWAII", (250, 250, 250), (245, 245, 245), (20, 20, 20), (20, 20, 20), "ALOHA STATE"),
    "ia": ("IOWA", (245, 245, 245), (210, 225, 240), (25, 40, 110), (25, 40, 110), ""),
    "id": ("IDAHO", (245, 245, 245), (200, 215, 235), (150, 30, 40), (30, 50, 120), "FAMOUS POTATOES"),
    "il": ("Illinois", (245, 245, 245), (235, 235, 240), (25, 35, 110), (190, 30, 40), "LAND OF LINCOLN"),
    "in": ("INDIANA", (245, 245, 245), (230, 235, 240), (25, 35, 90), (25, 35, 90), "IN GOD WE TRUST"),
    "ks": ("KANSAS", (245, 245, 245), (180, 200, 230), (25, 40, 110), (25, 40, 110), ""),
    "ky": ("Kentucky", (245, 245, 245), (200, 215, 235), (25, 40, 110), (25, 40, 110), "UNBRIDLED SPIRIT"),
    "la": ("LOUISIANA", (245, 245, 245), (235, 235, 240), (20, 20, 60), (170, 30, 40), "SPORTSMAN'S PARADISE"),
    "ma": ("Massachusetts", (245, 245, 245), (240, 240, 240), (170, 30, 40), (25, 40, 110), "THE SPIRIT OF AMERICA"),
    "md": ("Maryland", (245, 245, 245), (240, 240, 240), (20, 20, 20), (170, 30, 40), ""),
    "me": ("MAINE", (245, 245, 245), (235, 240, 235), (25, 35, 80), (25, 35, 80), "VACATIONLAND"),
    "mi": ("Michigan", (245, 245, 245), (240, 240, 240), (25, 40, 110), (25, 40, 110), "PURE MICHIGAN"),
    "mn": ("MINNESOTA", (245, 245, 245), (180, 205, 230), (25, 40, 110), (25, 40, 110), "10,000 LAKES"),
    "mo": ("MISSOURI", (240, 245, 250), (170, 200, 220), (30, 40, 90), (30, 40, 90), "SHOW-ME STATE"),
    "ms": ("MISSISSIPPI", (180, 205, 230), (120, 160, 200), (20, 30, 60), (20, 30, 60), "IN GOD WE TRUST"),
    "mt": ("MONTANA", (245, 245, 245), (180, 200, 230), (20, 30, 60), (20, 30, 60), "TREASURE STATE"),
    "nc": ("NORTH CAROLINA", (245, 245, 245), (240, 235, 230), (25, 40, 110), (170, 30, 40), "FIRST IN FLIGHT"),
    "nd": ("NORTH DAKOTA", (245, 245, 245), (200, 215, 235), (25, 40, 110), (25, 40, 110), "LEGENDARY"),
    "ne": ("NEBRASKA", (245, 245, 245), (200, 220, 235), (20, 20, 40), (20, 20, 40), ""),
    "nh": ("NEW HAMPSHIRE", (245, 245, 245), (220, 235, 225), (30, 90, 60), (30, 90, 60), "LIVE FREE OR DIE"),
    "nj": ("NEW JERSEY", (240, 225, 160), (230, 210, 140), (20, 20, 20), (20, 20, 20), "GARDEN STATE"),
    "nm": ("NEW MEXICO", (250, 215, 60), (245, 205, 50), (180, 30, 40), (180, 30, 40), "LAND OF ENCHANTMENT"),
    "nv": ("NEVADA", (220, 235, 245), (150, 190, 225), (25, 40, 110), (25, 40, 110), "HOME MEANS NEVADA"),
    "ny": ("NEW YORK", (245, 245, 245), (240, 200, 90), (25, 40, 110), (25, 40, 110), "EMPIRE STATE"),
    "oh": ("OHIO", (245, 245, 245), (230, 230, 200), (20, 20, 20), (170, 30, 40), "BIRTHPLACE OF AVIATION"),
    "ok": ("OKLAHOMA", (245, 245, 245), (200, 220, 235), (25, 40, 90), (25, 40, 90), "NATIVE AMERICA"),
    "or": ("OREGON", (245, 245, 245), (210, 230, 215), (60, 40, 110), (60, 40, 110), ""),
    "pa": ("PENNSYLVANIA", (245, 245, 245), (240, 215, 90), (25, 40, 110), (25, 40, 110), "VISITPA.COM"),
    "ri": ("RHODE ISLAND", (245, 245, 245), (160, 200, 230), (25, 40, 110), (25, 40, 110), "OCEAN STATE"),
    "sc": ("SOUTH CAROLINA", (245, 245, 245), (230, 215, 190), (20, 30, 60), (20, 30, 60), "WHILE I BREATHE I HOPE"),
    "sd": ("SOUTH DAKOTA", (245, 245, 245), (200, 215, 230), (20, 30, 60), (20, 30, 60), "GREAT FACES GREAT PLACES"),
    "tn": ("TENNESSEE", (245, 245, 245), (190, 210, 235), (25, 40, 90), (25, 40, 90), ""),
    "tx": ("TEXAS", (245, 245, 245), (235, 235, 235), (20, 20, 20), (20, 20, 20), "THE LONE STAR STATE"),
    "ut": ("UTAH", (245, 245, 245), (220, 140, 90), (20, 20, 50), (170, 40, 40), "LIFE ELEVATED"),
    "va": ("VIRGINIA", (245, 245, 245), (240, 240, 240), (25, 35, 90), (25, 35, 90), ""),
    "vt": ("VERMONT", (30, 100, 60), (25, 90, 55), (240, 240, 240), (240, 240, 240), "GREEN MOUNTAIN STATE"),
    "wa": ("Washington", (245, 245, 245), (210, 225, 240), (25, 40, 110), (25, 40, 110), ""),
    "wi": ("WISCONSIN", (245, 245, 245), (220, 230, 240), (20, 20, 40), (20, 20, 40), "AMERICA'S DAIRYLAND"),
    "wv": ("WEST VIRGINIA", (245, 245, 245), (230, 225, 200), (25, 40, 110), (25, 40, 110), "WILD WONDERFUL"),
    "wy": ("WYOMING", (245, 245, 245), (210, 200, 170), (25, 40, 110), (25, 40, 110), ""),
}
STATE_CODES = sorted(STATES)

GENERIC_SLOGANS = ["IN GOD WE TRUST", "COUNTY", "DEALER", "APPORTIONED", "TRUCK", "TRAILER",
                   "PASSENGER", "COMMERCIAL", "VETERAN", "SCHOOL BUS", "TEMPORARY", "GOVT",
                   "EXPLORE MORE", "SEE US", "DRIVE SAFE", "STATE UNIVERSITY", "SAVE THE BAY"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

US_PATTERNS = [("LLLDDDD", 10), ("DLLLDDD", 8), ("DDDLLL", 5), ("LLDDDDD", 4), ("LLLDDD", 4),
               ("DLLDDD", 3), ("DDDDDD", 2), ("DDDDDDD", 2), ("LLDDDD", 2), ("DDLLLDD", 2),
               ("LDDLLL", 2), ("LLLDDL", 1), ("DDDLDDD", 1), ("LDDDDDD", 1), ("DDDDLL", 1),
               ("LLLLDDD", 1), ("DLDDDD", 1), ("LLDLDD", 1), ("DDDDD", 1)]
EU_PATTERNS = [("LL-DDDLL", 8), ("DLD DDDD", 3), ("LLL-DDDD", 2), ("LL-LL DDD", 2), ("L-LL DDDD", 2),
               ("LLDD LLL", 2), ("DD-LLL-D", 1), ("LL-DDD-LL", 2), ("LL DDDDD", 2), ("LLL DDDLL", 1),
               ("LL DDDDL", 1), ("LLDDDDD", 1)]
# share of synthetic crops with large characters of a neighbouring plate or sign at an edge
NEIGHBOUR_PROB = 0.1

EU_COUNTRIES = ["SK", "CZ", "D", "HR", "SLO", "PL", "A", "H", "F", "I", "NL", "B", "E", "GB", "RO", "BG"]


def _pick(rng, items):
    w = np.array([x[1] for x in items], float)
    return items[rng.choice(len(items), p=w / w.sum())][0]


def _fill_pattern(rng, pat):
    out = []
    for ch in pat:
        if ch == "L":
            out.append(LETTERS[rng.integers(26)])
        elif ch == "D":
            out.append(DIGITS[rng.integers(10)])
        else:
            out.append(ch)
    return "".join(out)


def random_us_text(rng):
    """Return groups of characters (gaps between them are drawn as space/dash/emblem)."""
    r = rng.random()
    if r < 0.55:
        s = _fill_pattern(rng, _pick(rng, US_PATTERNS))
    elif r < 0.9:  # free mix of letters and digits, common in the real data
        n = int(rng.choice([5, 6, 6, 6, 7, 7, 7, 8]))
        pd = rng.uniform(0.25, 0.6)
        s = "".join(DIGITS[rng.integers(10)] if rng.random() < pd else LETTERS[rng.integers(26)] for _ in range(n))
    else:  # vanity plates
        n = int(rng.integers(2, 8))
        s = "".join(LETTERS[rng.integers(26)] if rng.random() < 0.85 else DIGITS[rng.integers(10)] for _ in range(n))
    # split into groups
    if len(s) >= 5 and rng.random() < 0.55:
        k = int(rng.integers(2, len(s) - 1))
        # prefer letter/digit boundaries
        bounds = [i for i in range(2, len(s) - 1) if s[i].isdigit() != s[i - 1].isdigit()]
        if bounds and rng.random() < 0.7:
            k = int(rng.choice(bounds))
        return [s[:k], s[k:]]
    return [s]


def random_eu_text(rng):
    pat = _pick(rng, EU_PATTERNS)
    s = _fill_pattern(rng, pat)
    groups = [g for g in s.replace("-", " ").split(" ") if g]
    return groups, ("-" in pat)


# ---------------------------------------------------------------- drawing helpers

def _jitter_colour(rng, c, amt=25):
    return tuple(int(np.clip(v + rng.integers(-amt, amt + 1), 0, 255)) for v in c)


def _random_colour(rng, light=None):
    if light is None:
        light = rng.random() < 0.5
    if light:
        base = rng.integers(170, 256, 3)
    else:
        base = rng.integers(0, 110, 3)
    return tuple(int(v) for v in base)


def _gradient(h, w, c1, c2, rng):
    c1 = np.array(c1, np.float32)
    c2 = np.array(c2, np.float32)
    if rng.random() < 0.7:
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        t = t ** rng.uniform(0.5, 3.0)
        g = c1 * (1 - t) + c2 * t
        return np.broadcast_to(g, (h, w, 3)).copy()
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    g = c1 * (1 - t) + c2 * t
    return np.broadcast_to(g, (h, w, 3)).copy()


def _decorate_background(bg, rng):
    """Add plate art: hills, waves, sun discs, stripes, faint texture."""
    h, w = bg.shape[:2]
    img = bg
    for _ in range(int(rng.integers(0, 4))):
        kind = rng.integers(4)
        col = np.array(_random_colour(rng), np.float32)
        alpha = rng.uniform(0.1, 0.55)
        m = np.zeros((h, w), np.uint8)
        if kind == 0:  # hills / mountains along the bottom
            xs = np.linspace(0, w, int(rng.integers(3, 9)))
            ys = h * rng.uniform(0.55, 0.95, len(xs))
            pts = np.array([[0, h]] + [[x, y] for x, y in zip(xs, ys)] + [[w, h]], np.int32)
            cv2.fillPoly(m, [pts], 255)
        elif kind == 1:  # wave band
            xs = np.arange(0, w + 8, 8)
            y0 = h * rng.uniform(0.1, 0.9)
            amp = h * rng.uniform(0.02, 0.1)
            ys = y0 + amp * np.sin(xs / w * rng.uniform(3, 12) + rng.uniform(0, 6))
            th = int(h * rng.uniform(0.03, 0.15))
            pts = np.stack([xs, ys], 1).astype(np.int32)
            cv2.polylines(m, [pts], False, 255, max(1, th))
        elif kind == 2:  # disc
            cv2.circle(m, (int(rng.uniform(0, w)), int(rng.uniform(0, h))), int(h * rng.uniform(0.1, 0.5)), 255, -1)
        else:  # horizontal stripe (header/footer band)
            y0 = int(h * rng.choice([rng.uniform(0, 0.12), rng.uniform(0.8, 0.95)]))
            cv2.rectangle(m, (0, y0), (w, y0 + int(h * rng.uniform(0.04, 0.2))), 255, -1)
        a = (m.astype(np.float32) / 255.0 * alpha)[..., None]
        img = img * (1 - a) + col * a
    if rng.random() < 0.4:  # fine texture / reflective sheeting pattern
        n = rng.normal(0, rng.uniform(2, 8), (h // 4 + 1, w // 4 + 1, 1)).astype(np.float32)
        n = cv2.resize(n, (w, h))[..., None]
        img = img + n
    return img


def _composite(img, mask, colour, x, y):
    """Alpha-blend a colour through a mask onto float img at (x, y), clipped."""
    h, w = mask.shape
    H, W = img.shape[:2]
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    a = mask[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32)[..., None] / 255.0
    img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - a) + np.array(colour, np.float32) * a


def _draw_main_text(img, groups, box, colour, rng, font=None, gap_style=None):
    """Draw the registration characters into box=(x0,y0,x1,y1) (float img). Returns ink box."""
    x0, y0, x1, y1 = box
    font = font or MAIN_FONTS[rng.choice(len(MAIN_FONTS), p=MAIN_WEIGHTS)]
    gap_frac = rng.uniform(0.25, 0.7) if len(groups) > 1 else 0
    mask, gaps = text_mask(groups, font, gap_frac, rng.uniform(0.02, 0.14))
    th = y1 - y0
    tw_nat = mask.shape[1] * th / mask.shape[0]
    tw = tw_nat * rng.uniform(0.7, 1.15)
    tw = min(tw, (x1 - x0))
    th = int(round(th))
    tw = max(4, int(round(tw)))
    sx = tw / mask.shape[1]
    m = cv2.resize(mask, (tw, th), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.25:  # bolder strokes
        k = max(1, int(th * rng.uniform(0.02, 0.05)))
        m = cv2.dilate(m, np.ones((k, k), np.uint8))
    cx = (x0 + x1) / 2 + rng.uniform(-0.05, 0.05) * (x1 - x0 - tw)
    px = int(cx - tw / 2)
    py = int(y0)
    if rng.random() < 0.35:  # embossed shadow
        d = max(1, int(th * 0.03))
        _composite(img, m, tuple(int(v * 0.35) for v in colour), px + d, py + d)
    if rng.random() < 0.1:  # outline
        k = max(2, int(th * 0.05))
        _composite(img, cv2.dilate(m, np.ones((k, k), np.uint8)), _random_colour(rng), px, py)
    _composite(img, m, colour, px, py)
    # things drawn in the gap between groups
    style = gap_style if gap_style is not None else rng.integers(5)
    for gx0, gx1 in gaps:
        gx0 = px + gx0 * sx
        gx1 = px + gx1 * sx
        gcx, gw = (gx0 + gx1) / 2, (gx1 - gx0)
        cy = py + th / 2
        if style == 1:  # dash
            cv2.rectangle(img, (int(gcx - gw * 0.3), int(cy - th * 0.04)), (int(gcx + gw * 0.3), int(cy + th * 0.04)), colour, -1)
        elif style == 2:  # emblem disc / heart-ish / keystone
            r = max(2, int(min(gw * 0.45, th * 0.3)))
            cv2.circle(img, (int(gcx), int(cy)), r, _random_colour(rng), -1)
        elif style == 3:  # small shield with colours (as on Slovak/Croatian plates)
            r = max(2, int(min(gw * 0.4, th * 0.25)))
            pts = np.array([[gcx - r, cy - r * 1.2], [gcx + r, cy - r * 1.2], [gcx + r, cy + r * 0.2], [gcx, cy + r * 1.3], [gcx - r, cy + r * 0.2]], np.int32)
            cv2.fillPoly(img, [pts], (200, 30, 40))
            cv2.circle(img, (int(gcx), int(cy + r * 0.5)), max(1, r // 2), (30, 60, 160), -1)
    return (px, py, px + tw, py + th)


def _sticker(img, rng, x, y, w, h):
    col = _random_colour(rng, light=rng.random() < 0.6)
    cv2.rectangle(img, (int(x), int(y)), (int(x + w), int(y + h)), col, -1)
    tc = (255, 255, 255) if sum(col) < 380 else (0, 0, 0)
    txt = rng.choice([MONTHS[rng.integers(12)], str(rng.integers(0, 100)).zfill(2), str(rng.integers(1990, 2026)),
                      "".join(LETTERS[rng.integers(26)] for _ in range(3))])
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw_text(pil, txt, ALL_FONTS[rng.integers(len(ALL_FONTS))], h * 0.6, (x + w / 2, y + h / 2), tc)
    img[:] = np.asarray(pil, np.float32)


SMALL_WORDS = ["DP", "DV", "PH", "TR", "VET", "CO", "MC", "RV", "DEALER", "USA", "NOV", "EXP", "TRK", "DIS", "ANT"]


def _inline_mark(img, rng, box, colour):
    """Draw something in the text row that is not part of the registration: stacked small
    letters (disabled-person, veteran or vehicle-class plates), a small number (sticker,
    county code), or a symbol (wheelchair sign, state logo). box=(x0,y0,x1,y1) is its space."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if w < 4 or h < 4:
        return
    col = colour if rng.random() < 0.6 else _random_colour(rng, light=sum(colour) > 380)
    kind = int(rng.integers(4))
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    font = ALL_FONTS[rng.integers(len(ALL_FONTS))] if rng.random() < 0.5 else MAIN_FONTS[rng.integers(len(MAIN_FONTS))]
    cx = x0 + w / 2
    if kind == 0:  # two or three letters stacked vertically
        word = str(rng.choice(SMALL_WORDS[:9]))[:3]
        n = len(word)
        size = min(h / n * rng.uniform(0.8, 1.0), w * 0.95)
        for i, ch in enumerate(word):
            draw_text(pil, ch, font, size, (cx, y0 + h * (i + 0.5) / n), col)
    elif kind == 1:  # a small word or number, top, middle or bottom of the row
        word = str(rng.choice(SMALL_WORDS)) if rng.random() < 0.4 else str(rng.integers(1, 100))
        size = min(h * rng.uniform(0.28, 0.5), w * 1.6 / max(1, len(word)))
        yy = y0 + h * float(rng.choice([0.25, 0.5, 0.75]))
        draw_text(pil, word, font, size, (cx, yy), col)
    img[:] = np.asarray(pil, np.float32)
    if kind == 2:  # wheelchair-like sign: a square with a head and a seated body
        s = min(w, h) * rng.uniform(0.6, 0.95)
        sx, sy = int(cx - s / 2), int(y0 + (h - s) / 2)
        if rng.random() < 0.6:
            cv2.rectangle(img, (sx, sy), (int(sx + s), int(sy + s)), (150, 60, 20) if rng.random() < 0.5 else col, -1)
            fg = (245, 245, 245)
        else:
            fg = col
        t = max(1, int(s * 0.08))
        cv2.circle(img, (int(sx + s * 0.45), int(sy + s * 0.2)), max(1, int(s * 0.09)), fg, -1)
        pts = np.array([[sx + s * 0.45, sy + s * 0.32], [sx + s * 0.45, sy + s * 0.6], [sx + s * 0.7, sy + s * 0.6],
                        [sx + s * 0.8, sy + s * 0.85]], np.int32)
        cv2.polylines(img, [pts], False, fg, t)
        cv2.ellipse(img, (int(sx + s * 0.45), int(sy + s * 0.68)), (int(s * 0.22), int(s * 0.22)), 0, 60, 330, fg, t)
    elif kind == 3:  # a logo: curves and blobs (bird, tree, outline of a state)
        for _ in range(int(rng.integers(2, 5))):
            c = _random_colour(rng) if rng.random() < 0.5 else col
            if rng.random() < 0.5:
                pts = np.stack([rng.uniform(x0, x1, 4), rng.uniform(y0, y1, 4)], 1).astype(np.int32)
                cv2.polylines(img, [pts], False, c, max(1, int(h * rng.uniform(0.04, 0.12))))
            else:
                cv2.ellipse(img, (int(rng.uniform(x0, x1)), int(rng.uniform(y0, y1))),
                            (max(1, int(w * rng.uniform(0.1, 0.45))), max(1, int(h * rng.uniform(0.05, 0.3)))),
                            rng.uniform(0, 180), 0, 360, c, -1)


def _neighbour_text(canvas, rng, ox, oy, pw, ph):
    """Large characters of something next to the plate (another plate behind, a badge, a
    sign) at the left or right edge, so crops that run wide learn to leave them out."""
    Hc, Wc = canvas.shape[:2]
    left = rng.random() < 0.5
    bg = _random_colour(rng, light=rng.random() < 0.7)
    fg = (20, 20, 20) if sum(bg) > 380 else (235, 235, 235)
    gx0, gx1 = (0, ox) if left else (ox + pw, Wc)
    if gx1 - gx0 < 4:
        return
    y0 = int(oy + ph * rng.uniform(0.0, 0.3))
    y1 = int(oy + ph * rng.uniform(0.7, 1.0))
    canvas[y0:y1, gx0:gx1] = bg
    pil = Image.fromarray(canvas)
    size = (y1 - y0) * rng.uniform(0.5, 0.8)
    ch = ALPHABET[rng.integers(len(ALPHABET))] + ALPHABET[rng.integers(len(ALPHABET))]
    x = gx1 - size * 0.3 if left else gx0 + size * 0.3
    draw_text(pil, ch, MAIN_FONTS[rng.integers(len(MAIN_FONTS))], size, (x, (y0 + y1) / 2), fg,
              anchor="rm" if left else "lm")
    canvas[:] = np.asarray(pil)


def _bolts(img, rng, w, h, pos):
    r = max(2, int(w * rng.uniform(0.015, 0.03)))
    col = _random_colour(rng, light=rng.random() < 0.5)
    for (fx, fy) in pos:
        c = (int(fx * w + rng.uniform(-3, 3)), int(fy * h + rng.uniform(-3, 3)))
        cv2.circle(img, c, r, col, -1)
        cv2.circle(img, c, r, tuple(v * 0.5 for v in col), 1)


# ---------------------------------------------------------------- plates

def render_us_plate(rng, w=224, h=112):
    """Return (RGB uint8 plate, text box (x0,y0,x1,y1), label, state code or None)."""
    groups = random_us_text(rng)
    label = "".join(groups)
    use_state = rng.random() < 0.8
    code = STATE_CODES[rng.integers(len(STATE_CODES))] if use_state else None
    if code and rng.random() < 0.6:
        name, c1, c2, tc, nc, slogan = STATES[code]
        c1, c2, tc, nc = (_jitter_colour(rng, c, 20) for c in (c1, c2, tc, nc))
        if rng.random() < 0.3:
            slogan = GENERIC_SLOGANS[rng.integers(len(GENERIC_SLOGANS))]
    else:
        name = STATES[code][0] if code else ""
        if code and rng.random() < 0.5:
            name = name.upper() if rng.random() < 0.5 else name.title()
        slogan = GENERIC_SLOGANS[rng.integers(len(GENERIC_SLOGANS))] if rng.random() < 0.6 else ""
        dark = rng.random() < 0.15
        c1 = _random_colour(rng, light=not dark)
        c2 = _jitter_colour(rng, c1, 60) if rng.random() < 0.6 else _random_colour(rng, light=not dark)
        tc = _random_colour(rng, light=dark)
        nc = tc if rng.random() < 0.5 else _random_colour(rng, light=dark)
    img = _gradient(h, w, c1, c2, rng)
    img = _decorate_background(img, rng)
    # main characters
    th = h * rng.uniform(0.38, 0.56)
    ty = h * rng.uniform(0.24, 0.36) + rng.uniform(-0.04, 0.04) * h
    ty = min(ty, h * 0.92 - th)
    margin = w * rng.uniform(0.04, 0.1)
    mark_side = 0
    text_box = (margin, ty, w - margin, ty + th)
    if rng.random() < 0.3:  # leave room beside the characters for a mark that is not part of them
        mw = w * rng.uniform(0.07, 0.16)
        mark_side = -1 if rng.random() < 0.5 else 1
        text_box = (margin + mw * 1.1, ty, w - margin, ty + th) if mark_side < 0 else (margin, ty, w - margin - mw * 1.1, ty + th)
    tbox = _draw_main_text(img, groups, text_box, tc, rng)
    if mark_side:
        gap = (tbox[2] - tbox[0]) * rng.uniform(0.01, 0.05)
        mx0, mx1 = (max(2, tbox[0] - gap - mw), tbox[0] - gap) if mark_side < 0 else (tbox[2] + gap, min(w - 2, tbox[2] + gap + mw))
        _inline_mark(img, rng, (mx0, ty, mx1, ty + th), tc)
        # a detector's box around the characters usually takes the mark in too
        tbox = (min(tbox[0], mx0), tbox[1], max(tbox[2], mx1), tbox[3])
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    # state name on top (sometimes at bottom)
    if name:
        fnt = ALL_FONTS[rng.integers(len(ALL_FONTS))]
        size = h * rng.uniform(0.12, 0.2)
        top_space = tbox[1]
        size = min(size, max(8, top_space * 0.9))
        at_bottom = rng.random() < 0.12
        y = (tbox[3] + h) / 2 if at_bottom else top_space / 2 + rng.uniform(-0.02, 0.02) * h
        draw_text(pil, name, fnt, size, (w / 2 + rng.uniform(-0.05, 0.05) * w, y), nc)
        # keep long names inside the plate by shrinking if needed
    if slogan and rng.random() < 0.85:
        fnt = ALL_FONTS[rng.integers(len(ALL_FONTS))]
        bottom_space = h - tbox[3]
        size = min(h * rng.uniform(0.07, 0.13), max(6, bottom_space * 0.8))
        draw_text(pil, slogan, fnt, size, (w / 2, tbox[3] + bottom_space / 2), nc if rng.random() < 0.6 else tc)
    img = np.asarray(pil, np.float32).copy()
    # stickers in corners
    for _ in range(int(rng.choice([0, 1, 1, 2, 2]))):
        sw, sh = w * rng.uniform(0.1, 0.18), h * rng.uniform(0.1, 0.2)
        sx = rng.choice([rng.uniform(0.01, 0.08), rng.uniform(0.75, 0.88)]) * w
        sy = rng.choice([rng.uniform(0.02, 0.1), rng.uniform(0.75, 0.86)]) * h
        _sticker(img, rng, sx, sy, sw, sh)
    if rng.random() < 0.7:
        pos = [(0.22, 0.09), (0.78, 0.09)] + ([(0.22, 0.91), (0.78, 0.91)] if rng.random() < 0.5 else [])
        _bolts(img, rng, w, h, pos)
    # border / embossed rim
    if rng.random() < 0.6:
        t = max(1, int(w * rng.uniform(0.005, 0.025)))
        cv2.rectangle(img, (t // 2, t // 2), (w - 1 - t // 2, h - 1 - t // 2), tc if rng.random() < 0.5 else _random_colour(rng), t)
    # licence plate frame (dealer frame) covering top/bottom
    if rng.random() < 0.25:
        col = _random_colour(rng, light=False) if rng.random() < 0.8 else _random_colour(rng)
        fb = int(h * rng.uniform(0.08, 0.2))
        ft = int(h * rng.uniform(0.0, 0.08))
        fs = int(w * rng.uniform(0.0, 0.04))
        cv2.rectangle(img, (0, h - fb), (w, h), col, -1)
        if ft:
            cv2.rectangle(img, (0, 0), (w, ft), col, -1)
        if fs:
            cv2.rectangle(img, (0, 0), (fs, h), col, -1)
            cv2.rectangle(img, (w - fs, 0), (w, h), col, -1)
        if rng.random() < 0.7:
            pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
            dealer = rng.choice(["AUTO SALES", "MOTORS", "TOYOTA", "HONDA", "FORD", "CHEVROLET", "NISSAN", "SUBARU", "AUTO GROUP", "KIA"])
            draw_text(pil, str(dealer), ALL_FONTS[rng.integers(len(ALL_FONTS))], fb * 0.6, (w / 2, h - fb / 2), _random_colour(rng, light=True))
            img = np.asarray(pil, np.float32).copy()
    # dirt
    if rng.random() < 0.2:
        for _ in range(int(rng.integers(1, 6))):
            m = np.zeros((h, w), np.uint8)
            cv2.ellipse(m, (int(rng.uniform(0, w)), int(rng.uniform(0, h))), (int(rng.uniform(5, w / 4)), int(rng.uniform(3, h / 4))), rng.uniform(0, 180), 0, 360, 255, -1)
            m = cv2.GaussianBlur(m, (0, 0), 5)
            _composite(img, (m * rng.uniform(0.1, 0.4)).astype(np.uint8), (90, 75, 55), 0, 0)
    return np.clip(img, 0, 255).astype(np.uint8), tbox, label, code


def render_eu_plate(rng):
    groups, dashed = random_eu_text(rng)
    label = "".join(groups)
    h = 96
    w = int(h * rng.uniform(4.0, 4.9))
    bg = (245, 245, 245) if rng.random() < 0.8 else (245, 205, 40)
    bg = _jitter_colour(rng, bg, 12)
    img = np.empty((h, w, 3), np.float32)
    img[:] = bg
    if rng.random() < 0.3:
        img = _decorate_background(img, rng)
    x_left = w * 0.04
    if rng.random() < 0.85:  # blue EU strip with country code
        sw = int(h * rng.uniform(0.36, 0.46))
        img[:, :sw] = _jitter_colour(rng, (20, 50, 160), 20)
        cx, cy, r = sw / 2, h * 0.33, h * 0.17
        for k in range(12):
            a = k * np.pi / 6
            cv2.circle(img, (int(cx + r * np.cos(a)), int(cy + r * np.sin(a))), max(1, h // 48), (250, 210, 40), -1)
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        draw_text(pil, str(rng.choice(EU_COUNTRIES)), MAIN_FONTS[0], h * 0.28, (cx, h * 0.74), (245, 245, 245))
        img = np.asarray(pil, np.float32).copy()
        x_left = sw + w * 0.02
    th = h * rng.uniform(0.62, 0.78)
    ty = (h - th) / 2 + rng.uniform(-0.04, 0.04) * h
    tc = _jitter_colour(rng, (15, 15, 15), 15)
    style = rng.choice([1, 3, 3, 0]) if dashed else rng.choice([0, 0, 2, 3])
    tbox = _draw_main_text(img, groups, (x_left, ty, w * 0.97, ty + th), tc, rng, gap_style=style)
    # black rim
    t = max(1, int(h * rng.uniform(0.01, 0.04)))
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), (20, 20, 20), t)
    if rng.random() < 0.35:  # dealer strip under the plate
        fb = int(h * rng.uniform(0.08, 0.18))
        img = np.concatenate([img, np.full((fb, w, 3), _random_colour(rng, light=False), np.float32)], 0)
    return np.clip(img, 0, 255).astype(np.uint8), tbox, label, None


# ---------------------------------------------------------------- geometry + photometry

def _scene_background(rng, h, w):
    """Car body / bumper / road around the plate: a few smooth colour cells."""
    gh, gw = int(rng.integers(1, 6)), int(rng.integers(1, 10))
    if rng.random() < 0.6:
        base = np.array(_random_colour(rng), np.float32)
        small = base + rng.uniform(-35, 35, (gh, gw, 1))
    else:
        small = rng.uniform(0, 255, (gh, gw, 3))
    small = np.clip(small, 0, 255).astype(np.uint8)
    if small.shape[2] == 1:
        small = np.repeat(small, 3, 2)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _random_homography(rng, quad, strength, max_rot_deg):
    """Return 3x3 homography moving quad (4x2, tl,tr,br,bl) by a random perspective + rotation."""
    quad = np.asarray(quad, np.float32)
    c = quad.mean(0)
    w = np.linalg.norm(quad[1] - quad[0])
    h = np.linalg.norm(quad[3] - quad[0])
    ang = np.deg2rad(rng.uniform(-max_rot_deg, max_rot_deg))
    R = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]], np.float32)
    dst = (quad - c) @ R.T + c
    # perspective: move corners independently, plus a shear-like yaw/pitch component
    d = rng.uniform(-strength, strength, (4, 2)).astype(np.float32) * np.array([w, h], np.float32) * 0.5
    yaw = rng.uniform(-strength, strength) * h * 0.8
    d[:, 1] += np.array([-yaw, yaw, -yaw, yaw]) * np.array([1, 1, -1, -1]) * 0.5
    dst = dst + d
    return cv2.getPerspectiveTransform(quad, dst.astype(np.float32))


def _transform(H, pts):
    pts = np.asarray(pts, np.float32).reshape(-1, 1, 2)
    return cv2.perspectiveTransform(pts, H).reshape(-1, 2)


def warp_crop(src, H, crop, out_w, out_h, rng=None, lowres=True, border=cv2.BORDER_REPLICATE):
    """Warp src by H, take the axis-aligned crop (x0,y0,x1,y1) of the result, resize to out size.

    Optionally first samples at a lower resolution, as a small plate in a photo would be."""
    x0, y0, x1, y1 = crop
    cw, ch = max(1.0, x1 - x0), max(1.0, y1 - y0)
    sw, sh = out_w, out_h
    if rng is not None and lowres and rng.random() < 0.6:
        sw = int(np.clip(rng.uniform(0.25, 1.0) * out_w, 32, out_w))
        sh = int(np.clip(sw * (out_h / out_w) * rng.uniform(0.85, 1.2), 10, out_h))
    A = np.array([[sw / cw, 0, -x0 * sw / cw], [0, sh / ch, -y0 * sh / ch], [0, 0, 1]], np.float64)
    M = A @ H
    interp = cv2.INTER_AREA if (sw < cw * 0.5) else cv2.INTER_LINEAR
    if interp == cv2.INTER_AREA:
        # warpPerspective cannot area-average; pre-blur the source proportionally
        sig = 0.4 * cw / sw
        if sig > 0.7:
            src = cv2.GaussianBlur(src, (0, 0), sig)
        interp = cv2.INTER_LINEAR
    out = cv2.warpPerspective(src, M, (sw, sh), flags=interp, borderMode=border)
    if (sw, sh) != (out_w, out_h):
        out = cv2.resize(out, (out_w, out_h), interpolation=cv2.INTER_LINEAR if rng.random() < 0.7 else cv2.INTER_CUBIC)
    return out


def photometric(img, rng, strength=1.0):
    """Colour, light, blur, noise, glare and compression artefacts on an RGB uint8 crop."""
    x = img.astype(np.float32)
    h, w = x.shape[:2]
    if rng.random() < 0.8 * strength:
        gain = rng.uniform(0.85, 1.15, 3) if rng.random() < 0.7 else np.ones(3)
        x = x * gain * rng.uniform(0.6, 1.3) + rng.uniform(-30, 30)
    if rng.random() < 0.5 * strength:  # contrast
        m = x.mean()
        x = (x - m) * rng.uniform(0.5, 1.3) + m
    if rng.random() < 0.2 * strength:  # shadow across part of the plate
        t = np.linspace(0, 1, w, dtype=np.float32)
        edge = rng.uniform(0.1, 0.9)
        s = 1 - rng.uniform(0.3, 0.7) * (1 / (1 + np.exp(-(t - edge) * rng.choice([-30, 30]))))
        x = x * s[None, :, None]
    if rng.random() < 0.12 * strength:  # glare
        g = np.zeros((h, w), np.float32)
        cv2.ellipse(g, (int(rng.uniform(0, w)), int(rng.uniform(0, h))), (int(rng.uniform(8, w / 3)), int(rng.uniform(4, h * 0.7))), rng.uniform(0, 180), 0, 360, 1.0, -1)
        g = cv2.GaussianBlur(g, (0, 0), rng.uniform(3, 12))
        x = x + g[..., None] * rng.uniform(40, 140)
    if rng.random() < 0.18 * strength:  # IR / greyscale camera
        gy = x @ np.array([0.299, 0.587, 0.114], np.float32)
        if rng.random() < 0.5:
            gy = (gy - gy.mean()) * rng.uniform(1.0, 1.8) + gy.mean() + rng.uniform(0, 40)
        x = np.repeat(gy[..., None], 3, 2)
    if rng.random() < 0.1 * strength:  # low light
        x = x * rng.uniform(0.15, 0.45)
    x = np.clip(x, 0, 255)
    if rng.random() < 0.45 * strength:
        r = rng.random()
        if r < 0.6:
            x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.4, 1.6))
        else:  # motion blur
            k = int(rng.integers(3, 8))
            ker = np.zeros((k, k), np.float32)
            ang = rng.uniform(0, np.pi)
            c = (k - 1) / 2
            for t in np.linspace(-c, c, 2 * k):
                ker[int(round(c + t * np.sin(ang))), int(round(c + t * np.cos(ang)))] = 1
            x = cv2.filter2D(x, -1, ker / ker.sum())
    if rng.random() < 0.5 * strength:
        x = x + rng.normal(0, rng.uniform(2, 14), x.shape if rng.random() < 0.5 else (h, w, 1)).astype(np.float32)
    x = np.clip(x, 0, 255).astype(np.uint8)
    if rng.random() < 0.5 * strength:
        ok, enc = cv2.imencode(".jpg", x, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(15, 90))])
        if ok:
            x = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)
    return x


def choose_crop(rng, plate_pts, text_pts, tight_prob=0.5, tightness=None):
    """Axis-aligned crop a detector might return: around the characters or the whole plate."""
    tight = rng.random() < tight_prob if tightness is None else tightness
    pts = text_pts if tight else plate_pts
    choose_crop.last_tight = tight
    x0, y0 = pts.min(0)
    x1, y1 = pts.max(0)
    w, h = x1 - x0, y1 - y0
    if tight:
        l, r = rng.uniform(-0.01, 0.1, 2) * w
        t, b = rng.uniform(-0.04, 0.25, 2) * h
        if rng.random() < 0.3:  # somewhere between characters and the full plate
            t += rng.uniform(0, 0.4) * h
            b += rng.uniform(0, 0.4) * h
    else:
        l, r = rng.uniform(-0.03, 0.12, 2) * w
        t, b = rng.uniform(-0.06, 0.15, 2) * h
    return (x0 - l, y0 - t, x1 + r, y1 + b)


def render_plate(rng, eu_prob=0.15):
    if rng.random() < eu_prob:
        return render_eu_plate(rng)
    return render_us_plate(rng)


class PlatePool:
    """Keeps rendered plates and reuses each a few times under fresh geometry and photometry,
    which makes synthetic samples about twice as cheap to produce."""

    def __init__(self, rng, size=3000, reuse=3, eu_prob=0.15):
        self.size, self.reuse, self.eu_prob = size, reuse, eu_prob
        self.plates = []

    def get(self, rng):
        if len(self.plates) < self.size:
            p = render_plate(rng, self.eu_prob)
            self.plates.append(p)
            return p
        if rng.random() < 1.0 / self.reuse:
            p = render_plate(rng, self.eu_prob)
            self.plates[rng.integers(self.size)] = p
            return p
        return self.plates[rng.integers(self.size)]


TWO_LINE_TOP = [("LL", 3), ("LLL", 3), ("DD", 1), ("LLD", 1), ("DLL", 1), ("LD", 1), ("L", 1)]
TWO_LINE_BOTTOM = [("DDDD", 4), ("DDD", 2), ("DDDDD", 2), ("DDLL", 1), ("LLDD", 1), ("DDDL", 1), ("DDDLL", 1)]


def render_two_line_plate(rng):
    """A plate with two rows of characters (motorcycle, trailer and square plates): an upper row
    of 1-3 and a lower row of 3-5, read upper row first. Returns (RGB uint8 plate, label, code)."""
    w = 224
    h = int(w * rng.uniform(0.55, 0.85))
    light = rng.random() < 0.85
    c1 = _random_colour(rng, light=light)
    img = _gradient(h, w, c1, _jitter_colour(rng, c1, 40), rng)
    if rng.random() < 0.4:
        img = _decorate_background(img, rng)
    tc = _random_colour(rng, light=not light)
    top = _fill_pattern(rng, _pick(rng, TWO_LINE_TOP))
    bottom = _fill_pattern(rng, _pick(rng, TWO_LINE_BOTTOM))
    code = STATE_CODES[rng.integers(len(STATE_CODES))] if rng.random() < 0.6 else None
    head = h * (rng.uniform(0.12, 0.2) if code else rng.uniform(0.05, 0.1))  # room for the state name
    gap = h * rng.uniform(0.06, 0.12)
    row = (h * 0.95 - head - gap) / 2
    top_h = row * rng.uniform(0.8, 1.0)
    side = w * rng.uniform(0.05, 0.12)
    top_w = w * rng.uniform(0.35, 0.75)
    _draw_main_text(img, [top], ((w - top_w) / 2, head, (w + top_w) / 2, head + top_h), tc, rng, gap_style=0)
    _draw_main_text(img, [bottom], (side, head + top_h + gap, w - side, head + top_h + gap + row), tc, rng, gap_style=0)
    if code:
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        draw_text(pil, STATES[code][0].upper(), ALL_FONTS[rng.integers(len(ALL_FONTS))], head * 0.7, (w / 2, head / 2), tc)
        img = np.asarray(pil, np.float32).copy()
    if rng.random() < 0.6:
        t = max(1, int(w * rng.uniform(0.005, 0.02)))
        cv2.rectangle(img, (t // 2, t // 2), (w - 1 - t // 2, h - 1 - t // 2), tc, t)
    if rng.random() < 0.5:
        _bolts(img, rng, w, h, [(0.12, 0.08), (0.88, 0.08)])
    return np.clip(img, 0, 255).astype(np.uint8), top + bottom, code


def plate_on_background(rng, plate):
    """The plate in the middle of a background 1.5 times as wide and 1.6 times as tall as the plate.
    Returns (canvas, the plate's corners TL, TR, BR, BL in the canvas)."""
    ph, pw = plate.shape[:2]
    Hc, Wc = int(ph * 1.6), int(pw * 1.5)
    canvas = _scene_background(rng, Hc, Wc)
    ox, oy = (Wc - pw) // 2, (Hc - ph) // 2
    canvas[oy:oy + ph, ox:ox + pw] = plate
    return canvas, np.array([[ox, oy], [ox + pw, oy], [ox + pw, oy + ph], [ox, oy + ph]], np.float32)


def two_line_sample(rng, out_w=192, out_h=48):
    """A two-line plate in a scene, cut as the detector would (the whole plate), then joined into
    one row by layout.split_two_lines as the engine joins it. The state head is not trained on it
    (code None). Returns (RGB uint8 out_h x out_w, label, None)."""
    import layout
    plate, label, _ = render_two_line_plate(rng)
    canvas, quad = plate_on_background(rng, plate)
    H = _random_homography(rng, quad, strength=rng.uniform(0, 0.15), max_rot_deg=4)
    q = _transform(H, quad)
    x0, y0 = q.min(0)
    x1, y1 = q.max(0)
    w, h = x1 - x0, y1 - y0
    crop = (x0 - rng.uniform(-0.02, 0.06) * w, y0 - rng.uniform(-0.02, 0.06) * h,
            x1 + rng.uniform(-0.02, 0.06) * w, y1 + rng.uniform(-0.02, 0.06) * h)
    ch = 2 * out_h
    cw = int(round(ch * (crop[2] - crop[0]) / max(1.0, crop[3] - crop[1])))
    cut = warp_crop(canvas, H, crop, cw, ch, rng)
    joined = layout.split_two_lines(cut)
    if joined is None:  # no clear gap (blur, glare): cut at the middle, as a fallback the reader never takes
        joined = layout.join_rows(cut, ch // 2)
    out = cv2.resize(joined, (out_w, out_h), interpolation=cv2.INTER_AREA)
    return photometric(out, rng), label, None


def synth_sample(rng, out_w=192, out_h=48, eu_prob=0.15, pool=None, two_line_prob=0.0):
    """One synthetic training crop: (RGB uint8 out_h x out_w, label, state code or None).
    A share two_line_prob of them are two-line plates joined into one row (two_line_sample)."""
    if two_line_prob > 0 and rng.random() < two_line_prob:
        return two_line_sample(rng, out_w, out_h)
    plate, tbox, label, code = pool.get(rng) if pool is not None else render_plate(rng, eu_prob)
    ph, pw = plate.shape[:2]
    m = 0.45
    Hc, Wc = int(ph * (1 + 2 * m)), int(pw * (1 + 0.7 * m))
    canvas = _scene_background(rng, Hc, Wc)
    ox, oy = (Wc - pw) // 2, (Hc - ph) // 2
    canvas[oy:oy + ph, ox:ox + pw] = plate
    if rng.random() < NEIGHBOUR_PROB:
        _neighbour_text(canvas, rng, ox, oy, pw, ph)
    plate_quad = np.array([[ox, oy], [ox + pw, oy], [ox + pw, oy + ph], [ox, oy + ph]], np.float32)
    x0, y0, x1, y1 = tbox
    text_quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32) + [ox, oy]
    H = _random_homography(rng, plate_quad, strength=rng.uniform(0, 0.25), max_rot_deg=rng.choice([3, 8]))
    crop = choose_crop(rng, _transform(H, plate_quad), _transform(H, text_quad), tight_prob=0.45)
    if choose_crop.last_tight:
        code = None  # the state name is mostly cut off: train the state head towards "unknown"
    out = warp_crop(canvas, H, crop, out_w, out_h, rng)
    out = photometric(out, rng)
    return out, label, code


def crop_from_scene(img, quad, rng, out_w=192, out_h=48, quad_is_text=True, augment=True):
    """Augmented crop of a real plate. quad: 4x2 corners (tl,tr,br,bl) of the annotated box.

    quad_is_text: the box hugs the characters (us-dev); otherwise it is the whole plate."""
    quad = np.asarray(quad, np.float32)
    if not augment:
        x0, y0 = quad.min(0)
        x1, y1 = quad.max(0)
        return warp_crop(img, np.eye(3), (x0, y0, x1, y1), out_w, out_h, None, lowres=False)
    H = _random_homography(rng, quad, strength=rng.uniform(0, 0.12), max_rot_deg=5)
    q = _transform(H, quad)
    x0, y0 = q.min(0)
    x1, y1 = q.max(0)
    w, h = x1 - x0, y1 - y0
    if quad_is_text:
        l, r = rng.uniform(-0.03, 0.12, 2) * w
        t, b = rng.uniform(-0.06, 0.3, 2) * h
        if rng.random() < 0.35:  # grow towards the full plate
            t += rng.uniform(0, 0.5) * h
            b += rng.uniform(0, 0.5) * h
            l += rng.uniform(0, 0.1) * w
            r += rng.uniform(0, 0.1) * w
    else:
        l, r = rng.uniform(-0.04, 0.1, 2) * w
        t, b = rng.uniform(-0.12, 0.15, 2) * h
    crop = (x0 - l, y0 - t, x1 + r, y1 + b)
    out = warp_crop(img, H, crop, out_w, out_h, rng, lowres=rng.random() < 0.7)
    return photometric(out, rng, strength=0.8)


def main():
    ap = argparse.ArgumentParser(description="write a contact sheet of synthetic plates")
    ap.add_argument("--out", default="synth_sheet.png")
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    tiles = []
    for _ in range(args.n):
        im, label, code = synth_sample(rng)
        im = cv2.copyMakeBorder(im, 14, 0, 0, 0, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        cv2.putText(im, f"{label} {code or '-'}", (2, 11), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (200, 0, 0), 1)
        tiles.append(im)
    cols = 4
    while len(tiles) % cols:
        tiles.append(np.full_like(tiles[0], 255))
    sheet = np.vstack([np.hstack(tiles[i:i + cols]) for i in range(0, len(tiles), cols)])
    cv2.imwrite(args.out, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
