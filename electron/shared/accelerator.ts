/*
 * Electron accelerators ("CommandOrControl+Shift+M") as the settings file holds them. A global
 * shortcut takes its keys from every other application, so one without a modifier is refused
 * unless it is a function key.
 */

const MODIFIERS = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);
const NAMED_KEYS = new Set([
  'plus',
  'space',
  'tab',
  'capslock',
  'numlock',
  'scrolllock',
  'backspace',
  'delete',
  'insert',
  'return',
  'enter',
  'up',
  'down',
  'left',
  'right',
  'home',
  'end',
  'pageup',
  'pagedown',
  'escape',
  'esc',
  'volumeup',
  'volumedown',
  'volumemute',
  'medianexttrack',
  'mediaprevioustrack',
  'mediastop',
  'mediaplaypause',
  'printscreen',
  'num0',
  'num1',
  'num2',
  'num3',
  'num4',
  'num5',
  'num6',
  'num7',
  'num8',
  'num9',
  'numdec',
  'numadd',
  'numsub',
  'nummult',
  'numdiv',
]);
const FUNCTION_KEY = /^f([1-9]|1\d|2[0-4])$/;
const SINGLE_KEY = /^[a-z0-9)!@#$%^&*(:;:+=<,_\->.?/~`{\][|\\}'"]$/;

/** Why `accelerator` cannot be a global shortcut, or null when it can. */
export function acceleratorProblem(accelerator: string): string | null {
  const parts = accelerator.split('+');
  // "Plus" spells the + key; a bare "+" at the end splits into an empty part.
  if (parts.some((part) => part.trim() === ''))
    return `"${accelerator}" has an empty part: write keys like CommandOrControl+Shift+M (use "Plus" for the + key)`;
  const key = (parts.at(-1) ?? '').trim().toLowerCase();
  const modifiers = parts.slice(0, -1).map((part) => part.trim().toLowerCase());
  const unknown = modifiers.find((modifier) => !MODIFIERS.has(modifier));
  if (unknown !== undefined) return `"${accelerator}": "${unknown}" is not a modifier (use CommandOrControl, Alt, Shift, Super)`;
  if (new Set(modifiers).size !== modifiers.length) return `"${accelerator}" repeats a modifier`;
  const functionKey = FUNCTION_KEY.test(key);
  if (!functionKey && !NAMED_KEYS.has(key) && !SINGLE_KEY.test(key))
    return `"${accelerator}": "${parts.at(-1) ?? ''}" is not a key Electron knows`;
  if (modifiers.length === 0 && !functionKey)
    return `"${accelerator}" has no modifier: a global shortcut would take that key from every other app (add CommandOrControl, Alt or Shift)`;
  return null;
}

/** How an accelerator reads in menus and messages on this platform ("Ctrl+Shift+M", "⌘⇧M"-style words on macOS). */
export function describeAccelerator(accelerator: string, platform: string): string {
  const mac = platform === 'darwin';
  return accelerator
    .split('+')
    .map((part) => {
      switch (part.trim().toLowerCase()) {
        case 'commandorcontrol':
        case 'cmdorctrl':
          return mac ? 'Cmd' : 'Ctrl';
        case 'command':
        case 'cmd':
          return 'Cmd';
        case 'control':
        case 'ctrl':
          return 'Ctrl';
        case 'option':
        case 'alt':
          return mac ? 'Option' : 'Alt';
        case 'super':
        case 'meta':
          return mac ? 'Cmd' : platform === 'win32' ? 'Win' : 'Super';
        default:
          return part.trim();
      }
    })
    .join('+');
}
