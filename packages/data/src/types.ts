/** A dense float32 array in C (row-major) order. */
export interface NdArray {
  data: Float32Array;
  shape: number[];
}

/** Features and labels, ready to become tensors. */
export interface Dataset {
  name: string;
  /** [N, ...sampleShape] */
  x: NdArray;
  /** Class indices as floats, shape [N]; or targets [N, k] (regression, one-hot). */
  y: NdArray;
  /** Number of classes when `y` holds class indices. */
  classes?: number;
  /** Held-out test split (Fashion-MNIST's 10,000 images). */
  test?: { x: NdArray; y: NdArray };
}
