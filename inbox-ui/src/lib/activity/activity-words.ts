import type { ActivityEntry } from '@velvet/shared/contract';
import type { Lang } from '$lib/i18n';

/** What each action says, with `{who}` the person or automation and `{fan}` the fan when known. */
const SENTENCES: Record<Lang, Record<string, string>> = {
  en: {
    'auth.login': '{who} signed in',
    'auth.logout': '{who} signed out',
    'auth.login_failed': 'A sign-in failed for {email}',
    'auth.refresh_reuse_detected': 'A stolen session of {who} was stopped',
    'user.bootstrap_admin': 'The first admin was created',
    'user.create': '{who} added the user {email}',
    'user.update': '{who} changed a user',
    'creator.create': '{who} created the creator {creator}',
    'creator.update': '{who} changed the settings of {creator}',
    'account.create': '{who} connected a {platform} account',
    'account.update': '{who} changed a {platform} account',
    'account.disconnect': '{who} disconnected a {platform} account',
    'account.reconnect': '{who} reconnected a {platform} account',
    'account.needs_attention': 'A {platform} account needs attention',
    'pack.create': '{who} added a pack',
    'pack.update': '{who} changed a pack',
    'pack.delete': '{who} deleted a pack',
    'promo.create': '{who} created a promo code',
    'offer.create': '{who} offered a pack to {fan}',
    'offer.cancel': '{who} withdrew an offer to {fan}',
    'purchase.record': '{fan} bought a pack',
    'purchase.refund': 'A purchase by {fan} was refunded or charged back',
    'followup.send': '{who} sent a follow-up to {fan}',
    'followup.cancel': '{who} cancelled a follow-up to {fan}',
    'satisfaction.ask': '{who} asked {fan} for a satisfaction score',
    'satisfaction.cancel': '{who} withdrew a satisfaction question to {fan}',
    // Auto-like of friendly replies
    'reply.auto_like': '{who} liked a friendly reply on {platform}',
    'draft.auto_send': '{who} replied to {fan}',
    'draft.approve': '{who} approved a reply to {fan}',
    'draft.reject': '{who} rejected a reply to {fan}',
    'message.send': '{who} wrote to {fan}',
    'message.retry': '{who} sent a reply to {fan} again',
    'conversation.assign': '{who} assigned the conversation with {fan}',
    'conversation.escalate': '{who} escalated the conversation with {fan}',
    'conversation.release': '{who} handed the conversation with {fan} back',
    'conversation.resolve': '{who} resolved the conversation with {fan}',
    'conversation.reopen': '{who} reopened the conversation with {fan}',
    'conversation.snooze': '{who} snoozed the conversation with {fan}',
    'intent.correct': '{who} corrected the intent of a message from {fan}',
    'fan.mark_minor': '{who} marked {fan} as under 18',
    'fan:clear_minor': '{who} cleared a fan’s minor flag',
    'fan:unmute': '{who} unmuted a fan',
    'fan.update': '{who} updated notes on a fan',
    'fan.export': '{who} exported a fan’s data',
    'fan.erase': '{who} erased a fan',
    'backup.done': '{who} took a backup',
    'backup.failed': 'A scheduled backup failed',
    'backup.download': '{who} downloaded a backup',
    'retention.apply': '{who} applied the retention policy',
  },
  fr: {
    'auth.login': '{who} s’est connecté·e',
    'auth.logout': '{who} s’est déconnecté·e',
    'auth.login_failed': 'Une connexion a échoué pour {email}',
    'auth.refresh_reuse_detected': 'Une session volée de {who} a été arrêtée',
    'user.bootstrap_admin': 'Le premier admin a été créé',
    'user.create': '{who} a ajouté l’utilisateur {email}',
    'user.update': '{who} a modifié un utilisateur',
    'creator.create': '{who} a créé la créatrice {creator}',
    'creator.update': '{who} a modifié les réglages de {creator}',
    'account.create': '{who} a connecté un compte {platform}',
    'account.update': '{who} a modifié un compte {platform}',
    'account.disconnect': '{who} a déconnecté un compte {platform}',
    'account.reconnect': '{who} a reconnecté un compte {platform}',
    'account.needs_attention': 'Un compte {platform} demande une intervention',
    'pack.create': '{who} a ajouté un pack',
    'pack.update': '{who} a modifié un pack',
    'pack.delete': '{who} a supprimé un pack',
    'promo.create': '{who} a créé un code promo',
    'offer.create': '{who} a proposé un pack à {fan}',
    'offer.cancel': '{who} a retiré une offre à {fan}',
    'purchase.record': '{fan} a acheté un pack',
    'purchase.refund': 'Un achat de {fan} a été remboursé ou contesté',
    'followup.send': '{who} a envoyé une relance à {fan}',
    'followup.cancel': '{who} a annulé une relance à {fan}',
    'satisfaction.ask': '{who} a demandé une note de satisfaction à {fan}',
    'satisfaction.cancel': '{who} a retiré une question de satisfaction à {fan}',
    // Auto-like of friendly replies
    'reply.auto_like': '{who} a aimé une réponse bienveillante sur {platform}',
    'draft.auto_send': '{who} a répondu à {fan}',
    'draft.approve': '{who} a validé une réponse à {fan}',
    'draft.reject': '{who} a refusé une réponse à {fan}',
    'message.send': '{who} a écrit à {fan}',
    'message.retry': '{who} a renvoyé une réponse à {fan}',
    'conversation.assign': '{who} a attribué la conversation avec {fan}',
    'conversation.escalate': '{who} a escaladé la conversation avec {fan}',
    'conversation.release': '{who} a rendu la conversation avec {fan}',
    'conversation.resolve': '{who} a résolu la conversation avec {fan}',
    'conversation.reopen': '{who} a rouvert la conversation avec {fan}',
    'conversation.snooze': '{who} a mis en pause la conversation avec {fan}',
    'intent.correct': '{who} a corrigé l’intention d’un message de {fan}',
    'fan.mark_minor': '{who} a signalé {fan} comme mineur·e',
    'fan:clear_minor': '{who} a levé le signalement mineur d’un fan',
    'fan:unmute': '{who} a réactivé un fan',
    'fan.update': '{who} a mis à jour les notes d’un fan',
    'fan.export': '{who} a exporté les données d’un fan',
    'fan.erase': '{who} a effacé un fan',
    'backup.done': '{who} a fait une sauvegarde',
    'backup.failed': 'Une sauvegarde planifiée a échoué',
    'backup.download': '{who} a téléchargé une sauvegarde',
    'retention.apply': '{who} a appliqué la politique de conservation',
  },
};

