#!/usr/bin/env python3
"""reprint on Apache Spark: scan a JSON Lines corpus larger than one machine
and write exactly the pairs and duplicate clusters `reprint scan` gives for
it on one machine.

    spark-submit spark/reprint_spark.py INPUT.jsonl OUTPUT_DIR [--threshold 0.8 ...]
    spark-submit spark/reprint_spark.py INPUT.parquet OUTPUT_DIR [...]

Settings are `reprint scan`'s options (`--threshold`, `--no-story`,
`--max-df`, ...), with its defaults. Every executor needs the `reprint`
Python package (`python/build.sh`, or a wheel installed into the
environment PYSPARK_PYTHON names).

The stages (each a shuffle; the decisions are the library's, through
`reprint.ScanPlan`, so they are the scan's own rules):

 1. read: the file's lines in order (`zipWithIndex` gives each its line
    number), read and sketched per partition; duplicate ids grouped by id;
    documents numbered by their line (the scan's input order);
 2. time field: how many documents have a readable time in each usual field
    (nine numbers to the driver) decides it, as a scan does;
 3. copies: documents grouped by their signature's key;
 4. band join: LSH band keys exploded and grouped by key;
 5. overlap: winnowed fingerprints grouped (each one's role: pairs,
    common, recurring), shared counts per pair, boilerplate shared;
    templates grouped by skeleton;
 6. story: document frequencies of content terms, and distinctive terms
    grouped into story candidates;
 7. verify: candidates (with the pairs listed copies stand for) grouped into
    buckets with their documents' records and facts; each bucket's pairs
    verified, aligned and graded by the library;
 8. components: duplicate clusters by large-star/small-star connected
    components over the pairs at or above the threshold, each component's
    cluster made by the library;
 9. story clusters: each scored pair's story link (from the verify
    buckets) between accounts (a duplicate cluster counts as one), the
    strongest of each two, their connected components, and each
    component's story clusters made by the library.

Nothing but counts and the ten near misses goes to the driver. A corpus of
at most 100 documents is scanned whole in one task, as a scan compares every
pair of such a corpus.

Output, in OUTPUT_DIR (which must not exist): `pairs/` (JSON Lines, one pair a
line in the report's order: what `reprint scan --jsonl` writes), `pairs.parquet`
(ids, verdict, Jaccard, order key and the pair's JSON), `clusters/` (JSON
Lines: size, representative, members; largest first), `clusters.parquet`,
`story_clusters/` (JSON Lines: size, members, weakest link, linked share;
largest first), `skipped/` (JSON Lines: records not scanned, with why),
`report.json` (the rest of the report: settings, counts, near misses, stage
seconds; with the four folders it is the report `reprint report OUTPUT_DIR
CORPUS --html page.html` writes again, the CLI's but for the run's timings)
and `summary.json` (counts, the settings, and each stage's seconds).
"""

import argparse
import json
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.window import Window
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
)
from pyspark.storagelevel import StorageLevel

import reprint
from reprint import ScanPlan

# Candidate pairs whose documents are prepared together in one task (what a
# scan's batch holds, about).
PAIRS_PER_BUCKET = 2000


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "input",
        help="a JSON Lines file (one {\"id\": .., \"text\": ..} object a line), or Parquet (a name "
        "ending in .parquet; columns id, text and any others, read in the file's row order)",
    )
    parser.add_argument("output", help="a folder that does not exist yet")
    parser.add_argument(
        "--checkpoint-dir",
        metavar="DIR",
        help="where stages keep their results (a folder on reliable storage, such as HDFS or S3, "
        "that survives a lost executor); default: on the executors (lost with one)",
    )
    flags = {"no_story", "no_overlap", "skip_bad_lines", "no_time"}
    for name in reprint.SCAN_SETTINGS:
        if name in ("threads", "memory_limit"):
            continue  # an executor's own
        option = "--" + name.replace("_", "-")
        if name in flags:
            parser.add_argument(option, action="store_true", default=None)
        else:
            parser.add_argument(option, metavar="VALUE")
    args = parser.parse_args(argv)
    settings = {}
    for name in reprint.SCAN_SETTINGS:
        value = getattr(args, name, None)
        if value is None:
            continue
        # Numbers as numbers; names (fields, keep, files) as given.
        names = ("id_field", "text_field", "time_field", "keep", "ignore_phrases", "idf")
        if name not in flags and name not in names:
            try:
                value = json.loads(value)
            except ValueError:
                pass  # the setting's own check says what is wrong
        settings[name] = value
    return args, settings


class Stages:
    """Seconds per stage, each measured by the action that ends it."""

    def __init__(self):
        self.seconds = {}
        self.started = time.perf_counter()

    def done(self, name):
        now = time.perf_counter()
        self.seconds[name] = round(now - self.started, 3)
        self.started = now


