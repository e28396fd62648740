"""Members of an organization: roles, per-tool permissions and invitations by link."""
