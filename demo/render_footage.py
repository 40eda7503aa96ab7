#!/usr/bin/python3
"""Renders the demo footage: a dash-camera view of three cars driving ahead,
each with a US-style plate, as a folder of 1280x720 JPEG frames. The frames in
demo/footage/ were made by this script; run it again to remake them:

    /usr/bin/python3 demo/render_footage.py demo/footage
"""
import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

W, H = 1280, 720
FONT_DIR = "/usr/share/fonts/truetype"
PLATE_FONT = os.path.join(FONT_DIR, "dejavu", "DejaVuSansCondensed-Bold.ttf")
STATE_FONT = os.path.join(FONT_DIR, "dejavu", "DejaVuSerif-BoldItalic.ttf")

# (plate text, state line, plate colours, car colour)
CARS = [
    ("7KDP418", "California", ((250, 250, 248), (20, 40, 120), (190, 20, 30)), (150, 30, 35)),
    ("BXR4127", "Virginia", ((245, 245, 245), (25, 35, 90), (25, 35, 90)), (40, 70, 120)),
    ("6TRJ244", "California", ((250, 250, 248), (20, 40, 120), (190, 20, 30)), (200, 200, 195)),
]
FRAMES_PER_CAR = 16


def background(rng):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        if y < 300:
            t = y / 300
            c = (int(120 + 60 * t), int(160 + 50 * t), int(210 + 30 * t))
        else:
            t = (y - 300) / (H - 300)
            c = (int(70 + 30 * t), int(72 + 30 * t), int(76 + 30 * t))
        d.line([(0, y), (W, y)], fill=c)
    # Buildings and trees on the horizon.
    x = 0
    while x < W:
        bw = rng.randint(60, 160)
        bh = rng.randint(40, 140)
        shade = rng.randint(90, 150)
        d.rectangle([x, 300 - bh, x + bw, 300], fill=(shade, shade - 10, shade - 20))
        x += bw + rng.randint(0, 30)
    # Lane markings converging to the vanishing point.
    for side in (-1, 1):
        d.line([(640 + side * 40, 300), (640 + side * 700, H)], fill=(230, 230, 220), width=6)
    return img


def plate_image(text, state, colours, width):
    bg, fg, state_col = colours
    h = int(width / 2)
    plate = Image.new("RGB", (width, h), bg)
    d = ImageDraw.Draw(plate)
    d.rounded_rectangle([1, 1, width - 2, h - 2], radius=max(2, width // 30), outline=(60, 60, 60), width=max(1, width // 90))
    sf = ImageFont.truetype(STATE_FONT, max(6, int(h * 0.2)))
    sw = d.textlength(state, font=sf)
    d.text(((width - sw) / 2, h * 0.05), state, font=sf, fill=state_col)
    size = max(8, int(h * 0.56))
    pf = ImageFont.truetype(PLATE_FONT, size)
    while d.textlength(text, font=pf) > width * 0.88 and size > 8:
        size -= 1
        pf = ImageFont.truetype(PLATE_FONT, size)
    tw = d.textlength(text, font=pf)
    d.text(((width - tw) / 2, h * 0.62 - size * 0.55), text, font=pf, fill=fg)
    return plate


def car_frame(rng, bg, car, progress):
    text, state, colours, body = car
    img = bg.copy()
    d = ImageDraw.Draw(img)
    # The car grows as the patrol car closes in; it drifts a little sideways.
    scale = 0.45 + 0.75 * progress
    cx = 640 + int(90 * math.sin(progress * 2.2))
    bottom = 420 + int(250 * progress)
    cw = int(520 * scale)
    ch = int(330 * scale)
    left, top = cx - cw // 2, bottom - ch
    d.ellipse([left - 10, bottom - 25, left + cw + 10, bottom + 20], fill=(40, 40, 42))
    d.rounded_rectangle([left, top + ch * 0.35, left + cw, bottom], radius=int(30 * scale), fill=body)
    d.polygon([(left + cw * 0.12, top + ch * 0.36), (left + cw * 0.24, top), (left + cw * 0.76, top), (left + cw * 0.88, top + ch * 0.36)], fill=tuple(max(0, c - 40) for c in body))
    d.polygon([(left + cw * 0.2, top + ch * 0.33), (left + cw * 0.29, top + ch * 0.06), (left + cw * 0.71, top + ch * 0.06), (left + cw * 0.8, top + ch * 0.33)], fill=(60, 80, 100))
    for lx in (left + cw * 0.04, left + cw * 0.78):
        d.rounded_rectangle([lx, top + ch * 0.45, lx + cw * 0.18, top + ch * 0.58], radius=6, fill=(200, 30, 30))
    d.rectangle([left + cw * 0.02, bottom - ch * 0.12, left + cw * 0.98, bottom - ch * 0.04], fill=(30, 30, 30))
    pw = int(150 * scale)
    plate = plate_image(text, state, colours, pw)
    angle = rng.uniform(-2.5, 2.5)
    plate = plate.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=body)
    img.paste(plate, (cx - plate.width // 2, int(top + ch * 0.62)))
    blur = 0.4 + (1 - progress) * 0.6
    return img.filter(ImageFilter.GaussianBlur(blur))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "footage")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(504)
    bg = background(rng)
    n = 0
    for car in CARS:
        for i in range(FRAMES_PER_CAR):
            frame = car_frame(rng, bg, car, i / (FRAMES_PER_CAR - 1))
            frame.save(os.path.join(out, f"frame{n:04d}.jpg"), quality=82)
            n += 1
        for _ in range(3):  # a moment of empty road between cars
            bg.save(os.path.join(out, f"frame{n:04d}.jpg"), quality=82)
            n += 1
    print(f"wrote {n} frames to {out}")


if __name__ == "__main__":
    main()