def main(argv):
    args, settings = parse_arguments(argv)
    # Cached blocks compressed (lz4) as shuffles are: at 1,000,000 documents
    # the texts and keys cached uncompressed filled 25 GB of an executor's disk.
    # The context's garbage collected each minute: a shuffle's files go when
    # no live plan refers to it (see `keep`), found at a collection; so do
    # checkpoint files in a --checkpoint-dir.
    spark = (
        SparkSession.builder.appName("reprint")
        .config("spark.rdd.compress", "true")
        .config("spark.cleaner.periodicGC.interval", "1min")
        .config("spark.cleaner.referenceTracking.cleanCheckpoints", "true")
        .getOrCreate()
    )
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    # Rows carry hundreds of keys each: cached batches of 1,000 rows (not
    # 10,000) keep an executor's reads of them small.
    spark.conf.set("spark.sql.inMemoryColumnarStorage.batchSize", 1000)
    plan = ScanPlan(**settings)  # checks the settings before any work
    settings_b = sc.broadcast(settings)
    if args.checkpoint_dir:
        sc.setCheckpointDir(args.checkpoint_dir)
    path = args.input
    if not exists(sc, path):
        fail(f"{path}: no such file or folder")
    if exists(sc, args.output):
        fail(f"{args.output} exists: the job writes a new folder (it never overwrites)")
    stages = Stages()
    read_count, records, meta, skipped = read_corpus(spark, path, settings_b, bool(settings.get("skip_bad_lines")))
    out = args.output
    skipped.orderBy("line").select(F.to_json(F.struct(F.concat(F.lit(path + ", line "), F.col("line").cast("string")).alias("location"), "id", "reason")).alias("value")).write.text(out + "/skipped")
    skipped_count = skipped.count()
    n = meta.filter(F.col("scanned")).count()

    if n <= ScanPlan.EXHAUSTIVE_DOCUMENTS:
        stages.done("read and sketch")
        pairs, clusters, header = whole_scan(spark, records, meta, settings_b, path)
        # Story clusters as parts, as the distributed scan writes them.
        # (Their place in the report's order stands for their numbers.)
        stories = [(c["size"], [i], json.dumps(c)) for i, c in enumerate(header["story_clusters"])]
        header["story_clusters"] = []
        stories = spark.createDataFrame(stories, "size long, docs array<long>, json string")
        stages.done("whole scan")
    else:
        pairs, clusters, stories, near_misses, time_field, counts, suppressed = distributed_scan(
            spark, plan, records, meta, n, settings_b, path, stages
        )

    # Output: pairs in the report's order, clusters largest first.
    pairs = pairs.persist(StorageLevel.MEMORY_AND_DISK)
    pairs.orderBy("order_key").select(F.col("json").alias("value")).write.text(out + "/pairs")
    pairs.orderBy("order_key").write.parquet(out + "/pairs.parquet")
    clusters = clusters.persist(StorageLevel.MEMORY_AND_DISK)
    clusters.orderBy(F.desc("size"), "first").select(
        F.to_json(F.struct("size", "representative", "members")).alias("value")
    ).write.text(out + "/clusters")
    clusters.orderBy(F.desc("size"), "first").drop("first", "docs").write.parquet(out + "/clusters.parquet")
    # Story clusters largest first, then by their members' numbers (a
    # small corpus's come in order).
    stories.orderBy(F.desc("size"), "docs").select(F.col("json").alias("value")).write.text(out + "/story_clusters")
    verdicts = {row.verdict: row["count"] for row in pairs.groupBy("verdict").count().collect()}
    cluster_count = clusters.count()
    in_clusters = clusters.agg(F.sum("size")).first()[0] or 0
    story_count = stories.count()
    summary = {
        "input": path,
        "settings": settings,
        "records_read": read_count,
        "documents_scanned": n,
        "skipped": skipped_count,
        "pairs": sum(verdicts.values()),
        "verdicts": verdicts,
        "clusters": cluster_count,
        "documents_in_clusters": in_clusters,
        "story_clusters": story_count,
    }
    stages.done("write")
    summary["seconds"] = stages.seconds
    seconds = report_seconds(stages.seconds)
    if n <= ScanPlan.EXHAUSTIVE_DOCUMENTS:
        # The library's report of the whole corpus, with what only the job saw.
        header["counts"].update(documents_read=read_count, documents_skipped=skipped_count)
        stage_seconds = dict.fromkeys(header["run"]["seconds"], 0.0) | seconds
        header["run"].update(threads=sc.defaultParallelism, seconds=stage_seconds, spilled_bytes=0, peak_memory_bytes=None)
        header = json.dumps(header)
    else:
        counts.update(
            documents_read=read_count,
            documents_skipped=skipped_count,
            documents_scanned=n,
            clusters=cluster_count,
            documents_in_clusters=in_clusters,
            duplicates=in_clusters - cluster_count,
            story_clusters=story_count,
        )
        header = json.loads(plan.report_header(time_field, counts, suppressed, seconds, sc.defaultParallelism))
        header["near_misses"] = near_misses
        header = json.dumps(header)
    with open_output(sc, out + "/report.json") as report_file:
        report_file.write(header + "\n")
    with open_output(sc, out + "/summary.json") as summary_file:
        summary_file.write(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    spark.stop()


def report_seconds(stages):
    """The job's stage seconds under the report's stage names."""
    names = {
        "read and sketch": "sketch",
        "whole scan": "verify",
        "copies and band join": "lsh",
        "overlap": "overlap",
        "story and all candidates": "story",
        "verify": "verify",
        "components": "cluster",
        "story clusters": "cluster",
    }
    seconds = {"total": round(sum(stages.values()), 3)}
    for stage, spent in stages.items():
        if stage in names:
            seconds[names[stage]] = seconds.get(names[stage], 0) + spent
    return seconds


def is_parquet(path):
    """Parquet input: a .parquet file or folder (else JSON Lines)."""
    return path.rstrip("/").lower().endswith(".parquet")


def fail(message):
    """Stops the job with the CLI's message for the same input."""
    print(f"reprint: error: {message}", file=sys.stderr)
    sys.exit(1)


def file_system(sc, path):
    jvm = sc._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path, hadoop_path.getFileSystem(sc._jsc.hadoopConfiguration())


def exists(sc, path):
    hadoop_path, fs = file_system(sc, path)
    return fs.exists(hadoop_path)


def open_output(sc, path):
    """A text file on the job's file system (local, HDFS, S3 ...), written by the driver."""
    hadoop_path, fs = file_system(sc, path)
    stream = fs.create(hadoop_path, False)

    class Writer:
        def __enter__(self):
            return self

        def write(self, text):
            stream.write(bytearray(text.encode("utf-8")))

        def __exit__(self, *exc):
            stream.close()

    return Writer()


LONGS = ArrayType(LongType())
RECORD_SCHEMA = StructType(
    [
        StructField("line", LongType()),
        StructField("record", StringType()),
        StructField("id", StringType()),
        StructField("error", StringType()),
        StructField("skipped", StringType()),
        StructField("words", IntegerType()),
        StructField("chars", LongType()),
        StructField("band_keys", LONGS),
        StructField("copy_hi", LongType()),
        StructField("copy_lo", LongType()),
        StructField("fingerprints", LONGS),
        StructField("template_ids", LONGS),
        StructField("templates", LONGS),
        StructField("distinctive", LONGS),
        StructField("content_terms", LONGS),
        StructField("lead_day", IntegerType()),
        StructField("phrase_occurrences", LongType()),
        StructField("times", LONGS),
    ]
)


def record_row(item):
    line, record, read = item
    copy = read.get("copy_key") or (None, None)
    templates = read.get("templates") or []
    return (
        line,
        record,
        read.get("id"),
        read.get("error"),
        read.get("skipped"),
        read.get("words", 0),
        read.get("chars"),
        read.get("band_keys"),
        copy[0],
        copy[1],
        read.get("fingerprints"),
        [t[0] for t in templates],
        [t[1] for t in templates],
        read.get("distinctive"),
        read.get("content_terms"),
        read.get("lead_day"),
        read.get("phrase_occurrences", 0),
        read.get("times"),
    )


def read_corpus(spark, path, settings_b, skip_bad_lines):
    """1. Read: lines in file order, numbered from 1 as a reader counts them,
    read and sketched per partition. Returns the number of records, the
    records (kept on disk: texts and sketches), their narrow facts (`meta`:
    line, id, `first_line` of the id, `scanned`) and the records skipped,
    with why. Stops at a bad line or a duplicate id unless `skip_bad_lines`."""
    # Lines end at "\n" only, as the CLI reads them (Spark's default also
    # splits at "\r"). Partitions follow the file's order; their size is
    # spark.sql.files.maxPartitionBytes.
    if is_parquet(path):
        # Each row as the JSON object of its columns: row n stands for line n.
        rows = spark.read.parquet(path).select(F.to_json(F.struct("*")).alias("value"))
        lines = rows.rdd.map(lambda row: row.value)
    else:
        lines = spark.read.option("lineSep", "\n").text(path).rdd.map(lambda row: row.value)
    numbered = lines.zipWithIndex().map(lambda x: (x[1] + 1, x[0]))

    def read(partition):
        plan = executor_plan(settings_b.value)

        def read_batch(batch):
            texts = dict(batch)
            for read in plan.read_lines(path, batch):
                yield read["line"], texts[read["line"]], read

        batch = []
        for item in partition:
            batch.append(item)
            if len(batch) == 1000:
                yield from read_batch(batch)
                batch = []
        if batch:
            yield from read_batch(batch)

    records = spark.createDataFrame(numbered.mapPartitions(read).map(record_row), RECORD_SCHEMA)
    # Read once, kept on disk: the texts and sketches of every record.
    records = records.persist(StorageLevel.DISK_ONLY)
    read_count = records.count()
    # Which records are scanned, decided on their narrow facts alone (the
    # wide rows are shuffled once, to be numbered).
    meta = records.select("line", "id", "error", "skipped")
    bad = meta.filter(F.col("error").isNotNull())
    first_bad = bad.orderBy("line").limit(1).collect()
    if first_bad and not skip_bad_lines:
        row = first_bad[0]
        fail(f"{path}, line {row.line}: {row.error}")
    # Duplicate ids: the first wins (an error without skip_bad_lines).
    firsts = meta.filter(F.col("error").isNull()).groupBy("id").agg(F.min("line").alias("first_line"))
    meta = meta.join(firsts, "id", "left")
    meta = meta.withColumn(
        "scanned", F.col("error").isNull() & (F.col("line") == F.col("first_line")) & F.col("skipped").isNull()
    ).persist(StorageLevel.MEMORY_AND_DISK)
    duplicates = meta.filter(F.col("error").isNull() & (F.col("line") != F.col("first_line")))
    first_duplicate = duplicates.orderBy("line").limit(1).collect()
    if first_duplicate and not skip_bad_lines:
        row = first_duplicate[0]
        fail(
            f"{path}, line {row.line}: duplicate document id {json.dumps(row.id, ensure_ascii=False)} "
            f"(first seen at {path}, line {row.first_line})"
        )
    skipped = (
        bad.select("line", "id", F.col("error").alias("reason"))
        .union(duplicates.select("line", "id", F.concat(F.lit(f"duplicate id (first seen at {path}, line "), F.col("first_line").cast("string"), F.lit(")")).alias("reason")))
        .union(meta.filter(F.col("skipped").isNotNull()).select("line", "id", F.col("skipped").alias("reason")))
    )
    return read_count, records, meta, skipped


def number_documents(spark, records, meta):
    """The scanned records numbered in the scan's input order: their texts
    apart (only the pair stage reads them) and their sketches, both kept."""
    # Only the line numbers go through Python to be ranked; the rows stay
    # in the JVM and take their number by a join.
    ranked = meta.filter(F.col("scanned")).select("line").orderBy("line").rdd.zipWithIndex().map(lambda x: (x[0].line, x[1]))
    numbers = spark.createDataFrame(ranked, "line long, doc long")
    numbered = records.drop("error", "skipped").join(numbers, "line")
    texts = keep(numbered.select("doc", "line", "record"), StorageLevel.DISK_ONLY)
    docs = keep(numbered.drop("record"))
    records.unpersist()  # all the later stages need is in texts and docs
    return texts, docs


def whole_scan(spark, records, meta, settings_b, path):
    """A small corpus scanned whole in one task: every pair compared."""
    firsts = meta.filter(F.col("error").isNull() & (F.col("line") == F.col("first_line"))).select("line")
    kept = records.join(firsts, "line").select("line", "record")

    def scan(partition):
        plan = executor_plan(settings_b.value)
        lines = sorted((row.line, row.record) for row in partition)
        pairs, clusters, header = plan.scan_lines(path, lines)
        for pair in pairs:
            yield ("pair", pair)
        for size, representative, members in clusters:
            yield ("cluster", (size, representative, members))
        yield ("header", header)

    results = kept.rdd.coalesce(1).mapPartitions(scan).persist(StorageLevel.MEMORY_AND_DISK)
    pairs = spark.createDataFrame(results.filter(lambda r: r[0] == "pair").map(lambda r: pair_row(r[1])), PAIR_SCHEMA)
    clusters = spark.createDataFrame(
        results.filter(lambda r: r[0] == "cluster").zipWithIndex().map(lambda r: (r[0][1][0], r[0][1][1], r[0][1][2], r[1], None)),
        CLUSTER_SCHEMA,
    )
    header = json.loads(results.filter(lambda r: r[0] == "header").first()[1])
    return pairs, clusters, header


PAIR_SCHEMA = StructType(
    [
        StructField("a", LongType()),
        StructField("b", LongType()),
        StructField("a_id", StringType()),
        StructField("b_id", StringType()),
        StructField("verdict", StringType()),
        StructField("jaccard", DoubleType()),
        StructField("order_key", StringType()),
        StructField("json", StringType()),
    ]
)
CLUSTER_SCHEMA = StructType(
    [
        StructField("size", LongType()),
        StructField("representative", StringType()),
        StructField("members", ArrayType(StringType())),
        StructField("first", LongType()),
        # The members' numbers (the distributed scan's alone).
        StructField("docs", LONGS),
    ]
)


def pair_row(pair):
    a, b, verdict, jaccard, key, text = pair
    report = json.loads(text)
    return (a, b, report["a"], report["b"], verdict, jaccard, key, text)




# The executors' plan: one per Python worker, made on first use.
_EXECUTOR_PLAN = None


def executor_plan(settings):
    global _EXECUTOR_PLAN
    if _EXECUTOR_PLAN is None:
        _EXECUTOR_PLAN = ScanPlan(**settings)
    return _EXECUTOR_PLAN


def keep(frame, level=None):
    """`frame` computed and kept with its lineage cut. Spark keeps a
    shuffle's files while any live plan refers to it: at 1,000,000 documents
    the fingerprints' shuffles, kept by the cached results made from them,
    filled the executors' disks. Kept in the context's checkpoint folder when
    it has one (`--checkpoint-dir`: reliable storage on a real cluster),
    else on the executors."""
    if frame.sparkSession.sparkContext.getCheckpointDir():
        return frame.checkpoint(eager=True)
    return frame.localCheckpoint(eager=True, storageLevel=level)


def keep_rdd(rdd):
    """`keep` of an RDD."""
    if rdd.context.getCheckpointDir():
        rdd.checkpoint()
    else:
        rdd.persist(StorageLevel.MEMORY_AND_DISK).localCheckpoint()
    rdd.count()
    return rdd


def distributed_scan(spark, plan, records, meta, n, settings_b, path, stages):
    """Stages 2 to 9 (see the module's docs) over the records read. Each
    stage is a function that returns only kept (`keep`) frames, so that
    the shuffles behind it can be cleaned once it returns."""
    config = plan.config
    texts, docs = number_documents(spark, records, meta)
    stages.done("read and sketch")
    # The report's counts of the corpus (those of the pairs add up over
    # the verify stage's buckets), and what the scan left out.
    counts, suppressed = {}, {}
    suppressed["ignored_phrase_occurrences"] = docs.agg(F.sum("phrase_occurrences")).first()[0] or 0
    docs, time_field, by_time = choose_time(plan, docs, n, suppressed)
    docs, listed = find_copies(docs, counts)
    minhash = minhash_candidates(spark, docs, counts, suppressed)
    stages.done("copies and band join")

    parts = [minhash]
    boilerplate_of = spark.createDataFrame([], "doc long, common_fps array<long>")
    common_templates = spark.createDataFrame([], "id long")
    if config["overlap"]["enabled"]:
        overlap, boilerplate_of, common_templates = overlap_candidates(
            spark, docs, minhash, config, settings_b, by_time, counts, suppressed
        )
        parts.append(overlap)
        stages.done("overlap")

    document_frequencies = spark.createDataFrame([], "term long, df long")
    if config["story"]["enabled"]:
        story, document_frequencies = story_candidates(spark, docs, n, counts)
        parts.append(story)

    candidates = all_candidates(spark, parts, listed, counts)
    del parts, minhash
    stages.done("story and all candidates")

    pairs, links, near_misses = verify(
        docs, texts, candidates, boilerplate_of, common_templates, document_frequencies,
        settings_b, path, n, time_field, counts, suppressed,
    )
    stages.done("verify")

    clusters = duplicate_clusters(spark, pairs, docs, config["threshold"], settings_b)
    counts["pairs_not_listed"] = pairs_not_listed(pairs, clusters, docs)
    stages.done("components")
    stories = story_clusters(spark, links, clusters, docs, settings_b)
    stages.done("story clusters")
    return pairs, clusters, stories, near_misses, time_field, counts, suppressed


def choose_time(plan, docs, n, suppressed):
    """2. The time field, from nine counts; each document's time and day."""
    fields = plan.time_fields
    readable = list(docs.select([F.count(F.col("times")[i]) for i in range(len(fields))]).first()) if fields else []
    field, by_time = plan.timing(readable, n)
    time_field = fields[field] if field is not None else None
    day = F.udf(lambda t, lead: ScanPlan.day(by_time, t, lead), IntegerType())
    docs = docs.withColumn("time", F.col("times")[field] if field is not None else F.lit(None).cast("long"))
    docs = docs.withColumn("day", day("time", "lead_day"))
    if time_field is not None:
        suppressed["documents_without_time"] = docs.filter(F.col("time").isNull()).count()
    return docs, time_field, by_time


def find_copies(docs, counts):
    """3. Copies: one group per signature; a copy is in no postings. Returns
    the documents with their group (`first`, `size`, `is_copy`) and the
    groups listed pair by pair."""
    groups = docs.groupBy("copy_hi", "copy_lo").agg(F.min("doc").alias("first"), F.count("*").alias("size"))
    docs = keep(docs.join(groups, ["copy_hi", "copy_lo"]).withColumn("is_copy", F.col("doc") != F.col("first")))
    counts["copies"] = docs.filter("is_copy").count()
    is_listed = F.udf(ScanPlan.is_listed_group, BooleanType())
    listed = docs.filter(is_listed("size")).groupBy("first").agg(F.sort_array(F.collect_list("doc")).alias("members"))
    return docs, keep(listed)


def candidate_flags(pairs, minhash=0, overlap=0, story=0):
    """Pairs (a, b) with the stages that found them."""
    return pairs.withColumn("m", F.lit(minhash)).withColumn("o", F.lit(overlap)).withColumn("s", F.lit(story))


def minhash_candidates(spark, docs, counts, suppressed):
    """4. Band join: copies with their firsts, and the pairs of each LSH
    bucket. A crowded bucket pairs each member with its first (the rule of
    lsh::bucket_pairs_of, as a join: no member list in memory)."""
    originals = docs.filter(~F.col("is_copy"))
    copy_pairs = docs.filter("is_copy").select(F.col("first").alias("a"), F.col("doc").alias("b"))
    postings = originals.select("doc", F.explode("band_keys").alias("key"))
    buckets = postings.groupBy("key").agg(F.count("*").alias("m"), F.min("doc").alias("first_doc"))
    buckets = buckets.persist(StorageLevel.MEMORY_AND_DISK)
    crowded = F.udf(ScanPlan.is_crowded, BooleanType())
    crowded_pairs = (
        postings.join(buckets.filter(crowded("m")), "key")
        .filter(F.col("doc") != F.col("first_doc"))
        .select(F.col("first_doc").alias("a"), F.col("doc").alias("b"))
    )
    small = postings.join(buckets.filter((F.col("m") >= 2) & ~crowded("m")).select("key"), "key")
    small_pairs = (
        small.groupBy("key")
        .agg(F.collect_list("doc").alias("members"))
        .rdd.flatMap(lambda row: ScanPlan.bucket_pairs(row.members))
    )
    small_pairs = spark.createDataFrame(small_pairs, "a long, b long")
    minhash = keep(candidate_flags(copy_pairs.union(crowded_pairs).union(small_pairs).distinct(), minhash=1))
    counts["minhash_candidates"] = minhash.count()
    crowded_buckets = buckets.filter(crowded("m")).agg(
        F.count("*"), F.sum(F.col("m") * (F.col("m") - 1) / 2 - (F.col("m") - 1)).cast("long")
    ).first()
    suppressed["crowded_lsh_buckets"] = crowded_buckets[0]
    suppressed["crowded_bucket_pairs"] = crowded_buckets[1] or 0
    buckets.unpersist()
    return minhash


def overlap_candidates(spark, docs, minhash, config, settings_b, by_time, counts, suppressed):
    """5. Overlap: each fingerprint's role by the documents holding it
    (pairs, common, recurring), the pairs sharing enough of them, and
    templates (a skeleton k-gram filled many ways across the corpus).
    Returns the pairs kept, each document's boilerplate fingerprints and the
    common templates."""
    max_df = config["overlap"]["max_df"]
    originals = docs.filter(~F.col("is_copy"))
    # One shuffle of every fingerprint: its document frequency beside each
    # occurrence (a window, not a count joined back), the unique ones
    # dropped (they pair nothing and are no boilerplate).
    fp = originals.select("doc", "day", F.explode("fingerprints").alias("fp"))
    fp = fp.withColumn("df", F.count("*").over(Window.partitionBy("fp"))).filter(F.col("df") >= 2)
    fp = fp.persist(StorageLevel.MEMORY_AND_DISK)
    common = fp.filter(F.col("df") > max_df).groupBy("fp").agg(F.first("df").alias("df"))
    listed_fp = fp.filter(F.col("df") <= max_df).groupBy("fp").agg(F.collect_list(F.struct("doc", "day")).alias("members"))

    def roles(partition):
        plan = executor_plan(settings_b.value)
        for row in partition:
            days = [m.day for m in row.members]
            role = plan.fingerprint_role(len(row.members), days, by_time)
            yield row.fp, role, sorted(m.doc for m in row.members)

    roles = listed_fp.rdd.mapPartitions(roles).persist(StorageLevel.MEMORY_AND_DISK)
    recurring = roles.filter(lambda r: r[1] == "recurring")
    recurring_df = spark.createDataFrame(recurring.map(lambda r: (r[0], len(r[2]))), "fp long, df long")
    # Boilerplate fingerprints, and the pairs they would have made.
    left_out = F.sum(F.col("df") * (F.col("df") - 1) / 2).cast("long")
    common_counts = common.agg(F.count("*"), left_out).first()
    recurring_counts = recurring_df.agg(F.count("*"), left_out).first()
    suppressed["boilerplate_fingerprints"] = common_counts[0]
    suppressed["recurring_fingerprints"] = recurring_counts[0]
    suppressed["boilerplate_pair_emissions"] = (common_counts[1] or 0) + (recurring_counts[1] or 0)

    # Each document's boilerplate fingerprints: the originals' from the
    # groups above, a copy's by its own fingerprints (it counts in no
    # document frequency, and its text may differ from its first's).
    boilerplate = common.select("fp").union(recurring_df.select("fp"))
    copies_marks = (
        docs.filter("is_copy").select("doc", F.explode("fingerprints").alias("fp")).join(boilerplate, "fp").select("doc", "fp")
    )
    recurring_marks = spark.createDataFrame(recurring.flatMap(lambda r: [(d, r[0]) for d in r[2]]), "doc long, fp long")
    marks = fp.filter(F.col("df") > max_df).select("doc", "fp").union(recurring_marks).union(copies_marks)
    boilerplate_of = keep(marks.groupBy("doc").agg(F.collect_set("fp").alias("common_fps")))

    def every_pair(members):
        return [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]

    emissions = roles.filter(lambda r: r[1] == "pairs").flatMap(lambda r: every_pair(r[2]))
    shared = spark.createDataFrame(emissions, "a long, b long").groupBy("a", "b").agg(F.count("*").alias("shared"))
    words = originals.select("doc", "words")
    empty_longs = F.array().cast("array<long>")
    overlap = (
        shared.join(boilerplate_of.withColumnRenamed("doc", "a").withColumnRenamed("common_fps", "bps_a"), "a", "left")
        .join(boilerplate_of.withColumnRenamed("doc", "b").withColumnRenamed("common_fps", "bps_b"), "b", "left")
        .join(words.withColumnRenamed("doc", "a").withColumnRenamed("words", "words_a"), "a")
        .join(words.withColumnRenamed("doc", "b").withColumnRenamed("words", "words_b"), "b")
        .withColumn(
            "shared_bp",
            F.size(F.array_intersect(F.coalesce("bps_a", empty_longs), F.coalesce("bps_b", empty_longs))),
        )
    )
    kept = F.udf(lambda s, bp, wa, wb: executor_plan(settings_b.value).overlap_pair_kept(s, bp, wa, wb), BooleanType())
    overlap = keep(overlap.withColumn("kept", kept("shared", "shared_bp", "words_a", "words_b")).select("a", "b", "kept"))
    fp.unpersist()
    roles.unpersist()
    counts["overlap_candidates"] = overlap.count()
    # Too small to hold reuse, and found by no other stage.
    too_small = overlap.filter(~F.col("kept")).select("a", "b").join(minhash.select("a", "b"), ["a", "b"], "left_anti")
    suppressed["overlap_pairs_too_small"] = too_small.count()
    overlap = candidate_flags(overlap.filter("kept").select("a", "b"), overlap=1)

    templates = originals.select(F.explode(F.arrays_zip("template_ids", "templates")).alias("t"))
    templates = templates.select(F.col("t.template_ids").alias("id"), F.col("t.templates").alias("packed")).distinct()
    is_template = F.udf(ScanPlan.is_template, BooleanType())
    common_templates = keep(templates.groupBy("id").count().filter(is_template("count")).select("id"))
    suppressed["boilerplate_templates"] = common_templates.count()
    return overlap, boilerplate_of, common_templates


def story_candidates(spark, docs, n, counts):
    """6. Story: document frequencies over every document (copies too),
    candidates by the distinctive terms documents share."""
    document_frequencies = keep(
        docs.select(F.explode("content_terms").alias("term")).groupBy("term").agg(F.count("*").alias("df"))
    )
    distinctive = docs.filter(~F.col("is_copy")).select("doc", F.explode("distinctive").alias("term"))
    pairing = F.udf(lambda p: ScanPlan.story_term_pairs(n, p), BooleanType())
    pairing_terms = distinctive.groupBy("term").agg(F.count("*").alias("p")).filter(pairing("p"))
    lists = distinctive.join(pairing_terms, "term").groupBy("term", "p").agg(F.sort_array(F.collect_list("doc")).alias("members"))
    # Per document, its pairing terms with their lists (at most 20 of at
    # most 70): no row per shared term of every pair.
    per_document = distinctive.join(lists, "term").groupBy("doc").agg(
        F.collect_list(F.struct("term", "p", "members")).alias("terms")
    )

    def partners(row):
        terms = [(t.term, t.p, t.members) for t in row.terms]
        return [(row.doc, b) for b in ScanPlan.story_partners(n, row.doc, terms)]

    story = keep(candidate_flags(spark.createDataFrame(per_document.rdd.flatMap(partners), "a long, b long"), story=1))
    counts["story_candidates"] = story.count()
    return story, document_frequencies


def all_candidates(spark, parts, listed, counts):
    """Every stage's candidates merged, with the pairs each pair of a listed
    group's first stands for."""
    flags = [F.max("m").alias("m"), F.max("o").alias("o"), F.max("s").alias("s")]
    candidates = parts[0]
    for part in parts[1:]:
        candidates = candidates.union(part)
    candidates = candidates.groupBy("a", "b").agg(*flags)
    ends = (
        candidates.join(listed.select(F.col("first").alias("a"), F.col("members").alias("group_a")), "a", "left")
        .join(listed.select(F.col("first").alias("b"), F.col("members").alias("group_b")), "b", "left")
        .filter(F.col("group_a").isNotNull() | F.col("group_b").isNotNull())
    )
    extra = ends.rdd.flatMap(
        lambda r: [(a, b, r.m, r.o, r.s) for a, b in ScanPlan.listed_pairs(r.a, r.b, r.group_a, r.group_b)]
    )
    extra = spark.createDataFrame(extra, "a long, b long, m int, o int, s int")
    candidates = keep(candidates.select("a", "b", "m", "o", "s").union(extra).groupBy("a", "b").agg(*flags))
    counts["candidate_pairs"] = candidates.count()
    return candidates


def verify(
    docs, texts, candidates, boilerplate_of, common_templates, document_frequencies,
    settings_b, path, n, time_field, counts, suppressed,
):
    """7. Verify: buckets of pairs, each with its documents and their facts;
    each bucket's pairs verified, aligned and graded by the library."""
    candidate_count = counts["candidate_pairs"]
    buckets = max(1, -(-candidate_count // PAIRS_PER_BUCKET))
    candidates = candidates.withColumn("bucket", F.pmod(F.hash("a", "b"), F.lit(buckets)))
    needed = candidates.select("bucket", F.col("a").alias("doc")).union(candidates.select("bucket", F.col("b").alias("doc"))).distinct()
    # Facts only of the documents some pair names.
    in_pairs = docs.join(needed.select("doc").distinct(), "doc", "left_semi")
    templates_of = in_pairs.select("doc", F.explode("template_ids").alias("id")).join(common_templates, "id")
    templates_of = templates_of.groupBy("doc").agg(F.collect_set("id").alias("common_tids"))
    frequencies_of = in_pairs.select("doc", F.explode("content_terms").alias("term")).join(document_frequencies, "term")
    frequencies_of = frequencies_of.groupBy("doc").agg(F.collect_list(F.struct("term", "df")).alias("dfs"))
    info = (
        in_pairs.select("doc", "copy_hi", "copy_lo", "words", "time")
        .join(texts, "doc")
        .join(boilerplate_of, "doc", "left")
        .join(templates_of, "doc", "left")
        .join(frequencies_of, "doc", "left")
    )
    needed = needed.join(info, "doc")
    pairs_by_bucket = candidates.rdd.map(lambda r: (r.bucket, (r.a, r.b, bool(r.m), bool(r.o), bool(r.s))))
    docs_by_bucket = needed.rdd.map(lambda r: (r.bucket, r))

    def check(bucket):
        _, (pairs, documents) = bucket
        plan = executor_plan(settings_b.value)
        documents = list(documents)
        fps, tids, dfs = set(), set(), {}
        for d in documents:
            fps.update(d.common_fps or ())
            tids.update(d.common_tids or ())
            dfs.update((f.term, f.df) for f in d.dfs or ())
        rows = [(d.doc, d.line, d.record, d.copy_hi, d.copy_lo, d.words, d.time) for d in documents]
        checked = plan.check_pairs(path, rows, list(pairs), sorted(fps), sorted(tids), sorted(dfs.items()), n, time_field)
        pairs, tally, links, near_misses = checked
        return (
            [("pair", pair) for pair in pairs]
            + [("tally", tally)]
            + [("link", link) for link in links]
            + [("near miss", near_miss) for near_miss in near_misses]
        )

    spark = docs.sparkSession
    checked = pairs_by_bucket.cogroup(docs_by_bucket, buckets).flatMap(check).persist(StorageLevel.MEMORY_AND_DISK)

    def of_kind(kind):
        return checked.filter(lambda r: r[0] == kind).map(lambda r: r[1])

    pairs = keep(spark.createDataFrame(of_kind("pair").map(pair_row), PAIR_SCHEMA))
    links = keep(spark.createDataFrame(of_kind("link"), "a long, b long, strength double"))
    tallies = of_kind("tally").flatMap(lambda tally: [((sec, name), c) for sec, name, c in tally])
    for (section, name), count in tallies.reduceByKey(lambda x, y: x + y).collect():
        (counts if section == "counts" else suppressed)[name] = count
    # The closest of every bucket's closest: the report's (a few rows).
    near_misses = spark.createDataFrame(of_kind("near miss"), "a long, b long, jaccard double, json string")
    closest = near_misses.orderBy(F.desc("jaccard"), "a", "b").limit(ScanPlan.MAX_NEAR_MISSES).collect()
    checked.unpersist()
    return pairs, links, [json.loads(row.json) for row in closest]


def duplicate_clusters(spark, pairs, docs, threshold, settings_b):
    """8. Duplicate clusters: components of the pairs at or above the
    threshold, each component's cluster made by the library."""
    edges = keep_rdd(pairs.filter(F.col("jaccard") >= threshold).select("a", "b").rdd.map(tuple))
    labels = component_labels(spark, edges).persist(StorageLevel.MEMORY_AND_DISK)
    labelled = spark.createDataFrame(edges, "a long, b long").join(labels.withColumnRenamed("doc", "a"), "a")
    members = labels.join(docs.select("doc", "id", "chars"), "doc")
    component_edges = labelled.groupBy("label").agg(F.collect_list(F.struct("a", "b")).alias("edges"))
    component_members = members.groupBy("label").agg(F.collect_list(F.struct("doc", "id", "chars")).alias("members"))

    def cluster(row):
        plan = executor_plan(settings_b.value)
        found = plan.cluster_of([(m.doc, m.id, m.chars) for m in row.members], [(e.a, e.b) for e in row.edges])
        number = {m.id: m.doc for m in row.members}
        return [(size, representative, ids, row.label, [number[i] for i in ids]) for size, representative, ids in found]

    clusters = component_edges.join(component_members, "label").rdd.flatMap(cluster)
    clusters = keep(spark.createDataFrame(clusters, CLUSTER_SCHEMA))
    labels.unpersist()
    return clusters


def clustered_documents(clusters):
    """Each document of a duplicate cluster (`doc`) with the cluster's first
    member (`first`: its name, a cluster's members being in input order)."""
    return clusters.select(F.explode("docs").alias("doc"), F.array_min("docs").alias("first"))


def pairs_not_listed(pairs, clusters, docs):
    """The pairs the listed ones imply but that are not listed (the report's
    `pairs_not_listed`): inside each duplicate cluster, its pairs not
    listed; for a listed pair across clusters, the pairs of its ends'
    copies (`ScanPlan.implied_pairs`)."""
    member = clustered_documents(clusters).withColumnRenamed("first", "cluster")
    group_size = docs.select("doc", F.when(F.col("is_copy"), 0).otherwise(F.col("size")).alias("group_size"))

    def end(name):
        return (
            member.join(group_size, "doc", "right")
            .withColumnRenamed("doc", name)
            .withColumnRenamed("cluster", "cluster_" + name)
            .withColumnRenamed("group_size", "group_size_" + name)
        )

    ends = pairs.select("a", "b").join(end("a"), "a").join(end("b"), "b")
    same = F.col("cluster_a").isNotNull() & (F.col("cluster_a") == F.col("cluster_b"))
    listed_inside = ends.filter(same).groupBy(F.col("cluster_a").alias("cluster")).agg(F.count("*").alias("listed"))
    per_cluster = clusters.select(F.array_min("docs").alias("cluster"), "size").join(listed_inside, "cluster", "left")
    unlisted = F.greatest(F.lit(0), F.col("size") * (F.col("size") - 1) / 2 - F.coalesce("listed", F.lit(0)))
    inside = per_cluster.agg(F.sum(unlisted.cast("long"))).first()[0] or 0
    implied = F.udf(ScanPlan.implied_pairs, LongType())
    across = ends.filter(~same).agg(F.sum(implied("group_size_a", "group_size_b"))).first()[0] or 0
    return inside + across


def story_clusters(spark, links, clusters, docs, settings_b):
    """Story clusters of distinct accounts (a duplicate cluster's documents
    are one account, named by its first), as the scan makes them: the
    strongest link between each two accounts, the connected components of
    those links, and per component the library's average linkage (it merges
    only linked groups, so components are independent). Returns rows of
    `size`, `docs` (numbers) and `json` (the report's)."""
    member = clustered_documents(clusters).withColumnRenamed("first", "account")

    def account(name):
        ends = member.withColumnRenamed("doc", name).withColumnRenamed("account", "account_" + name)
        return ends, F.coalesce("account_" + name, name)

    ends_a, account_a = account("a")
    ends_b, account_b = account("b")
    between = (
        links.join(ends_a, "a", "left")
        .join(ends_b, "b", "left")
        .select(F.least(account_a, account_b).alias("x"), F.greatest(account_a, account_b).alias("y"), "strength")
        .filter(F.col("x") != F.col("y"))
        .groupBy("x", "y")
        .agg(F.max("strength").alias("strength"))
    )
    between = keep(between)
    labels = component_labels(spark, between.select("x", "y").rdd.map(tuple)).withColumnRenamed("doc", "account")
    accounts = member.groupBy("account").agg(F.collect_list("doc").alias("docs"))
    # Each account's documents: its cluster's members, or itself alone.
    documents = (
        labels.join(accounts, "account", "left")
        .select("label", "account", F.explode(F.coalesce("docs", F.array("account"))).alias("doc"))
        .join(docs.select("doc", "id"), "doc")
        .groupBy("label")
        .agg(F.collect_list(F.struct("doc", "id", "account")).alias("documents"))
    )
    component_links = (
        between.join(labels.withColumnRenamed("account", "x"), "x")
        .groupBy("label")
        .agg(F.collect_list(F.struct("x", "y", "strength")).alias("links"))
    )

    def stories(row):
        plan = executor_plan(settings_b.value)
        documents = [(d.doc, d.id, d.account) for d in row.documents]
        found = plan.story_clusters_of(documents, [(link.x, link.y, link.strength) for link in row.links])
        return [(len(numbers), numbers, text) for numbers, text in found]

    found = documents.join(component_links, "label").rdd.flatMap(stories)
    return keep(spark.createDataFrame(found, "size long, docs array<long>, json string"))


def component_labels(spark, edges):
    """Each node of `edges` (an RDD of pairs) with its component's smallest
    node (itself for that one): a frame of `doc` and `label`."""
    stars = connected_components(edges)
    labels = stars.union(stars.map(lambda e: (e[1], e[1])).distinct())
    return spark.createDataFrame(labels, "doc long, label long")


def connected_components(edges):
    """Each node of `edges` (an RDD of pairs) with the smallest node of its
    component, by alternating large-star and small-star (Kiveris et al.,
    "Connected Components in MapReduce and Beyond", SoCC 2014) until a round
    changes no edge: then every edge joins a node to its component's
    minimum. Returns an RDD of (node, minimum) for every node but the
    minima. Each round is kept (`keep_rdd`): the shuffles of the rounds
    before it can then be cleaned."""

    def large_star(edges):
        def emit(item):
            u, neighbours = item
            neighbours = set(neighbours)
            m = min(neighbours | {u})
            return [(v, m) for v in neighbours if v > u]

        both = edges.flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])])
        return both.groupByKey().flatMap(emit).distinct()

    def small_star(edges):
        def emit(item):
            u, neighbours = item
            neighbours = set(neighbours)
            m = min(neighbours | {u})
            return [(v, m) for v in neighbours | {u} if v != m]

        oriented = edges.map(lambda e: (max(e), min(e)))
        return oriented.groupByKey().flatMap(emit).distinct()

    def normal(edges):
        return edges.map(lambda e: (max(e), min(e)))

    current = keep_rdd(normal(edges).distinct())
    while True:
        following = keep_rdd(normal(small_star(large_star(current))).distinct())
        changed = following.subtract(current).union(current.subtract(following)).count()
        current.unpersist()
        current = following
        if changed == 0:
            return current


if __name__ == "__main__":
    main(sys.argv[1:])
