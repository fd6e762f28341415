"""Release extraction: pure functions from page bytes to release fields."""

from crawler.extract.release import Extracted, extract_release

__all__ = ["Extracted", "extract_release"]
