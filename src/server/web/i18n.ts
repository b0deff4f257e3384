/**
 * Languages of the public pages (results and receipt check): French first, English for residents whose
 * French is weak, chosen with `?lang=en` and kept in every link and form. The admin dashboard stays in
 * French (the central team). All public wording lives here so both languages say the same thing.
 */

export const langs = ['fr', 'en'] as const;
export type Lang = (typeof langs)[number];

export const parseLang = (value: unknown): Lang => (value === 'en' ? 'en' : 'fr');

/** A public path in the given language: French keeps the bare path. */
export function localPath(path: string, lang: Lang, query: Record<string, string> = {}): string {
  const params = new URLSearchParams(query);
  if (lang !== 'fr') params.set('lang', lang);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

const locale: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };
const TZ = 'Europe/Paris';

export interface Formats {
  integer(n: number): string;
  euros(n: number): string;
  percent(part: number, whole: number): string;
  date(iso: string): string;
  time(d: Date): string;
}

export function formats(lang: Lang): Formats {
  const l = locale[lang];
  const integer = new Intl.NumberFormat(l, { maximumFractionDigits: 0 });
  const euros = new Intl.NumberFormat(l, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1 });
  const date = new Intl.DateTimeFormat(l, { dateStyle: 'long', timeZone: TZ });
  const time = new Intl.DateTimeFormat(l, { timeStyle: 'short', timeZone: TZ });
  return {
    integer: (n) => integer.format(n),
    euros: (n) => euros.format(n),
    percent: (part, whole) => (whole <= 0 ? '—' : percent.format(part / whole)),
    date: (iso) => {
      const t = Date.parse(iso);
      return Number.isNaN(t) ? iso : date.format(t);
    },
    time: (d) => time.format(d),
  };
}

/** Singular or plural wording of a count (both languages use "2 or more" as plural here). */
const pl = (n: number, one: string, many: string): string => (Math.abs(n) >= 2 ? many : one);

