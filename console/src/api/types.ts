// The services' API types, written once from docs/openapi/*.yaml (only what the console uses).

export type LocalizedText = Record<string, string>;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { pointer: string; message: string }[];
  conflicts?: Conflict[];
  allowed_actions?: string[];
}

export type ConflictKind =
  | 'venue_booked'
  | 'participant_double_booked'
  | 'outside_visit_dates'
  | 'venue_over_capacity'
  | 'unknown_participant'
  | 'withdrawn_participant'
  | 'participant_not_in_visit'
  | 'format_violation';

export interface Conflict {
  kind: ConflictKind;
  message: string;
  meeting_id?: string;
  venue_id?: string;
  member_id?: string | null;
  start?: string;
  end?: string;
  buffer_minutes?: number;
  capacity?: number;
  participants?: number;
  starts_on?: string;
  ends_on?: string;
  format?: string;
  rule?: 'head_of_delegation_required' | 'heads_and_interpreters_only' | 'too_many_per_side';
  side?: 'host' | 'guest';
  count?: number;
  max?: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Venue {
  id: string;
  name: string;
  city: string;
  address: string;
  time_zone: string;
  capacity: number;
  buffer_minutes: number;
  version: number;
}

export const visitKinds = ['official_visit', 'working_visit', 'commission_session'] as const;
export type VisitKind = (typeof visitKinds)[number];
export const visitStatuses = ['planned', 'confirmed', 'completed', 'cancelled'] as const;
export type VisitStatus = (typeof visitStatuses)[number];

export interface Visit {
  id: string;
  title: LocalizedText;
  kind: VisitKind;
  host_country: string;
  guest_country: string;
  starts_on: string;
  ends_on: string;
  time_zone: string;
  status: VisitStatus;
  version: number;
}

export const meetingKinds = [
  'tete_a_tete',
  'narrow_format',
  'expanded_format',
  'plenary_session',
  'signing_ceremony',
  'press_statement',
  'working_lunch',
  'site_visit',
  'cultural_programme',
  'transfer',
] as const;
export type MeetingKind = (typeof meetingKinds)[number];

export interface Meeting {
  id: string;
  visit_id: string;
  title: LocalizedText;
  kind: MeetingKind;
  start: string;
  end: string;
  venue_id: string | null;
  time_zone: string;
  participants: string[];
  interpretation: string[];
  notes: string;
  status: 'scheduled' | 'cancelled';
  version: number;
}

export interface MeetingInput {
  title: LocalizedText;
  kind: MeetingKind;
  start: string;
  end: string;
  venue_id: string | null;
  participants: string[];
  interpretation: string[];
}

export interface FreeSlots {
  slots: { start: string; end: string; start_local: string; end_local: string }[];
}

export const ranks = [
  'head_of_state',
  'head_of_government',
  'deputy_head_of_government',
  'minister',
  'ambassador',
  'deputy_minister',
  'head_of_agency',
  'official',
  'adviser',
  'expert',
  'interpreter',
  'support_staff',
] as const;
export type Rank = (typeof ranks)[number];
export const sides = ['host', 'guest'] as const;

export interface Delegation {
  id: string;
  visit_id: string;
  country: string;
  side: 'host' | 'guest';
  name: LocalizedText;
  head_member_id: string | null;
  version: number;
}

export type AccreditationStatus = 'none' | 'requested' | 'approved' | 'rejected' | 'revoked';

export interface Member {
  id: string;
  delegation_id: string;
  visit_id: string;
  full_name: LocalizedText;
  position: LocalizedText;
  rank: Rank;
  precedence_order: number | null;
  is_head: boolean;
  languages: string[];
  time_zone: string;
  status: 'active' | 'withdrawn';
  accreditation: { status: AccreditationStatus; badge_number: string | null };
  contact?: { email?: string | null; phone?: string | null } | null;
  // Personal data: present (null when unset) only where the caller may see it.
  travel?: Travel | null;
  version: number;
}

export interface TravelLeg {
  time: string; // UTC
  local_time?: string; // at the offset it was given with
  flight?: string | null;
  airport?: string | null;
}

export interface Travel {
  arrival?: TravelLeg | null;
  departure?: TravelLeg | null;
  hotel?: { name: string; address?: string | null; check_in?: string | null; check_out?: string | null } | null;
}

export interface TravelLegInput {
  time: string; // RFC 3339 with an offset
  flight?: string;
  airport?: string; // IATA code
}

export interface TravelInput {
  arrival?: TravelLegInput;
  departure?: TravelLegInput;
  hotel?: { name: string; address?: string; check_in?: string; check_out?: string };
}

export const entryIntoForceRules = ['on_signature', 'on_date', 'after_notifications'] as const;
export type EntryIntoForceRule = (typeof entryIntoForceRules)[number];

export interface EntryIntoForce {
  rule: EntryIntoForceRule;
  date?: string | null; // when it is known
  days?: number;
  notifications?: { delegation_id: string; notified_on: string }[];
}

export const documentStatuses = [
  'draft',
  'under_approval',
  'rejected',
  'agreed',
  'signing_scheduled',
  'partially_signed',
  'signed',
  'in_force',
  'withdrawn',
] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

export interface DocumentVersion {
  number: number;
  language: string;
  sha256: string;
  size: number;
  intact?: boolean;
  created_at: string;
}

export interface Signatory {
  delegation_id: string;
  member_id: string;
}

export const documentKinds = ['agreement', 'memorandum', 'roadmap', 'protocol', 'joint_statement', 'minutes'] as const;

export interface DocumentSummary {
  id: string;
  visit_id: string;
  title: LocalizedText;
  kind: string;
  status: DocumentStatus;
  parties: string[];
  languages: string[];
  signing?: { meeting_id: string; start?: string; end?: string } | null;
  version: number;
}

export interface DocumentDetail extends DocumentSummary {
  allowed_actions: string[];
  versions: DocumentVersion[];
  approvals: { delegation_id: string; decision: 'approve' | 'reject'; comment?: string; at: string }[];
  signatories: Signatory[];
  signatures?: { member_id: string; delegation_id: string; method: string; signed_at: string; place?: string | null }[];
  agreed_at?: string | null;
  in_force_on?: string | null;
  entry_into_force?: EntryIntoForce | null;
}

export interface Diff {
  language: string;
  added: number;
  removed: number;
  hunks: { lines: { op: ' ' | '-' | '+'; text: string }[] }[];
}

export interface Audit {
  valid: boolean;
  length?: number;
  broken_at?: { sequence: number; reason: string } | null;
}

export interface Certificate {
  signed_on?: string;
  in_force_on?: string | null;
  agreed_at?: string;
  audit?: { head: string; length: number; valid: boolean };
}

// --- What a delegation member's screens read ---

// delegations: GET /v1/members/{id} (the member themself reads all of their own record).
export interface MemberSelf extends Member {
  notifications?: { language?: string | null; channels?: string[] | null } | null;
  public_key?: string | null;
}

// scheduling: GET /v1/visits/{id}/programme
export interface ProgrammeParticipant {
  id: string;
  known?: false;
  full_name?: Record<string, string>;
  position?: Record<string, string>;
  rank?: string;
  is_head?: boolean;
  delegation_id?: string;
  side?: 'host' | 'guest' | null;
}

export interface ProgrammeItem {
  meeting_id: string;
  title: LocalizedText;
  kind: MeetingKind;
  status: 'scheduled';
  start: string;
  end: string;
  start_local: string;
  end_local: string;
  venue: { id: string; name?: string; city?: string; address?: string; time_zone?: string } | null;
  venue_time_zone: string;
  participants: ProgrammeParticipant[];
  interpretation: string[];
  version: number;
}

export interface Programme {
  visit: Visit;
  time_zone: string;
  member_id: string | null;
  days: { date: string; items: ProgrammeItem[] }[];
}

// notifications: GET /v1/inbox, /v1/inbox/stream, /v1/preferences
export interface Notification {
  id: string;
  member_id: string;
  kind: string;
  title: string;
  body: string;
  language: string;
  created_at: string;
  read_at: string | null;
  cause_event_id: string;
  cause_event_type: string;
  subject: string;
  urgent: boolean;
  deliver_after: string;
  reminder?: string;
}

export interface NotificationList extends Page<Notification> {
  unread_count: number;
}

export interface QuietHours {
  start: string;
  end: string;
}

export interface Preferences {
  member_id: string;
  language: string | null;
  time_zone: string | null;
  channels: ('inbox' | 'stream')[] | null;
  quiet_hours: QuietHours | null;
  version: number;
}

// documents: what a signatory reads and signs
export interface VersionRef {
  number: number;
  sha256: string;
}

export interface VersionWithContent extends DocumentVersion {
  content: string;
}

export interface Signature {
  member_id: string;
  delegation_id: string;
  method: 'wet_ink' | 'ed25519';
  signed_at: string;
  place?: string | null;
  signature?: string | null;
}

export interface MemberDocument extends DocumentDetail {
  agreed_versions?: Record<string, VersionRef> | null;
  signed_on?: string | null;
}

export interface FullCertificate extends Certificate {
  document_id: string;
  title: LocalizedText;
  status: DocumentStatus;
  agreed_text: Record<string, VersionRef>;
  signatures: Signature[];
  issued_at: string;
}

// scheduling: /v1/visits/{id}/calendar-feeds, /v1/calendar-feeds/{id}
export interface CalendarFeed {
  id: string;
  visit_id: string;
  member_id: string | null;
  created_by: string;
  language: string;
  label: string;
  status: 'active' | 'revoked';
  version: number;
  created_at: string;
  revoked_at: string | null;
}
export interface CalendarFeedCreate {
  member_id?: string;
  language?: string;
  label?: string;
}
export interface CalendarFeedCreated extends CalendarFeed {
  secret: string; // shown this once
  path: string; // the address on the scheduling service
}
