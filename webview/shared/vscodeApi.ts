// The page end of the host channel, typed by the panel's contract (src/shared/webviews/<panel>/contract.ts).
import { earlyMessagesGlobal } from '../../src/shared/webviews/pageLoader';
import type { PanelContract } from '../../src/shared/webviews/schema';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The messages the page shell's loader kept because they came before this script ran (pageLoader.ts); none without it. */
function takeEarlyMessages(): MessageEvent<unknown>[] {
  const take = (window as unknown as Record<string, unknown>)[earlyMessagesGlobal];
  return typeof take === 'function' ? (take as () => MessageEvent<unknown>[])() : [];
}

export interface HostChannel<ToHost, ToWebview, State> {
  post(message: ToHost): void;
  /** What this page saved before (a reload, or its tab shown again), when it still fits the contract. */
  savedState(): State | undefined;
  setState(state: State): void;
  /** Messages from the host of the types the contract declares (the host is trusted: not checked further). */
  onMessage(handler: (message: ToWebview) => void): void;
}

export function connectToHost<ToHost extends { type: string }, ToWebview extends { type: string }, State>(
  contract: PanelContract<ToHost, ToWebview, State>,
): HostChannel<ToHost, ToWebview, State> {
  const api = acquireVsCodeApi();
  const types = new Set(contract.toWebview.types);
  const early = takeEarlyMessages();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => {
      const saved = api.getState();
      if (saved === undefined || saved === null) return undefined;
      const problem = contract.state.problem(saved, 'state');
      if (problem === undefined) return saved as State;
      // Saved by another version of the page: start from defaults rather than from half a state.
      console.warn(`${contract.panel}: ignored the saved view state (${problem})`);
      return undefined;
    },
    setState: (state) => api.setState(state),
    onMessage: (handler) => {
      const receive = (event: MessageEvent<unknown>): void => {
        const data = event.data;
        if (typeof data === 'object' && data !== null && types.has(String((data as { type?: unknown }).type))) handler(data as ToWebview);
      };
      window.addEventListener('message', receive);
      // Those that came before the page ran, first, once the page's script has finished setting up (a microtask: no
      // message can be dispatched before it, so the order holds).
      const before = early.splice(0);
      if (before.length) queueMicrotask(() => { for (const event of before) receive(event); });
    },
  };
}
