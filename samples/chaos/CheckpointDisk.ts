import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';

const TMPFS_SIZE = '16m';
const CHUNK = Buffer.alloc(1 << 20);

/**
 * How the disk-full fault is made: `tmpfs` mounts a small tmpfs under the checkpoint directory
 * and fills it with a file until writes fail with ENOSPC (needs `mount`, which works as root in
 * this sandbox); `simulated`, where mount is refused, moves the checkpoint directory aside and
 * puts a plain file in its place, so every checkpoint write fails (ENOTDIR rather than ENOSPC)
 * and a job started meanwhile cannot list its checkpoints.
 */
export type DiskFullMethod = 'tmpfs' | 'simulated';

/** The disk the job's checkpoints go to, which the chaos runner can make full for a while. */
export class CheckpointDisk {
  private full = false;

  private constructor(
    private readonly mountPoint: string,
    readonly method: DiskFullMethod,
  ) {}

  /** Where the job writes its checkpoints. */
  get checkpointDirectory(): string {
    return path.join(this.mountPoint, 'checkpoints');
  }

  private get filler(): string {
    return path.join(this.mountPoint, 'filler');
  }

  private get asideDirectory(): string {
    return path.join(this.mountPoint, 'checkpoints.aside');
  }

  /** Mounts a tmpfs at `mountPoint` when it can (`preferTmpfs`), else uses a plain directory. */
  static create(mountPoint: string, preferTmpfs: boolean): CheckpointDisk {
    fs.mkdirSync(mountPoint, { recursive: true });
    let method: DiskFullMethod = 'simulated';
    if (preferTmpfs) {
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', mountPoint], { timeout: 10_000, stdio: 'ignore' });
      if (mounted.status === 0) method = 'tmpfs';
    }
    const disk = new CheckpointDisk(mountPoint, method);
    fs.mkdirSync(disk.checkpointDirectory, { recursive: true });
    return disk;
  }

  fill(): void {
    if (this.full) return;
    this.full = true;
    if (this.method === 'tmpfs') {
      const fd = fs.openSync(this.filler, 'w');
      try {
        // Bounded: the tmpfs holds 16 MiB, so ENOSPC comes within 17 chunks; then byte by byte
        // for the rest of the last page.
        for (let i = 0; i < 64; i++) fs.writeSync(fd, CHUNK);
        throw new Error(`the checkpoint tmpfs at ${this.mountPoint} did not fill up`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        for (let i = 0; i < 1 << 16; i++) {
          try {
            fs.writeSync(fd, CHUNK, 0, 1);
          } catch {
            break;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    } else {
      fs.renameSync(this.checkpointDirectory, this.asideDirectory);
      fs.writeFileSync(this.checkpointDirectory, 'the chaos runner made this disk unusable for a while\n');
    }
  }

  release(): void {
    if (!this.full) return;
    this.full = false;
    if (this.method === 'tmpfs') {
      fs.rmSync(this.filler, { force: true });
    } else {
      fs.rmSync(this.checkpointDirectory, { force: true });
      fs.renameSync(this.asideDirectory, this.checkpointDirectory);
    }
  }

  /** Unmounts the tmpfs (lazily if still busy); its contents are gone afterwards. */
  dispose(): void {
    if (this.method !== 'tmpfs') return;
    const r = spawnSync('umount', [this.mountPoint], { timeout: 10_000, stdio: 'ignore' });
    if (r.status !== 0) spawnSync('umount', ['-l', this.mountPoint], { timeout: 10_000, stdio: 'ignore' });
  }
}
