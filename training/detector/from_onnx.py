"""Load the weights of an exported detector (models/plate-detector.onnx) back into PlateNet.

The export folds each batch norm into the convolution before it, so those convolutions
come back with a bias and the batch norm after them becomes the identity (mean 0,
variance 1 - eps, scale 1, shift = the folded bias). The 1x1 layers without a batch norm
(l4 ... l32, cls, reg.2) keep their names in the file. The network computes what the file
computes; train it with its batch norms frozen (train.py --freeze-bn), or the first batches'
statistics replace the identity. The graph's convolutions are matched to PlateNet's in the
order a forward pass runs them; the weights are read by training/onnx_weights.py, as the
distillation reads the OCR networks.

    /usr/bin/python3 training/detector/from_onnx.py [--onnx models/plate-detector.onnx]
        checks that the loaded network gives the file's outputs on a random image
"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from model import PlateNet  # noqa: E402
from onnx_weights import fold_into_batch_norm, onnx_params  # noqa: E402  (training/onnx_weights.py)

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def convs_in_run_order(net, height=64, width=64):
    """The network's convolutions in the order a forward pass runs them (the order of the
    Conv nodes in its exported graph), each with the batch norm that follows it or None."""
    mods = list(net.modules())
    bn_after = {id(m): mods[i + 1] if i + 1 < len(mods) and isinstance(mods[i + 1], torch.nn.BatchNorm2d) else None
                for i, m in enumerate(mods) if isinstance(m, torch.nn.Conv2d)}
    ran = []
    hooks = [m.register_forward_hook(lambda m, _i, _o: ran.append(m))
             for m in mods if isinstance(m, torch.nn.Conv2d)]
    was_training = net.training
    try:
        net.eval()
        with torch.no_grad():
            net(torch.zeros(1, 3, height, width))
    finally:
        for h in hooks:
            h.remove()
        net.train(was_training)
    return [(m, bn_after[id(m)]) for m in ran]


def load_onnx_into(net, path):
    convs, _, _ = onnx_params(path)
    own = convs_in_run_order(net)
    if len(convs) != len(own):
        raise ValueError(f"{path}: {len(convs)} convolutions in the graph, PlateNet runs {len(own)}")
    with torch.no_grad():
        for (name, w, b), (conv, bn) in zip(convs, own):
            if tuple(w.shape) != tuple(conv.weight.shape):
                raise ValueError(f"{path}: convolution {name} has weights {w.shape}, PlateNet expects {tuple(conv.weight.shape)}")
            if b is None:
                raise ValueError(f"{path}: convolution {name} has no bias (every one has: its own or a folded batch norm)")
            conv.weight.copy_(torch.from_numpy(np.array(w, dtype=np.float32)))
            if bn is not None:
                fold_into_batch_norm(bn, b)
            else:
                conv.bias.copy_(torch.from_numpy(np.array(b, dtype=np.float32)))
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
