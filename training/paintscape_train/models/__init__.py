"""PyTorch reference models (SPADE generator + ConvEncoder) matching packages/core/src/graph."""
from .encoder import ENCODER_LAYERS, MIN_ENCODER_INPUT_SIZE, ConvEncoder, encoder_widths
from .generator import (
    UPSAMPLINGS,
    SPADEGenerator,
    ZIgnoredWarning,
    block_channels,
    block_names,
    official_latent_size,
    spade_hidden_for,
    validate_generator_config,
)
from .init import init_weights
from .spade import SPADE, SPADEResnetBlock

__all__ = [
    "ConvEncoder",
    "ENCODER_LAYERS",
    "MIN_ENCODER_INPUT_SIZE",
    "SPADE",
    "SPADEGenerator",
    "SPADEResnetBlock",
    "UPSAMPLINGS",
    "ZIgnoredWarning",
    "block_channels",
    "block_names",
    "encoder_widths",
    "init_weights",
    "official_latent_size",
    "spade_hidden_for",
    "validate_generator_config",
]
