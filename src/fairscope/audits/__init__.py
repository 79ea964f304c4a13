"""Entry layer: audits of predictions, fitted models and data sets."""
