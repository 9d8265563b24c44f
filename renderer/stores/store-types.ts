import type { StateCreator } from 'zustand/vanilla';
import type { ConversationMediaFactory } from '../audio/conversation-media';
import type { RehearsalRecorder } from '../audio/rehearsal-recorder';
import type { BroadcastSlice } from './broadcast-slice';
import type { ConnectionSlice } from './connection-slice';
import type { SelectedBridge } from '../bridge/select-bridge';
import type { BackupRoomSlice } from './backup-room-slice';
import type { InvitesSlice } from './invites-slice';
import type { MicrophoneSlice } from './microphone-slice';
import type { ModerationSlice } from './moderation-slice';
import type { ProgramFeedSlice } from './program-feed-slice';
import type { RoomSlice } from './room-slice';
import type { EngineSlice } from './engine-slice';
import type { FailoverSlice } from './failover-slice';
import type { ListenersSlice } from './listeners-slice';
import type { LogSlice } from './log-slice';
import type { MicCheckSlice } from './mic-check-slice';
import type { ProducerSlice } from './producer-slice';
import type { ServersSlice } from './servers-slice';
import type { SettingsSlice } from './settings-slice';
import type { PracticeSlice } from './practice-slice';
import type { SystemTheme, ThemeSlice, ThemeStorage } from './theme-slice';
import type { ToastsSlice } from './toasts-slice';
import type { PreflightSlice } from './preflight-slice';
import type { PushToTalkSlice } from './push-to-talk-slice';

/** The whole renderer state: every slice, actions beside their state. */
export type AppState = ConnectionSlice &
  EngineSlice &
  ServersSlice &
  LogSlice &
  BroadcastSlice &
  ListenersSlice &
  RoomSlice &
  MicrophoneSlice &
  ProgramFeedSlice &
  InvitesSlice &
  ModerationSlice &
  BackupRoomSlice &
  ProducerSlice &
  MicCheckSlice &
  FailoverSlice &
  SettingsSlice &
  ThemeSlice &
  ToastsSlice &
  PreflightSlice &
  PushToTalkSlice &
  PracticeSlice;

/** A slice creator that may read the whole state. */
export type AppSlice<T> = StateCreator<AppState, [], [], T>;

/** Services and side effects the store needs, passed in when it is created (never kept in its state), so tests run on simulated time and fixed nonces. */
export interface StoreDeps {
  /** The window's binding to the engine, for the store's whole life. */
  bridge: SelectedBridge;
  /** Monotonic milliseconds, for round trips. */
  now(): number;
  /** A fresh nonce for `engine:ping` (≤ 64 characters). */
  randomNonce(): string;
  /** Runs `callback` after `ms`; returns the cancel function. */
  setTimer(callback: () => void, ms: number): () => void;
  /** Builds the window's media layer (microphone, room connection, program capture); absent where there is none. */
  createConversationMedia?: ConversationMediaFactory;
  /** Keeps the theme choice across restarts; absent, the choice lasts as long as the window. */
  themeStorage?: ThemeStorage;
  /** Plays the preflight's headphones tone; resolves when it ends. Absent where there is no audio output. */
  playTone?: () => Promise<void>;
  /** Records the preflight's rehearsal take. Absent where there is no microphone. */
  rehearsal?: RehearsalRecorder;
  /** The system's light/dark setting; absent, Auto means dark. */
  systemTheme?: SystemTheme;
}
