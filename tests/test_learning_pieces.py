"""The learned recommender's parts: how it cuts text into words and sentences, its
gazetteer, the calibration of its confidence, and the scores of its self-check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.analysis.learning.calibration import BINS, Calibration
from curator.analysis.learning.evaluation import CrossCheck, score
from curator.analysis.learning.features import (
    Gazetteer,
    document_context,
    shape,
    short_shape,
)
from curator.analysis.learning.recommender import Recommender, TrainingText, fit
from curator.analysis.learning.sequence_tagger import decode, encode
from curator.analysis.learning.tokens import sentences, token_span


def test_words_keep_abbreviations_numbers_and_clitics_whole():
    text = "The U.S. envoy paid $24.2 billion, 4,700 tonnes; Germany's share rose 1-0."
    words = [w for s in sentences(text) for w in s.words]
    assert "U.S." in words and "24.2" in words and "4,700" in words and "'s" in words and "Germany" in words
    for sentence in sentences(text):
        for word, (start, end) in zip(sentence.words, sentence.bounds):
            assert text[start:end] == word


def test_sentences_end_at_lines_and_full_stops_but_not_at_titles_initials_or_list_numbers():
    text = "Mr. Smith met J. Doe in Astana. They agreed.\n1. Michael Schumacher won\nThe score was .596 today"
    found = [" ".join(s.words) for s in sentences(text)]
    assert found == ["Mr . Smith met J . Doe in Astana .", "They agreed .", "1 . Michael Schumacher won",
                     "The score was . 596 today"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_cut_into_words_that_are_its_own_characters(text):
    previous = 0
    for sentence in sentences(text):
        assert len(sentence.words) >= 1
        for word, (start, end) in zip(sentence.words, sentence.bounds):
            assert start >= previous and text[start:end] == word and not word.isspace()
            previous = end


def test_a_span_covers_whole_tokens():
    (sentence,) = sentences("Kazakh-Chinese trade grew")
    assert token_span(sentence, 0, 6) == (0, 1)
    assert token_span(sentence, 2, 10) == (0, 3)  # widened to the tokens it touches
    assert token_span(sentence, 30, 40) is None


def test_tags_and_spans_both_ways_and_overlaps_left_out():
    assert encode(5, [(0, 2, "PERSON"), (1, 3, "ORG"), (4, 5, "LOC")]) == ["B-PERSON", "I-PERSON", "O", "O", "B-LOC"]
    assert decode(["B-PERSON", "I-PERSON", "I-ORG", "O", "I-LOC"]) == [(0, 2, "PERSON"), (2, 3, "ORG"),
                                                                       (4, 5, "LOC")]


def test_shapes_and_the_gazetteer_prefer_the_longest_name():
    assert shape("US$24.2") == "XX$dd.d" and short_shape("Astana") == "Xx" and shape("Қазақ") == "Xxxxx"
    gazetteer = Gazetteer.of([(("Steppe",), "LOCATION"), (("Steppe", "Minerals"), "ORG"), (("steppe",), "ORG"),
                              (("Steppe",), "LOCATION")])
    assert gazetteer.tags(["the", "Steppe", "Minerals", "and", "steppe"]) == [None, "B-ORG", "I-ORG", None,
                                                                              "B-LOCATION"]
    context = document_context(sentences("Then Mr Smith spoke. Smith left."))
    assert "smith" in context.capitals and "dl=mr" in context.around["smith"]


def test_calibration_maps_the_models_number_to_the_share_right():
    assert Calibration()(0.37) == 0.37  # nothing learned: the number as it is
    checked = [(0.45, True)] * 40 + [(0.15, False)] * 40 + [(0.95, True)] * 40
    calibration = Calibration.learn(checked)
    assert len(calibration.points) == BINS
    assert calibration(0.45) > 0.85 and calibration(0.15) < 0.05 and calibration(0.95) > 0.95
    assert 0.0 <= calibration(0.0) <= calibration(1.0) <= 1.0
    # Surer spans that were wrong more often are pooled with the less sure: never less sure for a surer span.
    pooled = Calibration.learn([*checked, *[(0.55, False)] * 10])
    assert list(pooled.points) == sorted(pooled.points)
    assert pooled(0.45) == pooled(0.55) < calibration(0.45)


def test_the_checks_scores_per_label_and_shown_at_the_thresholds():
    check = CrossCheck(3, {"ORG": 4, "PERSON": 2}, [("ORG", 0.9, True), ("ORG", 0.5, True), ("ORG", 0.8, False),
                                                     ("PERSON", 0.95, True), ("LOCATION", 0.9, False)])
    result = score(check, lambda label: 0.85 if label == "ORG" else 0.6)
    org = result.every["ORG"]
    assert (org.gold, org.found, org.right) == (4, 3, 2) and round(org.precision, 3) == 0.667 and org.recall == 0.5
    assert (result.shown["ORG"].found, result.shown["ORG"].right) == (1, 1)
    assert result.every["all"].gold == 6 and result.every["all"].found == 5 and result.every["LOCATION"].gold == 0
    assert CrossCheck.from_dict(check.as_dict()) == check


def test_a_recommender_is_the_same_after_its_blob_is_read_back():
    texts = [TrainingText(f"Minister {name} visited {place} on Monday. {name} met officials.",
                          ((9, 9 + len(name), "PERSON"), (18 + len(name), 18 + len(name) + len(place), "LOCATION")))
             for name, place in [("Bolat Ospanov", "Karatobe"), ("Dana Amanova", "Ushkonyr"),
                                 ("Timur Temirov", "Belterek")]]
    recommender = fit(texts, [t.text for t in texts])
    again = Recommender.from_bytes(recommender.to_bytes())
    text = "Minister Arman Nurpeisov visited Saryozek on Monday."
    assert again.predict(text) == recommender.predict(text)
    assert again.check == recommender.check and again.calibration == recommender.calibration


def test_the_package_names_its_public_calls_and_imports_them_on_first_use():
    import importlib
    import subprocess
    import sys

    learning = importlib.import_module("curator.analysis.learning")
    for name in learning.__all__:
        assert getattr(learning, name) is not None
    script = ("import sys, curator.analysis.learning.learning_settings; "
              "print('pycrfsuite' in sys.modules, 'numpy' in sys.modules)")
    light = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert light.stdout.split() == ["False", "False"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_the_squeezed_shape_is_the_shape_with_every_run_made_one(word):
    from itertools import groupby

    assert short_shape(word) == "".join(char for char, _run in groupby(shape(word)))


def test_a_blob_keeps_the_features_its_model_weighs_so_reading_it_does_not_dump_the_model(monkeypatch):
    import io
    import zipfile

    import orjson
    import pycrfsuite

    texts = [TrainingText("Arman Tulegenov visited Karatobe.", ((0, 15, "PERSON"), (24, 32, "LOCATION"))),
             TrainingText("Dana Amanova left Ushkonyr.", ((0, 12, "PERSON"), (18, 26, "LOCATION")))]
    recommender = fit(texts, check=False)
    blob = recommender.to_bytes()
    text = "Arman Tulegenov went to Ushkonyr."
    expected = recommender.predict(text)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:  # as written before the features were kept
        meta = orjson.loads(archive.read("recommender.json"))
        model = archive.read("model.crfsuite")
    assert set(meta.pop("attributes")) == recommender.attributes and recommender.attributes
    older = io.BytesIO()
    with zipfile.ZipFile(older, "w") as archive:
        archive.writestr("recommender.json", orjson.dumps(meta))
        archive.writestr("model.crfsuite", model)
    from_older = Recommender.from_bytes(older.getvalue())  # read from the model, as before
    assert from_older.attributes == recommender.attributes and from_older.predict(text) == expected

    class NoDump(pycrfsuite.Tagger):
        def info(self):
            raise AssertionError("the model was dumped to find its features")

    monkeypatch.setattr(pycrfsuite, "Tagger", NoDump)
    assert Recommender.from_bytes(blob).predict(text) == expected
