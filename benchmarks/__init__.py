"""Scale and speed measurements, outside the test suite. Run with ``make bench``."""
