import type { ReactNode } from 'react';

/*
 * Small inline icons (no image requests, CSP-safe). They inherit the text colour and are hidden
 * from assistive technology: the text next to them carries the meaning.
 */

interface IconProps {
  className?: string;
}

function Svg({ className, children }: IconProps & { children: ReactNode }): ReactNode {
  return (
    <svg
      className={className ?? 'icon'}
      viewBox="0 0 24 24"
      width="16"
      height="16"
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

/** The Steadycast mark: a steady dot with broadcast arcs. */
export function LogoMark({ className }: IconProps): ReactNode {
  return (
    <svg className={className ?? 'logo-mark'} viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect className="logo-mark__tile" x="1" y="1" width="30" height="30" rx="8" />
      <circle className="logo-mark__dot" cx="16" cy="16" r="3.2" />
      <path className="logo-mark__arc" d="M11.2 10.8a7.4 7.4 0 0 0 0 10.4M20.8 10.8a7.4 7.4 0 0 1 0 10.4" />
      <path className="logo-mark__arc logo-mark__arc--outer" d="M7.6 7.4a12.2 12.2 0 0 0 0 17.2M24.4 7.4a12.2 12.2 0 0 1 0 17.2" />
    </svg>
  );
}

/** Conversation server (Janus): people talking. */
export function ConversationIcon(props: IconProps): ReactNode {
  return (
    <Svg {...props}>
      <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12Z" />
      <path d="M9 11h.01M12 11h.01M15 11h.01" />
    </Svg>
  );
}

/** Audience server (Icecast): a radio tower. */
export function AudienceIcon(props: IconProps): ReactNode {
  return (
    <Svg {...props}>
      <circle cx="12" cy="10" r="2" />
      <path d="M12 12v9M8.5 6.5a5 5 0 0 0 0 7M15.5 6.5a5 5 0 0 1 0 7M5.6 3.6a9 9 0 0 0 0 12.8M18.4 3.6a9 9 0 0 1 0 12.8" />
    </Svg>
  );
}

/** Refresh / check again. */
export function RefreshIcon(props: IconProps): ReactNode {
  return (
    <Svg {...props}>
      <path d="M21 12a9 9 0 1 1-2.6-6.4" />
      <path d="M21 3v6h-6" />
    </Svg>
  );
}

/** A pulse line, for round trips. */
export function PulseIcon(props: IconProps): ReactNode {
  return (
    <Svg {...props}>
      <path d="M3 12h4l2.5-6 5 12 2.5-6H21" />
    </Svg>
  );
}

/** A server stack, for the empty state. */
export function ServerIcon(props: IconProps): ReactNode {
  return (
    <Svg {...props}>
      <rect x="3" y="4" width="18" height="7" rx="2" />
      <rect x="3" y="13" width="18" height="7" rx="2" />
      <path d="M7 7.5h.01M7 16.5h.01" />
    </Svg>
  );
}
