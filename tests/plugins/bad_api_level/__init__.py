"""A test plugin written for an SDK API level this host does not support."""
from sdk import Manifest

manifest = Manifest(key="bad_api_level", name="Future Level", summary="Needs SDK API level 99.",
                    version="1.0.0", publisher="Trial Office QA", api_level=99)
