/**
 * Stable error codes, written once. Kiosk API codes are shown to voters and mediators (French message
 * from the core, translated by code in the renderer); wire codes are the `error` field of DESIGN §4.
 */
export const kioskErrorCodes = [
  'invalid_input',
  'not_ready',
  'election_not_open',
  'election_closed',
  // the counter's day, its reports and the removable drives
  'not_open_yet',
  'day_not_open',
  'day_already_open',
  'note_required',
  'drive_not_found',
  'package_signature_invalid',
  'package_malformed',
  'commune_unknown',
  'commune_outside_department',
  'birth_date_invalid',
  'too_young',
  'name_missing',
  'already_voted',
  'session_unknown',
  'session_expired',
  'choices_too_few',
  'choices_too_many',
  'choice_unknown',
  'choice_repeated',
  'storage_failed',
  // the disk under the kiosk's database is full: nothing was written, it works again once space is freed
  'disk_full',
  // the kiosk's database failed its check at start: set aside, the kiosk does not start
  'kiosk_db_corrupt',
  'not_enrolled',
  'enrolment_refused',
  'server_unreachable',
  'sync_blocked',
  'export_failed',
  'unauthorized',
  'pin_locked',
  'not_implemented',
  'setup_done',
  'account_unknown',
  'last_account',
  'reset_invalid',
  'reset_expired',
  'reset_used',
  'internal',
  // setup and enrolment
  'setup_needed',
  'fingerprint_mismatch',
  'already_enrolled',
  'insecure_server_url',
  'invalid_server_url',
  'package_refused',
  'correction_refused',
  'drive_not_found',
  'usb_write_failed',
  'answer_not_found',
  'answer_invalid',
  'backup_unavailable',
  // the Electron shell's PDF and printer (src/shared/shell.ts)
  'pdf_failed',
  'no_printer',
  'print_failed',
] as const;

export const wireErrorCodes = [
  'malformed',
  'enrolment_code_invalid',
  'unknown_kiosk',
  'bad_signature',
  'out_of_order',
  'conflict',
  'too_large',
  'invalid_content',
  'not_found',
  'rate_limited',
  'unauthorized',
  'no_election',
  'embargoed',
  // the server's disk is full: nothing was stored, send again later (503)
  'disk_full',
  'internal',
] as const;

export type KioskErrorCode = (typeof kioskErrorCodes)[number];
export type WireErrorCode = (typeof wireErrorCodes)[number];
export type ErrorCode = KioskErrorCode | WireErrorCode;
