"""rtsm's randomization domain, tested without the app: plain functions, no fixtures from the host."""
