"""Compute layer: metrics, disparities, references and tests from sufficient statistics."""
