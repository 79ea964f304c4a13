"""Presentation layer: HTML report, notebook views, Markdown, JUnit, model cards and plots."""
