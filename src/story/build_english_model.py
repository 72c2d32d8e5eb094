#!/usr/bin/env python3
"""Builds src/story/english.tsv.gz, the story stage's default background model.

Usage: python3 build_english_model.py OUT.tsv.gz  (needs `pip install wordfreq==3.1.1`)

Source: the English "large" word list of wordfreq 3.1.1 (Robyn Speer), which blends
Wikipedia, news (NewsCrawl), books (Google Books Ngrams), film subtitles
(OpenSubtitles, SUBTLEX), web text (OSCAR), Reddit and Twitter. Its data is
licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/), and so
is the model this script writes.

wordfreq gives each word's share of all running words (f). The story stage needs
the share of documents containing a word; for an article of L words in which the
word occurs at random (Poisson), that is 1 - exp(-f * L). The model states it as a
count out of DOCUMENTS pseudo-documents, the format `--idf FILE` also reads.
"""
import gzip
import math
import sys

from wordfreq import iter_wordlist, word_frequency

DOCUMENTS = 1_000_000
ARTICLE_WORDS = 400  # a typical news article, in running words
MIN_FREQUENCY = 1e-7  # about 96,000 English words


def main(out_path):
    rows = {}
    for word in iter_wordlist("en", "large"):
        f = word_frequency(word, "en")
        if f < MIN_FREQUENCY:
            break
        # One word of the scan's tokenizer: letters and digits only. wordfreq
        # lists numbers by shape ("0000"); real numbers are added below.
        if not word.isalnum() or any(c.isdigit() for c in word):
            continue
        rows[word] = f
    for n in list(range(0, 1000)) + list(range(1900, 2101)):
        rows[str(n)] = word_frequency(str(n), "en")
    with gzip.open(out_path, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("# reprint background model: English word document frequencies\n")
        out.write("# built by src/story/build_english_model.py from wordfreq 3.1.1 (CC BY-SA 4.0)\n")
        out.write(f"documents\t{DOCUMENTS}\n")
        for word, f in sorted(rows.items(), key=lambda x: (-x[1], x[0])):
            df = round(DOCUMENTS * (1 - math.exp(-f * ARTICLE_WORDS)))
            if df >= 1:
                out.write(f"{word}\t{df}\n")


if __name__ == "__main__":
    main(sys.argv[1])
