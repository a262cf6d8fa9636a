"""Evaluation of a trained generator: segmentation accuracy of its renders, Fréchet distance in a
segmenter's feature space, and style diversity (see evaluate.py)."""
