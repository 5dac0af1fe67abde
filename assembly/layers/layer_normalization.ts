// Layer normalization over the last axis (Ba, Kiros & Hinton), as TF.js and Keras define it: each
// row of `channels` values is normalized by its own mean and (biased) variance, then scaled and
// shifted per channel:
//   x̂ = (x − μ_row) / √(σ²_row + ε),   y = γ·x̂ + β.
// No state and no per-batch values: the statistics belong to each row, so the forward pass keeps
// x̂ and 1/√(σ² + ε) per row (in the layer's `saved` buffer) for the backward one. Each row's sums
// are float64, over its channels in order.

/**
 * y and x̂ for `rows` rows of `channels`, with each row's 1/√(σ² + ε) into `invStd` (rows floats);
 * γ and β may be 0 (scale / center off).
 */
export function layer_normalization_forward(
  output: usize, normalized: usize, invStd: usize,
  x: usize, gamma: usize, beta: usize,
  rows: i32, channels: i32, epsilon: f32,
): void {
  const rowBytes = <usize>channels << 2;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    let sum: f64 = 0;
    for (let c = 0; c < channels; c++) sum += <f64>load<f32>(x + row + (<usize>c << 2));
    const mean = sum / <f64>channels;
    let squares: f64 = 0;
    for (let c = 0; c < channels; c++) {
      const d = <f64>load<f32>(x + row + (<usize>c << 2)) - mean;
      squares += d * d;
    }
    const inv: f32 = 1 / Mathf.sqrt(<f32>(squares / <f64>channels) + epsilon);
    store<f32>(invStd + (<usize>r << 2), inv);
    const mu = <f32>mean;
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const xh = (load<f32>(x + row + o) - mu) * inv;
      store<f32>(normalized + row + o, xh);
      store<f32>(output + row + o, (gamma ? load<f32>(gamma + o) : 1) * xh + (beta ? load<f32>(beta + o) : 0));
    }
  }
}

/**
 * The chain rule back through it, from dy = dLoss/dy: dγ = Σ_rows dy·x̂, dβ = Σ_rows dy (skipped
 * when their pointers are 0: a frozen layer, or scale / center off), and, row by row,
 *   dx = (1/√(σ² + ε)) · (d − mean(d) − x̂·mean(d·x̂)),  d = dy·γ,
 * the means over the row's channels. With `accumulate…` the results are added to what is there.
 */
export function layer_normalization_backward(
  inputGrad: usize, gammaGrad: usize, betaGrad: usize,
  outputGrad: usize, normalized: usize, invStd: usize, gamma: usize,
  rows: i32, channels: i32, accumulateParams: bool, accumulateInput: bool,
): void {
  const rowBytes = <usize>channels << 2;
  // Each channel's sums over the rows, in row order, then added to (or written over) the gradient.
  if (gammaGrad || betaGrad) {
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      let sumDX: f32 = 0, sumD: f32 = 0;
      for (let r = 0; r < rows; r++) {
        const at = <usize>r * rowBytes + o;
        const dy = load<f32>(outputGrad + at);
        sumDX += dy * load<f32>(normalized + at);
        sumD += dy;
      }
      if (gammaGrad) store<f32>(gammaGrad + o, (accumulateParams ? load<f32>(gammaGrad + o) : 0) + sumDX);
      if (betaGrad) store<f32>(betaGrad + o, (accumulateParams ? load<f32>(betaGrad + o) : 0) + sumD);
    }
  }
  if (!inputGrad) return;
  const scale: f32 = 1 / <f32>channels;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    let sumD: f32 = 0, sumDX: f32 = 0;
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const d = load<f32>(outputGrad + row + o) * (gamma ? load<f32>(gamma + o) : 1);
      sumD += d;
      sumDX += d * load<f32>(normalized + row + o);
    }
    const meanD = sumD * scale, meanDX = sumDX * scale, inv = load<f32>(invStd + (<usize>r << 2));
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const d = load<f32>(outputGrad + row + o) * (gamma ? load<f32>(gamma + o) : 1);
      const dx = inv * (d - meanD - load<f32>(normalized + row + o) * meanDX);
      store<f32>(inputGrad + row + o, accumulateInput ? load<f32>(inputGrad + row + o) + dx : dx);
    }
  }
}
