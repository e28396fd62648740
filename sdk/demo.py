"""The demo's published password (``trialoffice demo``), shared by every demo account.

A tool's demo data may need a demo person to re-authenticate, as a signature does (edocs' demo
CRO passes documents in QC with its approval signature); the password is public on purpose and
the demo must never be loaded into a production database.
"""

DEMO_PASSWORD = "trialoffice-demo"
