/*
 * The engine's ambient types for janode (plain JavaScript) are outside this project; tests that
 * use janode directly, or import engine modules that do, see them through these references.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations cannot be imported
/// <reference path="../../electron/engine/janus/janode.d.ts" />
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations cannot be imported
/// <reference path="../../electron/engine/janus/janode-audiobridge.d.ts" />
