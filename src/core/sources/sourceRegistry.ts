// Registered models of the MLflow sources (a FileStore's models/ folder, an mlflow.db's registered_models,
// model_versions and aliases tables), in one shape for the Models view: read only, each version naming the
// Trialbook run its MLflow run was imported as. MLflow's registry stays MLflow's: nothing here is written anywhere.
import { errorMessage } from '../../shared/errorMessage';
import { MlflowFileStoreReader } from './mlflowFileStore';
import { MlflowSqliteReader } from './mlflowSqlite';
import { mirrorRunId } from './sourceMirror';
import type { SourceKind, SourceProblem } from './sourceModel';
import type { SourceReader } from './sourceReader';

export interface SourceModelVersion {
  version: string;
  /** The MLflow run id the version was registered from ('' when none). */
  runId: string;
  /** The imported run's Trialbook id (when the version names a run). */
  mirrorRunId?: string;
  source: string;
  status: string;
  stage: string;
  aliases: string[];
}

export interface SourceRegisteredModel {
  kind: SourceKind;
  /** The source's folder or file. */
  root: string;
  name: string;
  description: string;
  tags: [string, string][];
  versions: SourceModelVersion[];
}

interface RawModel {
  name: string;
  description: string;
  tags: Map<string, string>;
  aliases: Map<string, string>;
  versions: { version: string; source: string; runId: string; status: string; currentStage: string }[];
}

/** The registered models a source holds ([] for kinds without a registry: TensorBoard, W&B). */
export async function sourceRegisteredModels(reader: SourceReader, problems: SourceProblem[] = []): Promise<SourceRegisteredModel[]> {
  let raw: RawModel[];
  try {
    if (reader instanceof MlflowFileStoreReader) raw = reader.registeredModels(problems);
    else if (reader instanceof MlflowSqliteReader) raw = (await reader.describe()).models;
    else return [];
  } catch (err) {
    problems.push({ file: reader.root, reason: `registered models cannot be read: ${errorMessage(err)}` });
    return [];
  }
  return raw.map((m) => ({
    kind: reader.kind, root: reader.root, name: m.name, description: m.description, tags: [...m.tags],
    versions: m.versions.map((v) => {
      const out: SourceModelVersion = {
        version: v.version, runId: v.runId, source: v.source, status: v.status, stage: v.currentStage,
        aliases: [...m.aliases].filter(([, version]) => version === v.version).map(([alias]) => alias).sort(),
      };
      if (/^[A-Za-z0-9]{1,64}$/.test(v.runId)) out.mirrorRunId = mirrorRunId(reader.kind, reader.root, v.runId);
      return out;
    }),
  }));
}
