"""edc: electronic data capture."""
