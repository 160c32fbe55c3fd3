// Connected apps' own strings, in Brazilian Portuguese.
import type { AppStrings } from './en.ts';

export const ptBR: AppStrings = {
  connectApp: 'Conectar um aplicativo',
  connectIntro:
    'Um aplicativo pede uma das suas pastas. Digite o código que ele mostra. Ele recebe só a chave dessa pasta: nunca sua senha, suas outras pastas ou sua conta.',
  appCodeField: 'Código mostrado pelo aplicativo',
  lookUpCode: 'Continuar',
  badCode:
    'Código: digite as 8 letras que o aplicativo mostra, como BCDF-GHJK (não tem vogais nem números).',
  appAsks: '“{name}” pede para usar uma das suas pastas.',
  appRights: 'Permissões',
  appFingerprint: 'Impressão digital das chaves',
  appFingerprintNote:
    'O aplicativo mostra uma impressão digital ao lado do código. Permita só se for exatamente esta.',
  rights_read: 'Ver e baixar os arquivos da pasta',
  rights_readwrite: 'Ver, baixar, adicionar, alterar e excluir os arquivos da pasta',
  appFolderField: 'Pasta que ele pode usar',
  appFolderNote:
    'O aplicativo vê esta pasta e o que há nela, nada acima nem ao lado. Uma pasta que ainda não existe é criada.',
  appFolderRoot: 'Pasta: escolha uma pasta, não todo o seu espaço.',
  appSuggested: 'O aplicativo sugere {folder}.',
  allowApp: 'Permitir',
  denyApp: 'Recusar',
  appAllowed:
    '“{name}” já pode usar {folder}. Você pode revogá-lo quando quiser em Sessões, em Aplicativos.',
  appDenied: 'Você recusou o pedido de “{name}”.',
  appsHeading: 'Aplicativos',
  appsIntro: 'Os aplicativos que você permitiu, cada um em uma pasta.',
  noApps:
    'Nenhum aplicativo conectado. Um aplicativo que pede acesso mostra um código para digitar em “Conectar um aplicativo”.',
  appColumn: 'Aplicativo',
  appFolder: 'Pasta',
  appAccess: 'Permissões',
  access_read: 'Somente leitura',
  access_readwrite: 'Leitura e escrita',
  appExpires: 'Expira',
  appLastUsed: 'Último uso',
  neverUsed: 'Nunca',
  goneFolder: 'pasta excluída',
  revokeAppTitle: 'Revogar este aplicativo?',
  revokeAppText: '“{name}” para de funcionar na hora e não pode mais abrir {folder}.',
  revokeAppWriterText:
    '“{name}” para de funcionar na hora. Como podia escrever, as chaves da pasta também mudam, para que nada adicionado depois abra para ele.',
  appRevoked: '“{name}” foi revogado: não consegue mais chegar aos seus arquivos.',
  appRevokedRotated:
    '“{name}” foi revogado e {folder} tem novas chaves: nada adicionado lá daqui em diante abre para ele.',
};
