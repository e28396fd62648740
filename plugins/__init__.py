"""First-party tools. Each is registered through the ``trialoffice.plugins`` entry-point group,
exactly as a third-party package would be, and imports only ``sdk`` and itself."""
