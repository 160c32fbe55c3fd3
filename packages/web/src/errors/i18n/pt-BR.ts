import type { ErrorStrings } from './en.ts';

export const ptBR: ErrorStrings = {
  auth: 'Sua sessão terminou. Entre novamente.',
  loginFailed: 'Falha ao entrar: senha incorreta ou conta desconhecida.',
  wrongRecoveryKey: 'Essa chave de recuperação não pertence a esta conta.',
  wrongCurrentPassword: 'Sua senha atual está incorreta.',
  forbidden: 'Você não tem permissão para fazer isso.',
  notFound: 'Isso não está mais aqui: pode ter sido movido, excluído ou retirado.',
  pathMissing: '{path} não existe.',
  notContact: '{email} não está entre seus contatos.',
  noAccount: 'Nenhuma conta usa {email}.',
  linkRevoked: 'O proprietário revogou este link.',
  linkLimitReached: 'O limite de downloads foi atingido.',
  linkPreviewsUsedUp: 'As prévias gratuitas acabaram; baixe o arquivo para vê-lo.',
  linkGone: 'O que ele aponta foi excluído pelo proprietário.',
  requestClosed: 'fechada pelo proprietário.',
  requestFull: 'já recebeu tudo o que aceita.',
  requestFolderGone: 'a pasta foi excluída pelo proprietário.',
  rateLimited: 'Tentativas demais. Aguarde um minuto e tente novamente.',
  integrity:
    'O Coffer recusou dados que não conferem: podem ter sido adulterados ou danificados. Tente mais tarde.',
  decryption: 'Não foi possível descriptografar: a chave está errada ou os dados foram alterados.',
  connection: 'Não foi possível contatar o servidor. Verifique sua conexão e tente novamente.',
  expired: 'Isto expirou. Recarregue a página e tente novamente.',
  internal: 'Algo deu errado. Recarregue a página e tente novamente.',
};
