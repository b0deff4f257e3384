/**
 * The wire contract v1 (DESIGN §4) as zod schemas: what travels between kiosk and server, on the network
 * or on a USB stick. Signed documents travel as the base64url of their exact bytes (DESIGN §3.4): parse
 * `SignedDocument` first, verify the signature over the decoded bytes, and only then parse the payload
 * with the schemas below.
 */
// First import: turns zod's JIT off in pages before any schema below is built (see zod-csp.ts).
import './zod-csp';
import { z } from 'zod';

export const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url without padding');
export const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters');
export const hex32 = z.string().regex(/^[0-9a-f]{32}$/, '32 lower-case hex characters');
export const kioskId = hex32;
export const ballotId = hex32;
export const participationToken = hex64;
export const inseeCode = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'INSEE commune code');
export const projectId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'project id');
export const isoDateTime = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();

/** Age brackets kept on a participation for statistics (never on a ballot). */
export const ageBrackets = ['11-17', '18-25', '26-40', '41-60', '61-75', '76+'] as const;
export const ageBracket = z.enum(ageBrackets);
export type AgeBracket = z.infer<typeof ageBracket>;

/** Domain prefixes: bytes signed are `prefix + payload bytes` (DESIGN §4). */
export const signatureDomains = {
  election: 'ISOLOIR/v1/election\n',
  batch: 'ISOLOIR/v1/batch\n',
  ack: 'ISOLOIR/v1/ack\n',
  /** Extension (docs/protocol.md): a kiosk proves itself when it pulls the participation register. */
  register: 'ISOLOIR/v1/register\n',
  /** Extension (docs/protocol.md): a kiosk asks for its own exact state (`GET /api/v1/kiosks/:kioskId`). */
  state: 'ISOLOIR/v1/state\n',
  /** Extension (docs/audit-bundle.md): the authority seals an audit bundle's results and registry. */
  audit: 'ISOLOIR/v1/audit\n',
} as const;
export type SignatureDomain = keyof typeof signatureDomains;

/** `{payload, signature}`: base64url of the exact JSON bytes and of the Ed25519 signature. */
export const SignedDocument = z.strictObject({ payload: base64url.min(1), signature: base64url.min(1) });
export type SignedDocument = z.infer<typeof SignedDocument>;

export const GENESIS_HASH = '0'.repeat(64);

// ---------------------------------------------------------------- election package

export const Territory = z.strictObject({ id: z.string().min(1).max(64), name: z.string().min(1).max(200) });
export type Territory = z.infer<typeof Territory>;

/** Optional translations of a project's texts, by language code (`en`, …). */
export const ProjectTranslation = z.strictObject({
  title: z.string().max(200).optional(),
  summary: z.string().max(1000).optional(),
  description: z.string().max(10000).optional(),
  plainSummary: z.string().max(1000).optional(),
});

export const Project = z.strictObject({
  id: projectId,
  title: z.string().min(1).max(200),
  summary: z.string().min(1).max(1000),
  description: z.string().min(1).max(10000),
  territoryId: z.string().min(1).max(64),
  theme: z.string().min(1).max(100),
  carrier: z.string().min(1).max(200),
  /** Cost in whole euros. */
  cost: z.number().int().nonnegative(),
  /** Image file name, relative to the package's image folder (or a data: URL). */
  image: z.string().min(1).max(200_000),
  /** Extension: "En bref", a plain-language summary (FALC-style). */
  plainSummary: z.string().max(1000).optional(),
  /** Extension: translations of the texts above. */
  i18n: z.record(z.string().regex(/^[a-z]{2}$/), ProjectTranslation).optional(),
});
export type Project = z.infer<typeof Project>;

