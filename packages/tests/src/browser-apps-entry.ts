// Bundled for Chromium by test/apps-browser.test.ts: an app connecting through the device flow
// in a browser, then using its one folder.
import { CofferClient } from '@coffer/sdk';

declare global {
  interface Window {
    cofferConnectApp: typeof connect;
    /** Exposed by the test: the page hands the user code to Node, which approves it. */
    showCode(code: string): Promise<void>;
  }
}

async function connect(hub: string) {
  const app = await CofferClient.connectApp({
    hub,
    name: 'Browser uploader',
    folder: '/FromBrowser',
    access: 'readwrite',
    onCode: ({ userCode }) => void window.showCode(userCode),
  });
  await app.upload('/hello.txt', new TextEncoder().encode('uploaded from a browser app'));
  const listed = (await app.list('/')).map((e) => e.name);
  const d = await app.download('/hello.txt');
  const text = new TextDecoder().decode(await new Response(d.stream).arrayBuffer());
  return { listed, text, folderId: app.folderId };
}

window.cofferConnectApp = connect;
