// CNCF ModelPack (model-spec v0.0.7) layout of a model: one layer per file, folders as tar layers,
// the ModelPack config, and the OCI manifest that ties them together with the lineage annotations.
import * as path from 'node:path';
import { bufferSource, fileDigest, fileSource, sha256Hex, tarDigest, tarSource, type Blob, type HashHooks } from './blobSource';
import { scanModel } from './modelTree';
import type { PlannedFile, PlannedLink } from './types';

export const MODEL_ARTIFACT_TYPE = 'application/vnd.cncf.model.manifest.v1+json';
export const MODEL_CONFIG_TYPE = 'application/vnd.cncf.model.config.v1+json';
export const FILEPATH_ANNOTATION = 'org.cncf.model.filepath';

const WEIGHT_EXT = new Set(['.safetensors', '.bin', '.pt', '.pth', '.onnx', '.gguf', '.ggml', '.h5', '.keras', '.pkl', '.pickle', '.joblib', '.ckpt', '.npz', '.npy', '.msgpack', '.tflite', '.pb', '.mlmodel', '.cbm', '.ubj']);
const CONFIG_NAMES = /^(config|generation_config|tokenizer(_config)?|special_tokens_map|preprocessor_config|vocab|merges|MLmodel|conda|python_env|requirements|params)\b/i;
const DOC_EXT = new Set(['.md', '.rst', '.txt', '.pdf']);
const CODE_EXT = new Set(['.py', '.ipynb', '.sh', '.js', '.ts', '.r', '.jl']);

/** Layer kind from the file name: weights unless it is clearly config, docs or code. */
export function layerKind(name: string): 'weight' | 'weight.config' | 'doc' | 'code' {
  const ext = path.extname(name).toLowerCase();
  if (WEIGHT_EXT.has(ext)) return 'weight';
  if (CONFIG_NAMES.test(name) || ext === '.json' || ext === '.yaml' || ext === '.yml') return 'weight.config';
  if (DOC_EXT.has(ext) || /^(readme|license|licence|notice)/i.test(name)) return 'doc';
  if (CODE_EXT.has(ext)) return 'code';
  return 'weight';
}

/** ModelPack `config.format` where the file type tells it. */
export function modelFormat(names: string[]): string | undefined {
  const exts = new Set(names.map((n) => path.extname(n).toLowerCase()));
  if (exts.has('.safetensors')) return 'safetensors';
  if (exts.has('.gguf')) return 'gguf';
  if (exts.has('.onnx')) return 'onnx';
  if (exts.has('.pt') || exts.has('.pth') || exts.has('.ckpt')) return 'pytorch';
  if (exts.has('.h5') || exts.has('.keras')) return 'keras';
  if (exts.has('.tflite')) return 'tflite';
  if (exts.has('.joblib')) return 'joblib';
  if (exts.has('.pkl') || exts.has('.pickle')) return 'pickle';
  if (names.includes('MLmodel')) return 'mlflow';
  return undefined;
}

export interface LayerPlan extends PlannedFile {
  blob: Blob;
}

/**
 * Layers of the model at `modelPath` (a file, or a folder whose top-level files and folders become layers), with
 * its links as the rule in modelTree.ts treats them. Links outside the model that were not allowed are listed and
 * left out; the push refuses such a plan.
 */
export async function planLayers(modelPath: string, options: { followOutsideLinks?: boolean }, hooks: HashHooks = {}): Promise<{ layers: LayerPlan[]; links: PlannedLink[] }> {
  const scan = await scanModel(modelPath, { keepLinks: true, ...(options.followOutsideLinks ? { followOutsideLinks: true } : {}) });
  hooks.onTotal?.(scan.parts.reduce((n, p) => n + p.entries.reduce((m, e) => m + e.size, 0), 0));
  const layers: LayerPlan[] = [];
  for (const part of scan.parts) {
    const kind = layerKind(part.filepath);
    if (part.dir) {
      const { sha256, size } = await tarDigest(part.abs, part.entries, hooks);
      const mediaType = `application/vnd.cncf.model.${kind}.v1.tar`;
      layers.push({ filepath: part.filepath, source: part.abs, size, sha256, mediaType, blob: { digest: `sha256:${sha256}`, size, mediaType, source: tarSource(part.entries) } });
    } else {
      const { sha256, size } = await fileDigest(part.abs, hooks);
      const mediaType = `application/vnd.cncf.model.${kind}.v1.raw`;
      layers.push({ filepath: part.filepath, source: part.abs, size, sha256, mediaType, blob: { digest: `sha256:${sha256}`, size, mediaType, source: fileSource(part.abs) } });
    }
  }
  return { layers, links: scan.links };
}

export interface ModelDescriptor {
  name: string;
  version: string;
  createdAt: string;
  authors?: string[];
  description?: string;
}

export function configBlob(desc: ModelDescriptor, layers: LayerPlan[]): Blob {
  const format = modelFormat(layers.map((l) => l.filepath));
  const config = {
    descriptor: {
      name: desc.name,
      version: desc.version,
      createdAt: desc.createdAt,
      ...(desc.authors?.length ? { authors: desc.authors } : {}),
      ...(desc.description ? { description: desc.description } : {}),
    },
    config: format ? { format } : {},
    modelfs: { type: 'layers', diffIds: layers.map((l) => `sha256:${l.sha256}`) },
  };
  const bytes = Buffer.from(JSON.stringify(config));
  return { digest: `sha256:${sha256Hex(bytes)}`, size: bytes.length, mediaType: MODEL_CONFIG_TYPE, source: bufferSource(bytes) };
}

export function manifestBytes(config: Blob, layers: LayerPlan[], annotations: Record<string, string>): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: MODEL_ARTIFACT_TYPE,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({
      mediaType: l.mediaType,
      digest: `sha256:${l.sha256}`,
      size: l.size,
      annotations: { [FILEPATH_ANNOTATION]: l.filepath, 'org.opencontainers.image.title': l.filepath },
    })),
    annotations,
  };
  return Buffer.from(JSON.stringify(manifest));
}
