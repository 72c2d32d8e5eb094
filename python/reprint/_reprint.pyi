"""Type stubs of the compiled module `reprint._reprint` (re-exported by `reprint`)."""

import os
from typing import Any, Iterable, Literal, Mapping, TypedDict, final

__all__ = [
    "IndexStoreError",
    "InputError",
    "ReprintError",
    "SettingError",
    "SCAN_SETTINGS",
    "__version__",
    "scan",
    "compare",
    "Report",
    "Sketcher",
    "Index",
    "ScanPlan",
]

__version__: str
SCAN_SETTINGS: list[str]
"""Every keyword setting of `scan` and `Index.create`: the CLI's `scan` options without dashes."""

_Article = Mapping[str, Any] | tuple[str | int, str]
"""A dict read as a JSON Lines record (`id` and `text` fields by default), or an `(id, text)` tuple."""

class ReprintError(Exception):
    """Every error reprint raises (its subclasses say which kind)."""

class SettingError(ReprintError):
    """A setting out of its range, or settings that do not go together."""

class InputError(ReprintError):
    """An article that cannot be read: a bad record, a duplicate id, a missing text field."""

class IndexStoreError(ReprintError):
    """An index that cannot be used: not an index, written by another process, read-only, failing files."""

def scan(
    docs: Iterable[_Article],
    *,
    threshold: float = ...,
    shingle_size: int = ...,
    char_ngrams: int | None = ...,
    min_passage_words: int = ...,
    max_gap_words: int = ...,
    seed: int = ...,
    num_perm: int = ...,
    bands: int | None = ...,
    rows: int | None = ...,
    keep: Literal["first", "longest"] = ...,
    no_overlap: bool = ...,
    max_df: int = ...,
    ignore_phrases: str | os.PathLike[str] | list[str] | None = ...,
    no_story: bool = ...,
    story_threshold: float = ...,
    min_passage_specifics: float = ...,
    story_window_days: int = ...,
    story_cluster_threshold: float = ...,
    story_threshold_outside_window: float = ...,
    idf: str | os.PathLike[str] | None = ...,
    id_field: str = ...,
    text_field: str = ...,
    skip_bad_lines: bool = ...,
    time_field: str | None = ...,
    no_time: bool = ...,
    threads: int = ...,
    memory_limit: int | str = ...,
) -> Report:
    """Scans articles as `reprint scan` does: near-duplicates, clusters, reused passages, rewrites."""

def compare(
    a: str | tuple[str, str],
    b: str | tuple[str, str],
    *,
    shingle_size: int = ...,
    char_ngrams: int | None = ...,
    min_passage_words: int = ...,
    max_gap_words: int = ...,
    seed: int = ...,
    no_story: bool = ...,
    story_threshold: float = ...,
    min_passage_specifics: float = ...,
    story_window_days: int = ...,
    story_cluster_threshold: float = ...,
    story_threshold_outside_window: float = ...,
    idf: str | os.PathLike[str] | None = ...,
    threads: int = ...,
    memory_limit: int | str = ...,
) -> dict[str, Any]:
    """Compares two articles whatever their similarity, as `reprint compare` does."""

@final
class Report:
    """The report of a scan or an index check; sections as plain Python values."""

    @property
    def pairs(self) -> list[dict[str, Any]]: ...
    @property
    def clusters(self) -> list[dict[str, Any]]: ...
    @property
    def story_clusters(self) -> list[dict[str, Any]]: ...
    @property
    def near_misses(self) -> list[dict[str, Any]]: ...
    @property
    def counts(self) -> dict[str, int]: ...
    @property
    def skipped(self) -> list[dict[str, Any]]: ...
    @property
    def suppressed(self) -> dict[str, Any]: ...
    @property
    def parameters(self) -> dict[str, Any]: ...
    @property
    def run(self) -> dict[str, Any]: ...
    @property
    def kept(self) -> list[str]:
        """The ids a deduplication keeps, in input order."""
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self) -> str:
        """The JSON report, as `reprint scan --json` writes it."""
    def to_jsonl(self) -> str: ...
    def to_csv(self) -> str: ...
    def to_html(self) -> str: ...

class _Sketch(TypedDict):
    signatures: bytes
    band_keys: bytes
    words: list[int]

