import type { Lang } from '$lib/i18n';

// Saved replies screen (issue 22).
const en = {
  nav: 'Saved replies',
  title: 'Saved replies',
  forbidden: 'Only admins and managers manage saved replies.',
  intro:
    'Answers the team inserts in the inbox (type / or Ctrl+K in the reply box). Variables are filled for each conversation: {vars}.',
  creator: 'Creator',
  shared: 'Shared by every creator',
  titleLabel: 'Title',
  body: 'Text',
  lang: 'Language',
  anyLang: 'Any',
  add: 'Add the reply',
  save: 'Save',
  edit: 'Edit',
  cancel: 'Cancel',
  delete: 'Delete',
  confirmDelete: 'Delete this saved reply?',
  added: 'Saved reply added.',
  saved: 'Saved reply changed.',
  deleted: 'Saved reply deleted.',
  none: 'No saved reply yet.',
  failed: 'Not saved: {message}',
  loadFailed: 'The saved replies could not be loaded.',
};

const fr: typeof en = {
  nav: 'Réponses enregistrées',
  title: 'Réponses enregistrées',
  forbidden: 'Seuls les admins et les managers gèrent les réponses enregistrées.',
  intro:
    'Des réponses que l’équipe insère dans la messagerie (tapez / ou Ctrl+K dans la zone de réponse). Les variables sont remplies pour chaque conversation : {vars}.',
  creator: 'Créatrice',
  shared: 'Partagée par toutes les créatrices',
  titleLabel: 'Titre',
  body: 'Texte',
  lang: 'Langue',
  anyLang: 'Toutes',
  add: 'Ajouter la réponse',
  save: 'Enregistrer',
  edit: 'Modifier',
  cancel: 'Annuler',
  delete: 'Supprimer',
  confirmDelete: 'Supprimer cette réponse enregistrée ?',
  added: 'Réponse enregistrée ajoutée.',
  saved: 'Réponse enregistrée modifiée.',
  deleted: 'Réponse enregistrée supprimée.',
  none: 'Aucune réponse enregistrée pour l’instant.',
  failed: 'Non enregistrée : {message}',
  loadFailed: 'Les réponses enregistrées n’ont pas pu être chargées.',
};

export const savedRepliesText: Record<Lang, typeof en> = { en, fr };
export const REPLY_VARIABLES = ['{fan_name}', '{fan_username}', '{creator_name}'];
