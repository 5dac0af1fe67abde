// downloads://name: the browser downloads name.json and name.weights.bin, TF.js's file names, which
// loadModel([jsonFile, weightsFile]) reads back.
import { toModelJSON } from './model-json.js';
import type { ModelArtifacts } from './types.js';
import { webApi } from './web-api.js';

export function save(name: string, artifacts: ModelArtifacts): void {
  const doc = webApi<Document>('document', 'downloads');
  const weightsName = `${name}.weights.bin`;
  const files: [string, Blob][] = [
    [`${name}.json`, new Blob([JSON.stringify(toModelJSON(artifacts, `./${weightsName}`))], { type: 'application/json' })],
    [weightsName, new Blob([artifacts.weightData], { type: 'application/octet-stream' })],
  ];
  for (const [fileName, blob] of files) {
    const url = URL.createObjectURL(blob);
    const anchor = doc.createElement('a');
    anchor.download = fileName;
    anchor.href = url;
    anchor.click();
    // The browser reads the Blob when the download starts, after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

