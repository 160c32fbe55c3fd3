import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthError, ValidationError } from '@coffer/errors';
import type { ResumeState, ResumeStore, SavedSession } from '@coffer/sdk';
import { z } from 'zod';
import { hiddenPrompt } from './ask.ts';

/** $COFFER_CONFIG_DIR, else $XDG_CONFIG_HOME/coffer, else ~/.config/coffer. */
export function configDir(): string {
  if (process.env.COFFER_CONFIG_DIR) return process.env.COFFER_CONFIG_DIR;
  const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(xdg, 'coffer');
}

/**
 * Writes a secret file atomically with mode 0600 in a 0700 directory, on disk before it takes
 * the old one's place: a crash leaves the old file or the new, never an empty one.
 */
export async function writeSecret(file: string, text: string) {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.chmod(0o600);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const d = await open(dir, 'r');
  await d.sync().finally(() => d.close());
}

const savedSession = z.object({
  hubUrl: z.string(),
  token: z.string(),
  sessionId: z.string(),
  expiresAt: z.number(),
  accountId: z.string(),
  email: z.string(),
  masterKey: z.string(),
  contactsVersion: z.number().int().optional(),
});

const sessionFile = () => join(configDir(), 'session.json');

export async function saveSession(s: SavedSession) {
  await writeSecret(sessionFile(), `${JSON.stringify(s, null, 2)}\n`);
}

export async function loadSession(): Promise<SavedSession> {
  let text: string;
  try {
    text = await readFile(sessionFile(), 'utf8');
  } catch {
    throw new AuthError('not logged in; run `coffer login EMAIL` first');
  }
  const parsed = savedSession.safeParse(JSON.parse(text));
  if (!parsed.success) throw new AuthError(`${sessionFile()} is damaged; log in again`);
  const { contactsVersion, ...rest } = parsed.data;
  return contactsVersion === undefined ? rest : { ...rest, contactsVersion };
}

export async function forgetSession() {
  await rm(sessionFile(), { force: true });
}

/** Remembers unfinished uploads under the config dir (0600), keyed by what is being uploaded. */
export const resumeStore: ResumeStore = {
  async load(key) {
    try {
      return JSON.parse(await readFile(join(configDir(), 'uploads', `${key}.json`), 'utf8'));
    } catch {
      return null;
    }
  },
  async save(key: string, state: ResumeState) {
    await writeSecret(join(configDir(), 'uploads', `${key}.json`), JSON.stringify(state));
  },
  async remove(key) {
    await rm(join(configDir(), 'uploads', `${key}.json`), { force: true });
  },
};

/** The hub URL: --hub, then $COFFER_HUB, then the saved session's hub. */
export function hubUrlFrom(flag: string | undefined, saved?: SavedSession): string {
  const url = flag ?? process.env.COFFER_HUB ?? saved?.hubUrl;
  if (!url) throw new ValidationError('--hub', 'no hub given; pass --hub URL or set COFFER_HUB');
  if (!/^https?:\/\/[^\s]+$/.test(url))
    throw new ValidationError('--hub', `${url} is not an http(s) URL`);
  return url.replace(/\/+$/, '');
}

/** --password-file, then $COFFER_PASSWORD, then a hidden prompt on the terminal. */
export function password(
  flags: { 'password-file'?: string | undefined },
  prompt: string,
  confirm = false,
): Promise<string> {
  return secret(flags['password-file'], '--password-file', 'COFFER_PASSWORD', prompt, confirm);
}

/** `coffer passwd`'s new password: --new-password-file, then $COFFER_NEW_PASSWORD, then a prompt. */
export function newPassword(flags: { 'new-password-file'?: string | undefined }): Promise<string> {
  return secret(
    flags['new-password-file'],
    '--new-password-file',
    'COFFER_NEW_PASSWORD',
    'New password: ',
    true,
    'new password',
  );
}

/** The recovery key: --recovery-key, then $COFFER_RECOVERY_KEY, then a prompt (never $COFFER_PASSWORD). */
export function recoveryKey(flags: { 'recovery-key'?: string | undefined }): Promise<string> {
  if (flags['recovery-key']) return Promise.resolve(flags['recovery-key']);
  return secret(
    undefined,
    '--recovery-key',
    'COFFER_RECOVERY_KEY',
    'Recovery key: ',
    false,
    'recovery key',
  );
}

/** A link's password: --link-password-file, then $COFFER_LINK_PASSWORD, then a prompt. */
export function linkPassword(
  flags: { 'link-password-file'?: string | undefined },
  prompt: string,
  confirm = false,
): Promise<string> {
  return secret(
    flags['link-password-file'],
    '--link-password-file',
    'COFFER_LINK_PASSWORD',
    prompt,
    confirm,
  );
}

async function secret(
  file: string | undefined,
  fileFlag: string,
  env: string,
  prompt: string,
  confirm: boolean,
  field = 'password',
): Promise<string> {
  if (file) {
    try {
      const text = (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
      if (!text) throw new ValidationError(fileFlag, 'the file is empty');
      return text;
    } catch (e) {
      if (e instanceof ValidationError) throw e;
      throw new ValidationError(fileFlag, `cannot read ${file}`);
    }
  }
  const fromEnv = process.env[env];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new ValidationError(
      field,
      `not given; set ${env} or pass ${fileFlag} when not on a terminal`,
    );
  }
  const first = await hiddenPrompt(prompt);
  if (confirm && (await hiddenPrompt('Repeat the password: ')) !== first) {
    throw new ValidationError('password', 'the two passwords differ');
  }
  return first;
}
