"""The files the peer comparison feeds to every tool: one generated corpus written as
plain articles (JSONL), as a Label Studio tasks file and as doccano JSONL, the first
``annotated`` articles carrying ``per_doc`` spans each.

    python benchmarks/peer_files.py FOLDER [DOCUMENTS] [ANNOTATED] [PER_DOC]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import planted_path, read_spans  # noqa: E402


def write_peer_files(folder: Path, documents: int = 20_000, annotated: int = 2_000,
                     per_doc: int = 20) -> dict[str, Path]:
    """Write articles.jsonl, labelstudio.json and doccano.jsonl into ``folder``, and
    annotated.json, the places (from 0) of the articles with spans; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    articles, spans_path = folder / "articles.jsonl", folder / "spans.jsonl"
    # The corpus is made by a process of its own, as the main benchmark makes it.
    subprocess.run([sys.executable, str(HERE / "corpus.py"), str(articles), str(documents), str(spans_path),
                    str(per_doc)], check=True)
    tasks, doccano_lines, positions = [], [], []
    with articles.open("rb") as source:
        for number, (line, (uid, spans)) in enumerate(zip(source, read_spans(spans_path), strict=True)):
            record = orjson.loads(line)
            assert record["id"] == uid, (record["id"], uid)  # the two files are written in the same order
            # The first ``annotated`` articles that have spans (a planted near-copy has none).
            layer = spans[:per_doc] if len(positions) < annotated else []
            if layer:
                positions.append(number)
            meta = {"uid": record["id"], "source": record["source"]}
            tasks.append({"data": {"text": record["text"], "meta": meta}, "annotations": [{"result": [
                {"id": f"r{number}-{index}", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": start, "end": end, "text": record["text"][start:end], "labels": [label]}}
                for index, (start, end, label, _value) in enumerate(layer)]}] if layer else []})
            doccano_lines.append(orjson.dumps({"text": record["text"], "uid": record["id"],
                                               "source": record["source"],
                                               "label": [[start, end, label] for start, end, label, _ in layer]}))
    (folder / "labelstudio.json").write_bytes(orjson.dumps(tasks))
    (folder / "annotated.json").write_bytes(orjson.dumps(positions))  # their places in every file
    (folder / "doccano.jsonl").write_bytes(b"\n".join(doccano_lines) + b"\n")
    spans_path.unlink()
    planted_path(spans_path).unlink()
    return {"articles": articles, "labelstudio": folder / "labelstudio.json", "doccano": folder / "doccano.jsonl",
            "annotated": folder / "annotated.json"}


def spans(folder: Path) -> int:
    """How many spans the doccano file (and so the Label Studio file) holds."""
    with (folder / "doccano.jsonl").open("rb") as source:
        return sum(len(orjson.loads(line)["label"]) for line in source if line.strip())


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[2:]]
    written = write_peer_files(Path(sys.argv[1]), *arguments)
    print(", ".join(f"{name}: {path}" for name, path in written.items()), f"({spans(Path(sys.argv[1])):,} spans)")
