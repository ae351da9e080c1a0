"""The bibliography: the methods the site uses, each with the work that introduced or defines it."""

from __future__ import annotations

REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "k-means (dominant colours)",
        "S. Lloyd, Least squares quantization in PCM, IEEE Trans. Information Theory 28(2), 1982; D. Arthur, S. Vassilvitskii, k-means++, SODA 2007.",
    ),
    (
        "Average-linkage clustering (interests)",
        "R. R. Sokal, C. D. Michener, A statistical method for evaluating systematic relationships, Univ. Kansas Science Bulletin 38, 1958.",
    ),
    (
        "TF-IDF (tags)",
        "K. Sparck Jones, A statistical interpretation of term specificity and its application in retrieval, J. Documentation 28(1), 1972.",
    ),
    (
        "CIELAB colour distance",
        "CIE 15:2004, Colorimetry, 3rd ed.; CSS Color Module Level 4, W3C, for the 148 colour names.",
    ),
    (
        "Item-item collaborative filtering",
        "B. Sarwar, G. Karypis, J. Konstan, J. Riedl, Item-based collaborative filtering recommendation algorithms, WWW 2001.",
    ),
    (
        "ALS for implicit feedback",
        "Y. Hu, Y. Koren, C. Volinsky, Collaborative filtering for implicit feedback datasets, ICDM 2008; G. Takacs et al., conjugate gradient ALS, RecSys 2011.",
    ),
    (
        "EASE (linear item model; not in this build, the next baseline to add)",
        "H. Steck, Embarrassingly shallow autoencoders for sparse data, WWW 2019.",
    ),
    (
        "MMR (diversity)",
        "J. Carbonell, J. Goldstein, The use of MMR, diversity-based reranking for reordering documents and producing summaries, SIGIR 1998.",
    ),
    (
        "NDCG, MAP (ranking metrics)",
        "K. Jarvelin, J. Kekalainen, Cumulated gain-based evaluation of IR techniques, ACM TOIS 20(4), 2002.",
    ),
    (
        "Novelty and coverage",
        "S. Vargas, P. Castells, Rank and relevance in novelty and diversity metrics for recommender systems, RecSys 2011.",
    ),
    (
        "pHash (near-duplicates)",
        "C. Zauner, Implementation and benchmarking of perceptual image hash functions, MSc thesis, Hagenberg, 2010.",
    ),
    (
        "BK-tree (Hamming search over pHashes)",
        "W. A. Burkhard, R. M. Keller, Some approaches to best-match file searching, CACM 16(4), 1973.",
    ),
    (
        "Noise estimation (quality)",
        "J. Immerkaer, Fast noise variance estimation, Computer Vision and Image Understanding 64(2), 1996.",
    ),
    (
        "Confident learning (label noise; not in this build, for tag suggestions)",
        "C. Northcutt, L. Jiang, I. Chuang, Confident learning: estimating uncertainty in dataset labels, JAIR 70, 2021.",
    ),
    (
        "Licences",
        "Creative Commons, Recommended practices for attribution (TASL: title, author, source, licence), wiki.creativecommons.org.",
    ),
)
