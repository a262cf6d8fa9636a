"""Paintscape training: the PyTorch reference models, safetensors I/O, and the trainer."""
