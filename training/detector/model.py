"""Small fully-convolutional licence-plate detector.

The network maps a letterboxed BGR frame (N x 3 x H x W, values in [0, 1]) to two
maps at stride 4 (H/4 x W/4 cells):
  * a plate logit per cell (positive when the cell centre lies inside a plate);
  * 8 numbers per cell: the offsets from the cell centre to the plate's four corners
    (top-left, top-right, bottom-right, bottom-left; x then y), divided by CORNER_SCALE.
Post-processing (common.decode) thresholds the probability map, takes connected
components and averages the corner estimates of each component's cells.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def cbr(cin, cout, k=3, s=1, groups=1, dil=1):
    pad = dil * (k // 2)
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, s, pad, dilation=dil, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class DSBlock(nn.Module):
    """Depthwise 3x3 + pointwise 1x1, residual when shapes match."""

    def __init__(self, cin, cout, s=1, dil=1):
        super().__init__()
        self.dw = cbr(cin, cin, 3, s, groups=cin, dil=dil)
        self.pw = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.res = s == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        if self.res:
            y = y + x
        return F.relu(y)


CORNER_SCALE = 32.0


class PlateNet(nn.Module):
    def __init__(self, w=(16, 32, 64, 96, 128)):
        super().__init__()
        c1, c2, c3, c4, c5 = w
        self.stem = nn.Sequential(cbr(3, c1, 3, 2), cbr(c1, c2, 3, 2))            # /4
        self.s8 = nn.Sequential(DSBlock(c2, c3, 2), DSBlock(c3, c3))               # /8
        self.s16 = nn.Sequential(DSBlock(c3, c4, 2), DSBlock(c4, c4), DSBlock(c4, c4, dil=2))  # /16
        self.s32 = nn.Sequential(DSBlock(c4, c5, 2), DSBlock(c5, c5), DSBlock(c5, c5, dil=2))  # /32
        f = 32
        self.l4 = nn.Conv2d(c2, f, 1)
        self.l8 = nn.Conv2d(c3, f, 1)
        self.l16 = nn.Conv2d(c4, f, 1)
        self.l32 = nn.Conv2d(c5, f, 1)
        self.head = nn.Sequential(DSBlock(f, f), cbr(f, f, 1))
        self.cls = nn.Conv2d(f, 1, 1)
        self.reg = nn.Sequential(DSBlock(f, f, dil=2), cbr(f, f, 1), nn.Conv2d(f, 8, 1))
        nn.init.constant_(self.cls.bias, -4.0)

    def forward(self, x):
        x4 = self.stem(x)
        x8 = self.s8(x4)
        x16 = self.s16(x8)
        x32 = self.s32(x16)
        p = self.l32(x32)
        p = F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l16(x16)
        p = F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l8(x8)
        p = F.interpolate(p, scale_factor=2.0, mode="nearest") + self.l4(x4)
        h = self.head(p)
        return self.cls(h), self.reg(h)
