"""Write a synthetic test set of two-line plates, for measuring the reader on a layout the real
photos in ../shared do not have.

    /usr/bin/python3 training/two_line_set.py --out /tmp/two-line [--n 300] [--seed 7001]
    node bin/lpr.js eval /tmp/two-line/crops --threads 1
    node bin/lpr.js eval /tmp/two-line/scenes --threads 1

crops/: plate crops as a detector would cut them (a random perspective, up to 6% of margin,
blur, noise, light), with groundtruth.csv (file,state,plate; the state column left empty).
scenes/: each plate placed in a 1280x720 synthetic street-like frame, NAME.jpg + NAME.txt
(NAME.jpg, x, y, width, height, PLATE, tab separated) as in us-dev/.

The plates come from synth.render_two_line_plate, drawn from a random stream seeded with --seed;
the training runs draw theirs from streams seeded with the run's seed (101-106 for the shipped
networks), so the strings and styles are of the same kind but the images are not ones trained on.
"""
import argparse
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import synth  # noqa: E402


def crop_of(rng, plate):
    canvas, quad = synth.plate_on_background(rng, plate)
    H = synth._random_homography(rng, quad, strength=rng.uniform(0, 0.12), max_rot_deg=3)
    q = synth._transform(H, quad)
    x0, y0 = q.min(0)
    x1, y1 = q.max(0)
    w, h = x1 - x0, y1 - y0
    crop = (x0 - rng.uniform(0, 0.06) * w, y0 - rng.uniform(0, 0.06) * h,
            x1 + rng.uniform(0, 0.06) * w, y1 + rng.uniform(0, 0.06) * h)
    out_w = int(rng.uniform(90, 220))
    out_h = int(round(out_w * (crop[3] - crop[1]) / (crop[2] - crop[0])))
    out = synth.warp_crop(canvas, H, crop, out_w, out_h, rng, lowres=False)
    return synth.photometric(out, rng, strength=0.5)


def scene_of(rng, plate):
    Hs, Ws = 720, 1280
    frame = synth._scene_background(rng, Hs, Ws)
    # a car-coloured body behind the plate
    body = synth._random_colour(rng)
    pw = int(rng.uniform(90, 200))
    ph = int(round(pw * plate.shape[0] / plate.shape[1]))
    x = int(rng.uniform(0.15, 0.85) * Ws - pw / 2)
    y = int(rng.uniform(0.45, 0.8) * Hs - ph / 2)
    cv2.rectangle(frame, (x - pw, y - ph), (x + 2 * pw, y + 2 * ph), body, -1)
    frame[y:y + ph, x:x + pw] = cv2.resize(plate, (pw, ph), interpolation=cv2.INTER_AREA)
    frame = synth.photometric(np.clip(frame, 0, 255).astype(np.uint8), rng, strength=0.4)
    return frame, (x, y, pw, ph)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7001)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    crops_dir, scenes_dir = os.path.join(args.out, "crops"), os.path.join(args.out, "scenes")
    os.makedirs(crops_dir, exist_ok=True)
    os.makedirs(scenes_dir, exist_ok=True)
    rows = ["file,state,plate"]
    for i in range(args.n):
        plate, label, _ = synth.render_two_line_plate(rng)
        name = f"two-line-{i:04d}"
        cv2.imwrite(os.path.join(crops_dir, name + ".png"), cv2.cvtColor(crop_of(rng, plate), cv2.COLOR_RGB2BGR))
        rows.append(f"{name}.png,,{label}")
        frame, (x, y, w, h) = scene_of(rng, plate)
        cv2.imwrite(os.path.join(scenes_dir, name + ".jpg"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
        with open(os.path.join(scenes_dir, name + ".txt"), "w", encoding="utf-8") as f:
            f.write(f"{name}.jpg\t{x}\t{y}\t{w}\t{h}\t{label}\n")
    with open(os.path.join(crops_dir, "groundtruth.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {args.n} crops to {crops_dir} and {args.n} scenes to {scenes_dir}")


if __name__ == "__main__":
    main()
