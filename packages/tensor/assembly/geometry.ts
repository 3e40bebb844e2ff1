// The window geometry record shared with src/kernels/wasm-module.ts: 14 i32 at a byte offset, in
// the order of WindowGeometry's fields (src/kernels/conv-geometry.ts).

export const G_BATCH = 0;
export const G_IN_H = 1;
export const G_IN_W = 2;
export const G_IN_C = 3;
export const G_OUT_H = 4;
export const G_OUT_W = 5;
export const G_K_H = 6;
export const G_K_W = 7;
export const G_STRIDE_H = 8;
export const G_STRIDE_W = 9;
export const G_DIL_H = 10;
export const G_DIL_W = 11;
export const G_PAD_TOP = 12;
export const G_PAD_LEFT = 13;

@inline export function geo(g: usize, field: i32): i32 {
  return load<i32>(g + (<usize>field << 2));
}
