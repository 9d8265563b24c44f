import { contextBridge, ipcRenderer } from 'electron';
import { buildSteadycastApi } from './api';

// The page gets exactly one narrow object; see api.ts.
contextBridge.exposeInMainWorld('steadycast', buildSteadycastApi(ipcRenderer));
