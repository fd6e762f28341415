"""Cleaning: one pipeline of small named steps, each recording what it changed.

`clean_release(fields, ...)` is pure: it returns new fields plus `repairs` ([{step, field, count}])
and `flags`, so an archivist can see every change the cleaner made; the raw capture is untouched.
"""

from crawler.clean.pipeline import CleanResult, clean_release, clean_text

__all__ = ["CleanResult", "clean_release", "clean_text"]
