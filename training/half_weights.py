"""Stores an ONNX model's weights in float16 to halve its file, computing as before.

Each float32 weight tensor of at least --min-elements values is replaced by its
float16 copy and a Cast node back to float32 under the original name, so the
graph the runtime sees is the same float32 graph with the weights rounded to
float16 (ONNX Runtime folds the casts once, at load). Small tensors (biases,
batch-norm statistics) stay float32. The result passes onnx's checker; its
reading accuracy is measured with `lpr eval` (see models/plate-ocr.md).

    /usr/bin/python3 training/half_weights.py models/plate-ocr-2.onnx --out /tmp/plate-ocr-2.onnx

Needs numpy and onnx (Debian: python3-onnx).
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def halve(model: onnx.ModelProto, min_elements: int) -> tuple[onnx.ModelProto, int]:
    graph = model.graph
    input_names = {i.name for i in graph.input}
    kept, casts, halved = [], [], 0
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT or int(np.prod(init.dims)) < min_elements or init.name in input_names:
            kept.append(init)
            continue
        weights = numpy_helper.to_array(init)
        half = weights.astype(np.float16)
        if not np.all(np.isfinite(half)):
            raise SystemExit(f"{init.name}: a weight is out of float16's range; this model cannot be halved")
        stored = numpy_helper.from_array(half, name=f"{init.name}__f16")
        kept.append(stored)
        casts.append(helper.make_node("Cast", [stored.name], [init.name], to=TensorProto.FLOAT, name=f"{init.name}__to_f32"))
        halved += 1
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    return model, halved


def widen(model: onnx.ModelProto) -> onnx.ModelProto:
    """The inverse of halve(): float16 weights back to float32 initializers under their Cast's
    output name, the Casts removed (for readers without float16, such as OpenCV 4.6's)."""
    graph = model.graph
    halves = {i.name: i for i in graph.initializer if i.data_type == TensorProto.FLOAT16}
    casts = [n for n in graph.node if n.op_type == "Cast" and n.input[0] in halves]
    kept = [i for i in graph.initializer if i.name not in halves]
    for n in casts:
        kept.append(numpy_helper.from_array(numpy_helper.to_array(halves[n.input[0]]).astype(np.float32), name=n.output[0]))
    nodes = [n for n in graph.node if not (n.op_type == "Cast" and n.input[0] in halves)]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def opencv_net(path: str):
    """OpenCV's DNN network for an ONNX file, float16 weights widened first (OpenCV 4.6 reads none)."""
    import cv2
    model = onnx.load(path)
    if any(i.data_type == TensorProto.FLOAT16 for i in model.graph.initializer):
        return cv2.dnn.readNetFromONNX(np.frombuffer(widen(model).SerializeToString(), np.uint8))
    return cv2.dnn.readNetFromONNX(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--out", required=True)
    parser.add_argument("--min-elements", type=int, default=1024)
    args = parser.parse_args()
    model = onnx.load(args.model)
    if any(i.data_type == TensorProto.FLOAT16 for i in model.graph.initializer):
        raise SystemExit(f"{args.model} already holds float16 weights")
    halved, n = halve(onnx.load(args.model), args.min_elements)
    onnx.checker.check_model(halved)
    onnx.save(halved, args.out)
    print(f"{args.model}: {n} weight tensors stored as float16 -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
