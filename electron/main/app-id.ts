/** The app id of the installers (electron-builder.yml `appId`): Windows matches notifications to the Start menu shortcut by it. */
export const APP_ID = 'org.steadycast.app';
