"""A test plugin that cannot be imported: it needs a package that is not installed."""
import trialoffice_missing_dependency  # noqa: F401

from sdk import Manifest

manifest = Manifest(key="broken_import", name="Broken Import", summary="Never loads.",
                    version="1.0.0", publisher="Trial Office QA", api_level=1)
