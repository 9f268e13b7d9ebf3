// The webview side of the host channel: typed wrappers around acquireVsCodeApi().

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface HostChannel<Outgoing, State> {
  post(message: Outgoing): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function connectToHost<Outgoing, State>(): HostChannel<Outgoing, State> {
  const api = acquireVsCodeApi<State>();
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
