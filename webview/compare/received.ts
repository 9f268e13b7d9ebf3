// A host message as the compare page handles it: checked against the contract (points that do not fit would draw
// nonsense, or throw mid-draw), then its lines widened to Float64Arrays once, on arrival (wireLines.ts), so the
// drawing code sees one kind of array.
import { compareContract } from '../../src/shared/webviews/compare/contract';
import { widenMessage, type CompareMessage } from '../../src/shared/webviews/compare/wireLines';

/** The message to handle, or undefined when it was malformed (said in `status`, logged to the console). */
export function receivedMessage(received: unknown, status: HTMLElement): CompareMessage | undefined {
  const checked = compareContract.toWebview.check(received);
  if (checked.ok) return widenMessage(checked.message);
  status.hidden = false;
  status.textContent = `The comparison could not be shown: the extension sent a malformed "${checked.type ?? '?'}" message (${checked.problem}). Close and reopen the panel; if it happens again, report it with the Trialbook output log.`;
  console.error(`Compare: ignored a malformed ${checked.type ?? ''} message: ${checked.problem}`);
  return undefined;
}
