// The server's model registry for the Models view: registered models (registered-models/search, paged) with their
// versions (model-versions/search by name, paged) and aliases, in the shape the MLflow stores' registries take
// (sourceRegistry.ts), each version naming the mirrored run it came from. Read only: nothing is written to the server.
import type { SourceModelVersion, SourceRegisteredModel } from '../sources/sourceRegistry';
import { mirrorRunId } from '../sources/sourceMirror';
import type { MlflowCall } from './serverReader';

/** registered-models/search allows at most 1,000 per page. */
const MODELS_PAGE = 1000;
/** model-versions/search allows up to 200,000 per page; a model's versions are few. */
const VERSIONS_PAGE = 10_000;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
}

/** A name as a string literal of MLflow's search grammar ('…' with ' doubled is what the server's parser takes). */
function quoted(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

export async function remoteRegisteredModels(server: string, call: MlflowCall): Promise<SourceRegisteredModel[]> {
  const out: SourceRegisteredModel[] = [];
  let token: string | undefined;
  do {
    const page = await call<{ registered_models?: unknown; next_page_token?: string }>('GET', 'registered-models/search', { max_results: MODELS_PAGE, ...(token ? { page_token: token } : {}) });
    for (const m of list(page.registered_models)) {
      const name = str(m.name);
      if (name === '') continue;
      const aliases = list(m.aliases).map((a) => [str(a.alias), str(a.version)] as const).filter(([a]) => a !== '');
      const versions: SourceModelVersion[] = [];
      let vToken: string | undefined;
      do {
        const vp = await call<{ model_versions?: unknown; next_page_token?: string }>('GET', 'model-versions/search', { filter: `name = ${quoted(name)}`, max_results: VERSIONS_PAGE, ...(vToken ? { page_token: vToken } : {}) });
        for (const v of list(vp.model_versions)) {
          const version = str(v.version);
          const runId = str(v.run_id);
          const entry: SourceModelVersion = {
            version, runId, source: str(v.source), status: str(v.status) || 'READY', stage: str(v.current_stage) || 'None',
            aliases: aliases.filter(([, ver]) => ver === version).map(([a]) => a).sort(),
          };
          if (/^[\w-]{1,64}$/.test(runId)) entry.mirrorRunId = mirrorRunId('mlflow-server', server, runId);
          versions.push(entry);
        }
        vToken = vp.next_page_token || undefined;
      } while (vToken);
      versions.sort((a, b) => Number(a.version) - Number(b.version));
      out.push({ kind: 'mlflow-server', root: server, name, description: str(m.description), tags: list(m.tags).map((t) => [str(t.key), str(t.value)]), versions });
    }
    token = page.next_page_token || undefined;
  } while (token);
  return out;
}
