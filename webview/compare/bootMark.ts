// Imported first by main.ts: the time the page's bundle began to run (after it was fetched, parsed and compiled),
// read by paintMarks.ts for the open's breakdown.
export const scriptStarted = Date.now();
