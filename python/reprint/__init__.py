"""reprint: find near-duplicate and overlapping news articles.

Syndicated wire copy, lightly edited reprints, reused passages and rewritten
versions of one story, with exact scores and the shared passages at offsets
into the original texts. The same engine as the ``reprint`` command line:
the same settings by the same names (``--max-df`` is ``max_df=``), the same
defaults, the same reports and the same error messages.

>>> import reprint
>>> report = reprint.scan([("a", "the quick brown fox jumps over the lazy dog"),
...                        ("b", "the quick brown fox jumps over the lazy dog")])
>>> report.pairs[0]["verdict"]
'duplicate'

``scan(docs, **settings)``
    A corpus's report (:class:`Report`): pairs with verdicts, scores and
    passages, duplicate clusters, story clusters.
``compare(a, b, **settings)``
    Two articles whatever their similarity, as a dict.
``Sketcher(**settings)``
    Signatures and LSH band keys of a batch of texts, for another engine
    (Spark, a database) to join on; ``sketch_numpy`` gives NumPy arrays.
``Index``
    The persistent index: check new articles against the ones kept.

Every error is a :class:`ReprintError` (:class:`SettingError`,
:class:`InputError`, :class:`IndexStoreError`); an unknown setting or a value
of the wrong type is a :class:`TypeError`.
"""

from ._reprint import (
    SCAN_SETTINGS,
    Index,
    IndexStoreError,
    InputError,
    Report,
    ReprintError,
    ScanPlan,
    SettingError,
    Sketcher,
    __version__,
    compare,
    scan,
)

__all__ = [
    "SCAN_SETTINGS",
    "Index",
    "IndexStoreError",
    "InputError",
    "Report",
    "ReprintError",
    "ScanPlan",
    "SettingError",
    "Sketcher",
    "__version__",
    "compare",
    "scan",
    "sketch_numpy",
]


def sketch_numpy(sketcher, texts):
    """``sketcher.sketch(texts)`` as NumPy arrays (NumPy must be installed).

    Returns ``(signatures, band_keys, words)``: ``uint32`` of shape
    ``(len(texts), num_perm)``, ``uint64`` of shape ``(len(texts), bands)``
    and ``int64`` of shape ``(len(texts),)``.
    """
    import numpy as np

    sketch = sketcher.sketch(list(texts))
    n = len(sketch["words"])
    signatures = np.frombuffer(sketch["signatures"], dtype="<u4").reshape(n, sketcher.num_perm)
    band_keys = np.frombuffer(sketch["band_keys"], dtype="<u8").reshape(n, sketcher.bands)
    return signatures, band_keys, np.asarray(sketch["words"], dtype=np.int64)
