"""Two-line plates: the OCR reads one row of characters, so a plate with two rows is cut between
them and the lower row is put to the right of the upper one.

This is the reference for the engine's `splitTwoLines` (src/main/engine/recognition/layout.ts);
the two must cut the same rows. Training uses it to make its two-line samples
(synth.two_line_sample), so the networks learn the joined rows they will see.
"""
import numpy as np

# a crop this wide (width / height) or wider is a one-row plate (US car plates are 2:1, European
# ones over 4:1): never cut. US motorcycle plates are 7:4, square European ones about 1.1-1.4; the
# detector, trained on one-row plates, tends to trim a tall plate towards 2:1
TWO_LINE_MAX_ASPECT = 2.0
# the gap between the rows is looked for in this band of the crop's height
CUT_BAND = (0.3, 0.7)
# columns looked at (the plate's rim and bolts at the sides are left out)
INNER_COLUMNS = (0.1, 0.9)
# the gap row's contrast must be under this share of each row band's mean contrast
GAP_CONTRAST = 0.5


def _round(x):
    """Half up, as JavaScript's Math.round (Python's round goes to even)."""
    return int(np.floor(x + 0.5))


def row_contrast(gray):
    """Standard deviation of each row of a 2-D uint8/float array over the inner columns."""
    h, w = gray.shape
    c0, c1 = _round(INNER_COLUMNS[0] * w), _round(INNER_COLUMNS[1] * w)
    return gray[:, c0:max(c0 + 1, c1)].astype(np.float64).std(1)


def find_cut(gray):
    """The row between two rows of characters, or None when the crop does not look like two rows.
    gray: H x W luminance."""
    h, w = gray.shape
    if h < 8 or w / h >= TWO_LINE_MAX_ASPECT:
        return None
    ink = row_contrast(gray)
    lo, hi = int(np.floor(CUT_BAND[0] * h)), int(np.ceil(CUT_BAND[1] * h))
    cut = lo + int(np.argmin(ink[lo:hi]))
    above, below = ink[:cut].mean(), ink[cut:].mean()
    if ink[cut] >= GAP_CONTRAST * min(above, below):
        return None
    return cut


def join_rows(crop, cut):
    """The rows above and below `cut`, each resized to half the crop's height and the crop's width,
    side by side: a 2W x H/2 crop."""
    import cv2
    h, w = crop.shape[:2]
    hh = max(1, _round(h / 2))
    top = cv2.resize(crop[:cut], (w, hh), interpolation=cv2.INTER_LINEAR)
    bottom = cv2.resize(crop[cut:], (w, hh), interpolation=cv2.INTER_LINEAR)
    return np.concatenate([top, bottom], 1)


def split_two_lines(crop_rgb):
    """The two rows of a two-line plate crop joined into one, or None when it is not one."""
    import cv2
    gray = cv2.cvtColor(crop_rgb, cv2.COLOR_RGB2GRAY)
    cut = find_cut(gray)
    return None if cut is None else join_rows(crop_rgb, cut)