@final
class Sketcher:
    """Sketches texts as a scan with the same settings does (the scan's settings but the corpus ones)."""

    def __new__(cls, **settings: Any) -> Sketcher: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    def sketch(self, texts: list[str]) -> _Sketch:
        """Signatures (n x num_perm uint32) and band keys (n x bands uint64), packed little-endian."""
    def sketch_articles(self, texts: list[str]) -> list[dict[str, Any] | None]:
        """Each text's whole sketch (band keys, copy key, fingerprints, templates, story terms)."""

@final
class Index:
    """The persistent index of `reprint index`."""

    def __new__(
        cls, path: str | os.PathLike[str], read_only: bool = False, threads: int = 0, memory_limit: int = 0
    ) -> Index: ...
    @staticmethod
    def create(path: str | os.PathLike[str], **settings: Any) -> Index: ...
    def add(self, docs: Iterable[_Article], skip_bad_lines: bool = False) -> dict[str, Any]: ...
    def check(self, docs: Iterable[_Article], add: bool = False, skip_bad_lines: bool = False) -> Report: ...
    def remove(self, ids: list[str]) -> dict[str, list[str]]: ...
    def evict(self, time_field: str, before: int | str) -> dict[str, Any]: ...
    def compact(self) -> None: ...
    def stats(self) -> dict[str, Any]: ...
    @property
    def settings(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...

@final
class ScanPlan:
    """A scan cut into the steps a cluster engine runs between its shuffles (see spark/reprint_spark.py).

    Keys cross as signed 64-bit integers (their bits), as Spark's LongType holds them.
    """

    MAX_BUCKET: int
    EXHAUSTIVE_DOCUMENTS: int
    MAX_NEAR_MISSES: int
    def __new__(cls, **settings: Any) -> ScanPlan: ...
    @property
    def config(self) -> dict[str, Any]: ...
    @property
    def time_fields(self) -> list[str]: ...
    def read_lines(self, path: str | os.PathLike[str], lines: list[tuple[int, str]]) -> list[dict[str, Any]]: ...
    def scan_lines(
        self, path: str | os.PathLike[str], lines: list[tuple[int, str]]
    ) -> tuple[list[tuple[int, int, str, float, str, str]], list[tuple[int, str, list[str]]], str]: ...
    def timing(self, readable: list[int], documents: int) -> tuple[int | None, bool]: ...
    @staticmethod
    def day(by_time: bool, time: int | None, lead_day: int | None) -> int | None: ...
    @staticmethod
    def is_crowded(members: int) -> bool: ...
    @staticmethod
    def bucket_pairs(members: list[int]) -> list[tuple[int, int]]: ...
    def fingerprint_role(self, df: int, days: list[int | None], by_time: bool) -> str: ...
    def overlap_pair_kept(self, shared: int, shared_boilerplate: int, words_a: int, words_b: int) -> bool: ...
    @staticmethod
    def is_template(fillings: int) -> bool: ...
    @staticmethod
    def story_term_pairs(documents: int, postings: int) -> bool: ...
    @staticmethod
    def story_partners(documents: int, document: int, terms: list[tuple[int, int, list[int]]]) -> list[int]: ...
    @staticmethod
    def is_listed_group(size: int) -> bool: ...
    @staticmethod
    def listed_pairs(
        a: int, b: int, group_a: list[int] | None = None, group_b: list[int] | None = None
    ) -> list[tuple[int, int]]: ...
    def check_pairs(
        self,
        path: str | os.PathLike[str],
        documents: list[tuple[int, int, str, int, int, int, int | None]],
        pairs: list[tuple[int, int, bool, bool, bool]],
        common_fingerprints: list[int],
        common_templates: list[int],
        document_frequencies: list[tuple[int, int]],
        corpus_documents: int,
        time_field: str | None,
    ) -> tuple[
        list[tuple[int, int, str, float, str, str]],
        list[tuple[str, str, int]],
        list[tuple[int, int, float]],
        list[tuple[int, int, float, str]],
    ]: ...
    def story_clusters_of(
        self, documents: list[tuple[int, str, int]], links: list[tuple[int, int, float]]
    ) -> list[tuple[list[int], str]]: ...
    @staticmethod
    def implied_pairs(group_size_a: int, group_size_b: int) -> int: ...
    def report_header(
        self,
        time_field: str | None,
        counts: dict[str, int],
        suppressed: dict[str, int],
        seconds: dict[str, float],
        threads: int,
    ) -> str: ...
    def cluster_of(
        self, members: list[tuple[int, str, int]], edges: list[tuple[int, int]]
    ) -> list[tuple[int, str, list[str]]]: ...
