"""Experiment tracking for jupyter-mlx workspaces (MLflow facade, run links, comparisons)."""