export const ElectionPackage = z
  .strictObject({
    v: z.literal(1),
    electionId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    title: z.string().min(1).max(200),
    opensAt: isoDateTime,
    closesAt: isoDateTime,
    minChoices: z.number().int().min(1),
    maxChoices: z.number().int().min(1),
    minAge: z.number().int().min(0).max(120),
    department: z.string().regex(/^(\d{2,3}|2[AB])$/),
    /** Total budget in whole euros. */
    budget: z.number().int().nonnegative(),
    territories: z.array(Territory).min(1),
    projects: z.array(Project).min(1),
    /** Extension: commune INSEE code → territory id, for "Près de chez moi" and statistics. */
    communeTerritories: z.record(inseeCode, z.string()).optional(),
    /** Extension: public receipt-check address; the kiosk shows it as a QR code with the receipt. */
    receiptCheckUrl: z.url().optional(),
    /** Extension: seed of the published draw that breaks the last ties of the allocation rules. */
    tieBreakSeed: z.string().max(200).optional(),
    /** Extension: correction number of a package republished under the same id (absent: 1). */
    revision: z.number().int().min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.minChoices > p.maxChoices) ctx.addIssue({ code: 'custom', message: 'minChoices > maxChoices' });
    if (Date.parse(p.opensAt) >= Date.parse(p.closesAt))
      ctx.addIssue({ code: 'custom', message: 'opensAt must be before closesAt' });
    const territoryIds = new Set(p.territories.map((t) => t.id));
    if (territoryIds.size !== p.territories.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate territory id' });
    const projectIds = new Set(p.projects.map((x) => x.id));
    if (projectIds.size !== p.projects.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate project id' });
    for (const project of p.projects)
      if (!territoryIds.has(project.territoryId))
        ctx.addIssue({ code: 'custom', message: `project ${project.id}: unknown territory` });
    if (p.maxChoices > p.projects.length)
      ctx.addIssue({ code: 'custom', message: 'maxChoices > number of projects' });
  });
export type ElectionPackage = z.infer<typeof ElectionPackage>;

// ---------------------------------------------------------------- batches

export const WireBallot = z.strictObject({ id: ballotId, choices: z.array(projectId).min(1).max(100) });
export type WireBallot = z.infer<typeof WireBallot>;

export const WireParticipation = z.strictObject({
  token: participationToken,
  communeCode: inseeCode,
  ageBracket,
  assisted: z.boolean(),
});
export type WireParticipation = z.infer<typeof WireParticipation>;

/** Counts carried by the `final` batch of a closed day so the server can reconcile. */
export const DayCounts = z.strictObject({
  day: isoDate,
  ballots: z.number().int().nonnegative(),
  participations: z.number().int().nonnegative(),
});
export type DayCounts = z.infer<typeof DayCounts>;

export const BatchPayload = z.strictObject({
  v: z.literal(1),
  electionId: z.string().min(1).max(64),
  kioskId,
  seq: z.number().int().min(1),
  prevHash: hex64,
  createdAt: isoDateTime,
  training: z.boolean(),
  ballots: z.array(WireBallot),
  participations: z.array(WireParticipation),
  final: z.boolean(),
  dayCounts: DayCounts.optional(),
});
export type BatchPayload = z.infer<typeof BatchPayload>;

/** Body of `POST /api/v1/batches`, and the content of a USB file `isoloir-<kioskId>-<seq>.json`. */
export const BatchEnvelope = z.strictObject({
  kioskId,
  payload: base64url.min(1),
  signature: base64url.min(1),
});
export type BatchEnvelope = z.infer<typeof BatchEnvelope>;

export const usbFileName = (kiosk: string, seq: number): string => `isoloir-${kiosk}-${seq}.json`;
export const usbFilePattern = /^isoloir-([0-9a-f]{32})-(\d+)\.json$/;

export const AckPayload = z.strictObject({
  kioskId,
  seq: z.number().int().min(1),
  hash: hex64,
  status: z.enum(['accepted', 'duplicate']),
  highWater: z.number().int().min(0),
});
export type AckPayload = z.infer<typeof AckPayload>;

// ---------------------------------------------------------------- other calls

export const EnrolRequest = z.strictObject({
  code: z.string().min(4).max(100),
  publicKey: base64url.length(43),
  label: z.string().min(1).max(200),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.strictObject({
  kioskId,
  electionId: z.string(),
  authorityPublicKey: base64url.length(43),
  participationKey: base64url.min(43),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const WireError = z.object({
  error: z.string(),
  message: z.string(),
  expectedSeq: z.number().int().optional(),
});
export type WireError = z.infer<typeof WireError>;

export const KioskInfo = z.object({
  kioskId,
  label: z.string(),
  highWater: z.number().int().min(0),
  head: hex64,
  lastSeenAt: isoDateTime.nullable(),
  /** Exact for the kiosk itself (signed request) or an admin; else null below the subtotal threshold. */
  ballots: z.number().int().min(0).nullable(),
  flagged: z.boolean(),
});
export type KioskInfo = z.infer<typeof KioskInfo>;

export const ParticipationPage = z.object({ tokens: z.array(participationToken), next: z.string() });
export type ParticipationPage = z.infer<typeof ParticipationPage>;

export const ResultsResponse = z
  .object({
    electionId: z.string(),
    ballots: z.number().int(),
    participations: z.number().int(),
    duplicateParticipations: z.number().int(),
    projects: z.array(
      z
        .object({ id: z.string(), title: z.string(), territoryId: z.string(), votes: z.number().int() })
        .loose(),
    ),
    byKiosk: z.array(z.object({}).loose()),
  })
  .loose();
export type ResultsResponse = z.infer<typeof ResultsResponse>;
