// Links' and file requests' own strings, in Brazilian Portuguese.
import { plurals } from '../../i18n/format.ts';
import type { LinkStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: LinkStrings = {
  getLink: 'Obter link',
  linkDialogTitle: 'Link para {name}',
  linkDialogNote:
    'Qualquer pessoa com o link pode abri-lo, sem conta. A chave está no próprio link, que o Coffer nunca vê.',
  linkPasswordField: 'Senha (opcional)',
  linkExpiryField: 'Expira em (opcional)',
  linkLimitField: 'Limite de downloads (opcional)',
  createLink: 'Criar link',
  linkReady:
    'Seu link está pronto. Copie-o agora: depois que você sair do Coffer, ele não poderá ser mostrado de novo (o Coffer não guarda a chave).',
  linkUrl: 'Link',
  copyLink: 'Copiar link',
  copied: 'Copiado',
  copyFailed: 'Não foi possível copiar. Selecione o link e copie-o você mesmo.',
  badPassword: 'Senha: use pelo menos 6 caracteres, ou deixe em branco.',
  badExpiry: 'Expira em: escolha hoje ou um dia posterior, ou deixe em branco.',
  badLimit: 'Limite de downloads: um número inteiro de 1 a 1.000.000, ou deixe em branco.',
  linksPage: 'Links',
  linksIntro:
    'Os links públicos que você criou. A chave de um link está no endereço e nunca chega ao servidor, então um link só pode ser copiado de novo na aba que o criou; em outro lugar, crie um novo.',
  noLinks: 'Você ainda não criou nenhum link. Use “Obter link” em um arquivo ou pasta.',
  linkItem: 'Item',
  linkCreated: 'Criado em',
  linkExpiry: 'Expira em',
  linkDownloads: 'Downloads',
  linkHasPassword: 'Senha',
  linkState: 'Estado',
  never: 'Nunca',
  yes: 'Sim',
  no: 'Não',
  goneItem: 'item excluído',
  downloadsUsed: plural({ one: '{n} usado', other: '{n} usados' }),
  downloadsLeftShort: plural({ one: '{n} restante', other: '{n} restantes' }),
  noLimit: 'sem limite',
  state_active: 'ativo',
  state_revoked: 'revogado',
  state_expired: 'expirado',
  state_usedUp: 'esgotado',
  copyUnavailable: 'Criado em outra aba: o endereço não é guardado',
  revokeTitle: 'Revogar este link?',
  revokeText: 'Ninguém mais poderá abrir {what} por este link. Isso não pode ser desfeito.',
  previewFree: 'A pré-visualização não gasta nenhum download.',
  previewsUsedUp:
    'As pré-visualizações gratuitas deste link se esgotaram. Baixe o arquivo para vê-lo.',
  limitReached: 'Este link atingiu o limite de downloads.',
  linkRevoked: 'O dono revogou este link.',
  requestFiles: 'Solicitar arquivos',
  requestDialogTitle: 'Solicitar arquivos em {name}',
  requestDialogNote:
    'Quem tiver o link da solicitação pode enviar arquivos para esta pasta, sem conta. O que for enviado é criptografado para você; a pessoa não vê o que há na pasta.',
  createRequest: 'Criar solicitação',
  requestReady: 'Sua solicitação de arquivos está pronta. Envie este link:',
  stopAccepting: 'Não aceitar mais arquivos',
};
