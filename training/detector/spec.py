"""Writes models/plate-detector.json, the contract the engine mirrors.  Generated
from the constants in common.py / model.py so it always matches the exported model."""
import json
import time

from common import (IN_H, IN_W, MAX_DETECTIONS, MIN_CELLS, OUT_H, OUT_W, PAD_VALUE,
                    PROB_THRESHOLD, SCORE_THRESHOLD, SIZE_MULTIPLE, STRIDE)


def spec(metrics=None):
    d = {
        "name": "plate-detector",
        "format": "onnx, opset 13, float32",
        "task": "licence-plate localisation: probability map + four corners per plate",
        "input": {
            "name": "image",
            "shape": ["batch", 3, IN_H, IN_W],
            "dtype": "float32",
            "layout": "NCHW",
            "width": IN_W,
            "height": IN_H,
            "colour_order": "BGR (exactly as OpenCV decodes: no channel swap needed)",
            "normalisation": "value = uint8 / 255 (range 0..1); no mean, no std",
            "letterbox": {
                "scale": f"s = min({IN_W} / frame_width, {IN_H} / frame_height)",
                "resized_size": "round(frame_width * s) x round(frame_height * s)",
                "resize": "bilinear (cv2.resize INTER_LINEAR)",
                "placement": "top-left corner at (0, 0); the rest of the canvas is padding",
                # the network is fully convolutional with its deepest features at stride 32, so it
                # takes any canvas whose sides are multiples of 32; the engine uses the smaller one
                # only when input.size_multiple is set (not by default: it changed one held-out read)
                "canvas": f"{IN_W} x {IN_H}; a description may set input.size_multiple ({SIZE_MULTIPLE} fits this network) "
                          f"to let the engine use round_up(resized width, {SIZE_MULTIPLE}) x round_up(resized height, "
                          f"{SIZE_MULTIPLE}) instead (each side at most the full one): the same scale, less padding",
                "pad_value": PAD_VALUE,
                "to_frame": "frame_xy = network_xy / s",
            },
        },
        "outputs": [
            {"name": "plate_prob", "shape": ["batch", 1, OUT_H, OUT_W], "stride": STRIDE,
             "meaning": "probability (sigmoid already applied) that the cell centre lies on a plate; "
                        f"cell (col, row) covers network pixels [{STRIDE}*col, {STRIDE}*col+{STRIDE}) "
                        f"x [{STRIDE}*row, {STRIDE}*row+{STRIDE}), centre ({STRIDE}*col+{STRIDE / 2:g}, "
                        f"{STRIDE}*row+{STRIDE / 2:g})"},
            {"name": "plate_corners", "shape": ["batch", 8, OUT_H, OUT_W], "stride": STRIDE,
             "meaning": "for each cell: offsets in network pixels from the cell centre to the plate's "
                        "corners, channels [TLx, TLy, TRx, TRy, BRx, BRy, BLx, BLy] (top-left, top-right, "
                        "bottom-right, bottom-left as the plate is read); meaningful on plate cells only"},
        ],
        "postprocess": {
            "steps": [
                f"1. mask = plate_prob > {PROB_THRESHOLD}",
                "2. connected components of mask, 8-connectivity (cv2.connectedComponentsWithStats)",
                f"3. drop a component with fewer than {MIN_CELLS} cells, or whose highest plate_prob "
                f"is below {SCORE_THRESHOLD}; score = that highest plate_prob",
                f"4. corner k (k = 0..3: TL, TR, BR, BL) = sum over the component's cells of "
                f"p * (centre + offset_k) / sum of p, where p = plate_prob of the cell, "
                f"centre = ({STRIDE}*col+{STRIDE / 2:g}, {STRIDE}*row+{STRIDE / 2:g}), "
                "offset_k = (plate_corners[2k], plate_corners[2k+1]) at that cell",
                "5. corners in the frame = corners / s; axis-aligned box = min/max of the four corners; "
                "drop it when narrower or lower than 2 px",
                f"6. sort by score, keep at most {MAX_DETECTIONS}",
            ],
            "prob_threshold": PROB_THRESHOLD,
            "min_cells": MIN_CELLS,
            "score_threshold": SCORE_THRESHOLD,
            "max_detections": MAX_DETECTIONS,
            "nms": "none needed: components are disjoint; each component gives one plate",
            "rectify": "warp the four frame corners (TL, TR, BR, BL) to a rectangle with "
                       "cv2.getPerspectiveTransform for the OCR crop",
            "reference": "training/detector/common.py decode()",
        },
    }
    if metrics:
        d["held_out"] = metrics
        d["exported"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return d


def write_spec(path, metrics=None):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(spec(metrics), f, indent=2)
        f.write("\n")
    import os
    os.replace(tmp, path)
