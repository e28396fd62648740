"""A test plugin whose manifest is invalid (no name, a version that is not PEP 440)."""
from sdk import Manifest

manifest = Manifest(key="cli_broken", name="", summary="Never loads.", version="not-a-version",
                    publisher="Trial Office QA", api_level=1)
