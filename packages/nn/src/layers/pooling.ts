import {
  avgPool2d,
  formatShape,
  globalAvgPool2d,
  globalMaxPool2d,
  maxPool2d,
  reshape,
  type Tensor,
} from '@trainyard/tensor';
import type { ConfigReader, JsonObject } from '../config/reader.js';
import { Layer, readBaseArgs, type CallArgs, type SymbolicShape } from './layer.js';
import { imageDims, readDataFormat, readInts, readPadding, windowOutSize } from './window.js';

/** Shared by MaxPooling2D and AveragePooling2D: pool_size, strides (null → pool_size), padding. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last';

  constructor(r: ConfigReader, name: string, what: string) {
    super(readBaseArgs(r, name));
    this.poolSize = readInts(r, 'pool_size', 2, 2) as [number, number];
    this.strides = readInts(r, 'strides', this.poolSize, 2) as [number, number];
    this.padding = readPadding(r);
    this.dataFormat = readDataFormat(r, what);
  }

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    const dims = imageDims(inputShape);
    if (!dims)
      this.shapeError(`${this.className} expects NHWC input of rank 4, [batch, height, width, channels]`, inputShape);
    const [h, w, c] = dims;
    const outH = windowOutSize(h, this.poolSize[0], this.strides[0], 1, this.padding);
    const outW = windowOutSize(w, this.poolSize[1], this.strides[1], 1, this.padding);
    if (outH <= 0 || outW <= 0) {
      this.shapeError(
        `${this.className} pool ${formatShape(this.poolSize)} does not fit with padding "valid": the output would be ${formatShape([inputShape[0], outH, outW, c])}`,
        inputShape,
      );
    }
    return [inputShape[0], outH, outW, c];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: this.dataFormat,
    };
  }
}

/** Max over each pool window (Keras MaxPooling2D); `same` padding never wins a window. */
export class MaxPooling2D extends Pooling2D {
  readonly className = 'MaxPooling2D';

  constructor(r: ConfigReader, name: string) {
    super(r, name, 'MaxPooling2D');
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    return maxPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** Mean over each pool window (Keras AveragePooling2D); `same` windows average only real cells. */
export class AveragePooling2D extends Pooling2D {
  readonly className = 'AveragePooling2D';

  constructor(r: ConfigReader, name: string) {
    super(r, name, 'AveragePooling2D');
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    return avgPool2d(x, { poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** Shared by the global poolings: [batch, h, w, c] → [batch, c], or [batch, 1, 1, c] with keepdims. */
abstract class GlobalPooling2D extends Layer {
  readonly dataFormat: 'channels_last';
  readonly keepdims: boolean;

  constructor(r: ConfigReader, name: string, what: string) {
    super(readBaseArgs(r, name));
    this.dataFormat = readDataFormat(r, what);
    this.keepdims = r.bool('keepdims', false);
  }

  protected abstract pool(x: Tensor): Tensor;

  override computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    const dims = imageDims(inputShape);
    if (!dims)
      this.shapeError(`${this.className} expects NHWC input of rank 4, [batch, height, width, channels]`, inputShape);
    return this.keepdims ? [inputShape[0], 1, 1, dims[2]] : [inputShape[0], dims[2]];
  }

  override call(x: Tensor, _args: CallArgs): Tensor {
    const y = this.pool(x);
    return this.keepdims ? reshape(y, [x.shape[0], 1, 1, x.shape[3]]) : y;
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/** Mean over height and width (Keras GlobalAveragePooling2D). */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  readonly className = 'GlobalAveragePooling2D';

  constructor(r: ConfigReader, name: string) {
    super(r, name, 'GlobalAveragePooling2D');
  }

  protected override pool(x: Tensor): Tensor {
    return globalAvgPool2d(x);
  }
}

/** Max over height and width (Keras GlobalMaxPooling2D). */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  readonly className = 'GlobalMaxPooling2D';

  constructor(r: ConfigReader, name: string) {
    super(r, name, 'GlobalMaxPooling2D');
  }

  protected override pool(x: Tensor): Tensor {
    return globalMaxPool2d(x);
  }
}
