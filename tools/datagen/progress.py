"""A small progress line on stderr: step, percentage, rows/s and ETA."""

import sys
import time


def _hms(seconds):
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """Progress over a known number of rows, shared by all steps of one run.

    ``update(n)`` adds ``n`` rows to the current step. On a terminal the line is
    redrawn in place; elsewhere (logs, CI) one line is printed every ``every`` seconds
    and at the end of each step.
    """

    def __init__(self, total, stream=None, every=5.0):
        self.total = max(int(total), 1)
        self.stream = stream or sys.stderr
        self.every = every
        self.done = 0
        self.step = ""
        self.step_total = 0
        self.step_done = 0
        self.start = self.step_start = time.monotonic()
        self._last = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.steps = {}  # step -> (rows, seconds)

    def begin(self, step, rows):
        self.step, self.step_total, self.step_done = step, int(rows), 0
        self.step_start = time.monotonic()
        self._draw(force=True)

    def update(self, rows):
        self.done += rows
        self.step_done += rows
        self._draw()

    def end(self):
        seconds = time.monotonic() - self.step_start
        self.steps[self.step] = (self.step_done, seconds)
        self._draw(force=True, final=True)

    def _draw(self, force=False, final=False):
        now = time.monotonic()
        if not force and now - self._last < (0.5 if self.tty else self.every):
            return
        self._last = now
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        step_elapsed = now - self.step_start
        step_rate = self.step_done / step_elapsed if step_elapsed > 0 else 0.0
        line = (
            f"[{self.step:<9}] {self.step_done:>10,}/{self.step_total:<10,} "
            f"{step_rate:>9,.0f} rows/s | total {100.0 * self.done / self.total:5.1f}% "
            f"elapsed {_hms(elapsed)} ETA {_hms(eta)}"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
