// Batch normalization over the last axis (Ioffe & Szegedy), as TF.js and Keras define it: each
// channel c of `rows` rows is normalized by the batch's statistics in training and by the moving
// ones in inference, then scaled and shifted:
//   x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β,
// and in training the moving statistics follow the batch's: m ← m − (m − μ)·(1 − momentum) (TF.js's
// form; σ² is the biased batch variance, as tf.moments gives it).
//
// `fixed` holds 4·channels floats per batch: μ (or the moving mean), 1/√(σ² + ε), and two per-channel
// sums the backward pass uses.

/**
 * y and x̂ for `rows` rows of `channels`; γ and β may be 0 (scale / center off). With `training`,
 * normalizes by the batch's statistics and writes the updated moving ones to `nextMoving`
 * (mean then variance); otherwise uses `moving`.
 */
export function batch_normalization_forward(
  output: usize, normalized: usize, fixed: usize, nextMoving: usize,
  x: usize, gamma: usize, beta: usize, moving: usize,
  rows: i32, channels: i32, momentum: f32, epsilon: f32, training: bool,
): void {
  const mean = fixed, invStd = fixed + (<usize>channels << 2);
  const movingMean = moving, movingVariance = moving + (<usize>channels << 2);
  if (training) {
    batch_statistics(mean, invStd, x, rows, channels);
    const decay: f32 = 1 - momentum;
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const variance = load<f32>(invStd + o); // batch_statistics leaves σ² here
      const m = load<f32>(movingMean + o), v = load<f32>(movingVariance + o);
      store<f32>(nextMoving + o, m - (m - load<f32>(mean + o)) * decay);
      store<f32>(nextMoving + (<usize>channels << 2) + o, v - (v - variance) * decay);
      store<f32>(invStd + o, 1 / Mathf.sqrt(variance + epsilon));
    }
  } else {
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      store<f32>(mean + o, load<f32>(movingMean + o));
      store<f32>(invStd + o, 1 / Mathf.sqrt(load<f32>(movingVariance + o) + epsilon));
    }
  }
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * (<usize>channels << 2);
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const xh = (load<f32>(x + row + o) - load<f32>(mean + o)) * load<f32>(invStd + o);
      store<f32>(normalized + row + o, xh);
      store<f32>(output + row + o, (gamma ? load<f32>(gamma + o) : 1) * xh + (beta ? load<f32>(beta + o) : 0));
    }
  }
}

// μ and σ² (biased) of each channel over `rows` rows, summed in float64.
function batch_statistics(mean: usize, variance: usize, x: usize, rows: i32, channels: i32): void {
  const rowBytes = <usize>channels << 2;
  for (let c = 0; c < channels; c++) {
    const o = <usize>c << 2;
    let sum: f64 = 0;
    for (let r = 0; r < rows; r++) sum += <f64>load<f32>(x + <usize>r * rowBytes + o);
    const mu = sum / <f64>rows;
    let squares: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const d = <f64>load<f32>(x + <usize>r * rowBytes + o) - mu;
      squares += d * d;
    }
    store<f32>(mean + o, <f32>mu);
    store<f32>(variance + o, <f32>(squares / <f64>rows));
  }
}

/**
 * The chain rule back through it, from dy = dLoss/dy: dγ = Σ dy·x̂, dβ = Σ dy (skipped when their
 * pointers are 0), and dx — in training, where μ and σ² depend on every row,
 *   dx = (1/√(σ² + ε)) · (d − mean(d) − x̂·mean(d·x̂)),  d = dy·γ;
 * in inference simply dy·γ/√(m_σ² + ε). With `accumulate…` the results are added to what is there.
 */
export function batch_normalization_backward(
  inputGrad: usize, gammaGrad: usize, betaGrad: usize,
  outputGrad: usize, normalized: usize, fixed: usize, gamma: usize,
  rows: i32, channels: i32, training: bool, accumulateParams: bool, accumulateInput: bool,
): void {
  const invStd = fixed + (<usize>channels << 2);
  const sumD = invStd + (<usize>channels << 2), sumDX = sumD + (<usize>channels << 2);
  const rowBytes = <usize>channels << 2;
  memory.fill(sumD, 0, rowBytes * 2);
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const dy = load<f32>(outputGrad + row + o), xh = load<f32>(normalized + row + o);
      store<f32>(sumD + o, load<f32>(sumD + o) + dy);
      store<f32>(sumDX + o, load<f32>(sumDX + o) + dy * xh);
    }
  }
  for (let c = 0; c < channels; c++) {
    const o = <usize>c << 2;
    if (gammaGrad) store<f32>(gammaGrad + o, (accumulateParams ? load<f32>(gammaGrad + o) : 0) + load<f32>(sumDX + o));
    if (betaGrad) store<f32>(betaGrad + o, (accumulateParams ? load<f32>(betaGrad + o) : 0) + load<f32>(sumD + o));
  }
  if (!inputGrad) return;
  const scale: f32 = 1 / <f32>rows;
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * rowBytes;
    for (let c = 0; c < channels; c++) {
      const o = <usize>c << 2;
      const g: f32 = gamma ? load<f32>(gamma + o) : 1;
      const dy = load<f32>(outputGrad + row + o);
      let dx = dy * g * load<f32>(invStd + o);
      if (training) {
        // With d = dy·γ: mean(d) = γ·Σdy/n and mean(d·x̂) = γ·Σdy·x̂/n.
        const xh = load<f32>(normalized + row + o);
        dx = g * load<f32>(invStd + o) * (dy - load<f32>(sumD + o) * scale - xh * load<f32>(sumDX + o) * scale);
      }
      store<f32>(inputGrad + row + o, accumulateInput ? load<f32>(inputGrad + row + o) + dx : dx);
    }
  }
}
