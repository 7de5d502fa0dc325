// A simulated file system for power-cut tests of the embedded store (test/store.powercut.test.ts).
//
// It keeps two states of everything: what the running process sees, and what a disk would still
// hold after a power cut. A file's bytes become durable only through its fsync/fdatasync; a name
// (created, renamed, unlinked) only through an fsync of its folder. At the cut (the n-th operation)
// every operation from then on never completes, as if the machine stopped; `afterCut()` is the disk
// at the next boot: each folder holds the names it had at its last fsync, each file the bytes it had
// at its last fsync. A `partial` cut also keeps what a disk may have written on its own before the
// cut: of each file, the size it had then or its last durable one, and a random choice between the
// old and the new content of each 512-byte sector written since its fsync (so a write may be torn
// anywhere, not only at its end: sectors before the torn part left as they were, later ones
// written); and a random subset (in order) of each folder's creates, renames and unlinks since its fsync.
import { basename, dirname } from 'node:path';
import type { FileHandle, FileSystem } from '../src/core/store/files.js';

class Inode {
  constructor(
    public data: Buffer = Buffer.alloc(0),
    public synced: Buffer = Buffer.alloc(0),
  ) {}
}

type Names = Map<string, Inode>;

class Folder {
  /** Changes of names since the folder's last fsync, each applicable to `durable`. */
  pending: Array<(names: Names) => void> = [];

  constructor(
    public live: Names = new Map(),
    public durable: Names = new Map(),
  ) {}

  change(apply: (names: Names) => void): void {
    apply(this.live);
    this.pending.push(apply);
  }

  sync(): void {
    this.durable = new Map(this.live);
    this.pending = [];
  }
}

/** One operation, for the record of where a cut fell. */
export interface Operation {
  op: string;
  path: string;
}

