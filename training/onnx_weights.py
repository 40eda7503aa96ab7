"""Weights of an exported ONNX network, for turning it back into its torch model
(training/distill.py for the OCR networks, training/detector/from_onnx.py for the detector)."""
import numpy as np
import torch


def onnx_params(path):
    """The ONNX graph's Conv and Gemm/MatMul weights in execution order, and its batch norms."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    # constants fed through Constant nodes (some exporters do this for folded weights), and
    # weights stored as float16 with a Cast back to float32 (training/half_weights.py)
    for n in m.graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    init[n.output[0]] = numpy_helper.to_array(a.t)
        elif n.op_type == "Cast" and n.input[0] in init:
            init[n.output[0]] = init[n.input[0]].astype(np.float32)
    convs, bns, linears = [], [], []
    for n in m.graph.node:
        if n.op_type == "Conv":
            w = init[n.input[1]]
            b = init[n.input[2]] if len(n.input) > 2 and n.input[2] else None
            convs.append((n.name, w, b))
        elif n.op_type == "BatchNormalization":
            bns.append((n.name, *(init[i] for i in n.input[1:5])))
        elif n.op_type == "Gemm":
            trans_b = next((a.i for a in n.attribute if a.name == "transB"), 0)
            w = init[n.input[1]]
            linears.append((n.name, w if trans_b else w.T, init[n.input[2]] if len(n.input) > 2 else None))
        elif n.op_type == "MatMul" and n.input[1] in init:
            linears.append((n.name, init[n.input[1]].T, None))
        elif n.op_type == "Add" and linears and linears[-1][2] is None and n.input[1] in init:
            name, w, _ = linears[-1]
            linears[-1] = (name, w, init[n.input[1]])
    return convs, bns, linears


def fold_into_batch_norm(bn, bias):
    """A batch norm whose convolution the export folded it into: it becomes the identity
    plus the folded bias (mean 0, variance 1 - eps, scale 1), so the torch model computes
    what the file does. Train such a model with its batch norms in eval mode."""
    with torch.no_grad():
        bn.weight.fill_(1.0)
        bn.bias.copy_(torch.from_numpy(np.array(bias, dtype=np.float32)))
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0 - bn.eps)
