/** Why an audio file cannot be used. */
export type AudioFileProblem = 'unreadable' | 'not-wav' | 'unsupported-format' | 'empty';

/**
 * An audio file the engine cannot use. The message names the file, says what is wrong and what to
 * do about it, so the CLI and the UI can show it as it is.
 */
export class AudioFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: AudioFileProblem,
    detail: string,
  ) {
    super(`Cannot play "${path}": ${detail} ${advice(path, problem)}`);
    this.name = 'AudioFileError';
  }
}

function advice(path: string, problem: AudioFileProblem): string {
  const convert = `Convert it to a WAV file Steadycast can read, e.g.: sox "${path}" -r 48000 -c 2 -b 16 program.wav`;
  switch (problem) {
    case 'unreadable':
      return 'Check the path and that this user may read the file.';
    case 'not-wav':
    case 'unsupported-format':
      return convert;
    case 'empty':
      return 'Choose a file that holds audio.';
  }
}
