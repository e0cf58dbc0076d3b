"""How often one conversation (or one sign-in id) may knock: a sliding window, in memory.

One web process keeps its own counts; several processes behind a balancer would each allow the
limit (a shared store such as Redis would be the step then)."""

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window_seconds, clock
        self._seen: dict[str, deque] = {}

    def retry_after(self, key: str) -> int | None:
        """None if `key` may go on (and counts this one); else whole seconds to wait."""
        now = self.clock()
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return max(1, math.ceil(seen[0] + self.window - now))
        seen.append(now)
        if len(self._seen) > 10_000:  # forget conversations that have gone quiet
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window}
        return None
