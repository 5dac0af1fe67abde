// indexeddb://name: TF.js's database ('tensorflowjs') and stores, the artifacts stored whole, so
// either library reads what the other saved.
import { ValueError } from '../errors.js';
import type { Loaded, ModelArtifacts, RawArtifacts } from './types.js';
import { webApi } from './web-api.js';

function openDatabase(): Promise<IDBDatabase> {
  const idb = webApi<IDBFactory>('indexedDB', 'indexeddb');
  return new Promise((resolve, reject) => {
    const request = idb.open('tensorflowjs', 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('models_store', { keyPath: 'modelPath' });
      request.result.createObjectStore('model_info_store', { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new ValueError(`indexeddb://: cannot open the database: ${request.error?.message}`));
  });
}

export async function save(name: string, artifacts: ModelArtifacts): Promise<void> {
  const db = await openDatabase();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['models_store', 'model_info_store'], 'readwrite');
      tx.objectStore('model_info_store').put({ modelPath: name, modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: artifacts.weightData.byteLength } });
      tx.objectStore('models_store').put({ modelPath: name, modelArtifacts: artifacts });
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(new ValueError(`save() indexeddb://${name}: ${tx.error?.message}`));
    });
  } finally {
    db.close();
  }
}

export async function load(name: string, source: string): Promise<Loaded> {
  const db = await openDatabase();
  try {
    const record = await new Promise<{ modelArtifacts?: RawArtifacts } | undefined>((resolve, reject) => {
      const request = db.transaction('models_store', 'readonly').objectStore('models_store').get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new ValueError(`loadModel() indexeddb://${name}: ${request.error?.message}`));
    });
    if (!record?.modelArtifacts) throw new ValueError(`loadModel() indexeddb://${name}: no model saved there`);
    return { artifacts: record.modelArtifacts, origin: source };
  } finally {
    db.close();
  }
}

