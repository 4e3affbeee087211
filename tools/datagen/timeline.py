"""The time model: a day grid over the period with seasonal, weekly and growing intensity."""

import numpy as np

from .common import GROWTH, SEASON, WEEKDAY


class Calendar:
    """Day grid over the period with a seasonal, weekly and growing intensity.

    ``to_datetime(q)`` maps quantiles q in [0, 1] of the cumulated intensity to
    datetimes, so uniform draws in q-space follow the seasonal pattern.
    """

    def __init__(self, start, end):
        self.start = np.datetime64(start, "D")
        self.days = int((np.datetime64(end, "D") - self.start).astype(int)) + 1
        grid = self.start + np.arange(self.days)
        months = grid.astype("datetime64[M]").astype(int) % 12
        weekday = (grid.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
        years = np.arange(self.days) / 365.25
        w = SEASON[months] * WEEKDAY[weekday] * (1.0 + GROWTH) ** years
        self.cum = np.concatenate([[0.0], np.cumsum(w)])
        self.cum /= self.cum[-1]

    def to_datetime(self, q, rng):
        day = np.interp(q, self.cum, np.arange(self.days + 1))
        day = np.minimum(np.floor(day), self.days - 1).astype(np.int64)
        seconds = np.clip(rng.normal(13.5 * 3600, 3 * 3600, size=len(q)), 7 * 3600, 21 * 3600)
        return (self.start + day).astype("datetime64[s]") + seconds.astype(np.int64)

    def q_of(self, dt):
        """Inverse of to_datetime (to day precision)."""
        day = (dt.astype("datetime64[D]") - self.start).astype(np.int64)
        day = np.clip(day, 0, self.days - 1)
        return self.cum[day]
