"""Tiny ONNX image encoders written by the tests, in the shape of a real one (CLIP's image half):
one float32 input (batch, 3, height, width), one output (batch, length)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TINY_LENGTH = 8
# The IR version onnxruntime 1.31 reads; the onnx package writes a newer one by default.
IR_VERSION = 10
OPSETS = [helper.make_opsetid("", 17)]


def tiny_encoder(
    path: Path, *, size: int | None = 32, length: int = TINY_LENGTH, seed: int = 0, hidden_first: bool = False
) -> Path:
    """Mean of each channel over 4 x 4 cells (48 numbers), then a fixed random projection to `length`.

    `size=None` leaves height and width symbolic, as many exports do; `hidden_first` lists the pooled
    cells (batch, 3, 4, 4) as a first output before the embedding, as exports with hidden states do.
    """
    side: int | str = size if size is not None else "side"
    pixels = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, side, side])
    embeds = helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", length])
    projection = np.random.default_rng(seed).normal(size=(48, length)).astype(np.float32)
    nodes = [
        helper.make_node("Resize", ["pixel_values", "", "", "cells"], ["pooled"], mode="linear"),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("MatMul", ["flat", "projection"], ["image_embeds"]),
    ]
    initialisers = [
        numpy_helper.from_array(np.array([1, 3, 4, 4], dtype=np.int64), "cells"),
        numpy_helper.from_array(projection, "projection"),
    ]
    hidden = helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", 3, 4, 4])
    outputs = [hidden, embeds] if hidden_first else [embeds]
    graph = helper.make_graph(nodes, "tiny-image-encoder", [pixels], outputs, initialisers)
    model = helper.make_model(graph, opset_imports=OPSETS, ir_version=IR_VERSION)
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path


def two_input_model(path: Path) -> Path:
    """A valid ONNX model that is no image encoder: it adds two vectors."""
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [4])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [4])
    out = helper.make_tensor_value_info("sum", TensorProto.FLOAT, [4])
    graph = helper.make_graph([helper.make_node("Add", ["a", "b"], ["sum"])], "adder", [a, b], [out])
    path.write_bytes(
        helper.make_model(graph, opset_imports=OPSETS, ir_version=IR_VERSION).SerializeToString()
    )
    return path
