// Placeholder until the registry push command lands (owned by the registry work).
export async function runPushCommand(_args: string[]): Promise<number> {
  process.stderr.write('push is not available yet\n');
  return 2;
}
