declare const __STEADYCAST_VERSION__: string | undefined;

/** The app version, injected at build time; "dev" when running from sources. */
export const STEADYCAST_VERSION: string = typeof __STEADYCAST_VERSION__ === 'string' ? __STEADYCAST_VERSION__ : 'dev';
