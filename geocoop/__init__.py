"""geocoop: map French territorial cooperations and the territory they leave uncovered."""

__version__ = "0.1.0"
