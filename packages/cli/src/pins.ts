import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@coffer/errors';
import type { FreshnessPins, Pin, SavedSession } from '@coffer/sdk';
import { configDir, writeSecret } from './config.ts';

// [Note: Pins on disk]
// The CLI keeps the SDK's freshness pins ([Note: Freshness pins]) across runs, one JSON file
// per account and hub: $COFFER_CONFIG_DIR/pins/HUB.ACCOUNT.json (0600), each node id mapped
// to [revision, keyVersion]. The file names its hub and account and is ignored for any
// other, so two accounts never share pins. It is read whole when a command first needs a
// pin, and written whole (a temporary file, then a rename) half a second after pins moved
// and when the command ends; a write first takes in what another run wrote meanwhile, the
// higher of each. About 35 bytes a node: 100 000 nodes seen make a 3.5 MB file read and
// written by each command that moves a pin, which is the size this is meant for. The sync
// client keeps its pins in its own SQLite database instead.

type Stored = Record<string, [number, number]>;

const pinFile = (s: SavedSession) =>
  join(configDir(), 'pins', `${encodeURIComponent(s.hubUrl)}.${s.accountId}.json`);

async function readPins(file: string, s: SavedSession): Promise<Stored> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const doc = JSON.parse(text) as { hubUrl?: unknown; accountId?: unknown; pins?: unknown };
    if (doc.hubUrl !== s.hubUrl || doc.accountId !== s.accountId) return {};
    const pins = doc.pins as Stored;
    for (const v of Object.values(pins)) {
      if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isSafeInteger)) throw v;
    }
    return pins;
  } catch {
    throw new ValidationError(
      'pins',
      `${file} is damaged; remove it to start over (rollbacks the hub made before are then no longer caught)`,
    );
  }
}

const SAVE_AFTER_MS = 500;
const open = new Set<PinFile>();

/** One account's pins on disk, cached for this run. */
class PinFile implements FreshnessPins {
  private pins: Promise<Stored> | undefined;
  private readonly moved = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly session: SavedSession) {}

  private get file() {
    return pinFile(this.session);
  }

  private all(): Promise<Stored> {
    this.pins ??= readPins(this.file, this.session);
    return this.pins;
  }

  async get(nodeId: string): Promise<Pin | undefined> {
    const v = (await this.all())[nodeId];
    return v ? { revision: v[0], keyVersion: v[1] } : undefined;
  }

  async put(nodeId: string, pin: Pin): Promise<void> {
    (await this.all())[nodeId] = [pin.revision, pin.keyVersion];
    this.moved.add(nodeId);
    this.timer ??= setTimeout(() => void this.save().catch(() => undefined), SAVE_AFTER_MS);
    this.timer.unref();
  }

  /** Writes the pins that moved, merged with the file as it is now. */
  save(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.saving = this.saving.then(async () => {
      if (this.moved.size === 0) return;
      const mine = await this.all();
      const merged = await readPins(this.file, this.session).catch(() => ({}) as Stored);
      for (const id of this.moved) {
        const [r, k] = mine[id] as [number, number];
        const [r0, k0] = merged[id] ?? [0, 0];
        merged[id] = [Math.max(r, r0), Math.max(k, k0)];
      }
      this.moved.clear();
      const doc = { hubUrl: this.session.hubUrl, accountId: this.session.accountId, pins: merged };
      await writeSecret(this.file, JSON.stringify(doc));
    });
    return this.saving;
  }
}

/** The pins of the saved session's account, kept on disk across runs. */
export function pinsOf(session: SavedSession): FreshnessPins {
  const pins = new PinFile(session);
  open.add(pins);
  return pins;
}

/** Writes every pin that moved in this run (main calls it when a command ends). */
export async function savePins(): Promise<void> {
  await Promise.all([...open].map((p) => p.save()));
}
