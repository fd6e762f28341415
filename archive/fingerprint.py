"""Text fingerprints for duplicate detection: exact (normalised body) and near (5-character
shingles, MinHash, LSH bands).

Chinese has no spaces, so shingles are character 5-grams of the folded text (script, case,
punctuation and whitespace removed). Shingle hashing and MinHash are vectorised with numpy: the
same scheme as datasketch, about ten times faster because no shingle is hashed in Python.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from archive.tokens import fold

SHINGLE = 5
NUM_PERM = 60
BANDS, ROWS = 30, 2  # 30 bands of 2 rows: a pair with Jaccard 0.5 is a candidate 99.98% of the time
NOISE_RE = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_RNG = np.random.default_rng(20231)
# multiply-shift hashing (Dietzfelbinger): h(x) = (a*x + b) >> 32 with odd 64-bit a, wrapping uint64
_A = _RNG.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _RNG.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint64)


def normalise(text: str) -> str:
    """Body text with script, case, punctuation and whitespace folded away."""
    return NOISE_RE.sub("", fold(text))


def exact_fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct 32-bit hashes of every 5-character shingle of the normalised text."""
    codes = np.frombuffer(normalise(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        return np.unique(codes * np.uint64(2654435761) & np.uint64(0xFFFFFFFF))
    hashed = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    for offset in range(SHINGLE):  # polynomial hash of each window, vectorised over windows
        hashed = hashed * np.uint64(1_000_003) + codes[offset : offset + len(hashed)]
    return np.unique(hashed & np.uint64(0xFFFFFFFF))


def minhash(hashes: np.ndarray) -> np.ndarray:
    """NUM_PERM minimum values of ((a*x + b) mod 2^64) >> 32 over the shingle hashes."""
    if len(hashes) == 0:
        return _EMPTY
    values = (np.multiply.outer(hashes, _A) + _B) >> np.uint64(32)
    return values.min(axis=0)


def band_keys(signature: np.ndarray) -> list[int]:
    """One signed 63-bit key per band (band number mixed in), for an indexed SQLite column."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "big")).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Overlap coefficient of two shingle sets: |A ∩ B| / min(|A|, |B|)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))
