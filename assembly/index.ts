// The Wasm core's exports: kernels by family, plus the fused network step.
export * from "./memory";
export * from "./rng";
export * from "./gemm";
export * from "./activations";
export * from "./losses";
export * from "./metrics";
export * from "./optimizers";
export * from "./layers/dense";
export * from "./layers/dropout";
export * from "./network";
export * from "./layers/batch_normalization";
export * from "./layers/reshape";
export * from "./layers/zero_padding2d";
export * from "./layers/up_sampling2d";
export * from "./layers/pooling";
export { im2col, col2im, conv2d_forward, conv2d_backward } from "./layers/conv2d";
export { depthwise_conv2d_forward, depthwise_conv2d_backward } from "./layers/depthwise_conv2d";
export { simple_rnn_forward, simple_rnn_backward } from "./layers/simple_rnn";
