"""A dependency-free progress bar on stderr: step, it/s, elapsed, ETA and the latest losses.

On a terminal it redraws one line; otherwise (a log file under nohup) it prints one line every
`every` steps so the log stays readable.
"""

from __future__ import annotations

import sys
import time


def format_seconds(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ProgressBar:
    def __init__(self, total: int, start: int = 0, every: int = 10, stream=None, width: int = 24,
                 deadline: float | None = None):
        self.total = total
        self.start_step = start
        self.every = max(1, every)
        self.stream = stream or sys.stderr
        self.width = width
        self.deadline = deadline
        self.started = time.time()
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()

    def line(self, step: int, losses: dict) -> str:
        elapsed = time.time() - self.started
        done = step - self.start_step
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - step) / rate if rate > 0 else float("inf")
        if self.deadline is not None:
            eta = min(eta, max(0.0, self.deadline - time.time()))
        filled = int(self.width * step / max(1, self.total))
        bar = "#" * filled + "." * (self.width - filled)
        loss_text = " ".join(f"{name}={value:.3f}" for name, value in losses.items())
        eta_text = format_seconds(eta) if eta != float("inf") else "?"
        return (f"[{bar}] {step}/{self.total} {rate:.2f} it/s ({1 / rate if rate else 0:.2f} s/it) "
                f"elapsed {format_seconds(elapsed)} eta {eta_text} {loss_text}")

    def update(self, step: int, losses: dict) -> None:
        if self.interactive:
            self.stream.write("\r" + self.line(step, losses) + "\033[K")
            self.stream.flush()
        elif step % self.every == 0 or step == self.total:
            self.stream.write(self.line(step, losses) + "\n")
            self.stream.flush()

    def message(self, text: str) -> None:
        self.stream.write(("\n" if self.interactive else "") + text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()
