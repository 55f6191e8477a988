/**
 * Errors thrown by @rfai/models. Every error is a {@link ModelError}; subclasses carry the data needed to act
 * (the file, the tensor key, the expected and found shapes) and their messages say how to fix the problem.
 */

/** Base class of every error thrown by @rfai/models. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A config.json (or a config object) is invalid or asks for something rfai does not implement. */
export class ModelConfigError extends ModelError {
  constructor(
    message: string,
    /** The config file, or `'<config object>'` when the config was passed in memory. */
    readonly file: string,
    /** The offending field in Hugging Face spelling, e.g. `num_key_value_heads`. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** config.json names a `model_type` that rfai has no implementation for. */
export class UnsupportedModelError extends ModelConfigError {
  constructor(
    file: string,
    /** The model_type found in the config. */
    readonly modelType: string,
  ) {
    super(
      `${file}: model_type ${JSON.stringify(modelType)} is not supported; rfai implements "llama", "qwen2" and "qwen3". ` +
        'Point model.path at a checkpoint of one of these families.',
      file,
      'model_type',
    );
  }
}

/** A tensor the architecture needs is absent from the checkpoint. */
export class MissingTensorError extends ModelError {
  constructor(
    /** Hugging Face key of the missing tensor, e.g. `model.layers.0.self_attn.q_proj.weight`. */
    readonly key: string,
    /** The checkpoint folder or file that was searched. */
    readonly file: string,
    /** The shape the tensor should have. */
    readonly expectedShape: number[],
  ) {
    super(
      `${file}: tensor "${key}" (expected shape [${expectedShape.join(', ')}]) is missing from the checkpoint. ` +
        'The checkpoint does not match its config.json (wrong model_type or layer count?), or a shard is missing.',
    );
  }
}

/** A checkpoint tensor has a shape different from the one config.json implies. */
export class ShapeMismatchError extends ModelError {
  constructor(
    /** Hugging Face key of the tensor. */
    readonly key: string,
    /** The file the tensor was read from. */
    readonly file: string,
    /** The shape config.json implies. */
    readonly expectedShape: number[],
    /** The shape found in the file. */
    readonly foundShape: number[],
  ) {
    super(
      `${file}: tensor "${key}" has shape [${foundShape.join(', ')}], expected [${expectedShape.join(', ')}] ` +
        'from config.json. The config and the weights come from different models.',
    );
  }
}

/** A checkpoint holds tensors the architecture does not use (a sign of a config/weights mismatch). */
export class UnexpectedTensorError extends ModelError {
  constructor(
    /** The unexpected Hugging Face keys (at most the first 10 are listed in the message). */
    readonly keys: string[],
    /** The checkpoint folder. */
    readonly file: string,
  ) {
    super(
      `${file}: ${keys.length} tensor(s) are not used by the architecture in config.json: ` +
        `${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', ...' : ''}. ` +
        'Check model_type / num_hidden_layers / tie_word_embeddings, or pass { strict: false } to ignore them.',
    );
  }
}

/** A tokenizer could not be loaded, or was asked to encode/decode something it cannot. */
export class TokenizerError extends ModelError {
  constructor(
    message: string,
    /** The tokenizer folder or file, when one is involved. */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** Bad arguments to generate / packSequences / tokenLogProbs / LoRA functions. */
export class ModelUsageError extends ModelError {}