const fr = {
  brand: 'isoloir — Budget citoyen',
  skip: 'Aller au contenu',
  navLabel: 'Navigation principale',
  navResults: 'Résultats',
  navReceipt: 'Mon vote a-t-il été compté ?',
  switchTo: { lang: 'en' as Lang, label: 'English', title: 'Read this page in English' },
  footer:
    'Vote en présentiel du Budget citoyen du Pas-de-Calais. Les résultats se recomptent à partir du paquet d’audit publié, sans faire confiance à ce serveur.',
  // results
  resultsTitle: 'Résultats',
  noElectionHeading: 'Résultats du Budget citoyen',
  noElection: 'Aucun vote n’est encore publié sur ce serveur. Revenez après l’ouverture du vote.',
  lead: (opens: string, closes: string, day: string, time: string) =>
    `Résultats du vote en présentiel (bornes isoloir), vote ouvert du ${opens} au ${closes}. Chiffres à jour au ${day}, à ${time}.`,
  provisional: (day: string, time: string) =>
    `Résultats provisoires : les derniers votes des bornes, et ceux portés sur clé USB, peuvent encore arriver jusqu’au ${day}, à ${time}. Les chiffres peuvent encore bouger d’ici là.`,
  keyFigures: 'Chiffres clés',
  ballots: (n: number) => pl(n, 'bulletin compté', 'bulletins comptés'),
  participants: (n: number) => pl(n, 'participant', 'participants'),
  duplicates: (n: number) => pl(n, 'participation en double', 'participations en double'),
  duplicatesHint: 'même personne venue voter à deux bornes hors ligne ; signalé, jamais relié à un bulletin',
  budget: 'budget à répartir',
  ranking: 'Classement des projets',
  chartTitle: 'Voix par projet',
  chartNone: 'Aucun projet.',
  chartDesc: (n: number, leaders: string) =>
    `Diagramme en barres des voix reçues par les ${n} projets, du plus choisi au moins choisi. En tête : ${leaders}. Tous les chiffres figurent dans le tableau qui suit.`,
  chartCaption:
    'Voix par projet, du plus choisi au moins choisi. Le tableau ci-dessous donne les mêmes chiffres.',
  votes: (n: string, _count: number) => `${n} voix`,
  rankingCaption: (n: number) => `Classement des ${n} projets par nombre de voix`,
  colRank: 'Rang',
  colProject: 'Projet',
  colTerritory: 'Territoire',
  colVotes: 'Voix',
  colCost: 'Coût',
  ruleGreedy: 'Règle du Département',
  ruleMes: 'Méthode des parts égales',
  colMes: 'Parts égales',
  funded: 'Financé',
  notFunded: 'Non',
  fundedHeading: 'Projets financés',
  greedyExplain:
    'La règle appliquée par le Département : les projets sont pris dans l’ordre des voix, tant que le budget restant couvre leur coût.',
  mesExplain:
    'Pour comparaison, la méthode des parts égales (Method of Equal Shares) : le budget est partagé entre les votants, chacun finance les projets qu’il a choisis.',
  noneFunded: 'Aucun projet financé.',
  fundedSummary: (n: number, spent: string, budget: string) =>
    `${n} ${pl(n, 'projet financé', 'projets financés')} pour ${spent} sur un budget de ${budget}.`,
  participation: 'Participation',
  byTerritoryCaption: 'Participation et voix par territoire',
  colParticipants: 'Participants',
  colShare: 'Part',
  colTerritoryVotes: 'Voix pour ses projets',
  byAgeCaption: 'Participation par tranche d’âge',
  colAge: 'Âge',
  age: (bracket: string) =>
    bracket.endsWith('+') ? `${bracket.slice(0, -1)} ans et plus` : `${bracket.replace('-', ' à ')} ans`,
  territoryUnknown: 'Commune hors liste',
  byKiosk: 'Bulletins par borne',
  byKioskExplain: (threshold: number) =>
    `Pour protéger le secret du vote dans les petits lieux, le nombre de bulletins d’une borne qui en a reçu moins de ${threshold} n’est pas affiché ; ces bulletins sont bien comptés dans le total.`,
  byKioskCaption: 'Bulletins comptés par borne',
  colKiosk: 'Borne',
  colBallots: 'Bulletins',
  hidden: (threshold: number) => `moins de ${threshold} votes`,
  // embargo and charts
  liveBanner: 'Démonstration : résultats affichés pendant le vote',
  liveBannerBody:
    'Ce serveur montre les voix avant la clôture pour une démonstration. Lors d’un vrai vote, elles restent secrètes jusqu’à la clôture.',
  embargoLead: (opens: string, closes: string, day: string, time: string) =>
    `Vote en présentiel (bornes isoloir) ouvert du ${opens} au ${closes}. Participation à jour au ${day}, à ${time}.`,
  embargoHeading: 'Résultats à la clôture du vote',
  embargoNotice: (day: string, time: string) =>
    `Les voix de chaque projet seront publiées à la clôture du vote, le ${day} à ${time}. Pendant le vote, personne ne les voit, pas même l’équipe du Département : seule la participation est affichée.`,
  participationChartTitle: 'Participants par territoire',
  participationChartDesc: (total: string, leader: string) =>
    `Diagramme en barres du nombre de participants de chaque territoire, ${total} au total. Le plus grand nombre : ${leader}. Les chiffres figurent aussi dans le tableau.`,
  seeTable: 'Voir le tableau',
  legendFunded: 'Financé (règle du Département)',
  legendOther: 'Non financé',
  participationTableCaption: 'Participants par territoire',
  // receipt
  receiptHeading: 'Mon vote a-t-il été compté ?',
  receiptLead:
    'Tapez le code de votre reçu de vote, tel que le kiosque l’a affiché ou imprimé. Vous pouvez aussi scanner le QR code du reçu avec votre téléphone : il ouvre directement cette page.',
  codeLabel: 'Code du reçu',
  codeHint: '8 caractères, par exemple 7K3F-Q9XM',
  codeError:
    'Ce code n’a pas la bonne forme : il compte 8 caractères, lettres et chiffres (par exemple 7K3F-Q9XM).',
  check: 'Vérifier',
  yes: 'Oui, votre bulletin est bien compté.',
  yesBody: (code: string, kiosk: string, batch: number) =>
    `Le reçu ${code} montre que votre vote a été compté : il est arrivé avec le groupe n° ${batch} de la borne « ${kiosk} », un groupe de bulletins mélangés.`,
  yesSecret:
    'Ce code ne dit pas ce que vous avez choisi, et personne ne peut s’en servir pour le savoir : ni vous, ni nous, ni quelqu’un à qui vous le montreriez.',
  notYet: 'Pas encore…',
  notYetBody: (code: string) => `Le vote du reçu ${code} n’est pas encore arrivé.`,
  notYetOffline:
    'C’est normal : pour garder le vote secret, la borne envoie les bulletins par groupes, jamais un par un. Votre bulletin est gardé en sécurité sur la borne et partira avec le prochain groupe, au plus tard à la fin du vote. Revenez vérifier plus tard.',
  notYetCheck:
    'Vérifiez aussi le code : il figure sur votre reçu, sous la forme de deux groupes de quatre caractères (par exemple 7K3F-Q9XM). Si le problème persiste après la fin du vote, adressez-vous au lieu où vous avez voté.',
  titleYes: 'Oui, votre bulletin est compté',
  titleNotYet: 'Pas encore compté',
  titleInvalid: 'Erreur : code mal formé',
};

