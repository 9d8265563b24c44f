/** Linux icon theme sizes written to assets/icons/NxN.png. */
export declare const LINUX_SIZES: number[];
/** Every file make-icons writes, relative to assets/. */
export declare const OUTPUTS: string[];
/** Missing or empty outputs, as messages. */
export declare function checkIcons(): string[];
