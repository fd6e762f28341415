"""Time zone of the archive's dates: a fixed +08:00.

Not the Asia/Shanghai zone rules, which give +08:05:43 before 1901 and +09:00 in the summers of
1986-1991: every published_at is written at +08:00, as the record schema requires.
"""

from __future__ import annotations

from datetime import timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "CST")