function fsError(code: string, op: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${op} '${path}'`), { code });
}

const SECTOR = 512;

/** A file after a partial cut: the size it had or its durable one, each unsynced sector old or new at random. */
function tornImage(inode: Inode, random: () => number): Buffer {
  const { data, synced } = inode;
  const image = Buffer.alloc(random() < 0.5 ? synced.length : data.length);
  synced.copy(image, 0, 0, Math.min(synced.length, image.length));
  for (let at = 0; at < image.length; at += SECTOR) {
    const end = Math.min(at + SECTOR, image.length);
    const now = data.subarray(at, end);
    if (!now.equals(image.subarray(at, end)) && random() < 0.5) now.copy(image, at);
  }
  return image;
}

/** After a write to `[from, to)` made durable on its own (O_DSYNC): that range and the file's size are durable. */
function syncRange(inode: Inode, from: number, to: number): void {
  const image = Buffer.alloc(inode.data.length);
  inode.synced.copy(image, 0, 0, Math.min(inode.synced.length, image.length));
  inode.data.copy(image, from, from, Math.min(to, image.length));
  inode.synced = image;
}

export class PowerCutFs implements FileSystem {
  /** Operations so far; the one numbered `cutAt` (1-based) and all later ones never complete. */
  readonly operations: Operation[] = [];
  cutAt = Infinity;
  /** Or the cut falls on the `skip + 1`-th operation that passes `test`. */
  cutOnMatch?: { test: (operation: Operation) => boolean; skip: number };
  /** The operation the cut fell on. */
  cutOn?: Operation;
  private readonly folders = new Map<string, Folder>();
  private onCut!: () => void;
  /** Resolves when the cut happens. */
  readonly cut = new Promise<void>(resolve => (this.onCut = resolve));

  /** A file system holding (durably) the given empty folders. */
  static withFolders(...paths: string[]): PowerCutFs {
    const fs = new PowerCutFs();
    for (const path of paths) fs.folders.set(path, new Folder());
    return fs;
  }

  /** Writes a file durably (the disk as a test starts from). */
  put(path: string, content: string): void {
    const inode = new Inode(Buffer.from(content), Buffer.from(content));
    const folder = this.folderOf(path);
    folder.live.set(basename(path), inode);
    folder.durable.set(basename(path), inode);
  }

  get isCut(): boolean {
    return this.cutOn !== undefined;
  }

  /** The disk as the next boot finds it; `random` decides what of the unsynced changes a `partial` cut keeps. */
  afterCut(random: () => number, partial: boolean): PowerCutFs {
    const next = new PowerCutFs();
    const copies = new Map<Inode, Inode>();
    for (const [path, folder] of this.folders) {
      const copy = new Folder();
      const names = new Map(folder.durable);
      if (partial) for (const apply of folder.pending) if (random() < 0.5) apply(names);
      for (const [name, inode] of names) {
        let clone = copies.get(inode);
        if (!clone) {
          const bytes = partial ? tornImage(inode, random) : inode.synced;
          clone = new Inode(Buffer.from(bytes), Buffer.from(bytes));
          copies.set(inode, clone);
        }
        copy.live.set(name, clone);
        copy.durable.set(name, clone);
      }
      next.folders.set(path, copy);
    }
    return next;
  }

  /** The files of a folder and their content, as the process sees them (for failure reports). */
  contents(folder: string): Record<string, string> {
    return Object.fromEntries([...(this.folders.get(folder)?.live ?? [])].map(([name, inode]) => [name, inode.data.toString('utf8')]));
  }

  /** The names in a folder as the process sees them. */
  names(folder: string): string[] {
    return [...(this.folders.get(folder)?.live.keys() ?? [])].sort();
  }

  /** Counts an operation; at the cut, returns a promise that never settles. */
  private async step(op: string, path: string): Promise<void> {
    if (this.isCut) return new Promise<never>(() => undefined);
    this.operations.push({ op, path });
    const match = this.cutOnMatch?.test({ op, path }) === true && this.cutOnMatch.skip-- <= 0;
    if (this.operations.length >= this.cutAt || match) {
      this.cutOn = { op, path };
      this.onCut();
      return new Promise<never>(() => undefined);
    }
    // Let other work run between operations, as real I/O does.
    await new Promise(resolve => setImmediate(resolve));
    if (this.isCut) return new Promise<never>(() => undefined);
  }

  private folderOf(path: string): Folder {
    const folder = this.folders.get(dirname(path));
    if (!folder) throw fsError('ENOENT', 'open', path);
    return folder;
  }

  private inodeOf(op: string, path: string): Inode {
    const inode = this.folderOf(path).live.get(basename(path));
    if (!inode) throw fsError('ENOENT', op, path);
    return inode;
  }

  async open(path: string, flags: 'r' | 'w' | 'wd'): Promise<FileHandle> {
    await this.step(`open ${flags}`, path);
    const folder = this.folders.get(path);
    if (folder) {
      if (flags !== 'r') throw fsError('EISDIR', 'open', path);
      return this.folderHandle(path, folder);
    }
    let inode = this.folderOf(path).live.get(basename(path));
    if (!inode) {
      if (flags === 'r') throw fsError('ENOENT', 'open', path);
      const created = (inode = new Inode());
      this.folderOf(path).change(names => names.set(basename(path), created));
    } else if (flags !== 'r') {
      inode.data = Buffer.alloc(0);
    }
    return this.fileHandle(path, inode, flags === 'wd');
  }

  private folderHandle(path: string, folder: Folder): FileHandle {
    const refuse = () => Promise.reject(fsError('EISDIR', 'write', path));
    return {
      read: refuse,
      write: refuse,
      truncate: refuse,
      sync: async () => {
        await this.step('fsync folder', path);
        folder.sync();
      },
      datasync: async () => {
        await this.step('fdatasync folder', path);
        folder.sync();
      },
      stat: async () => ({ size: 0 }),
      close: async () => undefined,
    };
  }

  /** `dsync`: each write makes its bytes durable before it returns (O_DSYNC); a cut may fall between the two. */
  private fileHandle(path: string, inode: Inode, dsync: boolean): FileHandle {
    let position = 0;
    const fs = this;
    return {
      async read(buffer: Buffer, offset: number, length: number, at: number | null) {
        await fs.step('read', path);
        const from = at ?? position;
        const bytesRead = Math.max(0, Math.min(length, inode.data.length - from));
        inode.data.copy(buffer, offset, from, from + bytesRead);
        if (at === null) position += bytesRead;
        return { bytesRead };
      },
      async write(data: Buffer | string, offset: number = 0, length?: number, at: number = position) {
        await fs.step('write', path);
        const bytes = typeof data === 'string' ? Buffer.from(data) : data.subarray(offset, offset + (length ?? data.length - offset));
        const end = at + bytes.length;
        const grown = Buffer.alloc(Math.max(end, inode.data.length));
        inode.data.copy(grown);
        bytes.copy(grown, at);
        inode.data = grown;
        position = end;
        if (dsync) {
          await fs.step('fdatasync', path);
          syncRange(inode, at, end);
        }
        return { bytesWritten: bytes.length };
      },
      async sync() {
        await fs.step('fsync', path);
        inode.synced = Buffer.from(inode.data);
      },
      async datasync() {
        await fs.step('fdatasync', path);
        inode.synced = Buffer.from(inode.data);
      },
      async truncate(length: number) {
        await fs.step('truncate', path);
        inode.data = Buffer.from(inode.data.subarray(0, length));
      },
      async stat() {
        await fs.step('fstat', path);
        return { size: inode.data.length };
      },
      async close() {
        // closing does not make anything durable, and a process that stopped closes nothing
      },
    } as FileHandle;
  }

  async rename(from: string, to: string): Promise<void> {
    await this.step('rename', `${from} -> ${to}`);
    const inode = this.inodeOf('rename', from);
    if (dirname(from) !== dirname(to)) throw fsError('EXDEV', 'rename', to); // not needed by the store
    this.folderOf(from).change(names => {
      names.delete(basename(from));
      names.set(basename(to), inode);
    });
  }

  async unlink(path: string): Promise<void> {
    await this.step('unlink', path);
    this.inodeOf('unlink', path);
    this.folderOf(path).change(names => names.delete(basename(path)));
  }

  async link(existing: string, path: string): Promise<void> {
    await this.step('link', `${existing} -> ${path}`);
    const inode = this.inodeOf('link', existing);
    if (this.folderOf(path).live.has(basename(path))) throw fsError('EEXIST', 'link', path);
    this.folderOf(path).change(names => names.set(basename(path), inode));
  }

  async copyFile(from: string, to: string): Promise<void> {
    await this.step('copyFile', `${from} -> ${to}`);
    const copy = new Inode(Buffer.from(this.inodeOf('copyFile', from).data));
    this.folderOf(to).change(names => names.set(basename(to), copy));
  }

  async readdir(folder: string): Promise<string[]> {
    await this.step('readdir', folder);
    const entry = this.folders.get(folder);
    if (!entry) throw fsError('ENOENT', 'readdir', folder);
    return [...entry.live.keys()];
  }

  async stat(path: string): Promise<{ size: number }> {
    await this.step('stat', path);
    if (this.folders.has(path)) return { size: 0 };
    return { size: this.inodeOf('stat', path).data.length };
  }

  async mkdir(folder: string): Promise<unknown> {
    await this.step('mkdir', folder);
    // Folders are made up front by withFolders() (durably); the store only makes sure they exist.
    if (!this.folders.has(folder)) throw fsError('EACCES', 'mkdir', folder);
    return undefined;
  }

  async readFile(path: string): Promise<string> {
    await this.step('readFile', path);
    return this.inodeOf('readFile', path).data.toString('utf8');
  }
}
