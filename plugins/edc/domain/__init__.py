"""edc's logic in plain Python (no Flask, no database): the study definition, its expressions,
CDISC ODM and REDCap data dictionary formats, value checks and the data quality rules."""
