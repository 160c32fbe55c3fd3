import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDir, writeSecret } from '../config.ts';
import type { XmlElement } from './xml.ts';

// [Note: Dead properties]
// Properties a client sets with PROPPATCH (Windows' Win32 times, litmus's test properties)
// are kept on this machine, in webdav-props.json in the CLI's config folder (0600), keyed by
// node id so they follow a MOVE. They are not in Coffer's encrypted metadata: they do not
// follow the file to another device, and the hub never sees them. Each is the element as the
// client sent it, written back well-formed ([Note: WebDAV XML]).

type Stored = Record<string, XmlElement[]>;

const keyOf = (el: Pick<XmlElement, 'ns' | 'local'>) => `${el.ns}\u0000${el.local}`;

export class DeadProps {
  private saving = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly props: Stored,
  ) {}

  static async open(file = join(configDir(), 'webdav-props.json')): Promise<DeadProps> {
    let props: Stored = {};
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') props = parsed as Stored;
    } catch {
      // None yet, or unreadable: start empty (they are a convenience, not user data).
    }
    return new DeadProps(file, props);
  }

  list(id: string): XmlElement[] {
    return this.props[id] ?? [];
  }

  get(id: string, name: Pick<XmlElement, 'ns' | 'local'>): XmlElement | undefined {
    return this.list(id).find((p) => keyOf(p) === keyOf(name));
  }

  /** Applies sets and removes in document order, then saves. */
  async apply(id: string, ops: readonly { set: boolean; prop: XmlElement }[]) {
    const now = new Map(this.list(id).map((p) => [keyOf(p), p]));
    for (const { set, prop } of ops) {
      if (set) now.set(keyOf(prop), prop);
      else now.delete(keyOf(prop));
    }
    if (now.size) this.props[id] = [...now.values()];
    else delete this.props[id];
    await this.save();
  }

  /** Gives `to` the properties of `from` (a COPY). */
  async copy(from: string, to: string) {
    const props = this.props[from];
    if (!props) return;
    this.props[to] = props;
    await this.save();
  }

  private save(): Promise<void> {
    const text = `${JSON.stringify(this.props)}\n`;
    this.saving = this.saving.then(() => writeSecret(this.file, text));
    return this.saving;
  }
}
