// The one assertNever lives in electron/shared; this path stays only for code written against it before (import from shared).
export { assertNever } from '../shared/assert-never';
