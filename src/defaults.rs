//! The default of every setting, in one place: [`crate::Config::default`] and
//! the command line's defaults are both made from these constants (a test of
//! the CLI checks that its parsed defaults equal `Config::default()`).
//!
//! A leaf module: it uses nothing else in the crate, so a stage can name a
//! default without depending on the config or on another stage. Each constant
//! says why it has its value; the setting it is the default of is documented
//! on its field of [`crate::Config`].

/// `threshold`: Jaccard at or above which two documents are near-duplicates.
/// Half the word 5-grams shared is mostly the same text, edited.
pub const THRESHOLD: f64 = 0.5;

/// `seed` of the shingle hash and the MinHash permutations.
pub const SEED: u64 = 42;

/// `input.id_field`.
pub const ID_FIELD: &str = "id";

/// `input.text_field`.
pub const TEXT_FIELD: &str = "text";

/// `input.time_field` when it is left to detect: the names feeds and news
/// corpora give an article's publication time, tried in this order. Time
/// is evidence (two reports of one company weeks apart are two events), so a
/// field that says it is used unless the caller turns it off.
pub const TIME_FIELDS: [&str; 9] = [
    "time",
    "published",
    "published_at",
    "publish_date",
    "pubdate",
    "date",
    "datetime",
    "timestamp",
    "created_at",
];

/// `shingle.size`: word 5-grams, the usual unit of near-duplicate detection
/// for news-length text (Broder 1997 used word shingles of about this size).
pub const SHINGLE_SIZE: usize = 5;

/// `sketch.num_perm`: 128 values estimate a Jaccard of 0.5 within about
/// +-0.044 (one standard deviation, sqrt(J(1-J)/n)); candidates are verified
/// exactly, so the estimate only has to find them.
pub const NUM_PERM: usize = 128;

/// `align.min_passage_words`: a run of 8 identical words is rarely chance in
/// news text, while a shared quote fragment or a set phrase is shorter.
pub const MIN_PASSAGE_WORDS: usize = 8;

/// `align.max_gap_words`: about two sentences, so a lightly edited paragraph
/// is one passage.
pub const MAX_GAP_WORDS: usize = 40;

/// `align.min_sentence_cosine` and `align.min_sentence_dice`: after
/// Sanchez-Perez, Sidorov and Gelbukh (PAN 2014), whose sentence seeds used
/// 0.33 for both.
pub const MIN_SENTENCE_SIMILARITY: f64 = 0.33;

/// `align.min_fragment_similarity`: just above the sentence thresholds, so a
/// passage as a whole is at least as similar as the sentences that seeded it.
pub const MIN_FRAGMENT_SIMILARITY: f64 = 0.34;

/// `overlap.max_df`: fingerprints found in more than 50 documents are
/// boilerplate.
///
/// MOSS uses 10 for student programs; news is different, as a wire story can be
/// reprinted by dozens of outlets and its passages are the reuse to find, while
/// real boilerplate (footers, legal lines, agency credits) recurs in hundreds or
/// thousands of documents of a large corpus. At 50, one fingerprint costs at most
/// 1,225 pair emissions. Stories reprinted more widely than that are mostly whole
/// copies, which the MinHash stage finds anyway.
pub const MAX_DF: usize = 50;

/// `grade.duplicate_threshold`: at a Jaccard of 0.9 two texts differ by a
/// few words.
pub const DUPLICATE_THRESHOLD: f64 = 0.9;

/// `grade.min_reuse_words`: 20 verbatim words in each document, more than a
/// shared quote or a set phrase and less than one reused paragraph.
pub const MIN_REUSE_WORDS: usize = 20;

/// `grade.min_reuse_share`: half of the shorter document copied makes reuse
/// however short it is (a brief taken into a longer article).
pub const MIN_REUSE_SHARE: f64 = 0.5;

/// `grade.story_threshold`, calibrated on news. On realdup_dev the true
/// rewrites all score 0.44 or more and the false ones crowd 0.38 to 0.44
/// (at 0.38, 190 false pairs; at 0.40, 163; at 0.45, 107); seeds/' five
/// independent accounts of one event must stay rewrites, and their weakest
/// pair scores 0.409. 0.40 keeps them. On PAN 2013's summary pairs, graded
/// rewrite or stronger: 220 of 238 positives and 40 of 947 negatives at
/// 0.38, 217 and 20 at 0.40.
pub const STORY_THRESHOLD: f64 = 0.40;

/// `grade.min_passage_specifics`: a rewrite names the actors, places and
/// figures of the other article's story. Measured at the default story
/// threshold (README, "verdicts on labeled real corpora"): at 0.45 the
/// rewrites of PAN 2013's no-plagiarism pairs (web pages on one subject)
/// fall from 69 to 30 of 1,000 and those of ecbplus_dev's same-topic,
/// other-event pairs from 783 to 448, while its summaries keep 220 of 225
/// and the ten seed pairs all stay rewrites (their lowest share is 0.53).
pub const MIN_PASSAGE_SPECIFICS: f64 = 0.45;

/// `grade.story_window_days`: reports of one event come out within days of
/// each other. By their datelines, 125 of ecbplus_dev's 2,845 pairs of one
/// event graded rewrite by the story similarity alone are more than 3 days
/// apart, and 3,907 of realdup_dev's 9,534 wrongly graded ones (41%: one
/// company's or one market's reports of other days).
pub const STORY_WINDOW_DAYS: u32 = 3;

/// `grade.story_threshold_outside_window`: outside the window only a close
/// retelling is a rewrite (story similarity 0.8), and one that keeps the
/// figures of the sentences both tell (`grade.rs`): recurring reports are
/// close by construction (on Reuters-21578, 128 of the 150 rewrites more than
/// 3 days apart had a sentence told again with other figures: monthly sales,
/// weekly tenders). Against 0.6 the similarity leaves out 225 more of
/// realdup_dev's wrong rewrites (4,541 instead of 4,766 false pairs, before
/// times were read by default) and 17 of ecbplus_dev's pairs of one event.
pub const STORY_THRESHOLD_OUTSIDE_WINDOW: f64 = 0.8;

/// `story.cluster_threshold`: story clusters group articles about one event,
/// independent accounts included, whose pairs often score below the rewrite
/// threshold (on ecbplus_dev a quarter of the pairs of one event do). A link
/// is the mean of the story similarity and the cosine of the two articles'
/// names and numbers (`story::linkage::link_strength`). On ecbplus_dev,
/// B-cubed F1 / adjusted Rand index: 0.891 / 0.833 at 0.2, 0.899 / 0.846 at
/// 0.22, 0.901 / 0.853 at 0.25, 0.901 / 0.870 at 0.28, 0.876 / 0.848 at 0.3:
/// 0.25 is the middle of the plateau. (Story similarity alone, the link
/// before: 0.882 / 0.830 at its best threshold, 0.3.)
pub const STORY_CLUSTER_THRESHOLD: f64 = 0.25;

/// `threads`: 0 is one worker per core.
pub const THREADS: usize = 0;

/// `memory_limit` in bytes: 0 is a quarter of the machine's memory (4 GiB
/// where the machine does not say), leaving the rest to the page cache, which
/// holds what the scan spills and the texts it reads again.
pub const MEMORY_LIMIT: u64 = 0;
