import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { routes } from '@coffer/protocol';
import { parseRawAnswer, rawHttp, rawRequest, until } from '@coffer/tests';
import { assertClientError, call, hex, hubAlive, net } from './fixture.ts';

// Broken framing and bodies that are not JSON: a 4xx, and in the log one short client-error
// line (rate-limited per address), never an internal error with a stack trace.

const logOf = (file: string) => readFile(file, 'utf8').catch(() => '');
const badChunked = (path: string, method = 'POST') =>
  `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`;

/** Sends half a body, then hangs up. */
function abortedBody(url: string, path: string): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname, () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`,
      );
      setTimeout(() => socket.destroy(), 100);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

describe('malformed framing is a client error, logged briefly and rate-limited', () => {
  test('bad chunked encoding to the hub: a 400, a client-error line, no internal error', async () => {
    for (const path of [routes.signup.path, routes.registerStart.path, '/api/nowhere']) {
      const res = parseRawAnswer(await rawHttp(net.hubUrl, badChunked(path)));
      assertClientError(res, `bad chunked encoding to ${path}`, { status: 400 });
    }
    await abortedBody(net.hubUrl, routes.signup.path);
    await until('the client-error lines in the hub log', async () =>
      /client error from [^:]+: malformed HTTP request \(HPE_INVALID_CHUNK_SIZE\)/.test(
        await logOf(net.hub.logFile),
      ),
    );
    // The aborted body reaches the handler after the parser is done with it.
    await hubAlive();
    const log = await logOf(net.hub.logFile);
    assert.doesNotMatch(log, /internal error/, log);
    assert.doesNotMatch(log, /\n\s+at /, `no stack trace in the log:\n${log}`);
  });

  test('a flood of malformed requests from one address logs a handful of lines', async () => {
    const before = (await logOf(net.hub.logFile)).split('\n').length;
    for (let i = 0; i < 40; i++) await rawHttp(net.hubUrl, badChunked(routes.signup.path));
    await hubAlive();
    const log = await logOf(net.hub.logFile);
    const added = log.split('\n').length - before;
    assert.ok(added <= 6, `40 bad requests added ${added} log lines:\n${log}`);
    assert.doesNotMatch(log, /internal error/);
  });

  test('bad chunked encoding to a host: a 4xx and no internal error in its log', async () => {
    const host = net.hosts[0];
    assert.ok(host);
    const res = parseRawAnswer(await rawHttp(host.url, badChunked(`/chunks/${hex(64)}`, 'PUT')));
    assert.ok(res.status >= 400 && res.status < 500, `host: ${res.status} ${res.text}`);
    await until('the client-error line in the host log', async () =>
      /client error from .*HPE_INVALID_CHUNK_SIZE/.test(await logOf(host.logFile)),
    );
    const log = await logOf(host.logFile);
    assert.doesNotMatch(log, /internal error/, log);
  });
});

describe('JSON routes take JSON only', () => {
  const body = JSON.stringify({ email: 'ct@example.com' });
  test('a body under another content type, or none, is a 415 naming content-type', async () => {
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'application/json; charset=latin1',
      undefined,
    ]) {
      const res = await rawRequest(`${net.hubUrl}${routes.recoveryStart.path}`, {
        method: 'POST',
        headers: type === undefined ? {} : { 'content-type': type },
        body,
      });
      assertClientError(res, `content-type ${type}`, {
        status: 415,
        code: 'validation',
        field: 'content-type',
      });
      assert.match(res.text, /application\/json/, res.text);
    }
  });

  test('application/json, with or without a UTF-8 charset, is taken', async () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
    ]) {
      const res = await call(routes.recoveryStart, { body, headers: { 'content-type': type } });
      assert.ok(res.status < 300, `${type}: ${res.status} ${res.text}`);
    }
  });
});
