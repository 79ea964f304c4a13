"""Result layer: :class:`AuditResult`, its serialization and provenance."""
