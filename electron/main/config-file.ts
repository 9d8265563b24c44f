import { readConfigText } from '../engine/config-text';
import { ConfigError, parseEngineConfig, type EngineConfig } from '../engine/config';
import { describeError } from '../shared/describe-error';

/** Outcome of reading the desktop config file; the engine always gets a usable config. */
export type ConfigLoad =
  | { status: 'missing'; path: string; config: EngineConfig }
  | { status: 'loaded'; path: string; config: EngineConfig }
  /** The file exists but cannot be used: the default config is returned with every problem. */
  | { status: 'invalid'; path: string; config: EngineConfig; problems: string[] };

/** Reads `path` (the user data folder's config.json) if present and validates it; never throws. */
export async function loadConfigFile(path: string): Promise<ConfigLoad> {
  const defaults = (): EngineConfig => parseEngineConfig({}, 'the default config');
  const read = await readConfigText(path);
  if (!read.ok) {
    if (read.reason === 'missing') return { status: 'missing', path, config: defaults() };
    const problem = read.reason === 'too-large' ? `the file ${read.problem}` : `the file could not be read: it ${read.problem}`;
    return { status: 'invalid', path, config: defaults(), problems: [problem] };
  }
  let input: unknown;
  try {
    input = JSON.parse(read.text);
  } catch (error) {
    return { status: 'invalid', path, config: defaults(), problems: [`the file is not valid JSON (${describeError(error)})`] };
  }
  try {
    return { status: 'loaded', path, config: parseEngineConfig(input, path) };
  } catch (error) {
    const problems = error instanceof ConfigError ? error.problems : [describeError(error)];
    return { status: 'invalid', path, config: defaults(), problems };
  }
}
