"""Load the weights of an exported detector (models/plate-detector.onnx) back into PlateNet.

The export folds each batch norm into the convolution before it, so those convolutions
come back with a bias and the batch norm after them becomes the identity (mean 0,
variance 1 - eps, scale 1, shift = the folded bias). The 1x1 layers without a batch norm
(l4 ... l32, cls, reg.2) keep their names in the file. The network computes what the file
computes; train it with its batch norms frozen (train.py --freeze-bn), or the first batches'
statistics replace the identity.

    /usr/bin/python3 training/detector/from_onnx.py [--onnx models/plate-detector.onnx]
        checks that the loaded network gives the file's outputs on a random image
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from model import PlateNet  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def conv_bn_pairs(net):
    """The (conv, batch norm) pairs in the order the forward pass runs them, which is
    the order of the folded convolutions in the exported graph."""
    pairs = []
    order = [net.stem, net.s8, net.s16, net.s32, net.head, net.reg]
    for block in order:
        mods = list(block.modules())
        for i, m in enumerate(mods):
            if isinstance(m, torch.nn.Conv2d) and i + 1 < len(mods) and isinstance(mods[i + 1], torch.nn.BatchNorm2d):
                pairs.append((m, mods[i + 1]))
    return pairs


def load_onnx_into(net, path):
    model = onnx.load(path)
    inits = {t.name: numpy_helper.to_array(t).astype(np.float32) for t in model.graph.initializer}
    # Float16 files store each weight behind a Cast; this loader reads float32 exports only.
    named = {k: v for k, v in inits.items() if k.startswith("net.")}
    own = net.state_dict()
    for key, value in named.items():
        name = key[len("net."):]
        if name not in own or tuple(own[name].shape) != value.shape:
            raise ValueError(f"{path}: {key} {value.shape} has no place in PlateNet")
        own[name].copy_(torch.from_numpy(value))
    folded = []
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        weight = node.input[1]
        if weight.startswith("net."):
            continue
        if len(node.input) < 3:
            raise ValueError(f"{path}: convolution {node.name} has no bias; expected a folded batch norm")
        folded.append((inits[weight], inits[node.input[2]]))
    pairs = conv_bn_pairs(net)
    if len(folded) != len(pairs):
        raise ValueError(f"{path}: {len(folded)} folded convolutions, PlateNet has {len(pairs)}")
    with torch.no_grad():
        for (w, b), (conv, bn) in zip(folded, pairs):
            if tuple(conv.weight.shape) != w.shape:
                raise ValueError(f"{path}: a folded convolution of shape {w.shape} meets {tuple(conv.weight.shape)}")
            conv.weight.copy_(torch.from_numpy(w))
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(b))
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
    return net


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", default=os.path.join(ROOT, "models", "plate-detector.onnx"))
    args = ap.parse_args()
    import cv2
    net = load_onnx_into(PlateNet(), args.onnx).eval()
    x = np.random.RandomState(0).rand(1, 3, 384, 640).astype(np.float32)
    with torch.no_grad():
        logits, reg = net(torch.from_numpy(x))
    dnn = cv2.dnn.readNetFromONNX(args.onnx)
    dnn.setInput(x)
    names = dnn.getUnconnectedOutLayersNames()
    outs = dict(zip(names, dnn.forward(names)))
    prob = [v for v in outs.values() if v.shape[1] == 1][0]
    corners = [v for v in outs.values() if v.shape[1] == 8][0]
    from model import CORNER_SCALE
    dp = np.abs(torch.sigmoid(logits).numpy() - prob).max()
    dc = np.abs(reg.numpy() * CORNER_SCALE - corners).max()
    print(f"max difference: probability {dp:.2e}, corners {dc:.2e} px")
    sys.exit(0 if dp < 1e-3 and dc < 1e-2 else 1)


if __name__ == "__main__":
    main()
