// A stand-in for Electron's main-process API, just enough for the built shell to start: it records what
// the shell asks for, then plays the window (loads the page through the registered app:// handler and
// calls the kiosk API over the registered IPC handlers) and prints one JSON report line before exiting.
import { EventEmitter } from 'node:events';

const report = {
  sandboxed: false,
  schemes: [],
  menu: 'default',
  window: null,
  page: null,
  ipc: [],
  calls: {},
};
const handlers = new Map();
let serve = null;

export const app = Object.assign(new EventEmitter(), {
  requestSingleInstanceLock: () => true,
  quit: () => undefined,
  exit: (code) => {
    console.log(`STUB-REPORT ${JSON.stringify({ ...report, exit: code })}`);
    process.exit(code);
  },
  enableSandbox: () => {
    report.sandboxed = true;
  },
  whenReady: () => Promise.resolve(),
  getPath: () => process.env.STUB_USER_DATA,
  getVersion: () => '0.1.0',
});

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    report.window = options;
    this.webContents = Object.assign(new EventEmitter(), { mainFrame: { url: '' } });
  }
  isDestroyed() {
    return false;
  }
  async loadURL(url) {
    this.webContents.mainFrame.url = url;
    const page = await serve(new Request(url));
    report.page = {
      url,
      status: page.status,
      csp: page.headers.get('content-security-policy'),
      html: await page.text(),
    };
    report.ipc = [...handlers.keys()].sort();
    const event = { sender: this.webContents, senderFrame: this.webContents.mainFrame };
    report.calls.getStatus = await handlers.get('isoloir:getStatus')(event, {});
    report.calls.searchCommunes = await handlers.get('isoloir:searchCommunes')(event, { query: 'arras' });
    app.emit('will-quit');
    console.log(`STUB-REPORT ${JSON.stringify(report)}`);
    process.exit(0);
  }
}

export const Menu = { setApplicationMenu: (menu) => (report.menu = menu) };
export const dialog = { showErrorBox: (title, content) => console.error(`[dialog] ${title}: ${content}`) };
export const ipcMain = {
  handle: (channel, handler) => handlers.set(channel, handler),
  removeHandler: () => undefined,
};
export const protocol = { registerSchemesAsPrivileged: (schemes) => report.schemes.push(...schemes) };
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: () => undefined },
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    protocol: {
      handle: (_scheme, handler) => {
        serve = handler;
      },
    },
  },
};
