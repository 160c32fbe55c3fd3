// A local Syncthing instance (the Debian package, `apt-get install syncthing`) driven through its
// REST API, for `npm run bench:sync`. Set-up, as the benchmark does it:
//
// - `syncthing generate --home DIR --no-default-folder`: a key, a certificate and config.xml in
//   a home of its own (the database goes there too).
// - config.xml edited before the first start: the GUI/REST API on 127.0.0.1 at a free port, the
//   sync protocol on tcp://127.0.0.1 at another; global and local discovery, relays, NAT
//   traversal, usage reporting, crash reporting, upgrades and the browser off. Every other
//   setting keeps its default (folders: watcher on, fsWatcherDelayS 10, rescan every hour;
//   setLowPriority true, which renices Syncthing's own process).
// - `syncthing serve --home DIR --no-browser --no-restart --no-upgrade`: a monitor process and
//   its child, which does the work (the one measured).
// - Through the REST API (X-API-Key from config.xml): each device added to the other with its
//   tcp address, then the folder added on both sides, shared with the other device.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { childrenOf } from './tools.ts';

export interface FolderStatus {
  state: string;
  localFiles: number;
  localBytes: number;
  globalFiles: number;
  needFiles: number;
  needTotalItems: number;
}

export function syncthingVersion(): string {
  return execFileSync('syncthing', ['--version'], { encoding: 'utf8' }).trim();
}

/** A free TCP port on loopback (closed again before Syncthing takes it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const OPTIONS: Record<string, string> = {
  globalAnnounceEnabled: 'false',
  localAnnounceEnabled: 'false',
  relaysEnabled: 'false',
  natEnabled: 'false',
  urAccepted: '-1',
  autoUpgradeIntervalH: '0',
  crashReportingEnabled: 'false',
  startBrowser: 'false',
};

export class Syncthing {
  private child: ChildProcess | null = null;
  private log = '';

  private constructor(
    readonly name: string,
    readonly home: string,
    readonly id: string,
    readonly apiKey: string,
    readonly gui: string,
    readonly listen: string,
  ) {}

  /** Generates a home for a new device and writes its settings (nothing runs yet). */
  static async create(name: string, home: string): Promise<Syncthing> {
    const gen = spawnSync(
      'syncthing',
      ['generate', `--home=${home}`, '--no-default-folder', '--skip-port-probing'],
      { encoding: 'utf8' },
    );
    const out = `${gen.stdout}${gen.stderr}`; // the device id is on stderr, with the log
    const id = /Device ID: (\S+)/.exec(out)?.[1];
    const file = join(home, 'config.xml');
    let xml = await readFile(file, 'utf8');
    const apiKey = /<apikey>([^<]+)<\/apikey>/.exec(xml)?.[1];
    if (!id || !apiKey) throw new Error(`syncthing generate: no device id or API key:\n${out}`);
    const gui = `127.0.0.1:${await freePort()}`;
    const listen = `tcp://127.0.0.1:${await freePort()}`;
    xml = xml
      .replace(/(<gui [^>]*>\s*<address>)[^<]*/, `$1${gui}`)
      .replace(/<listenAddress>[^<]*<\/listenAddress>/, `<listenAddress>${listen}</listenAddress>`);
    for (const [key, value] of Object.entries(OPTIONS)) {
      const re = new RegExp(`<${key}>[^<]*</${key}>`);
      if (!re.test(xml)) throw new Error(`config.xml has no <${key}>`);
      xml = xml.replace(re, `<${key}>${value}</${key}>`);
    }
    await writeFile(file, xml);
    return new Syncthing(name, home, id, apiKey, gui, listen);
  }

  /**
   * The process doing the work: `syncthing serve` runs itself again as a child (its monitor
   * stays the parent, even with --no-restart), so the child when there is one.
   */
  get pid(): number {
    const pid = this.child?.pid ?? 0;
    return childrenOf(pid)[0] ?? pid;
  }

  /** Starts the process and waits until its REST API answers. */
  async start(): Promise<void> {
    const child = spawn(
      'syncthing',
      ['serve', `--home=${this.home}`, '--no-browser', '--no-restart', '--no-upgrade'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STNODEFAULTFOLDER: '1' } },
    );
    this.child = child;
    const keep = (d: Buffer) => {
      this.log = (this.log + d).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`syncthing ${this.name} exited:\n${this.log}`);
      try {
        await this.api('GET', '/rest/system/ping');
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`syncthing ${this.name}: ${e}\n${this.log}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`http://${this.gui}${path}`, {
      method,
      headers: { 'X-API-Key': this.apiKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** Makes `other` known to this device, at its loopback address. */
  addDevice(other: Syncthing): Promise<unknown> {
    return this.api('POST', '/rest/config/devices', {
      deviceID: other.id,
      name: other.name,
      addresses: [other.listen],
    });
  }

  /** A send-and-receive folder with default settings, shared with `others`. */
  addFolder(id: string, path: string, others: Syncthing[]): Promise<unknown> {
    return this.api('POST', '/rest/config/folders', {
      id,
      label: id,
      path,
      devices: [this, ...others].map((d) => ({ deviceID: d.id })),
    });
  }

  status(folder: string): Promise<FolderStatus> {
    return this.api('GET', `/rest/db/status?folder=${encodeURIComponent(folder)}`);
  }

  /** Until the folder is idle with `files` files of its own and nothing more to fetch. */
  async settled(folder: string, files: number, timeoutMs = 3_600_000): Promise<FolderStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const s = await this.status(folder);
        if (s.state === 'idle' && s.localFiles === files && s.needTotalItems === 0) return s;
      } catch {
        // The API is not up yet, or the folder not started.
      }
      if (Date.now() > deadline) throw new Error(`syncthing ${this.name}: ${folder} not settled`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Asks it to shut down; kills it if it has not exited after 10 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await this.api('POST', '/rest/system/shutdown');
    } catch {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
