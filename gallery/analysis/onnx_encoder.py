"""A pretrained image encoder run with onnxruntime, e.g. the image half of OpenAI's CLIP ViT-B/32.

The model must take one float32 input of shape (batch, 3, height, width), RGB, and give one vector
per image, shape (batch, length): the output named in EMBEDDING_OUTPUTS if there is one (exports
often add the transformer's hidden states beside the embedding), else the first output of rank 2. Height and width come from the model when it
fixes them, else INPUT_SIZE. Pictures are prepared as CLIP's own preprocessing does: the short side
resized to the input size (bicubic), the centre cropped square, values scaled to 0..1 and normalised
with CLIP_MEAN and CLIP_STD per channel. The output is scaled to unit length, so cosines are dot
products, as for the built-in descriptor.

`load` checks everything a deployer can get wrong before any photo is analysed: the file exists and
is readable, onnxruntime parses it, its input has the shape above, and one blank picture runs through
it to a finite vector. Whatever fails raises EncoderUnavailable with the reason in plain words.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import onnxruntime
from PIL import Image

from gallery.analysis.descriptor import FloatArray

INPUT_SIZE: Final = 224
CLIP_MEAN: Final = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD: Final = (0.26862954, 0.26130258, 0.27577711)
NAME_PREFIX: Final = "onnx"
# Names exports give the image embedding: Immich's CLIP exports, Hugging Face's CLIPVisionModelWithProjection.
EMBEDDING_OUTPUTS: Final = ("embedding", "image_embeds")


class EncoderUnavailable(Exception):
    """The configured encoder cannot be used; the message says why and which file."""


class OnnxImageEncoder:
    """Embeds pictures with an ONNX image encoder; build it with `load`."""

    def __init__(
        self,
        session: Any,
        *,
        name: str,
        input_name: str,
        output_name: str,
        size: tuple[int, int],
        length: int,
    ) -> None:
        self._session = session
        self.name = name
        self.length = length
        self._input_name = input_name
        self._output_name = output_name
        self._size = size

    @classmethod
    def load(cls, path: Path) -> OnnxImageEncoder:
        if not path.is_file():
            raise EncoderUnavailable(f"the image encoder's weights file {path} does not exist")
        try:
            session = onnxruntime.InferenceSession(
                str(path), _one_thread(), providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own Fail/InvalidProtobuf/... types
            raise EncoderUnavailable(f"{path} is not a usable ONNX model: {error}") from error
        input_name, size = _image_input(session, path)
        output_name = _embedding_output(session, path)
        encoder = cls(
            session,
            name=encoder_name(path),
            input_name=input_name,
            output_name=output_name,
            size=size,
            length=0,
        )
        try:
            blank = encoder.run(Image.new("RGB", size, (128, 128, 128)))
        except Exception as error:
            raise EncoderUnavailable(f"{path} fails on a test picture: {error}") from error
        if blank.ndim != 1 or not len(blank) or not np.isfinite(blank).all():
            raise EncoderUnavailable(
                f"{path} gives no usable vector for a test picture (shape {blank.shape})"
            )
        encoder.length = len(blank)
        return encoder

    def embed(self, picture: Image.Image) -> FloatArray:
        vector = self.run(picture)
        norm = float(np.linalg.norm(vector))
        return (vector / norm if norm > 0 else vector).astype(np.float32)

    def run(self, picture: Image.Image) -> FloatArray:
        """The model's raw embedding of one picture, as a flat float32 vector."""
        outputs = self._session.run([self._output_name], {self._input_name: model_input(picture, self._size)})
        return np.asarray(outputs[0], dtype=np.float32)[0]


def model_input(picture: Image.Image, size: tuple[int, int]) -> npt.NDArray[np.float32]:
    """(1, 3, height, width) float32, as CLIP's preprocessing makes it."""
    width, height = size
    rgb = picture.convert("RGB")
    scale = max(width / rgb.width, height / rgb.height)
    resized = rgb.resize(
        (max(width, round(rgb.width * scale)), max(height, round(rgb.height * scale))),
        Image.Resampling.BICUBIC,
    )
    left, top = (resized.width - width) // 2, (resized.height - height) // 2
    cropped = resized.crop((left, top, left + width, top + height))
    values = np.asarray(cropped, dtype=np.float32) / 255.0
    normalised = (values - np.asarray(CLIP_MEAN, dtype=np.float32)) / np.asarray(CLIP_STD, dtype=np.float32)
    return np.ascontiguousarray(normalised.transpose(2, 0, 1)[np.newaxis])


def encoder_name(path: Path) -> str:
    """What vectors from this file are stored under: its name and the start of its SHA-256, so new
    weights under the same file name are recognised as a switch."""
    digest = hashlib.sha256()
    with path.open("rb") as weights:
        for chunk in iter(lambda: weights.read(1 << 20), b""):
            digest.update(chunk)
    return f"{NAME_PREFIX}:{path.stem[:40]}:{digest.hexdigest()[:16]}"


def _image_input(session: Any, path: Path) -> tuple[str, tuple[int, int]]:
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise EncoderUnavailable(f"{path} takes {len(inputs)} inputs; an image encoder takes one image batch")
    shape = list(inputs[0].shape)
    if len(shape) != 4 or shape[1] not in (3, "3"):
        raise EncoderUnavailable(
            f"{path} takes input of shape {shape}; an image encoder takes (batch, 3, height, width)"
        )
    height = shape[2] if isinstance(shape[2], int) else INPUT_SIZE
    width = shape[3] if isinstance(shape[3], int) else INPUT_SIZE
    return str(inputs[0].name), (width, height)


def _embedding_output(session: Any, path: Path) -> str:
    outputs = session.get_outputs()
    named = [output for output in outputs if output.name in EMBEDDING_OUTPUTS]
    flat = [output for output in outputs if len(output.shape) == 2]
    if not named and not flat:
        shapes = ", ".join(f"{output.name} {list(output.shape)}" for output in outputs)
        raise EncoderUnavailable(f"{path} gives no (batch, length) embedding; its outputs are {shapes}")
    return str((named or flat)[0].name)


def _one_thread() -> Any:
    # One analysis runs per worker process, and the machine's cores are shared out as processes.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return options
