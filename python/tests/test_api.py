"""The package's own surface: inputs, settings, errors, sketches, the index, threads."""

import json
import threading
import time

import pytest

import reprint

WIRE = (
    "The central bank raised its benchmark rate by a quarter point on Tuesday, "
    "citing persistent inflation in services and a tight labour market, and "
    "signalled that further increases were possible if price pressures did not ease."
)


def test_tuples_and_dicts_give_one_report(seed_articles):
    as_tuples = reprint.scan(seed_articles).to_dict()
    as_dicts = reprint.scan({"id": i, "text": t} for i, t in seed_articles).to_dict()
    as_tuples.pop("run"), as_dicts.pop("run")
    assert as_tuples == as_dicts


def test_compare_scores_two_texts():
    same = reprint.compare(WIRE, WIRE)
    assert same["pair"]["verdict"] == "duplicate"
    assert same["pair"]["jaccard"] == 1.0
    other = reprint.compare(("x", WIRE), ("y", "A different text about the weather in the mountains."))
    assert other["pair"]["a"] == "x" and other["pair"]["jaccard"] == 0.0


def test_unknown_setting_is_a_type_error_that_names_a_close_one():
    with pytest.raises(TypeError, match='did you mean "threshold"'):
        reprint.scan([], thresold=0.5)
    with pytest.raises(TypeError, match="threshold: must be real number"):
        reprint.scan([], threshold="high")


def test_setting_errors_are_the_cli_messages_with_keyword_names(cli, seeds_dir):
    by_cli = cli("scan", seeds_dir, "--bands", "50", "--rows", "5", check=False)
    assert by_cli.returncode != 0
    with pytest.raises(reprint.SettingError) as raised:
        reprint.scan([], bands=50, rows=5)
    message = str(raised.value)
    assert message == "invalid bands: bands x rows = 50 x 5 = 250 exceeds num_perm 128"
    # The CLI names the option by its flag (and the rest by the config's paths).
    assert "invalid --bands: lsh.bands x lsh.rows = 50 x 5 = 250 exceeds sketch.num_perm 128" in by_cli.stderr
    with pytest.raises(reprint.SettingError, match="char_ngrams and shingle_size"):
        reprint.scan([], char_ngrams=5, shingle_size=3)


def test_a_bad_record_stops_the_scan_or_is_skipped_and_listed(cli, tmp_path):
    records = [{"id": "a", "text": WIRE}, {"id": "b", "body": WIRE}, {"id": "a", "text": WIRE}, 42]
    with pytest.raises(reprint.InputError) as raised:
        reprint.scan(records)
    assert str(raised.value).startswith('<documents>, line 2: no text field "text" (fields present: body; text_field')
    # The CLI's message for the same line of a file.
    lines = tmp_path / "bad.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records[:3]), encoding="utf-8")
    by_cli = cli("scan", lines, check=False)
    assert 'line 2: no text field "text" (fields present: body; --text-field' in by_cli.stderr

    report = reprint.scan(records, skip_bad_lines=True)
    reasons = [s["reason"] for s in report.skipped]
    assert len(reasons) == 3, reasons
    assert reasons[1].startswith("duplicate id (first seen at <documents>, line 1)")
    assert reasons[2] == "expected a dict or an (id, text) tuple, got int object"
    assert report.counts["documents_scanned"] == 1


def test_sketcher_signatures_give_the_reports_estimates(corpus_records):
    records = corpus_records[:300]
    sketcher = reprint.Sketcher()
    signatures, band_keys, words = reprint.sketch_numpy(sketcher, [r["text"] for r in records])
    assert signatures.shape == (300, 128) and band_keys.shape == (300, sketcher.bands)
    assert sketcher.bands * sketcher.rows <= sketcher.num_perm
    assert (words > 0).all()
    row = {r["id"]: n for n, r in enumerate(records)}
    report = reprint.scan(records, no_story=True)
    checked = 0
    for pair in report.pairs + report.near_misses:
        a, b = row[pair["a"]], row[pair["b"]]
        estimate = (signatures[a] == signatures[b]).mean()
        assert estimate == pytest.approx(pair["estimated_jaccard"], abs=1e-9), pair
        # A pair LSH proposed shares a band key.
        if "minhash" in pair.get("found_by", []):
            assert (band_keys[a] == band_keys[b]).any()
        checked += 1
    assert checked > 10
    whole = sketcher.sketch_articles([records[0]["text"], ""])
    assert whole[1] is None
    assert whole[0]["band_keys"] == [int(k) for k in band_keys[0]]


def test_index_check_lists_the_pairs_a_scan_lists(tmp_path, corpus_records):
    records = corpus_records[:600]
    old, new = records[:500], records[500:]
    index = reprint.Index.create(tmp_path / "index")
    assert index.add(old)["added"] == [r["id"] for r in old]
    assert len(index) == 500
    checked = index.check(new, add=True)
    new_ids = {r["id"] for r in new}
    scanned = reprint.scan(records)
    with_new = [p for p in scanned.pairs if p["a"] in new_ids or p["b"] in new_ids]
    assert with_new, "the corpus plants pairs across the split"
    key = lambda p: (p["a"], p["b"])
    assert sorted(checked.pairs, key=key) == sorted(with_new, key=key)
    assert index.stats()["documents"] == 600
    assert index.remove(["d-unknown", records[0]["id"]]) == {"removed": [records[0]["id"]], "unknown": ["d-unknown"]}
    del index
    with pytest.raises(reprint.IndexStoreError, match="not empty"):
        reprint.Index.create(tmp_path / "index")
    reader = reprint.Index(tmp_path / "index", read_only=True)
    assert reader.stats()["documents"] == 599


def test_the_interpreter_runs_other_threads_during_a_scan(corpus_records):
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    started = time.perf_counter()
    counter.start()
    before = ticks
    while time.perf_counter() - started < 0.5:
        reprint.scan(corpus_records)
    during = ticks - before
    seconds = time.perf_counter() - started
    done.set()
    counter.join()
    # Held for the whole scan, the interpreter would let the counter run
    # only between switches (every 5 ms at most): none while Rust works.
    assert during > seconds * 100, (during, seconds)
