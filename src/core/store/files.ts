// File helpers for the embedded backend: reading a file of lines in bounded chunks (no single
// string holds the file), writing a file through a temporary one, fsync of a file's folder.
import * as nodeFs from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the embedded backend does with files: an open file. */
export interface FileHandle {
  read(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  /** Writes `length` bytes of `data` from `offset` at `position` in the file. */
  write(data: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /** Writes a string at the current position (files opened with 'w'). */
  write(data: string): Promise<{ bytesWritten: number }>;
  /** fsync */
  sync(): Promise<void>;
  /** fdatasync */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * The file system the embedded backend runs on: Node's (`nodeFs`), or in tests a simulation that
 * forgets, at a power cut, whatever no fsync made durable (test/powercut-fs.ts).
 */
export interface FileSystem {
  /**
   * 'r' also opens a folder (for its fsync); 'w' creates or truncates; 'wd' is 'w' where each
   * write returns only once its bytes are durable, as a write then an fdatasync would (O_DSYNC:
   * one call instead of two).
   */
  open(path: string, flags: 'r' | 'w' | 'wd'): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  link(existing: string, path: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  readdir(folder: string): Promise<string[]>;
  stat(path: string): Promise<{ size: number; mtimeMs?: number }>;
  mkdir(folder: string, options: { recursive: true }): Promise<unknown>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
}

export const realFileSystem: FileSystem = {
  ...(nodeFs as unknown as FileSystem),
  open: (path, flags) => (flags === 'wd' ? openDurable(path) : (nodeFs.open(path, flags) as Promise<FileHandle>)),
};

const { O_WRONLY, O_CREAT, O_TRUNC, O_DSYNC } = nodeFs.constants;

/** 'wd' on Node: O_DSYNC where the platform has it, else each write followed by an fdatasync. */
async function openDurable(path: string): Promise<FileHandle> {
  if (O_DSYNC !== undefined) return nodeFs.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DSYNC) as Promise<FileHandle>;
  const handle = (await nodeFs.open(path, 'w')) as unknown as FileHandle;
  const write = async (data: Buffer, offset: number, length: number, position: number) => {
    const written = await handle.write(data, offset, length, position);
    await handle.datasync();
    return written;
  };
  return {
    read: (...args) => handle.read(...args),
    write: write as FileHandle['write'],
    sync: () => handle.sync(),
    datasync: () => handle.datasync(),
    truncate: length => handle.truncate(length),
    stat: () => handle.stat(),
    close: () => handle.close(),
  };
}

/**
 * Calls `onLines` with the lines of a file, a chunk at a time; `final` marks the last call, whose
 * last line may be unterminated (it was being written when the process stopped). `firstLine` is
 * the 1-based number of the first line passed.
 */
export async function readLines(
  fs: FileSystem,
  file: string,
  chunkBytes: number,
  onLines: (lines: string[], firstLine: number, final: boolean) => void | Promise<void>,
): Promise<{ unterminated: boolean; lines: number }> {
  const handle = await fs.open(file, 'r');
  try {
    let pending: string[] | undefined;
    let lineNo = 1;
    let pendingFirst = 1;
    // Each chunk is read in after the unfinished line the previous one ended with (`carried` bytes
    // at the start), so no chunk is copied to join them; the buffer grows only for a line longer
    // than a chunk.
    let buffer = Buffer.allocUnsafe(2 * chunkBytes);
    let carried = 0;
    for (;;) {
      if (buffer.length - carried < chunkBytes) {
        const bigger = Buffer.allocUnsafe(carried + chunkBytes);
        buffer.copy(bigger, 0, 0, carried);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, carried, chunkBytes, null);
      if (bytesRead === 0) break;
      const length = carried + bytesRead;
      const end = buffer.lastIndexOf(10, length - 1);
      if (end === -1) {
        carried = length;
        continue;
      }
      // One decoding per chunk, then a split: a newline byte is never part of a multi-byte character.
      const lines = buffer.toString('utf8', 0, end).split('\n');
      buffer.copy(buffer, 0, end + 1, length);
      carried = length - end - 1;
      if (pending) await onLines(pending, pendingFirst, false);
      pending = lines;
      pendingFirst = lineNo;
      lineNo += lines.length;
    }
    const tail = carried ? buffer.toString('utf8', 0, carried) : undefined;
    if (tail !== undefined) {
      if (pending) pending.push(tail);
      else {
        pending = [tail];
        pendingFirst = lineNo;
      }
      lineNo++;
    }
    if (pending) await onLines(pending, pendingFirst, true);
    return { unterminated: tail !== undefined, lines: lineNo - 1 };
  } finally {
    await handle.close();
  }
}

/** Writes text in pieces to a file opened for writing, keeping at most ~1 MB unwritten. */
export class FileWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly handle: FileHandle) {}

  async line(text: string): Promise<void> {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 20) await this.drain();
  }

  async drain(): Promise<void> {
    if (!this.parts.length) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.handle.write(text);
  }
}

/**
 * Replaces `file` atomically: `write` fills a temporary file next to it, which is fsync'd and
 * renamed over `file`, then the folder is fsync'd, so after a power cut the folder names either
 * the old file or the complete new one.
 */
export async function replaceFile(fs: FileSystem, file: string, temporary: string, write: (out: FileWriter) => Promise<void>): Promise<void> {
  const handle = await fs.open(temporary, 'w');
  try {
    const out = new FileWriter(handle);
    await write(out);
    await out.drain();
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await fs.rename(temporary, file);
  await syncFolder(fs, file);
}

/** fsync of the folder holding `file`: makes a created, renamed or deleted name durable. */
export async function syncFolder(fs: FileSystem, file: string): Promise<void> {
  const handle = await fs.open(dirname(file), 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
