import { contextBridge, ipcRenderer } from 'electron';
import { buildSteadycastApi, forwardProgramPorts } from './api';

// The page gets exactly one narrow object; see api.ts.
contextBridge.exposeInMainWorld('steadycast', buildSteadycastApi(ipcRenderer));
// The program's frames reach main on a port of their own, never through the page's main thread.
forwardProgramPorts(window, ipcRenderer);
