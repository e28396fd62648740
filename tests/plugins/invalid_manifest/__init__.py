"""A test plugin whose manifest breaks several rules (bad version, category and price)."""
from sdk import Manifest, Plan

manifest = Manifest(key="invalid_manifest", name="Invalid Manifest", summary="Breaks the rules.",
                    version="one point oh", publisher="Trial Office QA", api_level=1,
                    category="astrology", plans=(Plan(code="basic", name="Basic", amount=-5),))