export const ACTIVITY_ACTIONS = Object.keys(SENTENCES.en);

const WORDS = {
  en: { automation: 'Automation', someone: 'Someone', aFan: 'a fan', other: '{who}: {action}' },
  fr: { automation: 'L’automatisation', someone: 'Quelqu’un', aFan: 'un fan', other: '{who} : {action}' },
};

/** The entry as one sentence; the names stay plain text (the page renders text, never HTML). */
export function describeActivity(entry: ActivityEntry, lang: Lang): string {
  const words = WORDS[lang];
  const who = entry.actor.kind === 'automation' ? words.automation : (entry.actor.email ?? words.someone);
  const data = entry.data as Record<string, unknown>;
  const values: Record<string, string> = {
    who,
    fan: entry.fan?.name ?? words.aFan,
    creator: entry.creatorName ?? '',
    platform: typeof data.platform === 'string' ? data.platform : '',
    email: typeof data.email === 'string' ? data.email : '',
    action: entry.action,
  };
  const template = SENTENCES[lang][entry.action] ?? words.other;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The action's name for the filter: its sentence without the actor. */
export function actionLabel(action: string, lang: Lang): string {
  const template = SENTENCES[lang][action];
  if (!template) return action;
  return template
    .replace('{who} ', '')
    .replace(/\{fan\}/g, lang === 'fr' ? 'un fan' : 'a fan')
    .replace(/\{\w+\}/g, '…');
}
