"""Result layer: :class:`AuditResult` and its typed parts, serialization and provenance.

- ``_audit_result``: :class:`AuditResult`, the one object every audit produces;
- ``_metadata``: :class:`AuditMetadata` and the reference group of each feature set;
- ``_tables``: the known tables and the columns each declares;
- ``_codec``, ``_serialize``: the versioned JSON layout; ``_text``: plain-text views;
- ``_provenance``: versions, timestamp and input digests.
"""
