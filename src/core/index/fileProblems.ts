// What a failed file-system call means for the user: the real cause in words, and what to do about it.
// Messages name the path and keep the error code, so a search for it still finds the documentation.
import { errorMessage } from '../../shared/errorMessage';

export interface FileProblem {
  /** The error code (EACCES, EROFS, …), when the error has one. */
  code?: string;
  /** What is wrong, naming the path: "permission denied: this user may not write /w/.trialbook (EACCES)". */
  cause: string;
  /** What to do about it, as one sentence. */
  remedy: string;
}

export function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `access` is what was being done to `path`: 'read' or 'write'. */
export function describeFileError(err: unknown, path: string, access: 'read' | 'write'): FileProblem {
  const code = errorCode(err);
  const problem = (cause: string, remedy: string): FileProblem => (code === undefined ? { cause, remedy } : { code, cause, remedy });
  switch (code) {
    case 'EACCES':
      return problem(`permission denied: this user may not ${access} ${path} (EACCES)`,
        `Give this user ${access} permission on it (for example chmod u+${access === 'read' ? 'rx' : 'w'} or chown).`);
    case 'EPERM':
      return problem(`operation not permitted on ${path} (EPERM): it may be marked immutable or append-only, or locked by another program`,
        'Clear the attribute (lsattr/chattr -i on Linux, the read-only flag elsewhere) or close the program that locks it.');
    case 'EROFS':
      return problem(`${path} is on a read-only file system (EROFS)`, 'Mount it writable, or open the workspace from a writable copy.');
    case 'EISDIR':
      return problem(`${path} is a directory, not a file (EISDIR)`, 'Move or delete that directory.');
    case 'ENOTDIR':
      return problem(`a part of the path ${path} is a file, not a folder (ENOTDIR)`, 'Move or delete the file that stands where a folder should be.');
    case 'ENOSPC':
      return problem(`the disk holding ${path} is full (ENOSPC)`, 'Free some space.');
    case 'EDQUOT':
      return problem(`the disk quota of this user is exhausted at ${path} (EDQUOT)`, 'Free some space or ask for a larger quota.');
    case 'ELOOP':
      return problem(`${path} is a loop of symbolic links (ELOOP)`, 'Replace the link with the file it should point to.');
    case 'ENAMETOOLONG':
      return problem(`the path ${path} is too long (ENAMETOOLONG)`, 'Move the workspace to a shorter path.');
    case 'EMFILE':
    case 'ENFILE':
      return problem(`too many files are open to ${access} ${path} (${code})`, 'Close some programs or raise the open-file limit (ulimit -n).');
    case 'EIO':
      return problem(`an input/output error on ${path} (EIO): the disk or network share may be failing`, 'Check the disk, or copy the workspace elsewhere.');
    case 'ENXIO':
      return problem(`${path} is a device or socket without a reader (ENXIO)`, 'Replace it with a regular file.');
    case 'ENOENT':
      return problem(`${path} does not exist (ENOENT)`, 'Check that the folder was not moved or deleted.');
    default:
      return problem(`cannot ${access} ${path}: ${errorMessage(err)}`, 'Check the file and its folder.');
  }
}

/** The kind of a file-system entry that is not a regular file, in words ("a directory", "a FIFO", …). */
export function entryKind(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}