export type PublicText = typeof fr;

const en: PublicText = {
  brand: 'isoloir — Citizens’ budget',
  skip: 'Skip to content',
  navLabel: 'Main navigation',
  navResults: 'Results',
  navReceipt: 'Was my vote counted?',
  switchTo: { lang: 'fr' as Lang, label: 'Français', title: 'Lire cette page en français' },
  footer:
    'In-person voting for the Pas-de-Calais citizens’ budget. Anyone can recount the results from the published audit bundle, without trusting this server.',
  resultsTitle: 'Results',
  noElectionHeading: 'Citizens’ budget results',
  noElection: 'No vote has been published on this server yet. Come back once voting has opened.',
  lead: (opens: string, closes: string, day: string, time: string) =>
    `Results of in-person voting (isoloir kiosks), voting open from ${opens} to ${closes}. Figures as of ${day}, ${time}.`,
  provisional: (day: string, time: string) =>
    `Provisional results: the kiosks’ last votes, and those carried on a USB stick, may still arrive until ${day}, ${time}. The figures may still change until then.`,
  keyFigures: 'Key figures',
  ballots: (n: number) => pl(n, 'ballot counted', 'ballots counted'),
  participants: (n: number) => pl(n, 'participant', 'participants'),
  duplicates: (n: number) => pl(n, 'duplicate participation', 'duplicate participations'),
  duplicatesHint: 'the same person voting at two offline kiosks; reported, never linked to a ballot',
  budget: 'budget to allocate',
  ranking: 'Project ranking',
  chartTitle: 'Votes per project',
  chartNone: 'No project.',
  chartDesc: (n: number, leaders: string) =>
    `Bar chart of the votes received by the ${n} projects, from most to least chosen. Leading: ${leaders}. Every figure is in the table that follows.`,
  chartCaption: 'Votes per project, from most to least chosen. The table below gives the same figures.',
  votes: (n: string, count: number) => `${n} ${pl(count, 'vote', 'votes')}`,
  rankingCaption: (n: number) => `Ranking of the ${n} projects by number of votes`,
  colRank: 'Rank',
  colProject: 'Project',
  colTerritory: 'Territory',
  colVotes: 'Votes',
  colCost: 'Cost',
  ruleGreedy: 'The Département’s rule',
  ruleMes: 'Method of Equal Shares',
  colMes: 'Equal Shares',
  funded: 'Funded',
  notFunded: 'No',
  fundedHeading: 'Funded projects',
  greedyExplain:
    'The rule the Département applies: projects are taken in order of votes, as long as the remaining budget covers their cost.',
  mesExplain:
    'For comparison, the Method of Equal Shares: the budget is shared among voters, and each funds the projects they chose.',
  noneFunded: 'No project funded.',
  fundedSummary: (n: number, spent: string, budget: string) =>
    `${n} ${pl(n, 'project funded', 'projects funded')} for ${spent} out of a budget of ${budget}.`,
  participation: 'Participation',
  byTerritoryCaption: 'Participation and votes by territory',
  colParticipants: 'Participants',
  colShare: 'Share',
  colTerritoryVotes: 'Votes for its projects',
  byAgeCaption: 'Participation by age group',
  colAge: 'Age',
  age: (bracket: string) =>
    bracket.endsWith('+') ? `${bracket.slice(0, -1)} and over` : bracket.replace('-', ' to '),
  territoryUnknown: 'Commune not listed',
  byKiosk: 'Ballots per kiosk',
  byKioskExplain: (threshold: number) =>
    `To protect ballot secrecy in small places, the number of ballots of a kiosk that received fewer than ${threshold} is not shown; those ballots are counted in the total.`,
  byKioskCaption: 'Ballots counted per kiosk',
  colKiosk: 'Kiosk',
  colBallots: 'Ballots',
  hidden: (threshold: number) => `fewer than ${threshold} votes`,
  liveBanner: 'Demonstration: results shown while voting is open',
  liveBannerBody:
    'This server shows the votes before the close for a demonstration. In a real vote they stay secret until voting closes.',
  embargoLead: (opens: string, closes: string, day: string, time: string) =>
    `In-person voting (isoloir kiosks) open from ${opens} to ${closes}. Participation as of ${day}, ${time}.`,
  embargoHeading: 'Results when voting closes',
  embargoNotice: (day: string, time: string) =>
    `The votes for each project will be published when voting closes, on ${day} at ${time}. While voting is open nobody sees them, not even the Département’s team: only participation is shown.`,
  participationChartTitle: 'Participants per territory',
  participationChartDesc: (total: string, leader: string) =>
    `Bar chart of the number of participants in each territory, ${total} in all. Largest: ${leader}. The figures are also in the table.`,
  seeTable: 'Show the table',
  legendFunded: 'Funded (the Département’s rule)',
  legendOther: 'Not funded',
  participationTableCaption: 'Participants per territory',
  receiptHeading: 'Was my vote counted?',
  receiptLead:
    'Type the code of your voting receipt, as the kiosk showed or printed it. You can also scan the receipt’s QR code with your phone: it opens this page directly.',
  codeLabel: 'Receipt code',
  codeHint: '8 characters, for example 7K3F-Q9XM',
  codeError:
    'This code does not look right: it has 8 characters, letters and digits (for example 7K3F-Q9XM).',
  check: 'Check',
  yes: 'Yes, your ballot is counted.',
  yesBody: (code: string, kiosk: string, batch: number) =>
    `Receipt ${code} shows that your vote was counted: it arrived with group no. ${batch} of the kiosk “${kiosk}”, a group of mixed ballots.`,
  yesSecret:
    'This code does not say what you chose, and nobody can use it to find out: not you, not us, not anyone you show it to.',
  notYet: 'Not yet…',
  notYetBody: (code: string) => `The vote of receipt ${code} has not arrived yet.`,
  notYetOffline:
    'This is normal: to keep the vote secret, the kiosk sends ballots in groups, never one by one. Your ballot is kept safe on the kiosk and will leave with the next group, at the latest when voting ends. Please check again later.',
  notYetCheck:
    'Also check the code: it is on your receipt, as two groups of four characters (for example 7K3F-Q9XM). If the problem remains after voting has closed, ask at the place where you voted.',
  titleYes: 'Yes, your ballot is counted',
  titleNotYet: 'Not counted yet',
  titleInvalid: 'Error: malformed code',
};

export const publicText: Record<Lang, PublicText> = { fr, en };
