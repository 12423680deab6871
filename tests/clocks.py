"""A monotonic clock that tests move by hand, for code that takes `clock=` (caches with
a time limit): no real waiting."""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
