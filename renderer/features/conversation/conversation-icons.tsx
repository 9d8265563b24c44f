import type { ReactNode } from 'react';

/*
 * Icons of the conversation and invite panels, drawn like components/icons.tsx: inline, inherit the
 * text colour, hidden from assistive technology (the text beside them carries the meaning).
 */

function Svg({ className, size = 16, children }: { className?: string | undefined; size?: number; children: ReactNode }): ReactNode {
  return (
    <svg
      className={className ?? 'icon'}
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

interface IconProps {
  className?: string;
  size?: number;
}

/** A microphone, live. */
export function MicIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <rect x="9" y="2.5" width="6" height="12" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3.5" />
    </Svg>
  );
}

/** A microphone, struck through. */
export function MicOffIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="M15 9.3V5.5a3 3 0 0 0-5.7-1.3M9 9v2.5a3 3 0 0 0 4.9 2.3" />
      <path d="M5 11a7 7 0 0 0 11.4 5.4M19 11a7 7 0 0 1-.5 2.6M12 18v3.5M3 3l18 18" />
    </Svg>
  );
}

/** A shield, for "muted by a moderator". */
export function ShieldIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="M12 3 5 6v5c0 4.4 3 8.3 7 10 4-1.7 7-5.6 7-10V6l-7-3Z" />
    </Svg>
  );
}

/** Leaving: a door with an arrow. */
export function LeaveIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4M10 16l-4-4 4-4M6 12h10" />
    </Svg>
  );
}

/** Joining: an arrow into a door. */
export function EnterIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4M9 8l4 4-4 4M13 12H3" />
    </Svg>
  );
}

/** A chain link, for invites. */
export function LinkIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1 1" />
      <path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1-1" />
    </Svg>
  );
}

/** Two sheets, for copy. */
export function CopyIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <rect x="9" y="9" width="11" height="11" rx="2" />
      <path d="M5 15a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2" />
    </Svg>
  );
}

/** A tick. */
export function CheckIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="m5 12.5 4.5 4.5L19 7.5" />
    </Svg>
  );
}

/** A person with a plus, for creating an invite. */
export function AddPersonIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <circle cx="9" cy="8" r="4" />
      <path d="M2.5 20a6.5 6.5 0 0 1 13 0M19 8v6M16 11h6" />
    </Svg>
  );
}

/** A plug, for media that is not connected. */
export function UnpluggedIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <path d="M9 2v4M15 2v4M7 6h10v4a5 5 0 0 1-10 0V6ZM12 15v7M3 3l18 18" />
    </Svg>
  );
}

/** A person with a minus, for removing a participant. */
export function RemovePersonIcon({ className, size }: IconProps): ReactNode {
  return (
    <Svg className={className} size={size}>
      <circle cx="9" cy="8" r="4" />
      <path d="M2.5 20a6.5 6.5 0 0 1 13 0M16 11h6" />
    </Svg>
  );
}
