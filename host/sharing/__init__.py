"""Cross-organization sharing: grants of a tool's records from their owner to another organization."""
