/**
 * The model contract: `model.json` beside `generator.onnx` (+ optional `encoder.onnx`).
 * This file holds the types only; validation lives in `validate-manifest.ts`.
 * Shared with training/ (Python reads and writes the same JSON keys).
 */

export type LabelSetId = 'landscape' | 'coco-stuff' | 'ade20k' | 'cityscapes';

/** Number of ×2 nearest upsamplings: normal 5, more 6, most 7 (as in SPADE). */
export type UpsamplingMode = 'normal' | 'more' | 'most';

/**
 * Generator architecture (SPADE). Parameter names follow NVlabs/SPADE checkpoints.
 * semanticChannels = labelChannels + (dontCareChannel ? 1 : 0) + (instanceEdgeChannel ? 1 : 0).
 */
export interface GeneratorConfig {
  /** Classes of the label set (landscape 13, coco-stuff 182, ade20k 150, cityscapes 35). */
  labelChannels: number;
  /** One extra channel for the don't-care/unlabeled label (255 → index labelChannels). */
  dontCareChannel: boolean;
  /** One extra channel with SPADE's instance edge map. */
  instanceEdgeChannel: boolean;
  /** Base width: head_0/G_middle_* have 16·ngf channels, up_0 8·ngf … up_3 ngf (up_4 ngf/2). */
  ngf: number;
  /**
   * Hidden width of each SPADE layer's mlp_shared (official 128). A number applies to every
   * block; an object maps block names (`head_0`, `up_3`, …) to widths, `default` for the rest.
   */
  spadeHidden: number | ({ default: number } & Partial<Record<string, number>>);
  upsampling: UpsamplingMode;
  /** width / height of the output (official stage only fixes it; 1 for square). */
  aspectRatio: number;
  /**
   * 'official': fc = Linear(zDim → 16·ngf·sh·sw) when zDim > 0, else a 3×3 conv of the
   * nearest-downsampled map; output size fixed at cropSize × round(cropSize / aspectRatio).
   * 'conv': fully convolutional: fc = 3×3 conv of the downsampled map, plus (zDim > 0)
   * `fc_z` = Linear(zDim → 16·ngf) added to every position. Any size that is a multiple of 2^n.
   * Known limit: with norm 'instance' the instance norms remove that per-channel offset, so z
   * has no effect; style-capable 'conv' models use norm 'batch' (the default model does).
   */
  inputStage: 'official' | 'conv';
  /** Style vector size; 0 = no z input. Official VAE checkpoints use 256. */
  zDim: number;
  /** Parameter-free norm inside SPADE: instance (ours) or batch (official, folded at inference). */
  norm: 'instance' | 'batch';
  /** Output width for the official input stage (ignored by 'conv'). */
  cropSize: number;
}

/** SPADE's ConvEncoder: six 3×3 stride-2 convs (3→ndf→2ndf→4ndf→8ndf→8ndf→8ndf), IN, lReLU 0.2; fc_mu / fc_var. */
export interface EncoderConfig {
  ndf: number;
  zDim: number;
  /** Square input size the encoder expects (official 256: 256 / 2^6 = 4 → fc in = 8·ndf·4·4). */
  inputSize: number;
}

export interface TensorSpec {
  name: string;
  /** e.g. 'NCHW' or 'NC'. */
  layout: string;
}

export interface ModelManifest {
  format: 'paintscape-model';
  formatVersion: 1;
  name: string;
  description?: string;
  labelSet: LabelSetId;
  generator: {
    file: string; // 'generator.onnx'
    config: GeneratorConfig;
    inputs: {
      /** One-hot float32 NCHW, channels = semanticChannels. */
      seg: TensorSpec & { channels: number };
      /** Standard-normal style vector; absent when zDim = 0. */
      z?: TensorSpec & { size: number };
    };
    /** float NCHW, 3 channels, values in [-1, 1]. */
    output: TensorSpec & { channels: 3; range: [number, number] };
    size: {
      /** Width and height must be multiples of this (2^upsamplings for 'conv'). */
      multipleOf: number;
      /** [width, height] rendered when the caller does not ask. */
      default: [number, number];
      /** [width, height] the graph is fixed to ('official' stage), else absent. */
      fixed?: [number, number];
      /** Largest [width, height] the producer supports. */
      max: [number, number];
    };
    precision: 'fp32' | 'fp16';
  };
  encoder?: {
    file: string; // 'encoder.onnx'
    config: EncoderConfig;
    /** float NCHW RGB in [-1, 1] at config.inputSize². */
    input: TensorSpec & { size: [number, number]; range: [number, number] };
    outputs: { mu: string; logvar: string };
    precision: 'fp32' | 'fp16';
  };
  provenance: {
    /** Who/what produced the weights, e.g. 'paintscape training/train.py' or 'NVlabs/SPADE coco (converted)'. */
    source: string;
    /** Licence of the weights. */
    licence: string;
    /** Training data description and licences (see NOTICE). */
    data?: { description: string; licences: string[]; seed?: number; size?: number };
    steps?: number;
    wallTimeSeconds?: number;
    hardware?: string;
    metrics?: Record<string, number>;
    createdAt?: string;
    [key: string]: unknown;
  };
}
